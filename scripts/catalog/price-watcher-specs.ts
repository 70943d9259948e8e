/**
 * Which prices the catalog reads from `v0rts/aws-price-watcher` (MIT): hourly git snapshots of
 * the JSON files AWS's own pricing pages load (`processed/<svc>.json`: price dimension → AWS
 * location name → USD; `raw/<svc>.json` carries AWS's `manifest.hawkFilePublicationDate`).
 *
 * One table serves both steps: extract-price-watcher.ts keeps only these dimensions (so the
 * repository holds a lean extract, scripts/catalog-data/aws-price-watcher.json, not 100 MB of
 * upstream files), and build-catalog.ts turns them into catalog prices.
 */

/** One unit price: a dimension of a processed file → a catalog `(service, key)`. */
export interface PriceWatcherUnitSpec {
  readonly file: string;
  readonly dimension: string;
  readonly service: string;
  readonly key: string;
  readonly unit: string;
  /** The dimension's value is per this many units (per 1,000 → 1000). */
  readonly per?: number;
}

/** Instance-type dimensions: `pattern` captures the type name. */
export interface PriceWatcherInstanceSpec {
  readonly file: string;
  readonly pattern: RegExp;
  readonly service: string;
  /** Catalog key of a captured type: `db.m5.large` → `RDS:postgres:db.m5.large:Single-AZ`. */
  readonly key: (m: RegExpExecArray) => string;
  readonly usageType: (m: RegExpExecArray) => string;
}

/**
 * AWS location names (the pricing pages' region keys) → region codes, commercial regions only:
 * GovCloud, China, Local Zones and Wavelength zones are out of the catalog's scope.
 */
export const LOCATION_REGIONS: Readonly<Record<string, string>> = {
  'US East (N. Virginia)': 'us-east-1',
  'US East (Ohio)': 'us-east-2',
  'US West (N. California)': 'us-west-1',
  'US West (Oregon)': 'us-west-2',
  'Africa (Cape Town)': 'af-south-1',
  'Asia Pacific (Hong Kong)': 'ap-east-1',
  'Asia Pacific (Taipei)': 'ap-east-2',
  'Asia Pacific (Mumbai)': 'ap-south-1',
  'Asia Pacific (Hyderabad)': 'ap-south-2',
  'Asia Pacific (Singapore)': 'ap-southeast-1',
  'Asia Pacific (Sydney)': 'ap-southeast-2',
  'Asia Pacific (Jakarta)': 'ap-southeast-3',
  'Asia Pacific (Melbourne)': 'ap-southeast-4',
  'Asia Pacific (Malaysia)': 'ap-southeast-5',
  'Asia Pacific (New Zealand)': 'ap-southeast-6',
  'Asia Pacific (Thailand)': 'ap-southeast-7',
  'Asia Pacific (Tokyo)': 'ap-northeast-1',
  'Asia Pacific (Seoul)': 'ap-northeast-2',
  'Asia Pacific (Osaka)': 'ap-northeast-3',
  'Canada (Central)': 'ca-central-1',
  'Canada West (Calgary)': 'ca-west-1',
  'EU (Frankfurt)': 'eu-central-1',
  'EU (Zurich)': 'eu-central-2',
  'EU (Ireland)': 'eu-west-1',
  'EU (London)': 'eu-west-2',
  'EU (Paris)': 'eu-west-3',
  'EU (Milan)': 'eu-south-1',
  'EU (Spain)': 'eu-south-2',
  'EU (Stockholm)': 'eu-north-1',
  'Israel (Tel Aviv)': 'il-central-1',
  'Middle East (Bahrain)': 'me-south-1',
  'Middle East (UAE)': 'me-central-1',
  'Mexico (Central)': 'mx-central-1',
  'South America (Sao Paulo)': 'sa-east-1',
};

