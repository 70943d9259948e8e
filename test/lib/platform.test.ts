import { readFileSync, rmSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { PATH_METADATA_ENABLE_CONTEXT } from 'aws-cdk-lib/cx-api';
import { COMPLIANCE_PACKS, compliancePacksOf } from '../../constructs/core/compliance';
import { readPlatformConfig } from '../../lib/config';
import { addReferencePlatform } from '../../lib/platform-app';
import { MlPlatformStack } from '../../lib/platform-stack';
import { writeSynthReports } from '../../lib/synth-reports';
import { CDK_JSON_CONTEXT, contextApp, formatFindings, synthFindings, type Finding } from '../support/nag';
import {
  collectAcknowledgments,
  COMPLIANCE_DOC,
  currentSecurityBlock,
  renderSecurityTable,
} from '../../scripts/docs/security-doc';
import { currentSynthSample, README, renderSynthSample } from '../../scripts/docs/synth-sample';
import { expectValidationError } from '../support/validation';
import type { CostReport } from '../../cost/types';

// The reference platform is synthesized once for the whole file: it is the slowest fixture.
let findings: Finding[];
let dev: Template;
let prod: Template;
let stacks: MlPlatformStack[];
let app: App;
/** What the synth step printed (compliance line and cost summary). */
let printed: string;
/** The cost report the synth step wrote. */
let costReport: CostReport | undefined;

beforeAll(() => {
  // addReferencePlatform registers the packs itself; path metadata on, as `cdk synth` sets it
  app = contextApp({ context: { [PATH_METADATA_ENABLE_CONTEXT]: true } });
  stacks = addReferencePlatform(app, readPlatformConfig(CDK_JSON_CONTEXT['cdk-ml-platform']));
  dev = Template.fromStack(stacks[0]);
  prod = Template.fromStack(stacks[1]);
  findings = synthFindings(app, (assembly) => {
    const reports = writeSynthReports(app, assembly, compliancePacksOf(app));
    printed = reports.summary;
    costReport = reports.costReport;
  });
});

describe('reference platform', () => {
  test('synthesizes a dev and a prod stack, account-agnostic, in us-east-1', () => {
    expect(stacks.map((s) => s.stackName)).toEqual(['MlPlatform-dev', 'MlPlatform-prod']);
    for (const stack of stacks) {
      expect(stack.region).toBe('us-east-1');
      expect(stack.account).toMatch(/^\$\{Token/);
    }
  });

  test.each([...COMPLIANCE_PACKS, 'MlPlatform', 'DeployPreflight'])(
    'zero unacknowledged %s findings',
    (pack) => {
      expect(formatFindings(findings.filter((f) => f.pack === pack))).toBe('');
    },
  );

  test('no finding from any other validation plugin (CloudFormation validation included)', () => {
    expect(formatFindings(findings)).toBe('');
  });

  test('prod has more NAT gateways than dev', () => {
    const count = (t: Template) => Object.keys(t.findResources('AWS::EC2::NatGateway')).length;
    expect(count(dev)).toBe(1);
    expect(count(prod)).toBeGreaterThan(count(dev));
  });

  test.each([
    ['dev', () => dev],
    ['prod', () => prod],
  ])(
    '%s: every bucket encrypted (KMS, or SSE-S3 for the access-log bucket), public access blocked',
    (_n, t) => {
      for (const [id, bucket] of Object.entries(t().findResources('AWS::S3::Bucket'))) {
        const sse =
          bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]
            .ServerSideEncryptionByDefault.SSEAlgorithm;
        expect([id, sse]).toEqual([id, id.includes('AccessLogs') ? 'AES256' : 'aws:kms']);
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
      }
    },
  );

  test.each([
    ['dev', () => dev],
    ['prod', () => prod],
  ])(
    '%s: every KMS key rotates, every VPC has flow logs, ≥ 4 interface endpoints and an S3 gateway',
    (_n, t) => {
      t().allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      expect(Object.keys(t().findResources('AWS::EC2::VPC')).length).toBe(
        Object.keys(t().findResources('AWS::EC2::FlowLog')).length,
      );
      const endpoints = Object.values(t().findResources('AWS::EC2::VPCEndpoint'));
      expect(
        endpoints.filter((e) => e.Properties.VpcEndpointType === 'Interface').length,
      ).toBeGreaterThanOrEqual(4);
      expect(endpoints.filter((e) => e.Properties.VpcEndpointType === 'Gateway').length).toBe(1);
    },
  );

  test('prod locks model artifacts; dev does not', () => {
    expect(
      Object.keys(prod.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } })),
    ).toHaveLength(1);
    expect(
      Object.keys(dev.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } })),
    ).toHaveLength(0);
  });
});

