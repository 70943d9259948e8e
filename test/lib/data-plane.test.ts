import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { estimate } from '../../cost';
import type { CostReport } from '../../cost/types';
import { readPlatformConfig } from '../../lib/config';
import { addReferencePlatform } from '../../lib/platform-app';
import { DeployPreflightChecks } from '../../lib/preflight';
import type { MlPlatformStack } from '../../lib/platform-stack';
import { CDK_JSON_CONTEXT, contextApp, formatFindings, synthFindings, type Finding } from '../support/nag';

// The reference app is synthesized once: dev and prod, every rule pack registered by the app.
let stacks: MlPlatformStack[];
let templates: Record<string, Template>;
let reports: Record<string, CostReport>;
let findings: Finding[];
let preflight: string[];

beforeAll(() => {
  const app = contextApp();
  stacks = addReferencePlatform(app, readPlatformConfig(CDK_JSON_CONTEXT['cdk-ml-platform']));
  templates = Object.fromEntries(stacks.map((s) => [s.preset.name, Template.fromStack(s)]));
  reports = Object.fromEntries(
    stacks.map((s) => [
      s.preset.name,
      estimate(
        { template: templates[s.preset.name].toJSON(), stackName: s.stackName },
        { region: 'us-east-1', generatedAt: '2026-01-01T00:00:00Z' },
      ),
    ]),
  );
  // The deploy-preflight pack reads the synthesized stacks directly (it is not registered on the
  // reference app yet): its findings under DataPlane/ are the data plane's.
  preflight = stacks.flatMap((s) =>
    new DeployPreflightChecks()
      .validateScope(s)
      .violations.flatMap((v) =>
        v.violatingResources.map((r) => `${v.ruleName} at ${r.locations.join(',')} ${r.resourceLogicalId}`),
      ),
  );
  findings = synthFindings(app);
});

describe.each(['dev', 'prod'])('the reference %s stack has a data plane', (env) => {
  test('a KMS-encrypted on-demand Kinesis stream', () => {
    templates[env].hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS' },
    });
  });

  test('Firehose writes Parquet through the Glue table into raw/events/ of the lake', () => {
    templates[env].hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: {
        Prefix:
          'raw/events/dt=!{timestamp:yyyy}-!{timestamp:MM}-!{timestamp:dd}/event_type=!{partitionKeyFromQuery:event_type}/',
        DataFormatConversionConfiguration: {
          SchemaConfiguration: { DatabaseName: `ml_platform_${env}_lake`, TableName: 'events' },
        },
      },
    });
    templates[env].hasResourceProperties('AWS::Glue::Table', { TableInput: { Name: 'events' } });
  });

  test('an EMR Serverless application in the VPC that stops itself', () => {
    templates[env].hasResourceProperties('AWS::EMRServerless::Application', {
      AutoStartConfiguration: { Enabled: true },
      AutoStopConfiguration: { Enabled: true, IdleTimeoutMinutes: 15 },
    });
    const app = Object.values(templates[env].findResources('AWS::EMRServerless::Application'))[0];
    expect(app.Properties.NetworkConfiguration.SubnetIds.length).toBeGreaterThanOrEqual(2);
  });

  test('a feature group with KMS on the offline store (and the online store in prod)', () => {
    const group = Object.values(templates[env].findResources('AWS::SageMaker::FeatureGroup'))[0];
    expect(group.Properties.OfflineStoreConfig.S3StorageConfig.KmsKeyId).toBeDefined();
    if (env === 'prod') expect(group.Properties.OnlineStoreConfig.SecurityConfig.KmsKeyId).toBeDefined();
    else expect(group.Properties.OnlineStoreConfig).toBeUndefined();
  });

  test('the ingestion alarms notify the platform topic', () => {
    const alarms = Object.values(templates[env].findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      [
        'DeliveryToS3.DataFreshness',
        'FailedConversion.Records',
        'GetRecords.IteratorAgeMilliseconds',
      ].includes(a.Properties.MetricName),
    );
    expect(alarms).toHaveLength(3);
    for (const a of alarms) expect(a.Properties.AlarmActions).toHaveLength(1);
  });

  test('the cost report prices Kinesis, Firehose and EMR Serverless with expected figures from usage metadata', () => {
    const stack = reports[env].stacks[0];
    const byType = (type: string) => stack.lines.filter((l) => l.resourceType === type);
    for (const type of [
      'AWS::Kinesis::Stream',
      'AWS::KinesisFirehose::DeliveryStream',
      'AWS::EMRServerless::Application',
    ]) {
      const ls = byType(type);
      expect(ls.length, type).toBeGreaterThan(0);
      expect(
        ls.some((l) => l.usageSource === 'usage-metadata' && l.monthly.expected > 0),
        type,
      ).toBe(true);
    }
    // The monitoring schedule waits for the catalog's Processing rate (cost/catalog/KEYS.md).
    expect(
      stack.unpriced.filter((u) => !/^no Processing:ml\./.test(u.reason)).map((u) => u.resourceType),
    ).toEqual(['AWS::SageMaker::FeatureGroup']);
  });
});

test('dev vs prod: the data plane scales with the preset (expected and max)', () => {
  const sum = (env: string, type: string, s: 'expected' | 'max') =>
    reports[env].stacks[0].lines.filter((l) => l.resourceType === type).reduce((a, l) => a + l.monthly[s], 0);
  expect(sum('prod', 'AWS::KinesisFirehose::DeliveryStream', 'expected')).toBeGreaterThan(
    sum('dev', 'AWS::KinesisFirehose::DeliveryStream', 'expected'),
  );
  expect(sum('prod', 'AWS::EMRServerless::Application', 'max')).toBeGreaterThan(
    sum('dev', 'AWS::EMRServerless::Application', 'max'),
  );
});

test('zero unacknowledged findings in every pack the reference app registers, with the data plane in', () => {
  expect(formatFindings(findings)).toBe('');
});

test('no deploy-preflight finding in the data plane', () => {
  expect(preflight.filter((f) => /DataPlane/.test(f))).toEqual([]);
});
