import { ArnFormat, Duration, RemovalPolicy, Size, SizeRoundingBehavior, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledgeFindings, acknowledgeGrantPolicy } from '../core/compliance';
import { PropValidator } from '../core/errors';
import { acknowledgePolicyWildcards } from '../core/wildcards';
import { DEFAULT_LAKE_LAYOUT, type LakeLayout } from '../core/lake-layout';
import { allowLogsToUseKey, logGroupArnPattern } from '../core/logs-key';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../cost/usage-metadata';
import { IngestionSource } from './ingestion-source';
import { LakeDatabase, type ILakeDatabase } from './lake-database';
import { badIdentifiers, PARQUET_STORAGE, type LakeColumn } from './lake-table';

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
    validate(this, props, source);
    const stack = Stack.of(this);
    const layout = props.layout ?? DEFAULT_LAKE_LAYOUT;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const partitionKeys = props.partitionKeys ?? [];
    const bufferInterval = props.bufferInterval ?? Duration.minutes(5);
    this.tableName = props.tableName;
    this.dataPrefix = `${layout.raw}${props.tableName}/`;
    this.errorPrefix = `${layout.errors}${props.tableName}/`;
    const lakeKey = (props.bucketEncryptionKey ?? props.bucket.encryptionKey)!;

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

    // --- the Glue table Firehose converts against ---
    const bucketName = props.bucket.bucketName;
    const location = `s3://${bucketName}/${this.dataPrefix}`;
    const projection: Record<string, string> = {
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': 'NOW-5YEARS,NOW',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
    };
    for (const key of partitionKeys) projection[`projection.${key}.type`] = 'injected';
    const pathTemplate = ['dt', ...partitionKeys].map((k) => `${k}=\${${k}}`).join('/');
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: props.database.databaseName,
      tableInput: {
        name: props.tableName,
        description: `Raw ${props.tableName} records delivered by Firehose (${this.node.path})`,
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'parquet',
          'parquet.compression': 'SNAPPY',
          // Partition projection (Athena): partitions are computed from the path template, so no
          // crawler and no catalog partition objects are needed.
          ...projection,
          'storage.location.template': `${location}${pathTemplate}/`,
        },
        partitionKeys: [
          { name: 'dt', type: 'string', comment: 'arrival day (UTC), yyyy-MM-dd' },
          ...partitionKeys.map((k) => ({ name: k, type: 'string', comment: `record field ${k}` })),
        ],
        storageDescriptor: {
          location,
          columns: props.columns.map((c) => ({ name: c.name, type: c.type.name, comment: c.comment })),
          ...PARQUET_STORAGE,
          compressed: true,
        },
      },
    });
    if (props.database instanceof LakeDatabase) this.table.addResourceDependency(props.database.cfnDatabase);
    // "If your delivery stream performs data-format conversion, Firehose references table definitions
    // stored in AWS Glue": glue:GetTable, GetTableVersion, GetTableVersions on the table.
    props.database.grantReadTables(role, [props.tableName]);

    // --- source ---
    let sourceConfig: Partial<firehose.CfnDeliveryStreamProps>;
    const sourceDependencies: Construct[] = [];
    if (source.kind === 'kinesis') {
      const o = source.kinesisOptions ?? {};
      const mode = o.streamMode ?? kinesis.StreamMode.ON_DEMAND;
      this.stream = new kinesis.Stream(this, 'Stream', {
        streamMode: mode,
        shardCount: mode === kinesis.StreamMode.PROVISIONED ? (o.shardCount ?? 1) : undefined,
        retentionPeriod: o.retentionPeriod ?? Duration.hours(24),
        encryption: kinesis.StreamEncryption.KMS,
        encryptionKey: this.encryptionKey,
        removalPolicy,
      });
      // Firehose reads with DescribeStream, GetShardIterator, GetRecords, ListShards and decrypts
      // with the stream's key ("Grant Firehose access to ... Kinesis data stream as source").
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [
            'kinesis:DescribeStream',
            'kinesis:GetShardIterator',
            'kinesis:GetRecords',
            'kinesis:ListShards',
          ],
          resources: [this.stream.streamArn],
        }),
      );
      this.encryptionKey.grantDecrypt(role);
      acknowledgeFindings(
        this.stream,
        ['AwsSolutions-KDS3'],
        `${this.node.path} encrypts with a customer-managed key (rotation on, key policy ours) instead of aws/kinesis, as the platform's security baseline requires.`,
      );
      sourceConfig = {
        deliveryStreamType: 'KinesisStreamAsSource',
        kinesisStreamSourceConfiguration: { kinesisStreamArn: this.stream.streamArn, roleArn: role.roleArn },
      };
    } else {
      const o = source.mskOptions!;
      this.topicName = o.topicName;
      this.mskSecurityGroup = new ec2.SecurityGroup(this, 'ClusterSecurityGroup', {
        vpc: o.vpc,
        description: `MSK Serverless cluster of ${props.tableName}: producers are allowed explicitly`,
        allowAllOutbound: false,
      });
      const clusterName = `${stack.stackName}-${props.tableName}`.slice(0, 64).replace(/_/g, '-');
      this.mskCluster = new msk.CfnServerlessCluster(this, 'Cluster', {
        clusterName,
        // MSK Serverless supports IAM access control only; TLS in transit is always on.
        clientAuthentication: { sasl: { iam: { enabled: true } } },
        vpcConfigs: [
          {
            subnetIds: o.vpc.selectSubnets(o.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS })
              .subnetIds,
            securityGroups: [this.mskSecurityGroup.securityGroupId],
          },
        ],
      });
      // Private bootstrap brokers need "a resource-based policy which grants Firehose service principal
      // the permission to invoke the Amazon MSK CreateVpcConnection API operation".
      const policy = new msk.CfnClusterPolicy(this, 'ClusterPolicy', {
        clusterArn: this.mskCluster.attrArn,
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'firehose.amazonaws.com' },
              Action: [
                'kafka:CreateVpcConnection',
                'kafka:GetBootstrapBrokers',
                'kafka:DescribeCluster',
                'kafka:DescribeClusterV2',
              ],
              Resource: this.mskCluster.attrArn,
            },
          ],
        },
      });
      sourceDependencies.push(policy);
      const clusterArn = this.mskCluster.attrArn;
      const kafkaArn = (kind: string, rest: string) =>
        stack.formatArn({ service: 'kafka', resource: kind, resourceName: `${clusterName}/${rest}` });
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [
            'kafka:GetBootstrapBrokers',
            'kafka:DescribeCluster',
            'kafka:DescribeClusterV2',
            'kafka-cluster:Connect',
          ],
          resources: [clusterArn],
        }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [
            'kafka-cluster:DescribeTopic',
            'kafka-cluster:DescribeTopicDynamicConfiguration',
            'kafka-cluster:ReadData',
          ],
          resources: [kafkaArn('topic', `*/${o.topicName}`)],
        }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kafka-cluster:DescribeGroup'],
          resources: [kafkaArn('group', '*/*')],
        }),
      );
      sourceConfig = {
        deliveryStreamType: 'MSKAsSource',
        mskSourceConfiguration: {
          mskClusterArn: clusterArn,
          topicName: o.topicName,
          authenticationConfiguration: { roleArn: role.roleArn, connectivity: 'PRIVATE' },
        },
      };
    }

    // --- delivery logs ---
    this.deliveryLogGroup = new logs.LogGroup(this, 'DeliveryLogs', {
      encryptionKey: this.encryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy,
    });
    if (!props.encryptionKey) allowLogsToUseKey(this.encryptionKey, logGroupArnPattern(this));
    const logStream = new logs.LogStream(this, 'DeliveryLogStream', {
      logGroup: this.deliveryLogGroup,
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
            resourceName: `${this.deliveryLogGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );

    // --- writing the lake ---
    // The S3 permissions Firehose documents for an S3 destination, scoped to this table's prefixes.
    const prefixes = [this.dataPrefix, this.errorPrefix];
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
    this.deliveryStream = new firehose.CfnDeliveryStream(this, 'DeliveryStream', {
      ...sourceConfig,
      extendedS3DestinationConfiguration: {
        bucketArn: props.bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: `${this.dataPrefix}dt=${dateExpr}/${keyExprs}`,
        // "If you use an expression in Prefix, the error prefix must include !{firehose:error-output-type}".
        errorOutputPrefix: `${this.errorPrefix}!{firehose:error-output-type}/dt=${dateExpr}/`,
        bufferingHints: {
          sizeInMBs: (props.bufferSize ?? Size.mebibytes(128)).toMebibytes(),
          intervalInSeconds: bufferInterval.toSeconds(),
        },
        // "Amazon S3 compression gets disabled when you enable format conversion"; Parquet is Snappy-compressed.
        compressionFormat: 'UNCOMPRESSED',
        encryptionConfiguration: s3Encryption,
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: this.deliveryLogGroup.logGroupName,
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
            errorOutputPrefix: `${this.errorPrefix}source-backup/!{firehose:error-output-type}/`,
            compressionFormat: 'GZIP',
            encryptionConfiguration: s3Encryption,
            bufferingHints: { sizeInMBs: 64, intervalInSeconds: bufferInterval.toSeconds() },
          },
        }),
      },
    });
    // Firehose checks at creation that its role can read the source and the Glue table: create the
    // stream after the role's policy, the table and (MSK) the cluster policy.
    this.deliveryStream.node.addDependency(role, this.table, ...sourceDependencies);

    this.recordUsage(props, source);
    this.acknowledge(props, source);
    this.alarms = this.createAlarms(props, bufferInterval);
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

  private createAlarms(props: StreamingIngestionProps, bufferInterval: Duration): cloudwatch.Alarm[] {
    const t = props.alarmThresholds ?? {};
    const alarms: cloudwatch.Alarm[] = [];
    const name = props.tableName;
    const iteratorAge = this.metricIteratorAge();
    if (iteratorAge) {
      const max = t.maxIteratorAge ?? Duration.minutes(15);
      alarms.push(
        new cloudwatch.Alarm(this, 'IteratorAgeAlarm', {
          alarmDescription:
            `Firehose is more than ${max.toHumanString()} behind the ${name} stream: records expire after ` +
            'the stream retention. Check the delivery log group and the throttling alarm.',
          metric: iteratorAge,
          threshold: max.toMilliseconds(),
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    const throttled = this.metricThrottledRequests();
    if (throttled) {
      alarms.push(
        new cloudwatch.Alarm(this, 'ThrottlingAlarm', {
          alarmDescription:
            `The ${name} stream rejected reads or writes for 15 minutes: producers retry and fall behind. ` +
            'Provisioned: add shards; on-demand: traffic more than doubled its previous peak within 15 minutes.',
          metric: throttled,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 3,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    const freshness = t.maxDataFreshness ?? Duration.seconds(Math.max(900, 3 * bufferInterval.toSeconds()));
    alarms.push(
      new cloudwatch.Alarm(this, 'DataFreshnessAlarm', {
        alarmDescription:
          `Records of ${name} older than ${freshness.toHumanString()} are not in S3 yet: delivery is failing ` +
          '(bucket or key permissions, Glue table). Check the delivery log group.',
        metric: this.metricDataFreshness(),
        threshold: freshness.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    alarms.push(
      new cloudwatch.Alarm(this, 'FailedConversionsAlarm', {
        alarmDescription:
          `Records of ${name} failed Parquet conversion and went to ${this.errorPrefix}: the producers' ` +
          'JSON no longer matches the Glue table schema.',
        metric: this.metricFailedConversions(),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    if (props.alarmTopic) {
      const action = new cw_actions.SnsAction(props.alarmTopic);
      for (const alarm of alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
    return alarms;
  }

  private recordUsage(props: StreamingIngestionProps, source: IngestionSource): void {
    if (props.expectedGbPerDay === undefined) return;
    const monthlyDataGb = round((props.expectedGbPerDay * 730) / 24);
    const recordKb = (props.averageRecordSize ?? Size.kibibytes(1)).toKibibytes({
      rounding: SizeRoundingBehavior.NONE,
    });
    const records = Math.round((monthlyDataGb * 1024 * 1024) / recordKb);
    const base = {
      monthlyDataGb,
      averageRecordSizeKb: recordKb,
      note: `${props.expectedGbPerDay} GB/day × 730/24 days`,
    };
    const delivery: UsageAssumptions = { ...base, source: 'StreamingIngestion.expectedGbPerDay' };
    this.deliveryStream.addMetadata(USAGE_METADATA_KEY, delivery);
    if (source.kind === 'kinesis') {
      const streamUsage: UsageAssumptions = {
        ...base,
        monthlyRequests: records,
        source: 'StreamingIngestion.expectedGbPerDay',
      };
      (this.stream!.node.defaultChild as kinesis.CfnStream).addMetadata(USAGE_METADATA_KEY, streamUsage);
    } else {
      this.mskCluster!.addMetadata(USAGE_METADATA_KEY, {
        ...base,
        source: 'StreamingIngestion.expectedGbPerDay',
      } satisfies UsageAssumptions);
    }
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

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function validate(scope: Construct, props: StreamingIngestionProps, source: IngestionSource): void {
  const v = new PropValidator('StreamingIngestion', scope);
  v.check(
    badIdentifiers([props.tableName]).length === 0,
    'tableName',
    props.tableName,
    'lower-case letters, digits and underscores (1 to 255 characters)',
  );
  v.check(props.columns.length > 0, 'columns', props.columns.length, 'at least one column');
  const names = props.columns.map((c) => c.name);
  const bad = badIdentifiers(names);
  v.check(bad.length === 0, 'columns[].name', bad, 'lower-case letters, digits and underscores');
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  v.check(dupes.length === 0, 'columns[].name', dupes, 'unique column names');
  const keys = props.partitionKeys ?? [];
  const badKeys = badIdentifiers(keys);
  v.check(badKeys.length === 0, 'partitionKeys', badKeys, 'lower-case letters, digits and underscores');
  const clash = keys.filter((k) => k === 'dt' || names.includes(k));
  v.check(
    clash.length === 0,
    'partitionKeys',
    clash,
    "record fields that are neither data columns nor 'dt' (the arrival-day partition)",
  );
  v.check(
    keys.length <= 5,
    'partitionKeys',
    keys.length,
    'at most 5 keys (each adds a folder level and multiplies the active partitions)',
  );
  if (props.bufferSize) v.range('bufferSize', props.bufferSize.toMebibytes(), 64, 128);
  if (props.bufferInterval) v.range('bufferInterval', props.bufferInterval.toSeconds(), 60, 900);
  if (props.expectedGbPerDay !== undefined && !Token.isUnresolved(props.expectedGbPerDay)) {
    v.check(
      Number.isFinite(props.expectedGbPerDay) && props.expectedGbPerDay >= 0,
      'expectedGbPerDay',
      props.expectedGbPerDay,
      'a number of GB, 0 or more',
    );
  }
  if (props.averageRecordSize)
    v.range('averageRecordSize', props.averageRecordSize.toBytes(), 1, 1_000 * 1024);
  if (!props.bucketEncryptionKey && !props.bucket.encryptionKey) {
    v.check(
      false,
      'bucketEncryptionKey',
      undefined,
      'the KMS key of the lake bucket (the bucket was given without one)',
    );
  }
  if (source.kind === 'kinesis') {
    const o = source.kinesisOptions ?? {};
    const onDemand = (o.streamMode ?? kinesis.StreamMode.ON_DEMAND) === kinesis.StreamMode.ON_DEMAND;
    v.check(
      !(onDemand && o.shardCount !== undefined),
      'source.shardCount',
      o.shardCount,
      'unset for an on-demand stream (it sizes itself); use StreamMode.PROVISIONED to choose shards',
    );
    v.range('source.shardCount', o.shardCount, 1, 500);
    if (o.retentionPeriod) v.range('source.retentionPeriod', o.retentionPeriod.toHours(), 24, 8760);
  } else {
    const topic = source.mskOptions!.topicName;
    v.check(
      Token.isUnresolved(topic) || /^[a-zA-Z0-9._-]{1,249}$/.test(topic),
      'source.topicName',
      topic,
      'a Kafka topic name: letters, digits, ".", "_" and "-" (1 to 249 characters)',
    );
  }
  v.throwIfAny();
}
