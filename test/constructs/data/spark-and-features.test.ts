import { App, Duration, Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, test } from 'vitest';
import { acknowledgeGrantPolicy } from '../../../constructs/core/compliance';
import {
  EmrRelease,
  FeatureStore,
  FeatureType,
  LakeDatabase,
  SparkPreprocessing,
  StreamingIngestion,
  type FeatureGroupOptions,
} from '../../../constructs/data';
import { USAGE_METADATA_KEY } from '../../../cost/usage-metadata';
import { formatFindings, nagApp, synthFindings, type Finding } from '../../support/nag';
import { EVENT_COLUMNS, lakeStack } from './fixtures';

const CUSTOMER_FEATURES: FeatureGroupOptions = {
  featureGroupName: 'customer-features',
  recordIdentifier: 'customer_id',
  eventTime: 'event_time',
  features: [
    { name: 'customer_id', type: FeatureType.STRING },
    { name: 'event_time', type: FeatureType.FRACTIONAL },
    { name: 'orders_30d', type: FeatureType.INTEGRAL },
    { name: 'spend_30d', type: FeatureType.FRACTIONAL },
  ],
  onlineStore: true,
  onlineRecordTtl: Duration.days(30),
  expectedUsage: {
    writeRequestUnitsPerMonth: 5_000_000,
    readRequestUnitsPerMonth: 20_000_000,
    onlineStorageGb: 2,
  },
};

// One app: Spark and a feature store over the same lake, plus a pipeline role granted both.
const app = nagApp();
const lake = lakeStack(app, 'Data');
const spark = new SparkPreprocessing(lake.stack, 'Spark', {
  vpc: lake.vpc,
  bucket: lake.bucket,
  database: lake.database,
  maxVcpus: 32,
  maxMemory: Size.gibibytes(128),
  expectedUsage: { vcpuHoursPerMonth: 200 },
});
const store = new FeatureStore(lake.stack, 'Features', {
  bucket: lake.bucket,
  database: lake.database,
  featureGroups: [CUSTOMER_FEATURES],
});
store.addFeatureGroup({
  featureGroupName: 'item-features',
  recordIdentifier: 'item_id',
  eventTime: 'event_time',
  features: [
    { name: 'item_id', type: FeatureType.STRING },
    { name: 'event_time', type: FeatureType.STRING },
  ],
});
const pipeline = new iam.Role(lake.stack, 'Pipeline', { assumedBy: new iam.AccountRootPrincipal() });
spark.grantStartJobRun(pipeline);
store.grantIngest(pipeline);
store.grantRead(pipeline, ['customer-features']);
acknowledgeGrantPolicy(pipeline, 'the Spark application, its job role and the feature groups');

let t: Template;
let findings: Finding[];
beforeAll(() => {
  t = Template.fromStack(lake.stack);
  findings = synthFindings(app);
});

describe('SparkPreprocessing', () => {
  test('an EMR Serverless Spark application in the private subnets that starts and stops itself, capped', () => {
    t.hasResourceProperties('AWS::EMRServerless::Application', {
      Type: 'SPARK',
      ReleaseLabel: 'emr-7.9.0',
      AutoStartConfiguration: { Enabled: true },
      AutoStopConfiguration: { Enabled: true, IdleTimeoutMinutes: 15 },
      MaximumCapacity: { Cpu: '32 vCPU', Memory: '128 GB', Disk: '1280 GB' },
      InitialCapacity: Match.absent(),
      NetworkConfiguration: {
        SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
        SecurityGroupIds: [Match.anyValue()],
      },
      MonitoringConfiguration: {
        CloudWatchLoggingConfiguration: Match.objectLike({ Enabled: true, LogGroupName: Match.anyValue() }),
      },
    });
  });

  test('the job logs go to a KMS-encrypted log group', () => {
    t.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('SparkKey'), 'Arn'] },
    });
  });

  test('the job role is for this application only and reaches raw/ and code/ read-only, curated/ read-write', () => {
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'emr-serverless.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('Spark'), 'Arn'] } },
            },
          }),
        ],
      },
    });
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).map((p) =>
      JSON.stringify(p.Properties.PolicyDocument),
    );
    const job = policies.find((p) => p.includes('curated/*') && p.includes('s3:PutObject'))!;
    expect(job).toBeDefined();
    const statements = JSON.parse(job).Statement as Array<{ Action: string | string[]; Resource: unknown }>;
    const put = statements.find((s) => [s.Action].flat().includes('s3:PutObject'))!;
    expect(JSON.stringify(put.Resource)).not.toContain('raw/');
  });

  test('grantStartJobRun: StartJobRun on the application, job runs, and PassRole to EMR Serverless only', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Pipeline') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'emr-serverless:StartJobRun' }),
          Match.objectLike({
            Action: 'iam:PassRole',
            Condition: { StringEquals: { 'iam:PassedToService': 'emr-serverless.amazonaws.com' } },
          }),
        ]),
      },
    });
  });

  test('usage metadata: 200 vCPU-hours and 800 GB-hours a month', () => {
    const app = Object.values(t.findResources('AWS::EMRServerless::Application'))[0];
    expect(app.Metadata[USAGE_METADATA_KEY]).toMatchObject({
      monthlyVcpuHours: 200,
      monthlyMemoryGbHours: 800,
    });
  });
});

