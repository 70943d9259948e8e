import type { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';

/** Options of a Kinesis Data Streams source. */
export interface KinesisSourceOptions {
  /**
   * On-demand (pay per GB, scales itself, nothing to size) or provisioned (pay per shard-hour).
   * @default kinesis.StreamMode.ON_DEMAND
   */
  readonly streamMode?: kinesis.StreamMode;
  /**
   * Shards of a provisioned stream (1 MB/s or 1,000 records/s of writes each).
   * @default 1
   */
  readonly shardCount?: number;
  /**
   * How long records stay in the stream; beyond 24 hours extended retention is billed.
   * @default Duration.hours(24)
   */
  readonly retentionPeriod?: Duration;
}

/** Options of an MSK Serverless source. */
export interface MskServerlessSourceOptions {
  /** The VPC of the cluster. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the cluster, in at least two Availability Zones.
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The Kafka topic Firehose reads. Producers create it (MSK Serverless has no topic resource in CloudFormation). */
  readonly topicName: string;
}

/**
 * Where records arrive before Firehose delivers them to the lake: a KMS-encrypted Kinesis data
 * stream (the default) or an MSK Serverless cluster (IAM authentication, private connectivity).
 */
export class IngestionSource {
  /** A new KMS-encrypted Kinesis data stream, on-demand unless told otherwise. */
  public static kinesisStream(options: KinesisSourceOptions = {}): IngestionSource {
    return new IngestionSource('kinesis', options, undefined);
  }

  /** A new MSK Serverless cluster with IAM authentication in the given VPC. */
  public static mskServerless(options: MskServerlessSourceOptions): IngestionSource {
    return new IngestionSource('msk-serverless', undefined, options);
  }

  private constructor(
    public readonly kind: 'kinesis' | 'msk-serverless',
    public readonly kinesisOptions: KinesisSourceOptions | undefined,
    public readonly mskOptions: MskServerlessSourceOptions | undefined,
  ) {}
}
