/**
 * The Firehose delivery of a `StreamingIngestion`: its KMS-encrypted log group, the delivery
 * role's write access to the table's lake prefixes, and the delivery stream that converts records
 * to Parquet against the Glue table, partitions them by arrival day (and record fields), and sends
 * what it cannot convert or partition to the error prefix.
 */
import { ArnFormat, type Duration, type RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { LakeLayout } from '../../core/lake-layout';
import { allowLogsToUseKey, logGroupArnPattern } from '../../core/logs-key';
import type { StreamingIngestionProps } from '../streaming-ingestion-props';

/** What the delivery shares with the rest of the ingestion, with the construct's defaults applied. */
export interface DeliveryContext {
  /** The role Firehose assumes. */
  readonly role: iam.Role;
  /** Key of the delivery log group. */
  readonly encryptionKey: kms.IKey;
  /** Key of the lake bucket: what Firehose writes is SSE-KMS with it. */
  readonly lakeKey: kms.IKey;
  readonly layout: LakeLayout;
  /** `raw/<table>/` */
  readonly dataPrefix: string;
  /** `errors/<table>/` */
  readonly errorPrefix: string;
  readonly bufferInterval: Duration;
  readonly removalPolicy: RemovalPolicy;
  /** The source's part of the delivery stream's properties. */
  readonly sourceConfig: Partial<firehose.CfnDeliveryStreamProps>;
}

/** The delivery log group (`DeliveryLogs`) and delivery stream (`DeliveryStream`) under `scope`. */
export function createDelivery(
  scope: Construct,
  props: StreamingIngestionProps,
  d: DeliveryContext,
): { readonly logGroup: logs.LogGroup; readonly deliveryStream: firehose.CfnDeliveryStream } {
  const { role, layout, lakeKey, bufferInterval, removalPolicy } = d;
  const stack = Stack.of(scope);
  const partitionKeys = props.partitionKeys ?? [];
  // --- delivery logs ---
  const logGroup = new logs.LogGroup(scope, 'DeliveryLogs', {
    encryptionKey: d.encryptionKey,
    retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    removalPolicy,
  });
  if (!props.encryptionKey) allowLogsToUseKey(d.encryptionKey, logGroupArnPattern(scope));
  const logStream = new logs.LogStream(scope, 'DeliveryLogStream', {
    logGroup: logGroup,
    logStreamName: 'S3Delivery',
    removalPolicy,
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['logs:PutLogEvents'],
      resources: [
        stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: `${logGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }),
  );

  // --- writing the lake ---
  // The S3 permissions Firehose documents for an S3 destination, scoped to this table's prefixes.
  const prefixes = [d.dataPrefix, d.errorPrefix];
  if (props.backupSourceRecords) prefixes.push(`${layout.raw}${props.tableName}_source/`);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
      resources: [props.bucket.bucketArn],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
      resources: prefixes.map((p) => props.bucket.arnForObjects(`${p}*`)),
    }),
  );
  // SSE-KMS writes need GenerateDataKey (and Decrypt for multipart uploads), through S3 only.
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [lakeKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
    }),
  );

  // --- the delivery stream ---
  const s3Encryption = { kmsEncryptionConfig: { awskmsKeyArn: lakeKey.keyArn } };
  const dateExpr = '!{timestamp:yyyy}-!{timestamp:MM}-!{timestamp:dd}';
  const keyExprs = partitionKeys.map((k) => `${k}=!{partitionKeyFromQuery:${k}}/`).join('');
  const dynamic = partitionKeys.length > 0;
  const deliveryStream = new firehose.CfnDeliveryStream(scope, 'DeliveryStream', {
    ...d.sourceConfig,
    extendedS3DestinationConfiguration: {
      bucketArn: props.bucket.bucketArn,
      roleArn: role.roleArn,
      prefix: `${d.dataPrefix}dt=${dateExpr}/${keyExprs}`,
      // "If you use an expression in Prefix, the error prefix must include !{firehose:error-output-type}".
      errorOutputPrefix: `${d.errorPrefix}!{firehose:error-output-type}/dt=${dateExpr}/`,
      bufferingHints: {
        sizeInMBs: (props.bufferSize ?? Size.mebibytes(128)).toMebibytes(),
        intervalInSeconds: bufferInterval.toSeconds(),
      },
      // "Amazon S3 compression gets disabled when you enable format conversion"; Parquet is Snappy-compressed.
      compressionFormat: 'UNCOMPRESSED',
      encryptionConfiguration: s3Encryption,
      cloudWatchLoggingOptions: {
        enabled: true,
        logGroupName: logGroup.logGroupName,
        logStreamName: logStream.logStreamName,
      },
      dataFormatConversionConfiguration: {
        enabled: true,
        inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
        outputFormatConfiguration: { serializer: { parquetSerDe: { compression: 'SNAPPY' } } },
        schemaConfiguration: {
          catalogId: stack.account,
          databaseName: props.database.databaseName,
          tableName: props.tableName,
          region: stack.region,
          roleArn: role.roleArn,
          versionId: 'LATEST',
        },
      },
      ...(dynamic && {
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'MetadataExtraction',
              parameters: [
                {
                  parameterName: 'MetadataExtractionQuery',
                  parameterValue: `{${partitionKeys.map((k) => `${k}: .${k}`).join(', ')}}`,
                },
                { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
              ],
            },
          ],
        },
      }),
      ...(props.backupSourceRecords && {
        s3BackupMode: 'Enabled',
        s3BackupConfiguration: {
          bucketArn: props.bucket.bucketArn,
          roleArn: role.roleArn,
          prefix: `${layout.raw}${props.tableName}_source/dt=${dateExpr}/`,
          errorOutputPrefix: `${d.errorPrefix}source-backup/!{firehose:error-output-type}/`,
          compressionFormat: 'GZIP',
          encryptionConfiguration: s3Encryption,
          bufferingHints: { sizeInMBs: 64, intervalInSeconds: bufferInterval.toSeconds() },
        },
      }),
    },
  });
  return { logGroup, deliveryStream };
}
