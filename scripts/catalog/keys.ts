/**
 * KEYS.md: the catalog's price keys, generated from the catalog itself so it cannot drift.
 * `npm run catalog:build` writes it next to catalog.json; a test checks it is current.
 */
import type { Catalog, CatalogPrice } from '../../cost/types';

/**
 * Keys whose name is ours rather than a confirmed AWS usage type, or that need a caveat.
 * Everything else is the AWS usage type without its region prefix (`USE1-`, `EU-`, ...).
 */
export const KEY_NOTES: Readonly<Record<string, string>> = {
  'AWSEvents/ApiDestinations-Invocations': 'usage type name not confirmed; refresh matches by CONTAINS',
  'AWSLambda/Lambda-Storage-GB-Second': 'ephemeral storage above 512 MB; usage type name not confirmed',
  'AmazonCloudWatch/DashboardsUsageHour':
    'region `Any` price applied to every region; AWS bills dashboards with ≤ 50 metrics as `DashboardsUsageHour-Basic` at the same $3',
  'AmazonFSx/Lustre-PERSISTENT_2-SSD-125':
    'our key (`Lustre-<DeploymentType>-<StorageType>-<MB/s/TiB>`), not a usage type',
  'AmazonFSx/Lustre-PERSISTENT_2-SSD-250': 'our key, not a usage type',
  'AmazonFSx/Lustre-PERSISTENT_2-SSD-500': 'our key, not a usage type',
  'AmazonFSx/Lustre-PERSISTENT_2-SSD-1000': 'our key, not a usage type',
  'AmazonKinesis/Extended-ShardHour-LongTerm-ByteHrs':
    'retention beyond 7 days; usage type name not confirmed',
  'AmazonKinesis/EnhancedFanout-ConsumerShardHour': 'usage type name not confirmed',
  'AmazonKinesisFirehose/BilledBytes': 'first 500 TB tier (Direct PUT and Kinesis Data Streams sources)',
  'AmazonKinesisFirehose/BilledBytes-MSK': 'first 500 TB tier; usage type name not confirmed',
  'AmazonKinesisFirehose/BilledBytes-VendedLogs': 'first 500 TB tier; usage type name not confirmed',
  'AmazonKinesisFirehose/DataFormatConversion-Bytes': 'usage type name not confirmed',
  'AmazonKinesisFirehose/DynamicPartitioning-Bytes':
    'per GB part only (there is also a per-object charge); name not confirmed',
  'AmazonKinesisFirehose/VpcDelivery-AZ-Hours': 'usage type name not confirmed',
  'AmazonKinesisFirehose/VpcDelivery-Bytes': 'usage type name not confirmed',
  'ElasticMapReduce/EMR-SERVERLESS-vCPUHours':
    'EMR Serverless x86 workers; our key, usage type name not confirmed',
  'ElasticMapReduce/EMR-SERVERLESS-MemoryGBHours':
    'EMR Serverless x86 workers; our key, usage type name not confirmed',
  'ElasticMapReduce/EMR-SERVERLESS-StorageGBHours': 'storage above the 20 GB each worker includes; our key',
  'AmazonKinesisFirehose/DynamicPartitioning-Objects':
    'per S3 object delivered with dynamic partitioning; our key',
  'AmazonKinesisFirehose/DynamicPartitioning-JQ-Hours':
    'JQ processing hours of dynamic partitioning; our key',
  'AmazonMSK/Serverless-ClusterHours': 'MSK Serverless; our key',
  'AmazonMSK/Serverless-PartitionHours': 'MSK Serverless; our key',
  'AmazonMSK/Serverless-DataIn': 'MSK Serverless; our key',
  'AmazonMSK/Serverless-DataOut': 'MSK Serverless; our key',
  'AmazonMSK/Serverless-Storage': 'MSK Serverless, per GB-month; our key',
  'AWSGlue/Catalog-Storage':
    'per Data Catalog object-month beyond the first million of an account (free tier not netted); our key',
  'AWSGlue/Catalog-Requests':
    'per Data Catalog request beyond the first million a month (free tier not netted); our key',
  'AmazonEC2/EBS:VolumeP-IOPS.io2': 'first tier (up to 32,000 IOPS)',
  'AmazonS3/TimedStorage-ByteHrs': 'S3 Standard, first 50 TB tier',
  'AmazonSNS/DeliveryAttempts-FIREHOSE': 'usage type name not confirmed',
  'AmazonSNS/DeliveryAttempts-MobilePush': 'usage type name not confirmed',
  'AmazonSNS/FIFO-PublishPayload-Bytes': 'usage type name not confirmed',
  'AmazonSNS/Requests-FIFO-Tier1': 'usage type name not confirmed',
  'AmazonSNS/Requests-Tier1': 'after the first 1 million requests of an account (free tier not netted)',
  'AmazonSageMaker/Host:Data-Bytes-In': 'usage type name not confirmed',
  'AmazonSageMaker/Host:Data-Bytes-Out': 'usage type name not confirmed',
  'AmazonSageMaker/ProvisionedConcurrency:Mem-2GB':
    'group ServerlessProvisionedConcurrency-Duration; the two sources disagree on which of the two 2 GB rates is "warm"',
  'AmazonSageMaker/ProvisionedConcurrency:Usage-2GB':
    'group ServerlessProvisionedConcurrency-Usage; see Mem-2GB',
  'AmazonSageMaker/ServerlessInf:Data-Bytes': 'usage type name not confirmed',
  'AmazonVPC/VpcEndpoint-Bytes': 'first 1 PB tier',
  'awskms/KMS-Requests-GenerateDataKeyPair': 'usage type name not confirmed',
  'AWSELB/ALB:LoadBalancerUsage':
    'our key: AWS bills every type as `LoadBalancerUsage`, told apart by product family',
  'AWSELB/ALB:LCUUsage': 'our key (usage type `LCUUsage`, Application load balancer)',
  'AWSELB/NLB:LoadBalancerUsage': 'our key (usage type `LoadBalancerUsage`, Network load balancer)',
  'AWSELB/NLB:LCUUsage': 'our key (usage type `LCUUsage`, Network load balancer)',
  'AWSELB/GWLB:LoadBalancerUsage': 'our key (Gateway load balancer)',
  'AWSELB/GWLB:LCUUsage': 'our key (Gateway load balancer)',
  'AWSELB/CLB:LoadBalancerUsage': 'our key (Classic load balancer)',
  'AWSELB/CLB:DataProcessing-Bytes': 'our key (Classic load balancer data processed)',
  'AWSQueueService/Requests-RBP':
    'first paid tier (after the account free tier of 1 million requests, not netted)',
  'AWSQueueService/Requests-FIFO-RBP': 'first paid tier',
  'AmazonDynamoDB/TimedStorage-ByteHrs': 'Standard table class; the account free tier of 25 GB is not netted',
  'AmazonEFS/ProvisionedTP-MiBpsHrs':
    'per MiB/s-month of provisioned throughput; usage type name not confirmed',
  'AmazonEFS/ElasticThroughput-Read-Bytes': 'usage type name not confirmed',
  'AmazonEFS/ElasticThroughput-Write-Bytes': 'usage type name not confirmed',
  'AmazonEFS/ArchiveTimedStorage-ByteHrs': 'usage type name not confirmed',
  'AmazonEFS/TimedStorage-Z-ByteHrs': 'One Zone storage; usage type name not confirmed',
  'AmazonStates/ExpressWorkflows-Requests': 'our key (Express workflow requests)',
  'AmazonStates/ExpressWorkflows-Duration-GB-Second': 'our key; first 3.6 million GB-seconds tier',
  'AmazonMSK/RunVolume': 'broker storage per GB-month',
};