describe('FeatureStore', () => {
  test('offline store in the lake under features/ with the lake key, registered in the lake database', () => {
    t.hasResourceProperties('AWS::SageMaker::FeatureGroup', {
      FeatureGroupName: 'customer-features',
      RecordIdentifierFeatureName: 'customer_id',
      EventTimeFeatureName: 'event_time',
      OfflineStoreConfig: {
        S3StorageConfig: {
          S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('Lake') }, '/features/']] },
          KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LakeKey'), 'Arn'] },
        },
        TableFormat: 'Glue',
        DataCatalogConfig: { Catalog: 'AwsDataCatalog', Database: 'ml_lake', TableName: 'customer_features' },
      },
      OnlineStoreConfig: {
        EnableOnlineStore: true,
        SecurityConfig: { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('FeaturesKey'), 'Arn'] } },
        TtlDuration: { Unit: 'Minutes', Value: 43200 },
      },
    });
    t.hasResourceProperties('AWS::SageMaker::FeatureGroup', {
      FeatureGroupName: 'item-features',
      OnlineStoreConfig: Match.absent(),
    });
  });

  test('feature groups wait for the ingestion role policy (CreateFeatureGroup checks the role)', () => {
    for (const group of Object.values(t.findResources('AWS::SageMaker::FeatureGroup'))) {
      expect((group.DependsOn as string[]).some((d) => /FeaturesIngestionRoleDefaultPolicy/.test(d))).toBe(
        true,
      );
    }
  });

  test('grantIngest and grantRead name the feature groups and the online key', () => {
    const policy = Object.values(t.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.Roles).includes('Pipeline'),
    )!;
    const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
    const withAction = (a: string) => statements.filter((st) => [st.Action].flat().includes(a));
    expect(withAction('sagemaker:PutRecord').flatMap((st) => [st.Resource].flat())).toEqual([
      'arn:aws:sagemaker:us-east-1:123456789012:feature-group/customer-features',
      'arn:aws:sagemaker:us-east-1:123456789012:feature-group/item-features',
    ]);
    expect(withAction('sagemaker:GetRecord').flatMap((st) => [st.Resource].flat())).toEqual([
      'arn:aws:sagemaker:us-east-1:123456789012:feature-group/customer-features',
    ]);
    expect(JSON.stringify(withAction('kms:Decrypt'))).toContain('FeaturesKey');
  });

  test('usage metadata of the online group', () => {
    const group = Object.values(t.findResources('AWS::SageMaker::FeatureGroup')).find(
      (g) => g.Properties.FeatureGroupName === 'customer-features',
    )!;
    expect(group.Metadata[USAGE_METADATA_KEY]).toMatchObject({
      monthlyWriteRequestUnits: 5_000_000,
      monthlyReadRequestUnits: 20_000_000,
      storageGb: 2,
    });
  });
});

describe('LakeDatabase', () => {
  test('a Glue database located in the lake', () => {
    t.hasResourceProperties('AWS::Glue::Database', {
      CatalogId: '123456789012',
      DatabaseInput: Match.objectLike({ Name: 'ml_lake', LocationUri: Match.anyValue() }),
    });
  });

  test('importers resolve ARNs', () => {
    const imported = LakeDatabase.fromDatabaseName(lake.stack, 'Imported', 'other_db');
    expect(lake.stack.resolve(imported.tableArn('t'))).toBe(
      'arn:aws:glue:us-east-1:123456789012:table/other_db/t',
    );
  });
});

test('zero unacknowledged findings under AwsSolutions, NIST 800-53 R5 and HIPAA', () => {
  expect(formatFindings(findings)).toBe('');
});

/** A lake bucket imported by name: its key is unknown unless bucketEncryptionKey names it. */
const unknownKeyBucket = (l: ReturnType<typeof lakeStack>) =>
  s3.Bucket.fromBucketName(l.stack, 'ImportedLake', 'ml-lake-imported');
const LAKE_KEY_REQUIRED =
  /bucketEncryptionKey must be the KMS key of the lake bucket \(the bucket was given without one\)/;

