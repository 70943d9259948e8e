import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createPriceBook, loadCatalog } from '../../cost/catalog';
import type {
  LineDraft,
  PriceBook,
  PricingModule,
  PricingResult,
  ResolvedResource,
  ResourceUsage,
  TemplateView,
} from '../../cost/pricing/types';
import { UNIT_PRICE_MODULES } from '../../cost/pricing/unit-modules';
import type { UsageNumberKey } from '../../cost/usage-metadata';

// GIVEN (shared): the real bundled catalog and price books of five regions.
const catalog = loadCatalog();
const books: Record<string, PriceBook> = Object.fromEntries(
  ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'sa-east-1'].map((r) => [
    r,
    createPriceBook(catalog, r),
  ]),
);
const CAPTURED = catalog.capturedAt;

function resource(
  type: string,
  properties: Record<string, unknown> = {},
  logicalId = 'Res',
): ResolvedResource {
  return { logicalId, type, properties, metadata: {}, condition: 'none', tags: {} };
}

function usageOf(values: Partial<Record<UsageNumberKey, number>> = {}): ResourceUsage {
  const sources = Object.fromEntries(Object.keys(values).map((k) => [k, 'usage-metadata' as const]));
  const origins = Object.fromEntries(Object.keys(values).map((k) => [k, 'test']));
  return { values, sources, origins };
}

function templateOf(
  resources: readonly ResolvedResource[] = [],
  refs: Record<string, string[]> = {},
): TemplateView {
  return {
    resource: (id) => resources.find((r) => r.logicalId === id),
    resources: () => resources,
    referencedBy: (id) => refs[id] ?? [],
    azCount: 3,
  };
}

/** Runs the module registered for the resource's type. */
function price(
  res: ResolvedResource,
  opts: { region?: string; usage?: Partial<Record<UsageNumberKey, number>>; template?: TemplateView } = {},
): PricingResult {
  const module: PricingModule | undefined = UNIT_PRICE_MODULES[res.type];
  if (!module) throw new Error(`no module for ${res.type}`);
  return module({
    resource: res,
    usage: usageOf(opts.usage),
    prices: books[opts.region ?? 'us-east-1'],
    template: opts.template ?? templateOf([res]),
  });
}

function lines(result: PricingResult): readonly LineDraft[] {
  if (result.kind !== 'priced') throw new Error(`expected priced, got ${JSON.stringify(result)}`);
  return result.lines;
}

/** Expected monthly USD of one line, as the assembly computes it. */
function monthly(line: LineDraft): number {
  return line.quantity.expected * (line.unitPrice?.expected ?? line.price.value);
}

function total(result: PricingResult): number {
  return lines(result)
    .filter((l) => l.hasUsage)
    .reduce((sum, l) => sum + monthly(l), 0);
}

/** Within 1% of the list price computed by hand from the AWS pricing page figures. */
function expectListPrice(actual: number, listPrice: number): void {
  expect(Math.abs(actual - listPrice) / listPrice).toBeLessThan(0.01);
}