/** Every `{Ref}`/`{Fn::GetAtt}` target named anywhere in a value. */
function referencedIds(value: unknown): string[] {
  const json = JSON.stringify(value ?? null);
  return [...json.matchAll(/"(?:Ref|Fn::GetAtt)":\s*\[?"([A-Za-z0-9]+)"/g)].map((m) => m[1]);
}

describe('MLOps loop (issue 20)', () => {
  const resourcesOf = (t: Template, type: string) => Object.entries(t.findResources(type));

  test.each([
    ['dev', () => dev],
    ['prod', () => prod],
  ])(
    '%s: a model package group, a rollout started by approvals, a retraining state machine on the training queue',
    (_, t) => {
      const template = t();
      expect(resourcesOf(template, 'AWS::SageMaker::ModelPackageGroup')).toHaveLength(1);
      const approval = resourcesOf(template, 'AWS::Events::Rule').find(([, r]) =>
        r.Properties.EventPattern?.detail?.ModelApprovalStatus?.includes('Approved'),
      );
      expect(approval?.[1].Properties.Targets[0].Arn).toEqual({
        Ref: expect.stringMatching(/^MlopsRolloutWorkflow/),
      });
      const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine');
      const retraining = machines.find(([id]) => id.startsWith('MlopsRetrainingWorkflow'));
      const definition = JSON.stringify(retraining?.[1].Properties.DefinitionString);
      expect(definition).toContain(':states:::batch:submitJob.sync');
      expect(definition).toContain('TrainingSpotQueue');
      expect(definition).toContain(':states:::aws-sdk:sagemaker:createModelPackage');
    },
  );

  test('dev registers approved models weekly (auto-approve); prod registers them pending a reviewer, on drift', () => {
    const register = (t: Template) =>
      JSON.stringify(
        resourcesOf(t, 'AWS::StepFunctions::StateMachine').find(([id]) =>
          id.startsWith('MlopsRetrainingWorkflow'),
        )?.[1].Properties.DefinitionString,
      );
    expect(register(dev)).toContain('\\"ModelApprovalStatus\\":\\"Approved\\"');
    expect(register(prod)).toContain('\\"ModelApprovalStatus\\":\\"PendingManualApproval\\"');
    const rules = (t: Template) => resourcesOf(t, 'AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(rules(dev).some((r) => r.ScheduleExpression === 'rate(7 days)')).toBe(true);
    expect(
      rules(prod).some((r) => r.EventPattern?.['detail-type']?.[0] === 'CloudWatch Alarm State Change'),
    ).toBe(true);
  });

  test('prod monitors the real-time endpoint capture with drift alarms on the alarm topic; dev (async) has no schedule', () => {
    expect(resourcesOf(dev, 'AWS::SageMaker::MonitoringSchedule')).toHaveLength(0);
    const [[, schedule]] = resourcesOf(prod, 'AWS::SageMaker::MonitoringSchedule');
    expect(schedule.Properties.EndpointName).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^Inference/), 'EndpointName'],
    });
    const drift = resourcesOf(prod, 'AWS::CloudWatch::Alarm').filter(([, a]) =>
      String(a.Properties.MetricName).startsWith('feature_baseline_drift_'),
    );
    expect(drift).toHaveLength(4);
    for (const [, alarm] of drift) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmTopic/) }]);
    }
  });

  test('the cost report prices the monitoring schedule, or names the missing Processing rate', () => {
    const report = costReport!;
    const prodReport = report.stacks.find((s) => s.stackName === 'MlPlatform-prod')!;
    const priced = prodReport.lines.some((l) => l.resourceType === 'AWS::SageMaker::MonitoringSchedule');
    const unpriced = prodReport.unpriced.filter(
      (u) => u.resourceType === 'AWS::SageMaker::MonitoringSchedule',
    );
    expect(priced || unpriced.every((u) => u.reason.includes('no Processing:ml.m5.large price'))).toBe(true);
    expect(priced ? unpriced : unpriced.length).toEqual(priced ? [] : 1);
    // The state machines are priced lines (state transitions from usage metadata).
    expect(
      prodReport.lines.filter((l) => l.resourceType === 'AWS::StepFunctions::StateMachine').length,
    ).toBeGreaterThanOrEqual(3);
  });
});

