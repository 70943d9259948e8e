import { describe, expect, test } from 'vitest';
import { createPriceBook, loadCatalog } from '../../cost/catalog';
import type { LineDraft, PricingResult, ResolvedResource, ResourceUsage } from '../../cost/pricing/types';
import { UNIT_PRICE_MODULES } from '../../cost/pricing/unit-modules';
import { lookupType } from '../../cost/pricing/registry';
import type { UsageNumberKey } from '../../cost/usage-metadata';

// Golden figures of the data-plane modules, hand-computed from list prices:
// us-east-1 Kinesis on-demand 0.04 $/stream-h, 0.08 $/GB in, 0.04 $/GB out; Firehose 0.029 $/GB
// ingested, 0.018 $/GB converted, 0.02 $/GB + 0.000005 $/object dynamically partitioned; MSK
// Serverless 0.75 $/cluster-h, 0.0015 $/partition-h, 0.10 $/GB in, 0.05 $/GB out, 0.10 $/GB-month;
// EMR Serverless 0.052624 $/vCPU-h, 0.0057785 $/GB-h (eu-west-1 the same), Glue 0.00001 $/object.
const catalog = loadCatalog();
const book = (region: string) => createPriceBook(catalog, region);

function resource(type: string, properties: Record<string, unknown> = {}): ResolvedResource {
  return { logicalId: 'Res', type, properties, metadata: {}, condition: 'none', tags: {} };
}

function price(
  res: ResolvedResource,
  values: Partial<Record<UsageNumberKey, number>> = {},
  region = 'us-east-1',
): PricingResult {
  const usage: ResourceUsage = {
    values,
    sources: Object.fromEntries(Object.keys(values).map((k) => [k, 'usage-metadata' as const])),
    origins: Object.fromEntries(Object.keys(values).map((k) => [k, 'test'])),
  };
  return UNIT_PRICE_MODULES[res.type]({
    resource: res,
    usage,
    prices: book(region),
    template: { resource: () => res, resources: () => [res], referencedBy: () => [], azCount: 3 },
  });
}

function lines(r: PricingResult): readonly LineDraft[] {
  if (r.kind !== 'priced') throw new Error(`expected priced, got ${JSON.stringify(r)}`);
  return r.lines;
}

const scenario = (r: PricingResult, s: 'min' | 'expected' | 'max') =>
  lines(r)
    .filter((l) => l.hasUsage)
    .reduce((sum, l) => sum + l.quantity[s] * (l.unitPrice?.[s] ?? l.price.value), 0);

const FIREHOSE_PARQUET_PARTITIONED = resource('AWS::KinesisFirehose::DeliveryStream', {
  DeliveryStreamType: 'KinesisStreamAsSource',
  ExtendedS3DestinationConfiguration: {
    BufferingHints: { SizeInMBs: 128, IntervalInSeconds: 300 },
    DataFormatConversionConfiguration: { Enabled: true },
    DynamicPartitioningConfiguration: { Enabled: true },
  },
});

