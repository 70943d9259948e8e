import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as msk from 'aws-cdk-lib/aws-msk';
import { Construct } from 'constructs';
import { acknowledgeFindings, acknowledgeGrantPolicy } from '../core/compliance';
import { acknowledgePolicyWildcards } from '../core/wildcards';
import { DEFAULT_LAKE_LAYOUT } from '../core/lake-layout';
import { IngestionSource } from './ingestion-source';
import { createDelivery } from './private/delivery';
import { createKinesisSource, createMskSource, type DeliverySource } from './private/delivery-source';
import { createIngestionAlarms } from './private/ingestion-alarms';
import { createIngestionTable } from './private/ingestion-table';
import { recordIngestionUsage } from './private/ingestion-usage';
import { validateIngestionProps } from './private/validate-ingestion';
import type { StreamingIngestionProps } from './streaming-ingestion-props';
import { lakeKeyOf } from './private/lake-key';

// The props live in streaming-ingestion-props.ts; re-exported here in their former order, which
// is the order of the API reference.
export type { StreamingIngestionAlarmThresholds, StreamingIngestionProps } from './streaming-ingestion-props';

/**
 * Streaming ingestion into the lake: a KMS-encrypted Kinesis data stream (on-demand by default) or an
 * MSK Serverless cluster, and a Firehose stream that converts JSON records to Parquet with the
 * schema of a Glue table, partitions them by arrival day (and by record fields with dynamic
 * partitioning), writes them SSE-KMS under `raw/<table>/`, sends records it cannot convert or
 * partition to `errors/<table>/`, and logs delivery errors to a KMS-encrypted log group. The Glue
 * table uses partition projection, so Athena and Spark see new partitions without crawlers.
 *
 * Alarms: iterator age and throttling of the stream, data freshness and failed conversions of the
 * delivery.
 */
export class StreamingIngestion extends Construct {
  public readonly encryptionKey: kms.IKey;
  /** The Kinesis stream, when the source is Kinesis. */
  public readonly stream?: kinesis.Stream;
  /** The MSK Serverless cluster, when the source is MSK. */
  public readonly mskCluster?: msk.CfnServerlessCluster;
  /** Security group of the MSK cluster: allow your producers on port 9098 (IAM). */
  public readonly mskSecurityGroup?: ec2.SecurityGroup;
  public readonly table: glue.CfnTable;
  public readonly deliveryStream: firehose.CfnDeliveryStream;
  /** The role Firehose assumes to read the source, the Glue table and the key, and to write the lake. */
  public readonly deliveryRole: iam.Role;
  public readonly deliveryLogGroup: logs.LogGroup;
  /** `raw/<table>/` */
  public readonly dataPrefix: string;
  /** `errors/<table>/` */
  public readonly errorPrefix: string;
  public readonly tableName: string;
  /** Every alarm created here. */
  public readonly alarms: readonly cloudwatch.Alarm[];

  private readonly topicName?: string;

