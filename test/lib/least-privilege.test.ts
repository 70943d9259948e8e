import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, test } from 'vitest';
import { topicRuleTarget } from '../../constructs/core/topic-publishers';
import { readPlatformConfig } from '../../lib/config';
import { SOURCE_CONDITIONED_TRUST_SERVICES } from '../../lib/nag/rules/iam/IamRoleTrustSourceConditions';
import { addReferencePlatform } from '../../lib/platform-app';
import { CDK_JSON_CONTEXT, contextApp } from '../support/nag';

/** Logical ids of the training jobs' ECS task execution roles (`<cluster>/<job>/ExecutionRole`). */
const TASK_EXECUTION_ROLE = /ExecutionRole[0-9A-F]{8}$/;

// Issue 15, "Policies": the probe's findings, replayed against the synthesized reference stacks.
// The MlPlatform pack (IamRoleTrustSourceConditions, SnsTopicPolicySourceConditions,
// KmsKeyPolicyPrincipalsScoped, VpcEndpointPolicy, IamNetworkInterfaceScoped) keeps them fixed at
// synth; these tests say what the reference platform looks like.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PUBLISHERS = [
  'budgets.amazonaws.com',
  'cloudwatch.amazonaws.com',
  'costalerts.amazonaws.com',
  'events.amazonaws.com',
];

let templates: [string, Json][];

beforeAll(() => {
  const app = contextApp();
  const stacks = addReferencePlatform(app, readPlatformConfig(CDK_JSON_CONTEXT['cdk-ml-platform']));
  templates = stacks.map((s) => [s.stackName, Template.fromStack(s).toJSON()]);
});

function resources(type: string): [string, string, Json][] {
  return templates.flatMap(([stack, t]) =>
    Object.entries(t.Resources as Json)
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => [stack, id, r.Properties as Json] as [string, string, Json]),
  );
}

function statements(document: Json | undefined): Json[] {
  const s = document?.Statement;
  return s === undefined ? [] : Array.isArray(s) ? s : [s];
}

function services(statement: Json): string[] {
  const s = statement.Principal?.Service;
  return s === undefined ? [] : Array.isArray(s) ? s : [s];
}

function conditionKeys(statement: Json): string[] {
  return Object.values((statement.Condition ?? {}) as Json).flatMap((byKey) => Object.keys(byKey as Json));
}