/**
 * The region code of a processed file's region key. RDS keys append the instance's specs
 * (`US East (N. Virginia) (Instance Type: db.m5.large, ...)`): the location is what precedes them.
 */
export function regionOfLocation(location: string): string | undefined {
  const direct = LOCATION_REGIONS[location];
  if (direct) return direct;
  const cut = location.indexOf(') (');
  return cut > 0 ? LOCATION_REGIONS[location.slice(0, cut + 1)] : undefined;
}

export const PRICE_WATCHER_UNIT_SPECS: readonly PriceWatcherUnitSpec[] = [
  // VPC: public IPv4 (in use and idle: the same $/h since 2024-02-01), interface endpoints.
  {
    file: 'vpc',
    dimension: 'Hourly charge for In use Public IPv4 Addresses per Hrs',
    service: 'AmazonVPC',
    key: 'PublicIPv4:InUseAddress',
    unit: 'Hrs',
  },
  {
    file: 'vpc',
    dimension: 'Hourly charge for Idle Public IPv4 Addresses per Hrs',
    service: 'AmazonVPC',
    key: 'PublicIPv4:IdleAddress',
    unit: 'Hrs',
  },
  {
    file: 'vpc',
    dimension: 'Hourly charge for VPC Endpoints per Hrs',
    service: 'AmazonVPC',
    key: 'VpcEndpoint-Hours',
    unit: 'Hrs',
  },
  {
    file: 'vpc',
    dimension: 'Charge for per GB data processed by VPC Endpoints per GB from 0 to 1048576',
    service: 'AmazonVPC',
    key: 'VpcEndpoint-Bytes',
    unit: 'GB',
  },
  {
    file: 'vpc',
    dimension: 'Hourly charge for AWS Gateway Load Balancer VPC Endpoint per Hrs',
    service: 'AmazonVPC',
    key: 'VpcEndpoint-GWLBE-Hours',
    unit: 'Hrs',
  },
  {
    file: 'vpc',
    dimension: 'Charge for per GB data processed by AWS Gateway Load Balancer VPC Endpoint per GB',
    service: 'AmazonVPC',
    key: 'VpcEndpoint-GWLBE-Bytes',
    unit: 'GB',
  },
  // FSx for Lustre PERSISTENT_2 SSD storage by throughput tier (MB/s/TiB). AWS's fsx data file
  // keys its rates by regionless rate code, not by label: the same code is the same rate in every
  // region. The four codes were labelled once (price-facts.json `fsx_lustre.label_method`) by
  // matching their Tokyo values to a published per-tier table (DevelopersIO, 2022-09-03), and
  // their us-east-1 values agree with the facts' 0.145 / 0.21 / 0.34 / 0.6.
  ...(
    [
      ['zgFPJ0cUYXdd2jLTiOuDcSYRtdFhYRqCjCbYd49h1Y8 SSD new', 125],
      ['yMXUnsAV3uitn3E4G7Z25YOoTEwD6fTeQCq0JdEjw-0 SSD new', 250],
      ['JCLdXKhp6UDel_cRam0smdbULMkLKcxzWLKN2kvL6Rs SSD new', 500],
      ['SJkcZfTtuEZ8xiIULvUsQp_CzFRvoWE-3TKzTnlPRVo SSD new', 1000],
    ] as const
  ).map(([dimension, tier]) => ({
    file: 'fsx',
    dimension,
    service: 'AmazonFSx',
    key: `Lustre-PERSISTENT_2-SSD-${tier}`,
    unit: 'GB-Mo',
  })),
  // Secrets Manager: a secret-month; API calls per request.
  {
    file: 'secretsmanager',
    dimension: 'Secret',
    service: 'AWSSecretsManager',
    key: 'AWSSecretsManager-Secrets',
    unit: 'Secrets',
  },
  {
    file: 'secretsmanager',
    dimension: 'API Request',
    service: 'AWSSecretsManager',
    key: 'AWSSecretsManagerAPIRequest',
    unit: 'Requests',
  },
  // SQS: the first paid tier (after the account's free million; the free tier is a note, not netted).
  {
    file: 'queueservice',
    dimension: 'Standard per Requests',
    service: 'AWSQueueService',
    key: 'Requests-RBP',
    unit: 'Requests',
  },
  {
    file: 'queueservice',
    dimension: 'FIFO first-in first-out per Requests',
    service: 'AWSQueueService',
    key: 'Requests-FIFO-RBP',
    unit: 'Requests',
  },
  // EKS: cluster-hours (standard and extended support).
  {
    file: 'eks',
    dimension: 'Compute per Hours',
    service: 'AmazonEKS',
    key: 'AmazonEKS-Hours:perCluster',
    unit: 'Hrs',
  },
  {
    file: 'eks',
    dimension: 'Compute ExtendedSupport per Hours',
    service: 'AmazonEKS',
    key: 'AmazonEKS-Hours:extendedSupport',
    unit: 'Hrs',
  },
  // Elastic Load Balancing: hours and LCU-hours per load balancer type.
  {
    file: 'elb',
    dimension: 'Application Load Balancer Hours',
    service: 'AWSELB',
    key: 'ALB:LoadBalancerUsage',
    unit: 'Hrs',
  },
  {
    file: 'elb',
    dimension: 'Application Load Balancer LCU Hours',
    service: 'AWSELB',
    key: 'ALB:LCUUsage',
    unit: 'LCU-Hrs',
  },
  {
    file: 'elb',
    dimension: 'Network Load Balancer Hours',
    service: 'AWSELB',
    key: 'NLB:LoadBalancerUsage',
    unit: 'Hrs',
  },
  {
    file: 'elb',
    dimension: 'Network Load Balancer LCU Hours',
    service: 'AWSELB',
    key: 'NLB:LCUUsage',
    unit: 'LCU-Hrs',
  },
  {
    file: 'elb',
    dimension: 'Gateway Load Balancer Hours',
    service: 'AWSELB',
    key: 'GWLB:LoadBalancerUsage',
    unit: 'Hrs',
  },
  {
    file: 'elb',
    dimension: 'Gateway Load Balancer LCU Hours',
    service: 'AWSELB',
    key: 'GWLB:LCUUsage',
    unit: 'LCU-Hrs',
  },
  {
    file: 'elb',
    dimension: 'Classic Load Balancer Hours',
    service: 'AWSELB',
    key: 'CLB:LoadBalancerUsage',
    unit: 'Hrs',
  },
  {
    file: 'elb',
    dimension: 'Classic Load Balancer Data',
    service: 'AWSELB',
    key: 'CLB:DataProcessing-Bytes',
    unit: 'GB',
  },
  // DynamoDB: on-demand request units, provisioned capacity unit-hours, storage (Standard class).
  {
    file: 'dynamodb',
    dimension: 'PayPerRequest Read Request Units',
    service: 'AmazonDynamoDB',
    key: 'ReadRequestUnits',
    unit: 'ReadRequestUnits',
  },
  {
    file: 'dynamodb',
    dimension: 'PayPerRequest Write Request Units',
    service: 'AmazonDynamoDB',
    key: 'WriteRequestUnits',
    unit: 'WriteRequestUnits',
  },
  {
    file: 'dynamodb',
    dimension: 'Provisioned Read Units',
    service: 'AmazonDynamoDB',
    key: 'ReadCapacityUnit-Hrs',
    unit: 'ReadCapacityUnit-Hrs',
  },
  {
    file: 'dynamodb',
    dimension: 'Provisioned Write Units',
    service: 'AmazonDynamoDB',
    key: 'WriteCapacityUnit-Hrs',
    unit: 'WriteCapacityUnit-Hrs',
  },
  {
    file: 'dynamodb',
    dimension: 'Data Storage Indexed GB-Mo',
    service: 'AmazonDynamoDB',
    key: 'TimedStorage-ByteHrs',
    unit: 'GB-Mo',
  },
  {
    file: 'dynamodb',
    dimension: 'PITR Backup Storage GB-Mo',
    service: 'AmazonDynamoDB',
    key: 'TimedPITRStorage-ByteHrs',
    unit: 'GB-Mo',
  },
  // EFS: storage classes, provisioned throughput, elastic throughput.
  {
    file: 'efs',
    dimension: 'General Purpose Storage GB Mo',
    service: 'AmazonEFS',
    key: 'TimedStorage-ByteHrs',
    unit: 'GB-Mo',
  },
  {
    file: 'efs',
    dimension: 'Infrequent Access Storage GB Mo',
    service: 'AmazonEFS',
    key: 'IATimedStorage-ByteHrs',
    unit: 'GB-Mo',
  },
  {
    file: 'efs',
    dimension: 'Archive Storage GB Mo',
    service: 'AmazonEFS',
    key: 'ArchiveTimedStorage-ByteHrs',
    unit: 'GB-Mo',
  },
  {
    file: 'efs',
    dimension: 'One Zone General Purpose Storage GB Mo',
    service: 'AmazonEFS',
    key: 'TimedStorage-Z-ByteHrs',
    unit: 'GB-Mo',
  },
  {
    file: 'efs',
    dimension: 'Throughput Provisioned',
    service: 'AmazonEFS',
    key: 'ProvisionedTP-MiBpsHrs',
    unit: 'MiBps-Mo',
  },
  {
    file: 'efs',
    dimension: 'EFS Storage Requests Read per GB',
    service: 'AmazonEFS',
    key: 'ElasticThroughput-Read-Bytes',
    unit: 'GB',
  },
  {
    file: 'efs',
    dimension: 'EFS Storage Requests Write per GB',
    service: 'AmazonEFS',
    key: 'ElasticThroughput-Write-Bytes',
    unit: 'GB',
  },
  // Step Functions: Standard state transitions; Express requests and duration (first tier).
  {
    file: 'states',
    dimension: 'AWS Step Functions',
    service: 'AmazonStates',
    key: 'StateTransition',
    unit: 'StateTransitions',
  },
  {
    file: 'states',
    dimension: 'Number of Workflow Requests',
    service: 'AmazonStates',
    key: 'ExpressWorkflows-Requests',
    unit: 'Requests',
  },
  {
    file: 'states',
    dimension: 'Duration of Workflows from 0 to 3600000',
    service: 'AmazonStates',
    key: 'ExpressWorkflows-Duration-GB-Second',
    unit: 'GB-Second',
  },
  // Data plane (dataplane): Kinesis Data Streams, Firehose, MSK Serverless, Glue Data Catalog. The
  // price-facts.json values win where both have a key; these fill the other regions.
  {
    file: 'kinesis',
    dimension: 'OnDemandStreamHr per StreamHr',
    service: 'AmazonKinesis',
    key: 'OnDemand-StreamHour',
    unit: 'StreamHour',
  },
  {
    file: 'kinesis',
    dimension: 'OnDemandDataIngested per GB',
    service: 'AmazonKinesis',
    key: 'OnDemand-BilledIncomingBytes',
    unit: 'GB',
  },
  {
    file: 'kinesis',
    dimension: 'OnDemandDataRetrieval per GB',
    service: 'AmazonKinesis',
    key: 'OnDemand-BilledOutgoingBytes',
    unit: 'GB',
  },
  {
    file: 'kinesis',
    dimension: 'Provisioned shard hour per ShardHour',
    service: 'AmazonKinesis',
    key: 'Storage-ShardHour',
    unit: 'ShardHour',
  },
  {
    file: 'kinesis',
    dimension: 'Payload Units per PutRequest',
    service: 'AmazonKinesis',
    key: 'PutRequestPayloadUnits',
    unit: 'PutPayloadUnits',
  },
  {
    file: 'kinesisfirehose',
    dimension: 'Per GB of data ingested first 500TB',
    service: 'AmazonKinesisFirehose',
    key: 'BilledBytes',
    unit: 'GB',
  },
  {
    file: 'kinesisfirehose',
    dimension: 'MSK Record Processing Per GB of data ingested first 500TB',
    service: 'AmazonKinesisFirehose',
    key: 'BilledBytes-MSK',
    unit: 'GB',
  },
  {
    file: 'kinesisfirehose',
    dimension: 'Per GB of data format conversion',
    service: 'AmazonKinesisFirehose',
    key: 'DataFormatConversion-Bytes',
    unit: 'GB',
  },
  {
    file: 'kinesisfirehose',
    dimension: 'Per GB of dynamically partitioned data delivered',
    service: 'AmazonKinesisFirehose',
    key: 'DynamicPartitioning-Bytes',
    unit: 'GB',
  },
  {
    file: 'kinesisfirehose',
    dimension: 'Per object dynamically partitioned',
    service: 'AmazonKinesisFirehose',
    key: 'DynamicPartitioning-Objects',
    unit: 'Objects',
  },
  {
    file: 'kinesisfirehose',
    dimension: 'Per JQ processing hour',
    service: 'AmazonKinesisFirehose',
    key: 'DynamicPartitioning-JQ-Hours',
    unit: 'Hrs',
  },
  {
    file: 'kinesisfirehose',
    dimension: 'Per Hour per AZ for VPC delivery',
    service: 'AmazonKinesisFirehose',
    key: 'VpcDelivery-AZ-Hours',
    unit: 'Hrs',
  },
  {
    file: 'kinesisfirehose',
    dimension: 'Per GB of data delivered to VPC',
    service: 'AmazonKinesisFirehose',
    key: 'VpcDelivery-Bytes',
    unit: 'GB',
  },
  {
    file: 'msk',
    dimension: 'Serverless Cluster-hours',
    service: 'AmazonMSK',
    key: 'Serverless-ClusterHours',
    unit: 'Hrs',
  },
  {
    file: 'msk',
    dimension: 'Serverless Partition-hours',
    service: 'AmazonMSK',
    key: 'Serverless-PartitionHours',
    unit: 'Hrs',
  },
  {
    file: 'msk',
    dimension: 'Serverless Per-GB data ingressed',
    service: 'AmazonMSK',
    key: 'Serverless-DataIn',
    unit: 'GB',
  },
  {
    file: 'msk',
    dimension: 'Serverless Per-GB data egressed',
    service: 'AmazonMSK',
    key: 'Serverless-DataOut',
    unit: 'GB',
  },
  {
    file: 'msk',
    dimension: 'Serverless Storage-hours',
    service: 'AmazonMSK',
    key: 'Serverless-Storage',
    unit: 'GB-Mo',
  },
  {
    file: 'glue',
    dimension: 'Data catalog storage',
    service: 'AWSGlue',
    key: 'Catalog-Storage',
    unit: 'Objects',
  },
  {
    file: 'glue',
    dimension: 'Data catalog requests',
    service: 'AWSGlue',
    key: 'Catalog-Requests',
    unit: 'Requests',
  },
  // MSK provisioned: broker storage (the processed file's `RunVolume General` is gp3-class storage; `RunVolume` is the broker storage rate).
  { file: 'msk', dimension: 'RunVolume', service: 'AmazonMSK', key: 'RunVolume', unit: 'GB-Mo' },
  // Lambda, SNS, ECR, CloudWatch, KMS, S3: the keys the existing modules ask for, in every region
  // (the facts source them in a few regions only).
  { file: 'lambda', dimension: 'Lambda Requests', service: 'AWSLambda', key: 'Request', unit: 'Requests' },
  {
    file: 'lambda',
    dimension: 'Lambda Duration',
    service: 'AWSLambda',
    key: 'Lambda-GB-Second',
    unit: 'Lambda-GB-Second',
  },
  {
    file: 'lambda',
    dimension: 'Lambda Duration-ARM',
    service: 'AWSLambda',
    key: 'Lambda-GB-Second-ARM',
    unit: 'Lambda-GB-Second',
  },
  {
    file: 'lambda',
    dimension: 'Lambda Storage-Duration',
    service: 'AWSLambda',
    key: 'Lambda-Storage-GB-Second',
    unit: 'GB-Second',
  },
  {
    file: 'sns',
    dimension: 'Amazon SNS API Requests',
    service: 'AmazonSNS',
    key: 'Requests-Tier1',
    unit: 'Requests',
  },
  {
    file: 'sns',
    dimension: 'Amazon SNS FIFO API Requests per Requests',
    service: 'AmazonSNS',
    key: 'Requests-FIFO-Tier1',
    unit: 'Requests',
  },
  {
    file: 'sns',
    dimension: 'SNS FIFO Publish Payload per GB',
    service: 'AmazonSNS',
    key: 'FIFO-PublishPayload-Bytes',
    unit: 'GB',
  },
  {
    file: 'sns',
    dimension: 'HTTP Notifications',
    service: 'AmazonSNS',
    key: 'DeliveryAttempts-HTTP',
    unit: 'Notifications',
  },
  {
    file: 'sns',
    dimension: 'SNS Email and Email JSON Notifications',
    service: 'AmazonSNS',
    key: 'DeliveryAttempts-SMTP',
    unit: 'Notifications',
  },
  {
    file: 'sns',
    dimension: 'Amazon Kinesis Data Firehose Messages',
    service: 'AmazonSNS',
    key: 'DeliveryAttempts-FIREHOSE',
    unit: 'Notifications',
  },
  {
    file: 'ecr',
    dimension: 'EC2 Container Registry',
    service: 'AmazonECR',
    key: 'TimedStorage-ByteHrs',
    unit: 'GB-Mo',
  },
  {
    file: 'cloudwatch',
    dimension: 'Alarm Standard',
    service: 'AmazonCloudWatch',
    key: 'CW:AlarmMonitorUsage',
    unit: 'Alarms',
  },
  {
    file: 'cloudwatch',
    dimension: 'Alarm High Resolution',
    service: 'AmazonCloudWatch',
    key: 'CW:HighResAlarmMonitorUsage',
    unit: 'Alarms',
  },
  {
    file: 'cloudwatch',
    dimension: 'Alarm Composite',
    service: 'AmazonCloudWatch',
    key: 'CW:CompositeAlarmMonitorUsage',
    unit: 'Alarms',
  },
  {
    file: 'cloudwatch',
    dimension: 'Logs Collected Data Ingestion',
    service: 'AmazonCloudWatch',
    key: 'DataProcessing-Bytes',
    unit: 'GB',
  },
  {
    file: 'cloudwatch',
    dimension: 'Vended Logs First 10TB',
    service: 'AmazonCloudWatch',
    key: 'VendedLog-Bytes',
    unit: 'GB',
  },
  {
    file: 'cloudwatch',
    dimension: 'Stored Data',
    service: 'AmazonCloudWatch',
    key: 'TimedStorage-ByteHrs',
    unit: 'GB-Mo',
  },
  {
    file: 'cloudwatch',
    dimension: 'IA Custom ingested Logs from 0 upto Inf',
    service: 'AmazonCloudWatch',
    key: 'DataProcessingIA-Bytes',
    unit: 'GB',
  },
  {
    file: 'cloudwatch',
    dimension: 'Queried Logs Insights',
    service: 'AmazonCloudWatch',
    key: 'DataScanned-Bytes',
    unit: 'GB',
  },
  { file: 'kms', dimension: 'Encryption Key', service: 'awskms', key: 'KMS-Keys', unit: 'Keys' },
  {
    file: 'kms',
    dimension: 'API request - Non Free Tier',
    service: 'awskms',
    key: 'KMS-Requests',
    unit: 'Requests',
  },
  {
    file: 'kms',
    dimension: 'Asymmetric Requests RSA_2048',
    service: 'awskms',
    key: 'KMS-Requests-Asymmetric-RSA_2048',
    unit: 'Requests',
  },
  {
    file: 'kms',
    dimension: 'Asymmetric Requests except RSA_2048API',
    service: 'awskms',
    key: 'KMS-Requests-Asymmetric',
    unit: 'Requests',
  },
  {
    file: 'kms',
    dimension: 'API Requests GenerateDatakeyPair ECC',
    service: 'awskms',
    key: 'KMS-Requests-GenerateDataKeyPair',
    unit: 'Requests',
  },
  {
    file: 's3',
    dimension: 'Standard Storage First 50 TB per GB Mo',
    service: 'AmazonS3',
    key: 'TimedStorage-ByteHrs',
    unit: 'GB-Mo',
  },
  {
    file: 's3',
    dimension: 'PUT COPY/POST or LIST requests per Requests',
    service: 'AmazonS3',
    key: 'Requests-Tier1',
    unit: 'Requests',
  },
  {
    file: 's3',
    dimension: 'GET and all other requests per Requests',
    service: 'AmazonS3',
    key: 'Requests-Tier2',
    unit: 'Requests',
  },
  // RDS storage (engine-independent for PostgreSQL, MySQL, MariaDB).
  {
    file: 'rds-storage',
    dimension: 'Database Storage Single AZ General Purpose',
    service: 'AmazonRDS',
    key: 'RDS:GP2-Storage:Single-AZ',
    unit: 'GB-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Database Storage Multi AZ General Purpose',
    service: 'AmazonRDS',
    key: 'RDS:GP2-Storage:Multi-AZ',
    unit: 'GB-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Database Storage Single AZ General Purpose-GP3',
    service: 'AmazonRDS',
    key: 'RDS:GP3-Storage:Single-AZ',
    unit: 'GB-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Database Storage Multi AZ General Purpose-GP3',
    service: 'AmazonRDS',
    key: 'RDS:GP3-Storage:Multi-AZ',
    unit: 'GB-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Database Storage Single AZ Provisioned IOPS',
    service: 'AmazonRDS',
    key: 'RDS:PIOPS-Storage:Single-AZ',
    unit: 'GB-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Database Storage Multi AZ Provisioned IOPS',
    service: 'AmazonRDS',
    key: 'RDS:PIOPS-Storage:Multi-AZ',
    unit: 'GB-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Database Storage Single AZ Provisioned IOPS-IO2',
    service: 'AmazonRDS',
    key: 'RDS:IO2-Storage:Single-AZ',
    unit: 'GB-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Database Storage Multi AZ Provisioned IOPS-IO2',
    service: 'AmazonRDS',
    key: 'RDS:IO2-Storage:Multi-AZ',
    unit: 'GB-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Database Storage Single AZ Magnetic',
    service: 'AmazonRDS',
    key: 'RDS:Magnetic-Storage:Single-AZ',
    unit: 'GB-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Database Storage Multi AZ Magnetic',
    service: 'AmazonRDS',
    key: 'RDS:Magnetic-Storage:Multi-AZ',
    unit: 'GB-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Provisioned IOPS Single AZ',
    service: 'AmazonRDS',
    key: 'RDS:PIOPS:Single-AZ',
    unit: 'IOPS-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Provisioned IOPS Multi AZ',
    service: 'AmazonRDS',
    key: 'RDS:PIOPS:Multi-AZ',
    unit: 'IOPS-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Provisioned GP3 IOPS Single AZ',
    service: 'AmazonRDS',
    key: 'RDS:GP3-IOPS:Single-AZ',
    unit: 'IOPS-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Provisioned GP3 IOPS Multi AZ',
    service: 'AmazonRDS',
    key: 'RDS:GP3-IOPS:Multi-AZ',
    unit: 'IOPS-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Provisioned Throughput Single AZ',
    service: 'AmazonRDS',
    key: 'RDS:GP3-Throughput:Single-AZ',
    unit: 'MiBps-Mo',
  },
  {
    file: 'rds-storage',
    dimension: 'Provisioned Throughput Multi AZ',
    service: 'AmazonRDS',
    key: 'RDS:GP3-Throughput:Multi-AZ',
    unit: 'MiBps-Mo',
  },
];

