import { Duration, Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { beforeAll, describe, expect, test } from 'vitest';
import { IngestionSource, StreamingIngestion } from '../../../constructs/data';
import { USAGE_METADATA_KEY } from '../../../cost/usage-metadata';
import { formatFindings, nagApp, synthFindings, type Finding } from '../../support/nag';
import { EVENT_COLUMNS, lakeStack } from './fixtures';

// One app for the file: Kinesis (defaults + partition keys) and MSK Serverless sources side by side.
const app = nagApp();
const kin = lakeStack(app, 'Kinesis');
const ingestion = new StreamingIngestion(kin.stack, 'Events', {
  tableName: 'events',
  columns: EVENT_COLUMNS,
  partitionKeys: ['source'],
  database: kin.database,
  bucket: kin.bucket,
  expectedGbPerDay: 10,
  averageRecordSize: Size.kibibytes(2),
  backupSourceRecords: true,
  alarmTopic: kin.topic,
});
const mskLake = lakeStack(app, 'Msk');
const fromMsk = new StreamingIngestion(mskLake.stack, 'Clicks', {
  tableName: 'clicks',
  columns: EVENT_COLUMNS,
  database: mskLake.database,
  bucket: mskLake.bucket,
  source: IngestionSource.mskServerless({ vpc: mskLake.vpc, topicName: 'clicks' }),
  alarmTopic: mskLake.topic,
});

let t: Template;
let m: Template;
let findings: Finding[];
beforeAll(() => {
  t = Template.fromStack(kin.stack);
  m = Template.fromStack(mskLake.stack);
  findings = synthFindings(app);
});

describe('StreamingIngestion (Kinesis source)', () => {
  test('an on-demand Kinesis stream encrypted with a customer-managed key', () => {
    t.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: {
        EncryptionType: 'KMS',
        KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('EventsKey'), 'Arn'] },
      },
      RetentionPeriodHours: 24,
    });
  });

  test('Firehose reads the stream and writes Parquet, dynamically partitioned by day and source, SSE-KMS', () => {
    t.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'KinesisStreamAsSource',
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix:
          'raw/events/dt=!{timestamp:yyyy}-!{timestamp:MM}-!{timestamp:dd}/source=!{partitionKeyFromQuery:source}/',
        ErrorOutputPrefix:
          'errors/events/!{firehose:error-output-type}/dt=!{timestamp:yyyy}-!{timestamp:MM}-!{timestamp:dd}/',
        BufferingHints: { SizeInMBs: 128, IntervalInSeconds: 300 },
        CompressionFormat: 'UNCOMPRESSED',
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: Match.anyValue() } },
        DataFormatConversionConfiguration: Match.objectLike({
          Enabled: true,
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
          SchemaConfiguration: Match.objectLike({
            DatabaseName: 'ml_lake',
            TableName: 'events',
            VersionId: 'LATEST',
          }),
        }),
        DynamicPartitioningConfiguration: { Enabled: true, RetryOptions: { DurationInSeconds: 300 } },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'MetadataExtraction',
              Parameters: [
                { ParameterName: 'MetadataExtractionQuery', ParameterValue: '{source: .source}' },
                { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
              ],
            },
          ],
        },
        S3BackupMode: 'Enabled',
        CloudWatchLoggingOptions: {
          Enabled: true,
          LogGroupName: Match.anyValue(),
          LogStreamName: Match.anyValue(),
        },
      }),
    });
  });

  test('the Glue table is Parquet with projected dt and injected partition keys, under raw/events/', () => {
    t.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'ml_lake',
      TableInput: Match.objectLike({
        Name: 'events',
        PartitionKeys: [Match.objectLike({ Name: 'dt' }), Match.objectLike({ Name: 'source' })],
        Parameters: Match.objectLike({
          classification: 'parquet',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.source.type': 'injected',
        }),
        StorageDescriptor: Match.objectLike({
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          Columns: Match.arrayWith([{ Name: 'amount', Type: 'decimal(12,2)' }]),
        }),
      }),
    });
  });

  test('Firehose is created after its role policy and the table (create-time checks)', () => {
    const stream = Object.values(t.findResources('AWS::KinesisFirehose::DeliveryStream'))[0];
    const dependsOn = stream.DependsOn as string[];
    expect(dependsOn.some((d) => /EventsDeliveryRoleDefaultPolicy/.test(d))).toBe(true);
    expect(dependsOn.some((d) => /EventsTable/.test(d))).toBe(true);
  });

  test('the role trusts Firehose for this account only and reads the Glue table', () => {
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'firehose.amazonaws.com' },
            Condition: { StringEquals: { 'sts:ExternalId': '123456789012' } },
          }),
        ],
      },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
          }),
          Match.objectLike({
            Action: [
              'kinesis:DescribeStream',
              'kinesis:GetRecords',
              'kinesis:GetShardIterator',
              'kinesis:ListShards',
            ],
          }),
          Match.objectLike({
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
          }),
        ]),
      },
    });
  });

  test('four alarms (iterator age, throttling, freshness, failed conversions) notify the topic', () => {
    expect(ingestion.alarms).toHaveLength(4);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeliveryToS3.DataFreshness',
      Namespace: 'AWS/Firehose',
      Threshold: 900,
      AlarmActions: ['arn:aws:sns:us-east-1:123456789012:ml-alarms'],
      OKActions: ['arn:aws:sns:us-east-1:123456789012:ml-alarms'],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'GetRecords.IteratorAgeMilliseconds',
      Threshold: 900000,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'FailedConversion.Records' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'writes + reads' })]),
    });
  });

  test('usage metadata from expectedGbPerDay: 10 GB/day is 304.167 GB/month', () => {
    const stream = Object.values(t.findResources('AWS::Kinesis::Stream'))[0];
    expect(stream.Metadata[USAGE_METADATA_KEY]).toMatchObject({
      monthlyDataGb: 304.167,
      averageRecordSizeKb: 2,
      monthlyRequests: Math.round((304.167 * 1024 * 1024) / 2),
    });
    const delivery = Object.values(t.findResources('AWS::KinesisFirehose::DeliveryStream'))[0];
    expect(delivery.Metadata[USAGE_METADATA_KEY]).toMatchObject({ monthlyDataGb: 304.167 });
  });
});