describe('UNIT_PRICE_MODULES', () => {
  test('registers one module per CloudFormation type the catalog engineer prices', () => {
    expect(Object.keys(UNIT_PRICE_MODULES).sort()).toEqual([
      'AWS::Budgets::Budget',
      'AWS::Budgets::BudgetsAction',
      'AWS::CE::AnomalyMonitor',
      'AWS::CE::AnomalySubscription',
      'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::CompositeAlarm',
      'AWS::CloudWatch::Dashboard',
      'AWS::DynamoDB::Table',
      'AWS::EC2::EIP',
      'AWS::EC2::NatGateway',
      'AWS::EC2::VPCEndpoint',
      'AWS::EC2::Volume',
      'AWS::ECR::Repository',
      'AWS::EFS::FileSystem',
      'AWS::EKS::Cluster',
      'AWS::EKS::Nodegroup',
      'AWS::EMRServerless::Application',
      'AWS::ElasticLoadBalancing::LoadBalancer',
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      'AWS::Elasticsearch::Domain',
      'AWS::Events::ApiDestination',
      'AWS::Events::EventBus',
      'AWS::Events::Rule',
      'AWS::FSx::FileSystem',
      'AWS::Glue::Database',
      'AWS::Glue::Table',
      'AWS::KMS::Key',
      'AWS::KMS::ReplicaKey',
      'AWS::Kinesis::Stream',
      'AWS::KinesisFirehose::DeliveryStream',
      'AWS::Lambda::Function',
      'AWS::Logs::LogGroup',
      'AWS::MSK::Cluster',
      'AWS::MSK::ServerlessCluster',
      'AWS::OpenSearchService::Domain',
      'AWS::RDS::DBInstance',
      'AWS::S3::Bucket',
      'AWS::SNS::Subscription',
      'AWS::SNS::Topic',
      'AWS::SQS::Queue',
      'AWS::SageMaker::FeatureGroup',
      'AWS::SecretsManager::Secret',
      'AWS::StepFunctions::StateMachine',
    ]);
  });
});