describe('least privilege in the reference stacks', () => {
  test('every VPC endpoint of a service that takes an endpoint policy has one, and none grants full access', () => {
    const endpoints = resources('AWS::EC2::VPCEndpoint');
    expect(endpoints.length).toBe(2 * 12);
    const unsupported = /\.(ecs|ecs-agent|ecs-telemetry)$/;
    for (const [stack, id, props] of endpoints) {
      const service = JSON.stringify(props.ServiceName);
      if (unsupported.test(String(props.ServiceName))) {
        // ECS: "attaching an endpoint policy to the VPC endpoint isn't currently supported"
        expect(props.PolicyDocument, `${stack}/${id}`).toBeUndefined();
        continue;
      }
      const allows = statements(props.PolicyDocument).filter((s) => s.Effect === 'Allow');
      expect(allows.length, `${stack}/${id} ${service}`).toBeGreaterThan(0);
      for (const s of allows) {
        const unbounded = s.Resource === '*' && conditionKeys(s).length === 0;
        expect(unbounded, `${stack}/${id}: ${JSON.stringify(s)}`).toBe(false);
      }
    }
  });

  test('the S3 gateway endpoint admits this account buckets and the ECR layer and Amazon Linux buckets only', () => {
    const [, , s3] = resources('AWS::EC2::VPCEndpoint').find(([, , p]) => p.VpcEndpointType === 'Gateway')!;
    expect(statements(s3.PolicyDocument)).toEqual([
      expect.objectContaining({
        Action: 's3:*',
        Condition: { StringEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: [
          'arn:aws:s3:::al2023-repos-us-east-1-de612dc2/*',
          'arn:aws:s3:::amazonlinux-2-repos-us-east-1/*',
          'arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*',
        ],
      }),
    ]);
  });

  test('training jobs: the job role trusts ECS tasks under source conditions, the task execution role without (ECS documents none for it)', () => {
    const ecsRoles = resources('AWS::IAM::Role').filter(([, , props]) =>
      statements(props.AssumeRolePolicyDocument).some((s) => services(s).includes('ecs-tasks.amazonaws.com')),
    );
    const execution = ecsRoles.filter(([, id]) => TASK_EXECUTION_ROLE.test(id));
    const job = ecsRoles.filter(([, id]) => !TASK_EXECUTION_ROLE.test(id));
    expect(execution.length).toBeGreaterThan(0);
    expect(job.length).toBeGreaterThan(0);
    for (const [stack, id, props] of execution)
      for (const s of statements(props.AssumeRolePolicyDocument))
        expect(conditionKeys(s), `${stack}/${id}`).toEqual([]);
    for (const [stack, id, props] of job)
      for (const s of statements(props.AssumeRolePolicyDocument))
        expect(conditionKeys(s), `${stack}/${id}`).toEqual(expect.arrayContaining(SOURCE));
  });

  test('every trust policy of a service that documents source conditions carries them (flow logs, SageMaker, ECS tasks)', () => {
    const seen = new Set<string>();
    for (const [stack, id, props] of resources('AWS::IAM::Role')) {
      for (const s of statements(props.AssumeRolePolicyDocument)) {
        const documented = services(s).filter((p) => SOURCE_CONDITIONED_TRUST_SERVICES.includes(p));
        documented.forEach((p) => seen.add(p));
        if (documented.length === 0) continue;
        // Batch jobs' task execution roles: ECS documents no condition for them (see CONTRACTS below).
        if (TASK_EXECUTION_ROLE.test(id) && documented.every((p) => p === 'ecs-tasks.amazonaws.com'))
          continue;
        const keys = conditionKeys(s);
        expect(
          keys.some((k) => ['aws:SourceAccount', 'aws:SourceArn', 'sts:ExternalId'].includes(k)),
          `${stack}/${id} trusts ${documented.join(', ')} without a source condition`,
        ).toBe(true);
      }
    }
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'ecs-tasks.amazonaws.com',
        'sagemaker.amazonaws.com',
        'vpc-flow-logs.amazonaws.com',
      ]),
    );
  });

  test('the alarm topic admits EventBridge for the platform rules only, each by its ARN', () => {
    for (const [stack, id, props] of resources('AWS::SNS::TopicPolicy')) {
      const eventBridge = statements(props.PolicyDocument).filter((s) =>
        services(s).includes('events.amazonaws.com'),
      );
      expect(eventBridge.length, `${stack}/${id}`).toBeGreaterThan(0);
      for (const s of eventBridge) {
        expect(s.Condition?.StringEquals?.['aws:SourceAccount'], `${stack}/${id}`).toEqual({
          Ref: 'AWS::AccountId',
        });
        // the rule's own ARN (Fn::GetAtt Arn), of a rule of the same stack
        const arn = s.Condition?.ArnLike?.['aws:SourceArn'] as Json;
        expect(arn, `${stack}/${id}`).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
        const rule = templates.find(([name]) => name === stack)?.[1].Resources[arn['Fn::GetAtt'][0]];
        expect(rule?.Type, `${stack}/${id}`).toBe('AWS::Events::Rule');
      }
    }
  });

  test('the topic key admits EventBridge by the topic encryption context alone, the other publishers also by account', () => {
    const topicsOfAccount = {
      'kms:EncryptionContext:aws:sns:topicArn': {
        'Fn::Join': ['', ['arn:aws:sns:us-east-1:', { Ref: 'AWS::AccountId' }, ':*']],
      },
    };
    const seen = new Set<string>();
    for (const [stack, id, props] of resources('AWS::KMS::Key')) {
      for (const s of statements(props.KeyPolicy)) {
        const publishers = services(s).filter((p) => PUBLISHERS.includes(p));
        if (publishers.length === 0) continue;
        // one statement per publisher: EventBridge cannot share the source conditions of the others
        expect(publishers, `${stack}/${id}`).toHaveLength(1);
        const [publisher] = publishers;
        seen.add(publisher);
        expect(s.Condition?.StringLike, `${stack}/${id} ${publisher}`).toEqual(topicsOfAccount);
        if (publisher === 'events.amazonaws.com') {
          expect(Object.keys(s.Condition), `${stack}/${id}`).toEqual(['StringLike']);
        } else {
          expect(s.Condition?.StringEquals?.['aws:SourceAccount'], `${stack}/${id} ${publisher}`).toEqual({
            Ref: 'AWS::AccountId',
          });
        }
      }
    }
    expect([...seen].sort()).toEqual(PUBLISHERS);
  });

  test('no key grants everyone without EC2, the account and (for grants) an AWS resource; the data key grants no one', () => {
    for (const [stack, id, props] of resources('AWS::KMS::Key')) {
      for (const s of statements(props.KeyPolicy)) {
        const anyone = s.Principal === '*' || s.Principal?.AWS === '*';
        if (!anyone) continue;
        expect(id, `${stack}: the platform data key must not grant Principal *`).not.toMatch(/^PlatformKey/);
        expect(s.Condition?.StringEquals?.['kms:ViaService']).toBe('ec2.us-east-1.amazonaws.com');
        expect(s.Condition?.StringEquals?.['kms:CallerAccount']).toEqual({ Ref: 'AWS::AccountId' });
        if ([s.Action].flat().includes('kms:CreateGrant')) {
          expect(s.Condition?.Bool?.['kms:GrantIsForAWSResource'], `${stack}/${id}`).toBe('true');
        }
      }
    }
  });

  test('network-interface creation is scoped to EC2 ARNs of the account and region, never Resource *', () => {
    let seen = 0;
    for (const [stack, id, props] of resources('AWS::IAM::Policy')) {
      for (const s of statements(props.PolicyDocument)) {
        if (![s.Action].flat().includes('ec2:CreateNetworkInterface')) continue;
        seen += 1;
        expect(s.Resource, `${stack}/${id}`).not.toBe('*');
        for (const r of [s.Resource].flat())
          expect(JSON.stringify(r), `${stack}/${id}`).toMatch(
            /arn:aws:ec2:us-east-1:.*(AWS::AccountId|123456789012)/,
          );
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});

/**
 * Issue 15, Done when: "No policy statement in the reference stacks grants a service principal without
 * a source condition where the service documents one, and every VPC endpoint has a policy."
 *
 * Every service principal the reference stacks name, by the resource type whose policy names it, with
 * the condition its documentation asks for (any of `anyOf`), the keys it must not carry (`noneOf`), and
 * where that is written. A principal missing from this table fails the walk below: a new one is
 * audited here (and in docs/compliance.md, "Service principals") before it ships.
 */
interface Contract {
  readonly anyOf: readonly string[];
  readonly noneOf?: readonly string[];
  readonly doc: string;
  /** Resources (by logical id) the service documents no condition for, with the reason. */
  readonly except?: { readonly logicalId: RegExp; readonly doc: string };
}
const SOURCE = ['aws:SourceAccount', 'aws:SourceArn'];
const CONTRACTS: Record<string, Record<string, Contract>> = {
  'AWS::IAM::Role': {
    'vpc-flow-logs.amazonaws.com': {
      anyOf: SOURCE,
      doc: 'VPC User Guide, IAM role for publishing flow logs',
    },
    'sagemaker.amazonaws.com': {
      anyOf: SOURCE,
      doc: 'SageMaker Developer Guide, Cross-service confused deputy prevention',
    },
    'ecs-tasks.amazonaws.com': {
      anyOf: SOURCE,
      doc: 'ECS Developer Guide, Amazon ECS task IAM role',
      except: {
        logicalId: TASK_EXECUTION_ROLE,
        doc: 'ECS Developer Guide, Amazon ECS task execution IAM role: a trust policy without conditions',
      },
    },
    'states.amazonaws.com': {
      anyOf: SOURCE,
      doc: 'Step Functions Developer Guide, Prevent cross-service confused deputy issue',
    },
    'events.amazonaws.com': {
      anyOf: SOURCE,
      doc: 'EventBridge User Guide, Cross-service confused deputy prevention',
    },
    'emr-serverless.amazonaws.com': { anyOf: SOURCE, doc: 'EMR Serverless User Guide, Job runtime roles' },
    'firehose.amazonaws.com': {
      anyOf: ['sts:ExternalId'],
      doc: 'Firehose Developer Guide, Grant Firehose access to an Amazon S3 destination',
    },
    'lambda.amazonaws.com': {
      anyOf: [],
      doc: 'Lambda documents aws:SourceArn for the function resource policy only',
    },
    'ec2.amazonaws.com': { anyOf: [], doc: 'EC2 documents no source condition for instance-profile roles' },
  },
  'AWS::KMS::Key': {
    'logs.us-east-1.amazonaws.com': {
      anyOf: ['kms:EncryptionContext:aws:logs:arn'],
      doc: 'CloudWatch Logs User Guide, Encrypt log data in CloudWatch Logs using AWS KMS',
    },
    'cloudwatch.amazonaws.com': {
      anyOf: SOURCE,
      doc: 'SNS Developer Guide, Enable compatibility between event sources from AWS services and encrypted topics',
    },
    'budgets.amazonaws.com': { anyOf: SOURCE, doc: 'SNS Developer Guide, as above' },
    'costalerts.amazonaws.com': { anyOf: SOURCE, doc: 'SNS Developer Guide, as above' },
    'events.amazonaws.com': {
      anyOf: ['kms:EncryptionContext:aws:sns:topicArn'],
      noneOf: [...SOURCE, 'aws:SourceOrgID'],
      doc: 'SNS Developer Guide: source conditions are not supported for EventBridge-to-encrypted topics',
    },
  },
  'AWS::SNS::TopicPolicy': {
    'cloudwatch.amazonaws.com': {
      anyOf: SOURCE,
      doc: 'SNS Developer Guide, aws:SourceAccount versus aws:SourceOwner',
    },
    'events.amazonaws.com': {
      anyOf: ['aws:SourceArn'],
      doc: 'EventBridge User Guide, Amazon SNS permissions',
    },
    'budgets.amazonaws.com': {
      anyOf: SOURCE,
      doc: 'Cost Management User Guide, Creating an Amazon SNS topic for budget notifications',
    },
    'costalerts.amazonaws.com': {
      anyOf: ['aws:SourceAccount'],
      doc: 'Cost Management User Guide, Creating an Amazon SNS topic for anomaly notifications',
    },
  },
  'AWS::S3::BucketPolicy': {
    'logging.s3.amazonaws.com': {
      anyOf: SOURCE,
      doc: 'S3 User Guide, Enabling Amazon S3 server access logging',
    },
  },
  'AWS::Lambda::Permission': {
    'events.amazonaws.com': {
      anyOf: ['SourceArn', 'SourceAccount'],
      doc: 'Lambda Developer Guide, resource-based policies',
    },
  },
};

/** Every policy statement anywhere in a resource's properties (key, topic, bucket, trust and endpoint policies). */
function statementsIn(value: unknown): Json[] {
  if (Array.isArray(value)) return value.flatMap(statementsIn);
  if (value === null || typeof value !== 'object') return [];
  const found = Object.values(value as Json).flatMap(statementsIn);
  const own = (value as Json).Statement;
  return own === undefined ? found : [...found, ...(Array.isArray(own) ? own : [own])];
}

describe('issue 15 Done when, walked over both reference stacks', () => {
  test('every Allow statement for a service principal carries the source condition its service documents', () => {
    const seen: string[] = [];
    for (const [stack, t] of templates) {
      for (const [id, resource] of Object.entries(t.Resources as Json)) {
        const type: string = resource.Type;
        const props = (resource.Properties ?? {}) as Json;
        if (type === 'AWS::Lambda::Permission') {
          const principal = String(props.Principal);
          if (!principal.endsWith('.amazonaws.com')) continue;
          const contract = CONTRACTS[type]?.[principal];
          expect(
            contract,
            `${stack}/${id}: ${principal} on a Lambda permission is not audited`,
          ).toBeDefined();
          seen.push(`${type} ${principal}`);
          expect(
            contract!.anyOf.some((k) => props[k] !== undefined),
            `${stack}/${id}`,
          ).toBe(true);
          continue;
        }
        for (const s of statementsIn(props)) {
          if (s.Effect !== 'Allow') continue;
          for (const service of services(s)) {
            const contract = CONTRACTS[type]?.[service];
            expect(contract, `${stack}/${id}: ${service} in a ${type} policy is not audited`).toBeDefined();
            seen.push(`${type} ${service}`);
            const keys = conditionKeys(s);
            if (contract!.anyOf.length > 0 && !contract!.except?.logicalId.test(id))
              expect(
                contract!.anyOf.some((k) => keys.includes(k)),
                `${stack}/${id}: ${service} without ${contract!.anyOf.join(' or ')} (${contract!.doc})`,
              ).toBe(true);
            for (const k of contract!.noneOf ?? [])
              expect(keys, `${stack}/${id}: ${service} with ${k} (${contract!.doc})`).not.toContain(k);
          }
        }
      }
    }
    // The walk saw the principals the issue names (alarm topic and key, flow logs, SageMaker, ECS tasks).
    expect(new Set(seen)).toEqual(
      new Set(
        Object.entries(CONTRACTS).flatMap(([type, byService]) =>
          Object.keys(byService).map((p) => `${type} ${p}`),
        ),
      ),
    );
  });

  test('every VPC endpoint has a PolicyDocument, unless its service documents no endpoint-policy support (ECS)', () => {
    let seen = 0;
    for (const [stack, id, props] of resources('AWS::EC2::VPCEndpoint')) {
      seen += 1;
      const service = JSON.stringify(props.ServiceName);
      if (/\.ecs(-agent|-telemetry)?"$/.test(service)) continue;
      expect(props.PolicyDocument, `${stack}/${id} ${service}`).toBeDefined();
    }
    expect(seen).toBe(24);
  });

  test('docs/compliance.md lists every audited service principal with its condition and documentation', () => {
    const doc = readFileSync(join(__dirname, '../../docs/compliance.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### Service principals'));
    for (const [type, byService] of Object.entries(CONTRACTS))
      for (const service of Object.keys(byService)) {
        const row = section
          .split('\n')
          .find((l) => l.includes(`\`${service}\``) && l.includes(`\`${type}\``));
        expect(row, `docs/compliance.md: no row for ${service} in ${type}`).toBeDefined();
      }
  });
});

describe('topicRuleTarget', () => {
  test('a rule in the topic stack is admitted by its own ARN; one in another stack by account and region', () => {
    // GIVEN
    const app = new App();
    const home = new Stack(app, 'Home', { env: { region: 'eu-west-1' } });
    const topic = new sns.Topic(home, 'Topic');
    const pattern = { source: ['aws.batch'] };
    // WHEN
    new events.Rule(home, 'Local', { eventPattern: pattern, targets: [topicRuleTarget(topic)] });
    new events.Rule(new Stack(app, 'Other', { env: { region: 'eu-west-1' } }), 'Remote', {
      eventPattern: pattern,
      targets: [topicRuleTarget(topic)],
    });
    // THEN
    const policy = Template.fromStack(home).findResources('AWS::SNS::TopicPolicy');
    const published = statements(Object.values(policy)[0].Properties.PolicyDocument);
    expect(published).toHaveLength(2);
    expect(published[0].Condition.ArnLike).toEqual({
      'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(/^Local/), 'Arn'] },
    });
    expect(published[1].Condition.ArnLike).toEqual({
      'aws:SourceArn': {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:', { Ref: 'AWS::AccountId' }, ':rule/*'],
        ],
      },
    });
    expect(JSON.stringify(published)).not.toMatch(/"Condition":null/);
    Template.fromStack(home).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Condition: Match.anyValue() })]) },
    });
  });

  test('a rule on a custom event bus is admitted by its ARN, rule/<bus>/<name> (was: the default-bus rule/<name>, so SNS dropped its events)', () => {
    // GIVEN a rule on a custom bus; the Service Authorization Reference lists rule-on-custom-event-bus as
    // arn:${Partition}:events:${Region}:${Account}:rule/${EventBusName}/${RuleName}
    const app = new App();
    const stack = new Stack(app, 'Bus', { env: { region: 'eu-west-1' } });
    const topic = new sns.Topic(stack, 'Topic');
    const bus = new events.EventBus(stack, 'Training', { eventBusName: 'training' });
    // WHEN
    const rule = new events.Rule(stack, 'OnBus', {
      eventBus: bus,
      eventPattern: { source: ['ml.training'] },
      targets: [topicRuleTarget(topic)],
    });
    // THEN the condition is the rule's Arn attribute, which CloudFormation resolves to the bus-qualified
    // ARN, and the template has no dependency cycle (Template.fromStack checks for one)
    const template = Template.fromStack(stack);
    const ruleId = stack.getLogicalId(rule.node.defaultChild as events.CfnRule);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } },
            },
          }),
        ]),
      },
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/:rule\/",\{"Ref":"/);
  });
});