describe('data-plane pricing, golden figures from list prices', () => {
  test('Kinesis on-demand, 10 GB/day (304.167 GB a month): stream-hours + GB in + GB out', () => {
    const r = price(resource('AWS::Kinesis::Stream', { StreamModeDetails: { StreamMode: 'ON_DEMAND' } }), {
      monthlyDataGb: 304.167,
    });
    expect(lines(r).map((l) => l.component)).toEqual([
      'Stream (on-demand)',
      'Data ingested (on-demand)',
      'Data retrieved (on-demand)',
    ]);
    expect(scenario(r, 'expected')).toBeCloseTo(730 * 0.04 + 304.167 * 0.08 + 304.167 * 0.04, 6);
    expect(scenario(r, 'min')).toBeCloseTo(730 * 0.04, 6);
  });

  test('Kinesis provisioned: 30 KB records use two 25 KB payload units each', () => {
    const r = price(resource('AWS::Kinesis::Stream', { ShardCount: 4 }), {
      monthlyRequests: 1_000_000,
      averageRecordSizeKb: 30,
    });
    expect(lines(r)[1].quantityFormula).toBe('1,000,000 records × 2 units');
    expect(scenario(r, 'expected')).toBeCloseTo(4 * 730 * 0.015 + 2_000_000 * 0.000000014, 8);
  });

  test('Firehose from Kinesis, Parquet, dynamically partitioned: 304.167 GB of 2 KB records', () => {
    const r = price(FIREHOSE_PARQUET_PARTITIONED, { monthlyDataGb: 304.167, averageRecordSizeKb: 2 });
    const ls = lines(r);
    expect(ls.map((l) => l.component)).toEqual([
      'Data ingested (KinesisStreamAsSource)',
      'Format conversion',
      'Dynamic partitioning',
      'Dynamic partitioning objects',
    ]);
    // 2 KB records are billed as 5 KB: 2.5 × the GB.
    expect(ls[0].quantity.expected).toBeCloseTo(304.167 * 2.5, 6);
    expect(ls[0].quantityFormula).toBe('304.167 GB × 2.5 (2 KB records billed as 5 KB)');
    // One object per 5-minute buffer: 730 × 3600 / 300 = 8,760 (more than 304.167 GB / 128 MB = 2,433.3).
    expect(ls[3].quantity.expected).toBe(8760);
    expect(scenario(r, 'expected')).toBeCloseTo(
      304.167 * 2.5 * 0.029 + 304.167 * 0.018 + 304.167 * 0.02 + 8760 * 0.000005,
      6,
    );
    expect(scenario(r, 'min')).toBe(0);
  });

  test('Firehose from MSK: no 5 KB rounding, the MSK rate', () => {
    const r = price(resource('AWS::KinesisFirehose::DeliveryStream', { DeliveryStreamType: 'MSKAsSource' }), {
      monthlyDataGb: 100,
      averageRecordSizeKb: 1,
    });
    expect(scenario(r, 'expected')).toBeCloseTo(100 * 0.055, 6);
  });

  test('MSK Serverless: cluster-hours and one partition always, data in and out by usage', () => {
    const r = price(resource('AWS::MSK::ServerlessCluster'), { monthlyDataGb: 100, storageGb: 50 });
    expect(scenario(r, 'min')).toBeCloseTo(730 * 0.75 + 730 * 0.0015 + 50 * 0.1, 6);
    expect(scenario(r, 'expected')).toBeCloseTo(
      730 * 0.75 + 730 * 0.0015 + 100 * 0.1 + 100 * 0.05 + 50 * 0.1,
      6,
    );
  });

  test.each([
    ['us-east-1', 0.052624, 0.0057785],
    ['eu-west-1', 0.052624, 0.0057785],
    ['ap-northeast-1', 0.065728, 0.007189],
  ])(
    'EMR Serverless in %s: min 0, expected from usage, max at the capacity caps all month',
    (region, cpu, mem) => {
      const app = resource('AWS::EMRServerless::Application', {
        MaximumCapacity: { Cpu: '64 vCPU', Memory: '256 GB', Disk: '1280 GB' },
      });
      const r = price(app, { monthlyVcpuHours: 200, monthlyMemoryGbHours: 800 }, region);
      expect(scenario(r, 'min')).toBe(0);
      expect(scenario(r, 'expected')).toBeCloseTo(200 * cpu + 800 * mem, 8);
      expect(scenario(r, 'max')).toBeCloseTo(64 * 730 * cpu + 256 * 730 * mem, 6);
      expect(lines(r)[0].quantityFormula).toBe('200 vCPU-hours (max 64 × 730 h)');
    },
  );

  test('EMR Serverless without usage: shown as depends on usage, out of the totals', () => {
    const r = price(
      resource('AWS::EMRServerless::Application', { MaximumCapacity: { Cpu: '8 vCPU', Memory: '32 GB' } }),
    );
    expect(lines(r).every((l) => !l.hasUsage)).toBe(true);
    expect(lines(r)[0].quantityFormula).toBe(
      'depends on usage: $0.052624 per vCPU-hour (set monthlyVcpuHours)',
    );
  });

  test('EMR Serverless in a region the catalog lacks is unpriced, never priced as another region', () => {
    expect(price(resource('AWS::EMRServerless::Application'), {}, 'sa-east-1').kind).toBe('unpriced');
  });

  test('Glue database and projected table: one Data Catalog object each', () => {
    const table = price(
      resource('AWS::Glue::Table', { TableInput: { Parameters: { 'projection.enabled': 'true' } } }),
    );
    expect(scenario(table, 'expected')).toBeCloseTo(0.00001, 10);
    expect(lines(table)[0].notes).toContain(
      'partition projection: partitions are computed at query time, none stored in the catalog',
    );
    expect(scenario(price(resource('AWS::Glue::Database')), 'expected')).toBeCloseTo(0.00001, 10);
  });

  test('Feature groups are unpriced with the reason until a sourced price exists', () => {
    const r = price(
      resource('AWS::SageMaker::FeatureGroup', { OnlineStoreConfig: { EnableOnlineStore: true } }),
      {
        monthlyWriteRequestUnits: 1_000_000,
      },
    );
    expect(r.kind).toBe('unpriced');
    if (r.kind === 'unpriced') {
      expect(r.reason).toMatch(/no FeatureStore-WriteRequestUnits price for us-east-1/);
      expect(r.reason).toMatch(/offline store is billed as S3 storage/);
    }
  });

  test('log streams and MSK cluster policies are free, on purpose', () => {
    expect(lookupType('AWS::Logs::LogStream')).toEqual({ kind: 'free' });
    expect(lookupType('AWS::MSK::ClusterPolicy')).toEqual({ kind: 'free' });
  });
});
