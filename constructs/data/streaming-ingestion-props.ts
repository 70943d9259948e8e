import type { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { LakeLayout } from '../core/lake-layout';
import type { IngestionSource } from './ingestion-source';
import type { ILakeDatabase } from './lake-database';
import type { LakeColumn } from './lake-table';

export interface StreamingIngestionAlarmThresholds {
  /**
   * Alarm when the oldest unread record of the Kinesis stream is older than this (Firehose falls behind).
   * @default Duration.minutes(15)
   */
  readonly maxIteratorAge?: Duration;
  /**
   * Alarm when the oldest record not yet in S3 is older than this.
   * @default - three buffer intervals, at least 15 minutes (dynamic partitioning buffers in stages:
   * "end-to-end delay of a batch of records might be 1.5 times of the configured buffering hint time")
   */
  readonly maxDataFreshness?: Duration;
}

export interface StreamingIngestionProps {
  /** Name of the Glue table and of its folder under the lake's `raw/` prefix (lower-case letters, digits, `_`). */
  readonly tableName: string;
  /** The table's data columns; Firehose converts each JSON record to a Parquet row of these columns. */
  readonly columns: readonly LakeColumn[];
  /**
   * Record fields that partition the table besides the arrival date (`dt`): Firehose extracts them
   * with a JQ query (dynamic partitioning) and writes `raw/<table>/dt=<day>/<key>=<value>/`. Not
   * data columns: Hive partition values live in the path.
   * @default - partitioned by arrival date only, without dynamic partitioning
   */
  readonly partitionKeys?: readonly string[];
  /** The lake's Glue database: the table is created in it. */
  readonly database: ILakeDatabase;
  /** The lake bucket (SSE-KMS). */
  readonly bucket: s3.IBucket;
  /**
   * The key of the lake bucket, used by Firehose to encrypt what it writes.
   * @default - the bucket's own encryptionKey (required when the bucket is imported without one)
   */
  readonly bucketEncryptionKey?: kms.IKey;
  /**
   * The lake's prefixes.
   * @default DEFAULT_LAKE_LAYOUT
   */
  readonly layout?: LakeLayout;
  /**
   * Where records arrive.
   * @default IngestionSource.kinesisStream() - an on-demand KMS-encrypted Kinesis data stream
   */
  readonly source?: IngestionSource;
  /**
   * Key of the stream (or cluster) and of the delivery log group.
   * @default - a new key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Firehose delivers a buffer when it reaches this size or `bufferInterval`, whichever comes first.
   * Parquet conversion needs at least 64 MiB ("the buffer size must be at least 64 MiB" with format
   * conversion).
   * @default Size.mebibytes(128)
   */
  readonly bufferSize?: Size;
  /**
   * Firehose delivers a buffer at least this often.
   * @default Duration.minutes(5)
   */
  readonly bufferInterval?: Duration;
  /**
   * Also keep every source record, as received, under `raw/<table>_source/` (GZIP), so a schema mistake
   * can be replayed. Doubles the S3 writes.
   * @default false
   */
  readonly backupSourceRecords?: boolean;
  /**
   * Expected GB arriving per day, recorded as usage metadata so the cost estimate prices the
   * chain (stream, Firehose ingestion, conversion, partitioning) with an expected figure.
   * @default - none: the data-dependent lines are shown as usage-based
   */
  readonly expectedGbPerDay?: number;
  /**
   * Average record size: Firehose bills each record rounded up to 5 KB, and a provisioned stream
   * bills one PUT payload unit per 25 KB.
   * @default Size.kibibytes(1)
   */
  readonly averageRecordSize?: Size;
  /**
   * Alarm thresholds.
   * @default - see StreamingIngestionAlarmThresholds
   */
  readonly alarmThresholds?: StreamingIngestionAlarmThresholds;
  /**
   * Topic the alarms notify (ALARM and OK). Alternatively pass `alarms` to `PlatformMonitoring.monitorAlarms`.
   * @default - no action: wire the alarms yourself
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Retention of the delivery log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the key, stream and log group when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