describe('deployable on a fresh account', () => {
  const both = [
    ['dev', () => dev],
    ['prod', () => prod],
  ] as const;

  test.each(both)(
    '%s: no SageMaker model depends on an image or artifact in a repository or bucket this stack creates (it would be empty: CreateModel fails)',
    (_n, t) => {
      const created = new Set([
        ...Object.keys(t().findResources('AWS::ECR::Repository')),
        ...Object.keys(t().findResources('AWS::S3::Bucket')),
      ]);
      const models = Object.entries(t().findResources('AWS::SageMaker::Model'));
      expect(models.length).toBeGreaterThan(0);
      for (const [id, model] of models) {
        const container = model.Properties.PrimaryContainer;
        const refs = [...referencedIds(container.Image), ...referencedIds(container.ModelDataUrl)];
        expect([id, refs.filter((r) => created.has(r))]).toEqual([id, []]);
        // The reference model: a bootstrap-bucket asset on the region's PyTorch Deep Learning Container.
        expect(JSON.stringify(container.Image)).toContain('763104351884.dkr.ecr.us-east-1.');
        expect(JSON.stringify(container.ModelDataUrl)).toMatch(/cdk-hnb659fds-assets|\.tar\.gz/);
        expect(container.Environment).toMatchObject({ SAGEMAKER_PROGRAM: 'inference.py' });
      }
    },
  );

  test.each(both)(
    '%s: every alarm topic admits cloudwatch.amazonaws.com in its topic policy (enforceSSL replaces the default policy)',
    (_n, t) => {
      const topicPolicies = Object.values(t().findResources('AWS::SNS::TopicPolicy'));
      const alarms = Object.values(t().findResources('AWS::CloudWatch::Alarm'));
      const notified = new Set(
        alarms.flatMap((a) =>
          [...(a.Properties.AlarmActions ?? []), ...(a.Properties.OKActions ?? [])]
            .map((x: { Ref?: string }) => x.Ref)
            .filter((r: string | undefined): r is string => r !== undefined && !!t().toJSON().Resources[r]),
        ),
      );
      const snsTopics = [...notified].filter((r) => t().toJSON().Resources[r].Type === 'AWS::SNS::Topic');
      expect(snsTopics.length).toBeGreaterThan(0);
      for (const topic of snsTopics) {
        const policy = topicPolicies.find((p) => referencedIds(p.Properties.Topics).includes(topic));
        expect(policy, topic).toBeDefined();
        const admits = policy!.Properties.PolicyDocument.Statement.some(
          (st: { Effect: string; Principal?: { Service?: string }; Action: string }) =>
            st.Effect === 'Allow' &&
            st.Principal?.Service === 'cloudwatch.amazonaws.com' &&
            st.Action === 'sns:Publish',
        );
        expect([topic, admits]).toEqual([topic, true]);
      }
    },
  );

  test.each(both)(
    '%s: model execution roles may cloudwatch:DescribeAlarms the rollback alarms (SageMaker auto-rollback reads them with that role)',
    (_n, t) => {
      const endpoint = Object.values(t().findResources('AWS::SageMaker::Endpoint'))[0];
      const names: string[] = endpoint.Properties.DeploymentConfig.AutoRollbackConfiguration.Alarms.map(
        (a: { AlarmName: string }) => a.AlarmName,
      );
      expect(names.length).toBeGreaterThan(0);
      const policies = JSON.stringify(t().findResources('AWS::IAM::Policy'));
      for (const name of names) expect(policies).toContain(`:alarm:${name}`);
      expect(policies).toContain('cloudwatch:DescribeAlarms');
    },
  );

  test.each(both)(
    "%s: canary at most half of each variant's instances; config updates keep autoscaled instance counts (RetainAllVariantProperties)",
    (name, t) => {
      const endpoint = Object.values(t().findResources('AWS::SageMaker::Endpoint'))[0];
      const routing = endpoint.Properties.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration;
      // dev: an async endpoint that scales to zero (≤ 1 instance): all at once; prod: min 2 per variant, 10% canary.
      expect(routing.Type).toBe(name === 'dev' ? 'ALL_AT_ONCE' : 'CANARY');
      expect(endpoint.Properties.RetainAllVariantProperties).toBe(true);
      expect(endpoint.Properties.ExcludeRetainedVariantProperties).toEqual([
        { VariantPropertyType: 'DesiredWeight' },
      ]);
    },
  );

  test('dev (async): no alarm reads a metric async endpoints never publish (Invocations, InvocationsPerInstance, InvocationModelErrors)', () => {
    const json = JSON.stringify(dev.findResources('AWS::CloudWatch::Alarm'));
    for (const metric of ['Invocations', 'InvocationsPerInstance', 'InvocationModelErrors']) {
      expect(json).not.toContain(`"MetricName":"${metric}"`);
    }
  });

  test('in us-east-1 the anomaly monitor stays in the platform stack; no companion stack', () => {
    expect(Object.keys(dev.findResources('AWS::CE::AnomalyMonitor'))).toHaveLength(1);
    expect(stacks.every((st) => st.costAnomalyStack === undefined)).toBe(true);
  });
});