describe('bad input', () => {
  const build = (f: (l: ReturnType<typeof lakeStack>) => unknown) => () => f(lakeStack(new App(), 'Bad'));
  test.each<[string, (l: ReturnType<typeof lakeStack>) => unknown, RegExp]>([
    [
      'database name with capitals',
      (l) => new LakeDatabase(l.stack, 'Db', { databaseName: 'MlLake', bucket: l.bucket }),
      /databaseName must be lower-case letters/,
    ],
    [
      'idle timeout over a week',
      (l) =>
        new SparkPreprocessing(l.stack, 'S', { vpc: l.vpc, bucket: l.bucket, idleTimeout: Duration.days(8) }),
      /idleTimeout must be an integer from 1 to 10080, got 11520/,
    ],
    [
      'zero max vCPUs',
      (l) => new SparkPreprocessing(l.stack, 'S', { vpc: l.vpc, bucket: l.bucket, maxVcpus: 0 }),
      /maxVcpus must be an integer from 1 to 400000, got 0/,
    ],
    [
      'worker memory outside its vCPU range',
      (l) =>
        new SparkPreprocessing(l.stack, 'S', {
          vpc: l.vpc,
          bucket: l.bucket,
          preInitializedCapacity: {
            drivers: 1,
            executors: 1,
            workerVcpus: 2,
            workerMemory: Size.gibibytes(32),
          },
        }),
      /preInitializedCapacity.workerMemory must be 4 to 16 GB for 2 vCPU workers, got "32 GB"/,
    ],
    [
      'warm workers above the cap',
      (l) =>
        new SparkPreprocessing(l.stack, 'S', {
          vpc: l.vpc,
          bucket: l.bucket,
          maxVcpus: 8,
          preInitializedCapacity: { drivers: 1, executors: 2 },
        }),
      /preInitializedCapacity must be within maxVcpus \(8\), got "12 vCPUs"/,
    ],
    [
      'negative vCPU-hours',
      (l) =>
        new SparkPreprocessing(l.stack, 'S', {
          vpc: l.vpc,
          bucket: l.bucket,
          expectedUsage: { vcpuHoursPerMonth: -5 },
        }),
      /expectedUsage.vcpuHoursPerMonth must be a number of vCPU-hours, 0 or more, got -5/,
    ],
    ['EMR 5 release', () => EmrRelease.of('emr-5.36.0'), /label must be an EMR Serverless release label/],
    [
      'feature group name with underscore',
      (l) =>
        new FeatureStore(l.stack, 'F', {
          bucket: l.bucket,
          featureGroups: [{ ...CUSTOMER_FEATURES, featureGroupName: 'customer_features' }],
        }),
      /featureGroupName must be 1 to 63 letters, digits and hyphens/,
    ],
    [
      'record identifier not a feature',
      (l) =>
        new FeatureStore(l.stack, 'F', {
          bucket: l.bucket,
          featureGroups: [{ ...CUSTOMER_FEATURES, recordIdentifier: 'id' }],
        }),
      /recordIdentifier must be one of the features/,
    ],
    [
      'integral event time',
      (l) =>
        new FeatureStore(l.stack, 'F', {
          bucket: l.bucket,
          featureGroups: [{ ...CUSTOMER_FEATURES, eventTime: 'orders_30d' }],
        }),
      /eventTime must be a Fractional or String feature/,
    ],
    [
      'reserved feature name',
      (l) =>
        new FeatureStore(l.stack, 'F', {
          bucket: l.bucket,
          featureGroups: [
            {
              ...CUSTOMER_FEATURES,
              features: [...CUSTOMER_FEATURES.features, { name: 'write_time', type: FeatureType.STRING }],
            },
          ],
        }),
      /features\[\].name must be letters, digits/,
    ],
    [
      'TTL without an online store',
      (l) =>
        new FeatureStore(l.stack, 'F', {
          bucket: l.bucket,
          featureGroups: [{ ...CUSTOMER_FEATURES, onlineStore: false }],
        }),
      /onlineRecordTtl must be set only with onlineStore: true/,
    ],
    [
      'the same group twice',
      (l) =>
        new FeatureStore(l.stack, 'F', {
          bucket: l.bucket,
          featureGroups: [CUSTOMER_FEATURES, CUSTOMER_FEATURES],
        }),
      /featureGroupName must be a name not used by another feature group/,
    ],
    [
      'SparkPreprocessing on a lake bucket whose key is unknown',
      (l) => new SparkPreprocessing(l.stack, 'S', { vpc: l.vpc, bucket: unknownKeyBucket(l) }),
      LAKE_KEY_REQUIRED,
    ],
    [
      'FeatureStore on a lake bucket whose key is unknown',
      (l) =>
        new FeatureStore(l.stack, 'F', { bucket: unknownKeyBucket(l), featureGroups: [CUSTOMER_FEATURES] }),
      LAKE_KEY_REQUIRED,
    ],
    [
      'StreamingIngestion on a lake bucket whose key is unknown',
      (l) =>
        new StreamingIngestion(l.stack, 'I', {
          tableName: 'events',
          columns: EVENT_COLUMNS,
          database: l.database,
          bucket: unknownKeyBucket(l),
        }),
      LAKE_KEY_REQUIRED,
    ],
  ])('rejects %s', (_name, f, message) => {
    expect(build(f)).toThrow(message);
  });
});