describe('golden lines, us-east-1 and eu-west-1', () => {
  // Each row: a minimal resource + usage → the lines' formulas and the expected monthly total
  // (usage-less lines excluded), hand-computed from the list prices.
  test.each<[string, ResolvedResource, Partial<Record<UsageNumberKey, number>>, string, string[], number]>([
    [
      'NAT gateway, 100 GB',
      resource('AWS::EC2::NatGateway', { SubnetId: 'subnet-1' }),
      { monthlyDataGb: 100 },
      'us-east-1',
      ['1 gateway × 730 h', '100 GB'],
      730 * 0.045 + 100 * 0.045,
    ],
    [
      'interface endpoint in 2 subnets',
      resource('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        ServiceName: 'com.amazonaws.us-east-1.ecr.api',
        SubnetIds: ['subnet-a', 'subnet-b'],
      }),
      {},
      'us-east-1',
      ['2 AZ × 730 h', 'depends on usage: $0.01 per GB (set monthlyDataGb)'],
      2 * 730 * 0.01,
    ],
    [
      'interface endpoint in 2 subnets',
      resource('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        SubnetIds: ['subnet-a', 'subnet-b'],
      }),
      {},
      'eu-west-1',
      ['2 AZ × 730 h', 'depends on usage: $0.01 per GB (set monthlyDataGb)'],
      2 * 730 * 0.011,
    ],
    [
      'KMS key with 1M requests',
      resource('AWS::KMS::Key', { EnableKeyRotation: true }),
      { monthlyRequests: 1_000_000 },
      'us-east-1',
      ['1 key × 1 month', '1,000,000 requests'],
      1 + 1_000_000 * (0.03 / 10_000),
    ],
    [
      'KMS key with 1M requests',
      resource('AWS::KMS::Key', {}),
      { monthlyRequests: 1_000_000 },
      'eu-west-1',
      ['1 key × 1 month', '1,000,000 requests'],
      1 + 3,
    ],
    [
      'RSA_2048 KMS key',
      resource('AWS::KMS::Key', { KeySpec: 'RSA_2048' }),
      { monthlyRequests: 10_000 },
      'us-east-1',
      ['1 key × 1 month', '10,000 requests'],
      1 + 0.03,
    ],
    [
      'S3 bucket, 500 GB and 100k requests',
      resource('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } }),
      { storageGb: 500, monthlyRequests: 100_000 },
      'us-east-1',
      ['500 GB', '100,000 requests'],
      500 * 0.023 + 100 * 0.005,
    ],
    [
      'S3 bucket, 500 GB',
      resource('AWS::S3::Bucket', {}),
      { storageGb: 500 },
      'eu-west-1',
      ['500 GB', 'depends on usage: $0.000005 per request (set monthlyRequests)'],
      500 * 0.023,
    ],
    [
      'standard alarm',
      resource('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda', Period: 300 }),
      {},
      'us-east-1',
      ['1 alarm metric × 1 month'],
      0.1,
    ],
    [
      'high-resolution alarm (Period 10)',
      resource('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Period: 10 }),
      {},
      'eu-west-1',
      ['1 alarm metric × 1 month'],
      0.3,
    ],
    [
      'anomaly-detection alarm',
      resource('AWS::CloudWatch::Alarm', {
        ThresholdMetricId: 'ad1',
        Metrics: [
          { Id: 'm1', MetricStat: { Metric: { MetricName: 'Invocations' }, Period: 300, Stat: 'Sum' } },
          { Id: 'ad1', Expression: 'ANOMALY_DETECTION_BAND(m1, 2)' },
        ],
      }),
      {},
      'us-east-1',
      ['1 metric × 3 (anomaly detection) × 1 month'],
      3 * 0.1,
    ],
    [
      'metric-math alarm over 2 metrics',
      resource('AWS::CloudWatch::Alarm', {
        Metrics: [
          { Id: 'errors', MetricStat: { Metric: { MetricName: 'Errors' }, Period: 60, Stat: 'Sum' } },
          { Id: 'calls', MetricStat: { Metric: { MetricName: 'Invocations' }, Period: 60, Stat: 'Sum' } },
          { Id: 'rate', Expression: 'errors / calls' },
        ],
      }),
      {},
      'us-east-1',
      ['2 alarm metrics × 1 month'],
      2 * 0.1,
    ],
    [
      'composite alarm',
      resource('AWS::CloudWatch::CompositeAlarm', {}),
      {},
      'eu-west-1',
      ['1 alarm × 1 month'],
      0.5,
    ],
    ['dashboard', resource('AWS::CloudWatch::Dashboard', {}), {}, 'us-east-1', ['1 dashboard × 1 month'], 3],
    [
      'log group, 10 GB in, 50 GB kept',
      resource('AWS::Logs::LogGroup', { RetentionInDays: 30 }),
      { monthlyDataGb: 10, storageGb: 50 },
      'us-east-1',
      ['10 GB', '50 GB'],
      10 * 0.5 + 50 * 0.03,
    ],
    [
      'log group, 10 GB in, 50 GB kept',
      resource('AWS::Logs::LogGroup', {}),
      { monthlyDataGb: 10, storageGb: 50 },
      'eu-west-1',
      ['10 GB', '50 GB'],
      10 * 0.57 + 50 * 0.03,
    ],
    [
      'Infrequent Access log group',
      resource('AWS::Logs::LogGroup', { LogGroupClass: 'INFREQUENT_ACCESS' }),
      { monthlyDataGb: 10 },
      'us-east-1',
      ['10 GB', 'depends on usage: $0.03 per GB-month (set storageGb)'],
      10 * 0.25,
    ],
    [
      'SNS topic, 2M publishes',
      resource('AWS::SNS::Topic', {}),
      { monthlyRequests: 2_000_000 },
      'us-east-1',
      ['2,000,000 requests'],
      2 * 0.5,
    ],
    [
      'FIFO SNS topic, 1M publishes',
      resource('AWS::SNS::Topic', { FifoTopic: true }),
      { monthlyRequests: 1_000_000 },
      'eu-west-1',
      ['1,000,000 requests'],
      0.33,
    ],
    [
      'email subscription, 100k notifications',
      resource('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' }),
      { monthlyRequests: 100_000 },
      'us-east-1',
      ['100,000 notifications'],
      2,
    ],
    [
      'Lambda x86 1 GB, 1M × 200 ms',
      resource('AWS::Lambda::Function', { MemorySize: 1024 }),
      { monthlyRequests: 1_000_000, averageDurationMs: 200 },
      'us-east-1',
      ['1,000,000 requests', '1,000,000 requests × 0.2 s × 1 GB'],
      0.2 + 200_000 * 0.0000166667,
    ],
    [
      'Lambda arm64 2 GB with 1 GB ephemeral storage, 1M × 100 ms',
      resource('AWS::Lambda::Function', {
        MemorySize: 2048,
        Architectures: ['arm64'],
        EphemeralStorage: { Size: 1536 },
      }),
      { monthlyRequests: 1_000_000, averageDurationMs: 100 },
      'us-east-1',
      ['1,000,000 requests', '1,000,000 requests × 0.1 s × 2 GB', '1,000,000 requests × 0.1 s × 1 GB'],
      0.2 + 200_000 * 0.0000133334 + 100_000 * 0.0000000309,
    ],
    [
      'custom event bus, 5M events',
      resource('AWS::Events::EventBus', { Name: 'ml-events' }),
      { monthlyRequests: 5_000_000 },
      'eu-west-1',
      ['5,000,000 events'],
      5,
    ],
    [
      'FSx for Lustre PERSISTENT_2 250 MB/s/TiB, 1,200 GB',
      resource('AWS::FSx::FileSystem', {
        FileSystemType: 'LUSTRE',
        StorageCapacity: 1200,
        LustreConfiguration: { DeploymentType: 'PERSISTENT_2', PerUnitStorageThroughput: 250 },
      }),
      {},
      'us-east-1',
      ['1,200 GB × 1 month'],
      1200 * 0.21,
    ],
    [
      'ECR repository, 20 GB',
      resource('AWS::ECR::Repository', {}),
      { storageGb: 20 },
      'us-east-1',
      ['20 GB'],
      2,
    ],
    [
      'provisioned Kinesis stream, 2 shards',
      resource('AWS::Kinesis::Stream', { ShardCount: 2 }),
      { monthlyRequests: 10_000_000 },
      'us-east-1',
      ['2 shards × 730 h', '10,000,000 records'],
      2 * 730 * 0.015 + 10_000_000 * 0.000000014,
    ],
    [
      'on-demand Kinesis stream, 100 GB',
      resource('AWS::Kinesis::Stream', { StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
      { monthlyDataGb: 100 },
      'us-east-1',
      ['1 stream × 730 h', '100 GB', '100 GB'],
      730 * 0.04 + 100 * 0.08 + 100 * 0.04,
    ],
    [
      'Firehose direct put, 100 GB',
      resource('AWS::KinesisFirehose::DeliveryStream', {}),
      { monthlyDataGb: 100 },
      'us-east-1',
      ['100 GB'],
      2.9,
    ],
    [
      'Firehose direct put with Parquet conversion, 100 GB',
      resource('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: { DataFormatConversionConfiguration: { Enabled: true } },
      }),
      { monthlyDataGb: 100 },
      'eu-west-1',
      ['100 GB', '100 GB'],
      100 * 0.031 + 100 * 0.019,
    ],
    [
      'gp3 volume 100 GB',
      resource('AWS::EC2::Volume', { VolumeType: 'gp3', Size: 100, AvailabilityZone: 'us-east-1a' }),
      {},
      'us-east-1',
      ['100 GB × 1 month'],
      8,
    ],
    [
      'gp3 volume 100 GB, 4,000 IOPS, 250 MiB/s',
      resource('AWS::EC2::Volume', { VolumeType: 'gp3', Size: 100, Iops: 4000, Throughput: 250 }),
      {},
      'us-east-1',
      ['100 GB × 1 month', '(4,000 − 3,000) IOPS × 1 month', '(250 − 125) MiB/s × 1 month'],
      8 + 1000 * 0.005 + 125 * 0.04,
    ],
    [
      'gp2 volume 100 GB (the default type)',
      resource('AWS::EC2::Volume', { Size: 100 }),
      {},
      'eu-west-1',
      ['100 GB × 1 month'],
      11,
    ],
    [
      'io2 volume 200 GB, 5,000 IOPS',
      resource('AWS::EC2::Volume', { VolumeType: 'io2', Size: 200, Iops: 5000 }),
      {},
      'us-east-1',
      ['200 GB × 1 month', '5,000 IOPS × 1 month'],
      200 * 0.125 + 5000 * 0.065,
    ],
  ])('%s in %s', (_name, res, usage, region, formulas, listPrice) => {
    // WHEN
    const result = price(res, { usage, region });
    // THEN
    expect(lines(result).map((l) => l.quantityFormula)).toEqual(formulas);
    expect(total(result)).toBeCloseTo(listPrice, 6);
    expectListPrice(total(result), listPrice);
  });
});