test('a platform configured for eu-west-1: no AWS::CE::* outside us-east-1; the monitor gets a us-east-1 stack the platform depends on; the budget stays', () => {
  // GIVEN
  const euApp = contextApp();
  const [platform] = addReferencePlatform(
    euApp,
    readPlatformConfig({ region: 'eu-west-1', presets: ['dev'], alarmEmails: ['ml-oncall@example.com'] }),
  );
  // WHEN
  const assembly = euApp.synth({ validateOnSynthesis: false });
  // THEN
  const stacksByRegion = assembly.stacks.map((st) => ({
    name: st.stackName,
    region: st.environment.region,
    types: Object.values((st.template as { Resources: Record<string, { Type: string }> }).Resources).map(
      (r) => r.Type,
    ),
  }));
  for (const st of stacksByRegion.filter((x) => x.region !== 'us-east-1')) {
    expect([st.name, st.types.filter((type) => type.startsWith('AWS::CE::'))]).toEqual([st.name, []]);
  }
  const companion = stacksByRegion.find((x) => x.name === 'MlPlatform-dev-CostAnomalies');
  expect(companion?.region).toBe('us-east-1');
  expect(companion?.types).toEqual(
    expect.arrayContaining(['AWS::CE::AnomalyMonitor', 'AWS::CE::AnomalySubscription', 'AWS::SNS::Topic']),
  );
  expect(platform.dependencies.map((d) => d.stackName)).toContain('MlPlatform-dev-CostAnomalies');
  expect(stacksByRegion.find((x) => x.name === 'MlPlatform-dev')?.types).toContain('AWS::Budgets::Budget');
  rmSync(euApp.outdir, { recursive: true, force: true });
});

test('the second step: with model set, every variant serves your image and artifact (from a bucket the stack does not create)', () => {
  // GIVEN
  const own = new App({ context: CDK_JSON_CONTEXT });
  const stack = new MlPlatformStack(own, 'Own', {
    preset: 'prod',
    env: { region: 'us-east-1' },
    model: {
      imageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4.0',
      modelDataUrl: 's3://ml-platform-models/models/churn/1.4.0/model.tar.gz',
      environment: { MODEL_NAME: 'churn' },
    },
  });
  // WHEN
  const models = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::Model'));
  // THEN
  expect(models).toHaveLength(2);
  for (const model of models) {
    expect(model.Properties.PrimaryContainer).toMatchObject({
      Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4.0',
      ModelDataUrl: 's3://ml-platform-models/models/churn/1.4.0/model.tar.gz',
      Environment: { MODEL_NAME: 'churn' },
    });
  }
  rmSync(own.outdir, { recursive: true, force: true });
});

test('an unknown preset name is rejected', () => {
  expectValidationError(
    (stack) => new MlPlatformStack(stack, 'P', { preset: 'staging' as 'dev' }),
    'preset must be one of dev, prod or a PlatformPreset object, got "staging"',
  );
});

test('a user stack composes the platform under its own app', () => {
  const app = new App({ context: CDK_JSON_CONTEXT });
  const stack = new MlPlatformStack(app, 'Team-ml', { preset: 'dev', env: { region: 'eu-west-1' } });
  expect(stack.network.vpc).toBeDefined();
  expect(stack.dataStore.checkpoints).toBeDefined();
});

test('docs/compliance.md lists every acknowledged finding, where and why (npm run docs regenerates it)', () => {
  const doc = readFileSync(COMPLIANCE_DOC, 'utf8');
  const rows = collectAcknowledgments(app);
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row.reason.length).toBeGreaterThanOrEqual(20);
  expect(currentSecurityBlock(doc), 'docs/compliance.md is stale: run npm run docs').toBe(
    renderSecurityTable(rows),
  );
});

test("the README's sample synth output is what the reference platform prints (npm run docs regenerates it)", () => {
  expect(printed).toMatch(/^Compliance: AwsSolutions 0 findings/);
  expect(printed).toContain('MlPlatform-prod (us-east-1):');
  expect(currentSynthSample(readFileSync(README, 'utf8')), 'README.md is stale: run npm run docs').toBe(
    renderSynthSample(printed),
  );
});