/**
 * RDS engines whose on-demand instance prices the catalog carries (`rds-<engine>-ondemand`).
 * MariaDB, Oracle, SQL Server and Db2 stay unpriced: their license-included rates would double
 * the catalog's size for engines an ML platform rarely runs.
 */
const RDS_ENGINES: Readonly<Record<string, string>> = {
  'rds-postgresql-ondemand': 'postgres',
  'rds-mysql-ondemand': 'mysql',
};

/**
 * RDS instance families the catalog carries: the current burstable, general-purpose and
 * memory-optimised generations (older and storage-heavy classes stay unpriced, with the refresh
 * command that prices them), to keep catalog.json a few MB.
 */
const RDS_FAMILIES = '(?:t3|t4g|m5|m6g|m6i|m7g|m7i|m8g|r5|r6g|r6i|r7g|r7i|r8g)';

export const PRICE_WATCHER_INSTANCE_SPECS: readonly PriceWatcherInstanceSpec[] = [
  {
    file: 'ec2',
    pattern: /^OnDemand Linux-instancetype-([a-z0-9-]+\.[a-z0-9-]+)$/,
    service: 'AmazonEC2',
    key: (m) => m[1],
    usageType: (m) => `BoxUsage:${m[1]}`,
  },
  ...Object.entries(RDS_ENGINES).map(([file, engine]): PriceWatcherInstanceSpec => ({
    file,
    // `Database Instance PostgreSQL No license required db m5.large General purpose Single-AZ Current Generation`
    pattern: new RegExp(
      `^Database Instance \\S+ No license required db (${RDS_FAMILIES}\\.[a-z0-9-]+) .* (Single-AZ|Multi-AZ) (?:Current|Previous) Generation$`,
    ),
    service: 'AmazonRDS',
    key: (m) => `RDS:${engine}:db.${m[1]}:${m[2]}`,
    usageType: (m) => `${m[2] === 'Multi-AZ' ? 'Multi-AZUsage' : 'InstanceUsage'}:db.${m[1]}`,
  })),
  {
    file: 'es',
    // `m6g large.search - General purpose - OnDemand - EBS Only - - - Hourly Cost`
    pattern: /^([a-z0-9-]+) ([a-z0-9-]+)\.search - [^-]+ - OnDemand - .* - Hourly Cost$/,
    service: 'AmazonES',
    key: (m) => `${m[1]}.${m[2]}.search`,
    usageType: (m) => `ESInstance:${m[1]}.${m[2]}.search`,
  },
  {
    file: 'msk',
    // `[RunBroker] RunBroker-computefamily-m5.large;RunBroker m5.large`
    pattern: /^\[RunBroker\] RunBroker-computefamily-([a-z0-9-]+\.[a-z0-9-]+);/,
    service: 'AmazonMSK',
    key: (m) => `kafka.${m[1]}`,
    usageType: (m) => `Kafka.${m[1]}`,
  },
];

/** Every processed file the extract reads. */
export function priceWatcherFiles(): string[] {
  return [
    ...new Set([...PRICE_WATCHER_UNIT_SPECS, ...PRICE_WATCHER_INSTANCE_SPECS].map((s) => s.file)),
  ].sort();
}