  constructor(scope: Construct, id: string, props: StreamingIngestionProps) {
    super(scope, id);
    const source = props.source ?? IngestionSource.kinesisStream();
    validateIngestionProps(this, props, source);
    const stack = Stack.of(this);
    const layout = props.layout ?? DEFAULT_LAKE_LAYOUT;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const bufferInterval = props.bufferInterval ?? Duration.minutes(5);
    this.tableName = props.tableName;
    this.dataPrefix = `${layout.raw}${props.tableName}/`;
    this.errorPrefix = `${layout.errors}${props.tableName}/`;
    const lakeKey = lakeKeyOf(props)!;

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the ingestion stream and delivery logs of ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy,
      });

    // Firehose's documented trust policy pins the caller's account with sts:ExternalId.
    this.deliveryRole = new iam.Role(this, 'DeliveryRole', {
      description: `Firehose delivery of ${props.tableName} into the lake`,
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': stack.account } },
      }),
    });
    const role = this.deliveryRole;
    this.table = createIngestionTable(this, props, this.dataPrefix, role);

    let delivered: DeliverySource;
    if (source.kind === 'kinesis') {
      const kinesisSource = createKinesisSource(
        this,
        source.kinesisOptions,
        role,
        this.encryptionKey,
        removalPolicy,
      );
      this.stream = kinesisSource.stream;
      delivered = kinesisSource;
    } else {
      const o = source.mskOptions!;
      this.topicName = o.topicName;
      const mskSource = createMskSource(this, o, role, props.tableName);
      this.mskSecurityGroup = mskSource.securityGroup;
      this.mskCluster = mskSource.cluster;
      delivered = mskSource;
    }

    const delivery = createDelivery(this, props, {
      role,
      encryptionKey: this.encryptionKey,
      lakeKey,
      layout,
      dataPrefix: this.dataPrefix,
      errorPrefix: this.errorPrefix,
      bufferInterval,
      removalPolicy,
      sourceConfig: delivered.sourceConfig,
    });
    this.deliveryLogGroup = delivery.logGroup;
    this.deliveryStream = delivery.deliveryStream;
    // Firehose checks at creation that its role can read the source and the Glue table: create the
    // stream after the role's policy, the table and (MSK) the cluster policy.
    this.deliveryStream.node.addDependency(role, this.table, ...delivered.dependencies);

    recordIngestionUsage(props, source, this);
    this.acknowledge(props, source);
    this.alarms = createIngestionAlarms(
      this,
      props,
      {
        iteratorAge: this.metricIteratorAge(),
        throttledRequests: this.metricThrottledRequests(),
        dataFreshness: this.metricDataFreshness(),
        failedConversions: this.metricFailedConversions(),
      },
      bufferInterval,
      this.errorPrefix,
    );
  }

  /** Lets a producer put records (Kinesis: PutRecord(s) and the key; MSK: connect and write the topic). */
  public grantPutRecords(grantee: iam.IGrantable): iam.Grant {
    if (this.stream) return this.stream.grantWrite(grantee);
    const stack = Stack.of(this);
    const clusterName = this.mskCluster!.clusterName;
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'kafka-cluster:Connect',
        'kafka-cluster:DescribeTopic',
        'kafka-cluster:WriteData',
        'kafka-cluster:CreateTopic',
      ],
      resourceArns: [
        this.mskCluster!.attrArn,
        stack.formatArn({
          service: 'kafka',
          resource: 'topic',
          resourceName: `${clusterName}/*/${this.topicName}`,
        }),
      ],
    });
  }

  /** Age of the oldest record Firehose has not read yet (Kinesis source). Maximum over 5 minutes. */
  public metricIteratorAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric | undefined {
    return this.stream?.metricGetRecordsIteratorAgeMilliseconds({
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(5),
      ...props,
    });
  }

  /** Reads and writes the stream rejected for exceeding its throughput (Kinesis source). Sum over 5 minutes. */
  public metricThrottledRequests(): cloudwatch.IMetric | undefined {
    if (!this.stream) return undefined;
    const opts = { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) };
    return new cloudwatch.MathExpression({
      expression: 'writes + reads',
      label: 'Throttled requests',
      usingMetrics: {
        writes: this.stream.metricWriteProvisionedThroughputExceeded(opts),
        reads: this.stream.metricReadProvisionedThroughputExceeded(opts),
      },
      period: Duration.minutes(5),
    });
  }

  /** Age in seconds of the oldest record not yet delivered to S3. Maximum over 5 minutes. */
  public metricDataFreshness(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.firehoseMetric('DeliveryToS3.DataFreshness', cloudwatch.Stats.MAXIMUM, props);
  }

  /** Records Firehose could not convert to Parquet (they go to the error prefix). Sum over 5 minutes. */
  public metricFailedConversions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.firehoseMetric('FailedConversion.Records', cloudwatch.Stats.SUM, props);
  }

  private firehoseMetric(
    name: string,
    statistic: string,
    props?: cloudwatch.MetricOptions,
  ): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Firehose',
      metricName: name,
      dimensionsMap: { DeliveryStreamName: this.deliveryStream.ref },
      statistic,
      period: Duration.minutes(5),
      ...props,
    });
  }

  private acknowledge(props: StreamingIngestionProps, source: IngestionSource): void {
    const path = this.node.path;
    if (source.kind === 'kinesis') {
      // StartDeliveryStreamEncryption: "You can enable SSE for a Firehose stream only if it's a Firehose
      // stream that uses DirectPut as its source"; here the records rest encrypted in the KMS stream.
      acknowledgeFindings(
        this.deliveryStream,
        ['AwsSolutions-KDF1'],
        `${path} reads a KMS-encrypted Kinesis stream; Firehose supports server-side encryption only for Direct PUT sources, and delivers to the lake with SSE-KMS.`,
      );
    } else {
      acknowledgeFindings(
        this.deliveryStream,
        ['AwsSolutions-KDF1'],
        `${path} reads MSK Serverless over IAM-authenticated TLS; Firehose supports server-side encryption only for Direct PUT sources, and delivers to the lake with SSE-KMS.`,
      );
    }
    acknowledgePolicyWildcards(
      this.deliveryRole.node.tryFindChild('DefaultPolicy'),
      `Firehose writes objects whose keys it generates (arrival day, partition values, error type) under ${this.dataPrefix} and ${this.errorPrefix} only` +
        (source.kind === 'msk-serverless'
          ? '; Kafka topic and group ARNs contain the cluster UUID, known only after creation, so they name the cluster and topic by name'
          : '') +
        '.',
    );
    acknowledgeGrantPolicy(
      this.deliveryRole,
      `the ${props.tableName} source, Glue table, log stream and lake prefixes`,
    );
  }
}