describe('StreamingIngestion (MSK Serverless source)', () => {
  test('an IAM-authenticated MSK Serverless cluster with a policy admitting Firehose', () => {
    m.hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
    });
    m.hasResourceProperties('AWS::MSK::ClusterPolicy', {
      Policy: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'firehose.amazonaws.com' },
            Action: Match.arrayWith(['kafka:CreateVpcConnection']),
          }),
        ],
      },
    });
    m.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'MSKAsSource',
      MSKSourceConfiguration: Match.objectLike({
        TopicName: 'clicks',
        AuthenticationConfiguration: Match.objectLike({ Connectivity: 'PRIVATE' }),
      }),
    });
    expect(fromMsk.stream).toBeUndefined();
    expect(fromMsk.alarms).toHaveLength(2);
  });
});

test('zero unacknowledged findings under AwsSolutions, NIST 800-53 R5 and HIPAA', () => {
  expect(formatFindings(findings)).toBe('');
});

test.each<[string, Record<string, unknown>, RegExp]>([
  ['bad table name', { tableName: 'Events' }, /tableName must be lower-case letters, digits and underscores/],
  ['no columns', { columns: [] }, /columns must be at least one column, got 0/],
  [
    'partition key that is a column',
    { partitionKeys: ['user_id'] },
    /partitionKeys must be record fields that are neither data columns/,
  ],
  ['partition key dt', { partitionKeys: ['dt'] }, /partitionKeys must be record fields/],
  [
    'buffer too small for Parquet',
    { bufferSize: Size.mebibytes(32) },
    /bufferSize must be an integer from 64 to 128, got 32/,
  ],
  [
    'buffer interval too long',
    { bufferInterval: Duration.minutes(20) },
    /bufferInterval must be an integer from 60 to 900, got 1200/,
  ],
  [
    'negative GB per day',
    { expectedGbPerDay: -1 },
    /expectedGbPerDay must be a number of GB, 0 or more, got -1/,
  ],
  [
    'shards on an on-demand stream',
    { source: IngestionSource.kinesisStream({ shardCount: 2 }) },
    /source.shardCount must be unset for an on-demand stream/,
  ],
  [
    'too many shards',
    { source: IngestionSource.kinesisStream({ streamMode: kinesis.StreamMode.PROVISIONED, shardCount: 0 }) },
    /source.shardCount must be an integer from 1 to 500, got 0/,
  ],
  [
    'retention too long',
    { source: IngestionSource.kinesisStream({ retentionPeriod: Duration.days(400) }) },
    /source.retentionPeriod must be an integer from 24 to 8760, got 9600/,
  ],
])('rejects %s', async (_name, override, message) => {
  const { App } = await import('aws-cdk-lib');
  const { stack, bucket, database } = lakeStack(new App(), 'Bad');
  expect(
    () =>
      new StreamingIngestion(stack, 'Bad', {
        tableName: 'events',
        columns: EVENT_COLUMNS,
        database,
        bucket,
        ...override,
      }),
  ).toThrow(message);
});