describe('line shape', () => {
  test('a NAT gateway without usage: hours in totals, GB processed shown with its unit price', () => {
    // WHEN
    const [hours, bytes] = lines(price(resource('AWS::EC2::NatGateway', {})));
    // THEN
    expect(hours).toMatchObject({
      service: 'AmazonEC2',
      component: 'NAT gateway (public)',
      unit: 'Hrs',
      quantity: { min: 730, expected: 730, max: 730 },
      usageBased: false,
      hasUsage: true,
      usageSource: 'template',
      pricingCategory: 'Standard',
      price: { key: 'NatGateway-Hours', usageType: 'NatGateway-Hours', value: 0.045, source: 'infracost' },
    });
    expect(bytes).toMatchObject({
      component: 'NAT gateway data processed',
      unit: 'GB',
      quantity: { min: 0, expected: 0, max: 0 },
      quantityFormula: 'depends on usage: $0.045 per GB (set monthlyDataGb)',
      usageBased: true,
      hasUsage: false,
      usageSource: 'none',
      price: { key: 'NatGateway-Bytes', value: 0.045 },
    });
  });

  test('traffic has an idle floor of zero; stored data does not', () => {
    // WHEN
    const [ingest, storage] = lines(
      price(resource('AWS::Logs::LogGroup', {}), { usage: { monthlyDataGb: 10, storageGb: 50 } }),
    );
    // THEN
    expect(ingest.quantity).toEqual({ min: 0, expected: 10, max: 10 });
    expect(storage.quantity).toEqual({ min: 50, expected: 50, max: 50 });
    expect(ingest.usageSource).toBe('usage-metadata');
  });

  test('usage from a usage file keeps its source', () => {
    const result = UNIT_PRICE_MODULES['AWS::ECR::Repository']({
      resource: resource('AWS::ECR::Repository'),
      usage: {
        values: { storageGb: 5 },
        sources: { storageGb: 'usage-file' },
        origins: { storageGb: 'usage.yaml' },
      },
      prices: books['us-east-1'],
      template: templateOf(),
    });
    expect(lines(result)[0].usageSource).toBe('usage-file');
  });

  test('S3 names its cost drivers', () => {
    // GIVEN
    const bucket = resource('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      IntelligentTieringConfigurations: [{ Id: 'archive', Status: 'Enabled', Tierings: [] }],
      LifecycleConfiguration: {
        Rules: [{ Status: 'Enabled', Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }] }],
      },
      ReplicationConfiguration: { Role: 'arn:aws:iam::111111111111:role/r', Rules: [] },
    });
    // WHEN
    const [storage] = lines(price(bucket));
    // THEN
    expect(storage.notes).toEqual([
      'versioning is enabled: noncurrent object versions are billed as stored GB too',
      'Intelligent-Tiering archive configuration: objects move to archive tiers; monitoring is billed per object ($0.0025 per 1,000 objects)',
      'lifecycle transitions to GLACIER ($0.0036 per GB-month); storage is priced at Standard here',
      'replication: the destination bucket stores a second copy and replication requests and transfer are billed',
    ]);
  });

  test('an interface endpoint with unresolved subnets assumes the template AZ count and says so', () => {
    const [hours] = lines(
      price(
        resource('AWS::EC2::VPCEndpoint', {
          VpcEndpointType: 'Interface',
          SubnetIds: { __unknown: 'Ref Subnets' },
        }),
      ),
    );
    expect(hours.quantityFormula).toBe('3 AZ × 730 h');
    expect(hours.notes).toEqual(['SubnetIds could not be resolved: assuming one subnet in each of 3 AZs']);
  });

  test('an action-enabled budget is billed per budget-day', () => {
    // GIVEN
    const budget = resource(
      'AWS::Budgets::Budget',
      { Budget: { BudgetName: 'ml-monthly', BudgetType: 'COST' } },
      'Budget',
    );
    const action = resource('AWS::Budgets::BudgetsAction', { BudgetName: 'ml-monthly' }, 'Action');
    // WHEN
    const result = price(budget, { template: templateOf([budget, action]) });
    // THEN
    expect(lines(result).map((l) => l.quantityFormula)).toEqual(['1 budget × 30.4167 days']);
    expectListPrice(total(result), (730 / 24) * 0.1);
  });

  test('property: an interface endpoint costs subnets × 730 h × the AZ-hour price', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.constantFrom('us-east-1', 'us-west-2', 'eu-west-1'),
        (n, region) => {
          const res = resource('AWS::EC2::VPCEndpoint', {
            VpcEndpointType: 'Interface',
            SubnetIds: Array.from({ length: n }, (_, i) => `subnet-${i}`),
          });
          const hourly = books[region].price('AmazonVPC', 'VpcEndpoint-Hours')!.value;
          expect(total(price(res, { region }))).toBeCloseTo(n * 730 * hourly, 9);
        },
      ),
    );
  });
});

