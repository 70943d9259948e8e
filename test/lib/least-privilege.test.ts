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

// Issue 15, "Policies": the probe's findings, replayed against the synthesized reference stacks.
// The MlPlatform pack (IamRoleTrustSourceConditions, SnsTopicPolicySourceConditions,
// KmsKeyPolicyPrincipalsScoped, VpcEndpointPolicy, IamNetworkInterfaceScoped) keeps them fixed at
// synth; these tests say what the reference platform looks like.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

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

  test('every trust policy of a service that documents source conditions carries them (flow logs, SageMaker, ECS tasks)', () => {
    const seen = new Set<string>();
    for (const [stack, id, props] of resources('AWS::IAM::Role')) {
      for (const s of statements(props.AssumeRolePolicyDocument)) {
        const documented = services(s).filter((p) => SOURCE_CONDITIONED_TRUST_SERVICES.includes(p));
        documented.forEach((p) => seen.add(p));
        if (documented.length === 0) continue;
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
        const arn = JSON.stringify(s.Condition?.ArnLike?.['aws:SourceArn']);
        expect(arn, `${stack}/${id}`).toMatch(/:rule\/",\{"Ref":"[A-Za-z0-9]+"\}\]/);
      }
    }
  });

  test('the topic key admits the publishing services for SNS topics of this account only', () => {
    for (const [stack, id, props] of resources('AWS::KMS::Key')) {
      for (const s of statements(props.KeyPolicy)) {
        if (!services(s).some((p) => p === 'events.amazonaws.com' || p === 'cloudwatch.amazonaws.com'))
          continue;
        expect(s.Condition, `${stack}/${id}`).toEqual({
          StringLike: {
            'kms:EncryptionContext:aws:sns:topicArn': {
              'Fn::Join': ['', ['arn:aws:sns:us-east-1:', { Ref: 'AWS::AccountId' }, ':*']],
            },
          },
        });
      }
    }
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
    expect(JSON.stringify(published[0].Condition.ArnLike)).toContain('"Ref":"Local');
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
});