/** Keys of RDS storage: our names, `RDS:<kind>:<Single-AZ|Multi-AZ>`. */
for (const kind of [
  'GP2-Storage',
  'GP3-Storage',
  'PIOPS-Storage',
  'IO2-Storage',
  'Magnetic-Storage',
  'PIOPS',
  'GP3-IOPS',
  'GP3-Throughput',
])
  for (const az of ['Single-AZ', 'Multi-AZ'])
    (KEY_NOTES as Record<string, string>)[`AmazonRDS/RDS:${kind}:${az}`] =
      'our key; engine-independent rate for PostgreSQL, MySQL and MariaDB';

/** The instance-type kind of a price (one row per kind in KEYS.md), or undefined for a unit price. */
function instanceKind(p: CatalogPrice): string | undefined {
  const u = p.usageType ?? '';
  if (p.key.includes('@')) return 'commitment';
  if (/^BoxUsage:/.test(u)) return 'ec2';
  if (/^Train:ml\./.test(p.key)) return 'train';
  if (/^Processing:ml\./.test(p.key)) return 'processing';
  if (/^AsyncInf:ml\./.test(p.key)) return 'async';
  if (/^Tsform:ml\./.test(p.key)) return 'transform';
  if (/^Host:ml\./.test(u)) return 'host';
  if (/^(InstanceUsage|Multi-AZUsage):db\./.test(u)) return 'rds';
  if (/^ESInstance:/.test(u)) return 'es';
  if (/^Kafka\./.test(u)) return 'msk';
  return undefined;
}