describe('free and unpriced', () => {
  test.each<[string, ResolvedResource]>([
    [
      'a gateway endpoint',
      resource('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: 'com.amazonaws.us-east-1.s3',
      }),
    ],
    [
      'an endpoint without a type (Gateway is the default)',
      resource('AWS::EC2::VPCEndpoint', { ServiceName: 's3' }),
    ],
    ['an SQS subscription', resource('AWS::SNS::Subscription', { Protocol: 'sqs' })],
    ['an EventBridge rule', resource('AWS::Events::Rule', { EventPattern: {} })],
    ['a budget without actions', resource('AWS::Budgets::Budget', { Budget: { BudgetName: 'b' } })],
    ['a budget action (billed on its budget)', resource('AWS::Budgets::BudgetsAction', { BudgetName: 'b' })],
    ['an anomaly monitor', resource('AWS::CE::AnomalyMonitor', { MonitorType: 'DIMENSIONAL' })],
    ['an anomaly subscription', resource('AWS::CE::AnomalySubscription', { Frequency: 'DAILY' })],
  ])('%s is free', (_name, res) => {
    expect(price(res)).toEqual({ kind: 'free' });
  });

  test.each<[string, ResolvedResource, string, string]>([
    [
      'a NAT gateway',
      resource('AWS::EC2::NatGateway', {}),
      'ap-northeast-1',
      `no NatGateway-Hours price for ap-northeast-1 in the catalog (captured ${CAPTURED})`,
    ],
    [
      'a Lustre SCRATCH_2 file system',
      resource('AWS::FSx::FileSystem', {
        FileSystemType: 'LUSTRE',
        StorageCapacity: 1200,
        LustreConfiguration: { DeploymentType: 'SCRATCH_2' },
      }),
      'us-east-1',
      `no Lustre-SCRATCH_2-SSD price for us-east-1 in the catalog (captured ${CAPTURED})`,
    ],
    [
      'a Lustre PERSISTENT_2 file system',
      resource('AWS::FSx::FileSystem', {
        FileSystemType: 'LUSTRE',
        StorageCapacity: 1200,
        LustreConfiguration: { DeploymentType: 'PERSISTENT_2', PerUnitStorageThroughput: 125 },
      }),
      'sa-east-1',
      `no Lustre-PERSISTENT_2-SSD-125 price for sa-east-1 in the catalog (captured ${CAPTURED})`,
    ],
    [
      'an ONTAP file system',
      resource('AWS::FSx::FileSystem', { FileSystemType: 'ONTAP', StorageCapacity: 1024 }),
      'us-east-1',
      'FSx file system type ONTAP is not priced (only LUSTRE)',
    ],
    [
      'an io2 volume',
      resource('AWS::EC2::Volume', { VolumeType: 'io2', Size: 100 }),
      'eu-west-1',
      `no EBS:VolumeUsage.io2 price for eu-west-1 in the catalog (captured ${CAPTURED})`,
    ],
    [
      'a volume sized by its snapshot',
      resource('AWS::EC2::Volume', { SnapshotId: 'snap-1' }),
      'us-east-1',
      'Size comes from the snapshot and is not in the template',
    ],
    [
      'an SMS subscription',
      resource('AWS::SNS::Subscription', { Protocol: 'sms' }),
      'us-east-1',
      'SNS deliveries over sms have no price in the catalog',
    ],
    [
      'an endpoint whose type is unresolved',
      resource('AWS::EC2::VPCEndpoint', { VpcEndpointType: { __unknown: 'Ref EndpointType' } }),
      'us-east-1',
      'VpcEndpointType could not be resolved (Gateway is free, Interface is billed per AZ)',
    ],
  ])('%s in %s is unpriced', (_name, res, region, reason) => {
    expect(price(res, { region })).toEqual({ kind: 'unpriced', reason });
  });

  test.each([
    ['us-east-1', 3.65],
    ['eu-west-1', 3.65],
    ['ap-northeast-1', 3.65],
    ['sa-east-1', 3.65],
  ])('an Elastic IP in %s costs 0.005 $/h × 730 h = %s (public IPv4 charge, apw:vpc)', (region, monthly) => {
    const result = price(resource('AWS::EC2::EIP', { Domain: 'vpc' }), { region });
    expect(lines(result).map((l) => l.price.source)).toEqual(['apw:vpc']);
    expectListPrice(total(result), monthly);
  });

  test.each([
    ['us-east-1', 0.4],
    ['eu-west-1', 0.4],
    ['ap-northeast-1', 0.4],
  ])('a secret in %s costs %s per month, API calls usage-based', (region, monthly) => {
    const result = price(resource('AWS::SecretsManager::Secret', {}), { region });
    expect(lines(result).map((l) => [l.price.key, l.usageBased])).toEqual([
      ['AWSSecretsManager-Secrets', false],
      ['AWSSecretsManagerAPIRequest', true],
    ]);
    expectListPrice(total(result), monthly);
  });

  test('an SQS queue prices requests from usage: 2M × 0.0000004 $ = 0.80 (standard, first paid tier)', () => {
    const result = price(resource('AWS::SQS::Queue', {}), {
      region: 'eu-west-1',
      usage: { monthlyRequests: 2_000_000 },
    });
    expectListPrice(total(result), 0.8);
  });

  test('a NAT gateway in us-west-2 prices the hours and lists the missing GB price', () => {
    // WHEN
    const result = price(resource('AWS::EC2::NatGateway', {}), {
      region: 'us-west-2',
      usage: { monthlyDataGb: 100 },
    });
    // THEN
    expect(result.kind).toBe('priced');
    expect(lines(result).map((l) => l.price.key)).toEqual(['NatGateway-Hours']);
    expectListPrice(total(result), 32.85);
    expect(result.kind === 'priced' && result.unpriced).toEqual([
      `no NatGateway-Bytes price for us-west-2 in the catalog (captured ${CAPTURED})`,
    ]);
  });
});

describe('formatting', () => {
  test.each<[string, Partial<Record<UsageNumberKey, number>>, string[]]>([
    [
      'Lambda without usage shows tiny unit prices in plain decimals',
      {},
      [
        'depends on usage: $0.0000002 per request (set monthlyRequests)',
        'depends on usage: $0.0000166667 per GB-second (set monthlyRequests and averageDurationMs)',
        'depends on usage: $0.0000000309 per GB-second (set monthlyRequests and averageDurationMs)',
      ],
    ],
  ])('%s', (_name, usage, formulas) => {
    const fn = resource('AWS::Lambda::Function', { EphemeralStorage: { Size: 10240 } });
    expect(lines(price(fn, { usage })).map((l) => l.quantityFormula)).toEqual(formulas);
  });
});
