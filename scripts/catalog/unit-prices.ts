/**
 * The unit prices of the catalog (everything but EC2 instances and SageMaker), read from
 * price-facts.json `unit_prices.<region>`.
 */
import type { CatalogPrice } from '../../cost/types';
import { readFact, type Json } from './facts';
import { roundPrice, unitPrice } from '../../cost/catalog/normalise';

/** One unit price read from price-facts.json `unit_prices.<region>`. */
interface UnitSpec {
  readonly service: string;
  readonly key: string;
  readonly unit: string;
  /** Path(s) in the region block, see `readFact`. */
  readonly path: string;
  /** The fact's value is per this many units (per 1,000 requests → 1000). */
  readonly per?: number;
  /** The fact is for region `Any` (global pricing): recorded in us-east-1, applies to every region. */
  readonly global?: boolean;
}

/** Every unit price the catalog carries; KEYS.md documents the same list. */
export const UNIT_SPECS: readonly UnitSpec[] = [
  // NAT gateway (AmazonEC2)
  { service: 'AmazonEC2', key: 'NatGateway-Hours', unit: 'Hrs', path: 'nat_gateway.per_hour' },
  { service: 'AmazonEC2', key: 'NatGateway-Bytes', unit: 'GB', path: 'nat_gateway.per_gb_processed' },
  // VPC endpoints (AmazonVPC)
  {
    service: 'AmazonVPC',
    key: 'VpcEndpoint-Hours',
    unit: 'Hrs',
    path: 'vpc_interface_endpoint.per_endpoint_az_hour',
  },
  {
    service: 'AmazonVPC',
    key: 'VpcEndpoint-Bytes',
    unit: 'GB',
    path: 'vpc_interface_endpoint.per_gb_first_1pb',
  },
  {
    service: 'AmazonVPC',
    key: 'VpcEndpoint-GWLBE-Hours',
    unit: 'Hrs',
    path: 'vpc_interface_endpoint.gwlb_endpoint_per_hour',
  },
  {
    service: 'AmazonVPC',
    key: 'VpcEndpoint-GWLBE-Bytes',
    unit: 'GB',
    path: 'vpc_interface_endpoint.gwlb_endpoint_per_gb',
  },
  // KMS (awskms)
  {
    service: 'awskms',
    key: 'KMS-Keys',
    unit: 'Keys',
    path: 'kms.customer_managed_key_per_month|kms.customer_managed_key_month',
  },
  {
    service: 'awskms',
    key: 'KMS-Requests',
    unit: 'Requests',
    path: 'kms.symmetric_requests_per_10k',
    per: 10_000,
  },
  {
    service: 'awskms',
    key: 'KMS-Requests-Asymmetric',
    unit: 'Requests',
    path: 'kms.asymmetric_requests_per_10k|kms.asymmetric_except_rsa2048_per_10k',
    per: 10_000,
  },
  {
    service: 'awskms',
    key: 'KMS-Requests-Asymmetric-RSA_2048',
    unit: 'Requests',
    path: 'kms.rsa_2048_requests_per_10k|kms.rsa_2048_per_10k',
    per: 10_000,
  },
  {
    service: 'awskms',
    key: 'KMS-Requests-GenerateDataKeyPair',
    unit: 'Requests',
    path: 'kms.generate_data_key_pair_per_10k|kms.generate_data_key_pair_ecc_per_10k',
    per: 10_000,
  },
  // S3 (AmazonS3)
  {
    service: 'AmazonS3',
    key: 'TimedStorage-ByteHrs',
    unit: 'GB-Mo',
    path: 's3.standard_storage_gb_month_first_tier|s3.standard_storage_gb_month_first_50tb|s3.standard_storage_gb_month',
  },
  {
    service: 'AmazonS3',
    key: 'TimedStorage-SIA-ByteHrs',
    unit: 'GB-Mo',
    path: 's3.standard_ia_storage_gb_month',
  },
  {
    service: 'AmazonS3',
    key: 'TimedStorage-ZIA-ByteHrs',
    unit: 'GB-Mo',
    path: 's3.one_zone_ia_storage_gb_month',
  },
  {
    service: 'AmazonS3',
    key: 'TimedStorage-INT-FA-ByteHrs',
    unit: 'GB-Mo',
    path: 's3.intelligent_tiering_frequent_gb_month',
  },
  {
    service: 'AmazonS3',
    key: 'TimedStorage-INT-IA-ByteHrs',
    unit: 'GB-Mo',
    path: 's3.intelligent_tiering_infrequent_gb_month',
  },
  {
    service: 'AmazonS3',
    key: 'TimedStorage-INT-AA-ByteHrs',
    unit: 'GB-Mo',
    path: 's3.intelligent_tiering_archive_access_gb_month',
  },
  {
    service: 'AmazonS3',
    key: 'TimedStorage-INT-DAA-ByteHrs',
    unit: 'GB-Mo',
    path: 's3.intelligent_tiering_deep_archive_access_gb_month',
  },
  {
    service: 'AmazonS3',
    key: 'TimedStorage-GlacierByteHrs',
    unit: 'GB-Mo',
    path: 's3.glacier_flexible_storage_gb_month',
  },
  {
    service: 'AmazonS3',
    key: 'TimedStorage-GDA-ByteHrs',
    unit: 'GB-Mo',
    path: 's3.glacier_deep_archive_storage_gb_month',
  },
  {
    service: 'AmazonS3',
    key: 'Requests-Tier1',
    unit: 'Requests',
    path: 's3.standard_put_copy_post_list_per_1k|s3.put_copy_post_list_per_1k|s3.standard_put_per_1k',
    per: 1000,
  },
  {
    service: 'AmazonS3',
    key: 'Requests-Tier2',
    unit: 'Requests',
    path: 's3.standard_get_per_1k|s3.get_per_1k',
    per: 1000,
  },
  {
    service: 'AmazonS3',
    key: 'Requests-SIA-Tier1',
    unit: 'Requests',
    path: 's3.standard_ia_put_per_1k',
    per: 1000,
  },
  {
    service: 'AmazonS3',
    key: 'Requests-SIA-Tier2',
    unit: 'Requests',
    path: 's3.standard_ia_get_per_1k',
    per: 1000,
  },
  { service: 'AmazonS3', key: 'Retrieval-SIA', unit: 'GB', path: 's3.standard_ia_retrieval_per_gb' },
  {
    service: 'AmazonS3',
    key: 'Requests-INT-Tier1',
    unit: 'Requests',
    path: 's3.intelligent_tiering_put_per_1k',
    per: 1000,
  },
  {
    service: 'AmazonS3',
    key: 'Requests-INT-Tier2',
    unit: 'Requests',
    path: 's3.intelligent_tiering_get_per_1k',
    per: 1000,
  },
  {
    service: 'AmazonS3',
    key: 'Monitoring-Automation-INT',
    unit: 'Objects',
    path: 's3.intelligent_tiering_monitoring_per_1k_objects',
    per: 1000,
  },
  {
    service: 'AmazonS3',
    key: 'TagStorage-TagHrs',
    unit: 'Tag-Mo',
    path: 's3.object_tagging_per_10k_tags',
    per: 10_000,
  },
  // CloudWatch (AmazonCloudWatch)
  {
    service: 'AmazonCloudWatch',
    key: 'CW:AlarmMonitorUsage',
    unit: 'Alarms',
    path: 'cloudwatch_alarms.standard_resolution_per_alarm_metric_month|cloudwatch.alarm_standard_month',
  },
  {
    service: 'AmazonCloudWatch',
    key: 'CW:HighResAlarmMonitorUsage',
    unit: 'Alarms',
    path: 'cloudwatch_alarms.high_resolution_per_alarm_metric_month|cloudwatch.alarm_high_res_month',
  },
  {
    service: 'AmazonCloudWatch',
    key: 'CW:CompositeAlarmMonitorUsage',
    unit: 'Alarms',
    path: 'cloudwatch_extra.alarm_composite_month|cloudwatch.alarm_composite_month',
  },
  {
    service: 'AmazonCloudWatch',
    key: 'DashboardsUsageHour',
    unit: 'Dashboards',
    path: 'cloudwatch_dashboard_global.per_dashboard_month',
    global: true,
  },
  {
    service: 'AmazonCloudWatch',
    key: 'CW:MetricMonitorUsage',
    unit: 'Metrics',
    path: 'cloudwatch_custom_metric.per_metric_month_first_tier|cloudwatch.custom_metric_first_10k_month',
  },
  {
    service: 'AmazonCloudWatch',
    key: 'DataProcessing-Bytes',
    unit: 'GB',
    path: 'cloudwatch_logs.ingestion_per_gb|cloudwatch.logs_ingest_per_gb|cloudwatch_logs_infracost.ingest_per_gb',
  },
  {
    service: 'AmazonCloudWatch',
    key: 'DataProcessingIA-Bytes',
    unit: 'GB',
    path: 'cloudwatch_extra.logs_infrequent_access_ingest_per_gb|cloudwatch.logs_ia_ingest_per_gb',
  },
  {
    service: 'AmazonCloudWatch',
    key: 'TimedStorage-ByteHrs',
    unit: 'GB-Mo',
    path: 'cloudwatch_logs.storage_archival_per_gb_month|cloudwatch.logs_storage_per_gb_month|cloudwatch_logs_infracost.storage_per_gb_month',
  },
  {
    service: 'AmazonCloudWatch',
    key: 'DataScanned-Bytes',
    unit: 'GB',
    path: 'cloudwatch_logs.insights_scanned_per_gb|cloudwatch.logs_insights_per_gb_scanned|cloudwatch_logs_infracost.insights_per_gb',
  },
  {
    service: 'AmazonCloudWatch',
    key: 'VendedLog-Bytes',
    unit: 'GB',
    path: 'cloudwatch_extra.vended_logs_first_10tb_per_gb',
  },
  // EBS (AmazonEC2)
  { service: 'AmazonEC2', key: 'EBS:VolumeUsage.gp3', unit: 'GB-Mo', path: 'ebs.gp3_gb_month|ebs_gp3' },
  {
    service: 'AmazonEC2',
    key: 'EBS:VolumeP-IOPS.gp3',
    unit: 'IOPS-Mo',
    path: 'ebs.gp3_iops_month_above_3000',
  },
  {
    service: 'AmazonEC2',
    key: 'EBS:VolumeP-Throughput.gp3',
    unit: 'MiBps-Mo',
    path: 'ebs.gp3_mbps_month_above_125',
  },
  { service: 'AmazonEC2', key: 'EBS:VolumeUsage.gp2', unit: 'GB-Mo', path: 'ebs.gp2_gb_month|ebs_gp2' },
  { service: 'AmazonEC2', key: 'EBS:VolumeUsage.piops', unit: 'GB-Mo', path: 'ebs.io1_io2_gb_month' },
  { service: 'AmazonEC2', key: 'EBS:VolumeP-IOPS.piops', unit: 'IOPS-Mo', path: 'ebs.io1_io2_iops_month' },
  { service: 'AmazonEC2', key: 'EBS:VolumeUsage.io2', unit: 'GB-Mo', path: 'ebs.io1_io2_gb_month' },
  { service: 'AmazonEC2', key: 'EBS:VolumeP-IOPS.io2', unit: 'IOPS-Mo', path: 'ebs.io1_io2_iops_month' },
  { service: 'AmazonEC2', key: 'EBS:VolumeUsage.st1', unit: 'GB-Mo', path: 'ebs.st1_gb_month' },
  { service: 'AmazonEC2', key: 'EBS:VolumeUsage.sc1', unit: 'GB-Mo', path: 'ebs.sc1_gb_month' },
  { service: 'AmazonEC2', key: 'EBS:VolumeUsage', unit: 'GB-Mo', path: 'ebs.standard_gb_month' },
  {
    service: 'AmazonEC2',
    key: 'EBS:VolumeIOUsage',
    unit: 'IOs',
    path: 'ebs.standard_per_1m_io',
    per: 1_000_000,
  },
  // ECR
  { service: 'AmazonECR', key: 'TimedStorage-ByteHrs', unit: 'GB-Mo', path: 'ecr.storage_gb_month' },
  // Kinesis Data Streams
  {
    service: 'AmazonKinesis',
    key: 'Storage-ShardHour',
    unit: 'ShardHour',
    path: 'kinesis_data_streams.provisioned_shard_hour',
  },
  {
    service: 'AmazonKinesis',
    key: 'PutRequestPayloadUnits',
    unit: 'PutPayloadUnits',
    path: 'kinesis_data_streams.provisioned_put_payload_unit',
  },
  {
    service: 'AmazonKinesis',
    key: 'OnDemand-StreamHour',
    unit: 'StreamHour',
    path: 'kinesis_data_streams.on_demand_stream_hour',
  },
  {
    service: 'AmazonKinesis',
    key: 'OnDemand-BilledIncomingBytes',
    unit: 'GB',
    path: 'kinesis_data_streams.on_demand_ingest_per_gb',
  },
  {
    service: 'AmazonKinesis',
    key: 'OnDemand-BilledOutgoingBytes',
    unit: 'GB',
    path: 'kinesis_data_streams.on_demand_retrieval_per_gb',
  },
  {
    service: 'AmazonKinesis',
    key: 'Extended-ShardHour-LongTerm-ByteHrs',
    unit: 'GB-Mo',
    path: 'kinesis_data_streams.long_term_retention_gb_month',
  },
  {
    service: 'AmazonKinesis',
    key: 'EnhancedFanout-ConsumerShardHour',
    unit: 'ConsumerShardHour',
    path: 'kinesis_data_streams.efo_consumer_shard_hour',
  },
  // Firehose
  {
    service: 'AmazonKinesisFirehose',
    key: 'BilledBytes',
    unit: 'GB',
    path: 'firehose.direct_put_ingest_per_gb_first_500tb|firehose.ingest_per_gb_first_500tb',
  },
  {
    service: 'AmazonKinesisFirehose',
    key: 'BilledBytes-VendedLogs',
    unit: 'GB',
    path: 'firehose.vended_logs_ingest_per_gb_first_500tb',
  },
  {
    service: 'AmazonKinesisFirehose',
    key: 'BilledBytes-MSK',
    unit: 'GB',
    path: 'firehose.msk_source_per_gb_first_500tb',
  },
  {
    service: 'AmazonKinesisFirehose',
    key: 'DataFormatConversion-Bytes',
    unit: 'GB',
    path: 'firehose.format_conversion_per_gb',
  },
  {
    service: 'AmazonKinesisFirehose',
    key: 'DynamicPartitioning-Bytes',
    unit: 'GB',
    path: 'firehose.dynamic_partitioning_per_gb',
  },
  {
    service: 'AmazonKinesisFirehose',
    key: 'VpcDelivery-Bytes',
    unit: 'GB',
    path: 'firehose.vpc_delivery_per_gb|firehose.vpc_data_per_gb',
  },
  {
    service: 'AmazonKinesisFirehose',
    key: 'VpcDelivery-AZ-Hours',
    unit: 'Hrs',
    path: 'firehose.vpc_delivery_per_az_hour|firehose.vpc_az_delivery_per_hour',
  },
  // EMR Serverless (x86 workers)
  {
    service: 'ElasticMapReduce',
    key: 'EMR-SERVERLESS-vCPUHours',
    unit: 'vCPU-Hours',
    path: 'emr_serverless.vcpu_hour',
  },
  {
    service: 'ElasticMapReduce',
    key: 'EMR-SERVERLESS-MemoryGBHours',
    unit: 'GB-Hours',
    path: 'emr_serverless.memory_gb_hour',
  },
  {
    service: 'ElasticMapReduce',
    key: 'EMR-SERVERLESS-StorageGBHours',
    unit: 'GB-Hours',
    path: 'emr_serverless.storage_gb_hour',
  },
  // SNS
  {
    service: 'AmazonSNS',
    key: 'Requests-Tier1',
    unit: 'Requests',
    path: 'sns.api_requests_per_1m_after_first_1m',
    per: 1_000_000,
  },
  {
    service: 'AmazonSNS',
    key: 'DeliveryAttempts-HTTP',
    unit: 'Notifications',
    path: 'sns.http_notifications_per_100k_after_first_100k',
    per: 100_000,
  },
  {
    service: 'AmazonSNS',
    key: 'DeliveryAttempts-SMTP',
    unit: 'Notifications',
    path: 'sns.email_notifications_per_100k',
    per: 100_000,
  },
  {
    service: 'AmazonSNS',
    key: 'DeliveryAttempts-FIREHOSE',
    unit: 'Notifications',
    path: 'sns.firehose_notifications_per_1m',
    per: 1_000_000,
  },
  {
    service: 'AmazonSNS',
    key: 'DeliveryAttempts-MobilePush',
    unit: 'Notifications',
    path: 'sns.mobile_push_per_1m',
    per: 1_000_000,
  },
  {
    service: 'AmazonSNS',
    key: 'Requests-FIFO-Tier1',
    unit: 'Requests',
    path: 'sns.fifo_publish_per_1m',
    per: 1_000_000,
  },
  {
    service: 'AmazonSNS',
    key: 'FIFO-PublishPayload-Bytes',
    unit: 'GB',
    path: 'sns.fifo_publish_payload_per_gb',
  },
  // Lambda
  { service: 'AWSLambda', key: 'Request', unit: 'Requests', path: 'lambda.requests_per_1m', per: 1_000_000 },
  {
    service: 'AWSLambda',
    key: 'Lambda-GB-Second',
    unit: 'Lambda-GB-Second',
    path: 'lambda.x86_gb_second_first_6b',
  },
  {
    service: 'AWSLambda',
    key: 'Lambda-GB-Second-ARM',
    unit: 'Lambda-GB-Second',
    path: 'lambda.arm_gb_second_first_7_5b',
  },
  {
    service: 'AWSLambda',
    key: 'Lambda-Storage-GB-Second',
    unit: 'GB-Second',
    path: 'lambda.ephemeral_storage_gb_second',
  },
  // EventBridge (custom events; AWS management events on the default bus are free)
  {
    service: 'AWSEvents',
    key: 'Event-64K-Chunks',
    unit: 'Events',
    path: 'eventbridge.custom_events_per_million',
    per: 1_000_000,
  },
  {
    service: 'AWSEvents',
    key: 'ApiDestinations-Invocations',
    unit: 'Invocations',
    path: 'eventbridge.api_destinations_per_million',
    per: 1_000_000,
  },
  // FSx for Lustre, PERSISTENT_2 SSD by throughput tier (MB/s/TiB)
  {
    service: 'AmazonFSx',
    key: 'Lustre-PERSISTENT_2-SSD-125',
    unit: 'GB-Mo',
    path: 'fsx_lustre.persistent_2_ssd_usd_per_gb_month.125',
  },
  {
    service: 'AmazonFSx',
    key: 'Lustre-PERSISTENT_2-SSD-250',
    unit: 'GB-Mo',
    path: 'fsx_lustre.persistent_2_ssd_usd_per_gb_month.250',
  },
  {
    service: 'AmazonFSx',
    key: 'Lustre-PERSISTENT_2-SSD-500',
    unit: 'GB-Mo',
    path: 'fsx_lustre.persistent_2_ssd_usd_per_gb_month.500',
  },
  {
    service: 'AmazonFSx',
    key: 'Lustre-PERSISTENT_2-SSD-1000',
    unit: 'GB-Mo',
    path: 'fsx_lustre.persistent_2_ssd_usd_per_gb_month.1000',
  },
  // Budgets (region `Any`)
  {
    service: 'AWSBudgets',
    key: 'ActionEnabledBudgetsUsage',
    unit: 'Budget-Day',
    path: 'budgets.action_enabled_budget_per_day',
    global: true,
  },
  {
    service: 'AWSBudgets',
    key: 'BudgetsReports',
    unit: 'Reports',
    path: 'budgets.report_per_delivery',
    global: true,
  },
];

/** Reads the unit prices of `region` from price-facts.json. */
export function unitPricesFor(facts: Json, region: string, capturedAt: string): CatalogPrice[] {
  const all = (facts as { unit_prices?: Record<string, Json> }).unit_prices ?? {};
  const out: CatalogPrice[] = [];
  for (const spec of UNIT_SPECS) {
    const block = all[spec.global ? 'us-east-1' : region];
    const fact = readFact(block, spec.path);
    if (!fact) continue;
    out.push(
      unitPrice({
        service: spec.service,
        key: spec.key,
        unit: spec.unit,
        value: roundPrice(fact.value / (spec.per ?? 1)),
        source: fact.source,
        capturedAt,
      }),
    );
  }
  return out;
}