/** 3.09e-8 → `0.0000000309`. */
function plain(v: number): string {
  return v >= 1e-6 ? String(v) : v.toFixed(12).replace(/0+$/, '');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** The Markdown of KEYS.md for `catalog`. Deterministic. */
export function renderKeysMarkdown(catalog: Catalog): string {
  interface Row {
    service: string;
    key: string;
    unit: string;
    usageType: string;
    regions: string[];
    sources: Set<string>;
    values: Set<number>;
  }
  const rows = new Map<string, Row>();
  const instanceCounts = new Map<string, { regions: number; prices: number }>();
  for (const rc of catalog.regions) {
    const kinds = new Set<string>();
    for (const p of rc.prices) {
      const kind = instanceKind(p);
      if (kind) {
        const c = instanceCounts.get(kind) ?? { regions: 0, prices: 0 };
        c.prices++;
        if (!kinds.has(kind)) c.regions++;
        kinds.add(kind);
        instanceCounts.set(kind, c);
        continue;
      }
      const id = `${p.service}/${p.key}`;
      const row = rows.get(id) ?? {
        service: p.service,
        key: p.key,
        unit: p.unit,
        usageType: p.usageType ?? p.key,
        regions: [],
        sources: new Set<string>(),
        values: new Set<number>(),
      };
      row.regions.push(rc.region);
      row.sources.add(p.source);
      row.values.add(p.value);
      rows.set(id, row);
    }
  }
  const count = (k: string) => instanceCounts.get(k) ?? { regions: 0, prices: 0 };
  const out: string[] = [
    '# Price catalog keys',
    '',
    '<!-- Generated by `npm run catalog:build` (cost/catalog/keys.ts) from catalog.json. Do not edit. -->',
    '',
    `Catalog \`${catalog.version}\`, captured ${catalog.capturedAt}. A price is looked up by \`(service, key)\` in one region;`,
    '`value` is USD per ONE `unit` (per request, per GB, per hour), never per 1,000 or per million.',
    'Keys are the AWS usage type without its region prefix (`USE1-`, `EU-`, `APN1-`, ...) unless the notes say otherwise.',
    'A key missing from a region means the facts did not source it there: pricing modules report the resource',
    'as unpriced (`no <key> price for <region> in the catalog (captured <date>)`), never $0.',
    '',
    '## Instance types',
    '',
    '| service | key | unit | usage type | prices |',
    '|---|---|---|---|---|',
    `| AmazonEC2 | \`<instanceType>\`, e.g. \`g5.xlarge\` | Hrs | \`BoxUsage:<instanceType>\` (Linux, shared tenancy, on-demand) | ${count('ec2').prices} in ${count('ec2').regions} region(s) |`,
    `| AmazonEC2, AmazonSageMaker | \`<type>@<model>\`, e.g. \`g5.xlarge@reserved-1y\` (no-upfront commitment rate, docs/prices.md) | Hrs | the on-demand price's | ${count('commitment').prices} in ${count('commitment').regions} region(s) |`,
    `| AmazonSageMaker | \`ml.<type>\`, e.g. \`ml.g5.xlarge\` (real-time hosting) | Hrs | \`Host:ml.<type>\` | ${count('host').prices} in ${count('host').regions} region(s) |`,
    `| AmazonSageMaker | \`Train:ml.<type>\` (training) | Hrs | \`Train:ml.<type>\` | ${count('train').prices} in ${count('train').regions} region(s) |`,
    `| AmazonSageMaker | \`Processing:ml.<type>\` (processing jobs, model-monitor schedules) | Hrs | \`Processing:ml.<type>\` | ${count('processing').prices} in ${count('processing').regions} region(s) |`,
    `| AmazonSageMaker | \`AsyncInf:ml.<type>\` (asynchronous inference) | Hrs | \`AsyncInf:ml.<type>\` | ${count('async').prices} in ${count('async').regions} region(s) |`,
    `| AmazonSageMaker | \`Tsform:ml.<type>\` (batch transform) | Hrs | \`Tsform:ml.<type>\` | ${count('transform').prices} in ${count('transform').regions} region(s) |`,
    `| AmazonRDS | \`RDS:<engine>:db.<class>:<Single-AZ\\|Multi-AZ>\` (engine \`postgres\` or \`mysql\`; our key) | Hrs | \`InstanceUsage:db.<class>\` / \`Multi-AZUsage:db.<class>\` | ${count('rds').prices} in ${count('rds').regions} region(s) |`,
    `| AmazonES | \`<type>.search\`, e.g. \`m6g.large.search\` (OpenSearch Service) | Hrs | \`ESInstance:<type>.search\` | ${count('es').prices} in ${count('es').regions} region(s) |`,
    `| AmazonMSK | \`kafka.<type>\`, e.g. \`kafka.m5.large\` (provisioned brokers) | Hrs | \`Kafka.<type>\` | ${count('msk').prices} in ${count('msk').regions} region(s) |`,
    '',
    'EC2 entries also carry `vcpus`, `memoryGiB`, `gpus` (NVIDIA GPUs only; Inferentia, Trainium and Gaudi are not counted),',
    '`spotRatio` (median spot price over the region’s availability zones ÷ on-demand, 0 < r ≤ 1; absent when no zone offered spot',
    'below on-demand) and `interruptionBucket` (AWS Spot Instance Advisor: `<5%`, `5-10%`, `10-15%`, `15-20%`, `>20%`).',
    'SageMaker P4d/P5 hosting is absent on purpose: the only sourced figures are from before the June 2025 price cut.',
    'SageMaker components are separate SKUs with their own rates (a Studio-Notebook, processing or async hour is not a hosting',
    'hour): a module prices one component only from its own key and reports the others unpriced, never borrowing a rate.',
    'Processing, async and batch-transform keys follow AWS’s usage types (`Processing:ml.m5.xlarge`, `AsyncInf:ml.g5.xlarge`,',
    '`Tsform:ml.g4dn.xlarge`); no citable source gives them yet (docs/prices.md lists what was searched).',
    '',
    '## Unit prices',
    '',
    '| service | key | unit | usage type | value (USD per unit) | regions | source | notes |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const sorted = [...rows.values()].sort((a, b) =>
    a.service !== b.service ? (a.service < b.service ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
  for (const r of sorted) {
    const values = [...r.values]
      .sort((a, b) => a - b)
      .map(plain)
      .join(' / ');
    out.push(
      `| ${r.service} | \`${cell(r.key)}\` | ${r.unit} | \`${cell(r.usageType)}\` | ${values} | ${r.regions.join(', ')} | ${[...r.sources].sort().join(', ')} | ${cell(KEY_NOTES[`${r.service}/${r.key}`] ?? '')} |`,
    );
  }
  out.push(
    '',
    '## Keys the pricing modules ask for that no source gives yet',
    '',
    'These resolve to unpriced until `cdk-ml-cost prices refresh` fills them: `AmazonFSx/Lustre-SCRATCH_2-SSD`, `Lustre-SCRATCH_1-SSD`,',
    '`Lustre-PERSISTENT_1-SSD-<tier>` and HDD tiers, FSx PERSISTENT_2 in the regions missing from its rows above, NAT gateway prices',
    'outside us-east-1 and eu-west-1 (us-west-2 has the hourly rate only), EBS outside the regions listed above, SageMaker hosting',
    'outside us-east-1, us-west-2 and eu-west-1, SageMaker processing, async inference and batch transform, SageMaker Feature Store',
    '(`FeatureStore-*`), OpenSearch storage, RDS engines other than PostgreSQL and MySQL. The price-watcher snapshot carries no NAT,',
    'EBS or SageMaker hosting data; of its FSx rates (keyed by AWS regionless rate code, not by label) only the four PERSISTENT_2',
    'SSD tiers are labelled (price-facts.json `fsx_lustre.label_method`).',
    '',
  );
  return out.join('\n');
}
