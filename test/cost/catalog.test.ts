import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { buildCatalogFromDir, DEFAULT_DATA_DIR, readFact } from '../../scripts/catalog/build-catalog';
import {
  BUNDLED_CATALOG_PATH,
  catalogRegions,
  createPriceBook,
  DEFAULT_INSTANCE_TYPES,
  loadCatalog,
  validateCatalog,
} from '../../cost/catalog';
import { parseOfferExcerpts } from '../../scripts/catalog/offer-excerpts';
import {
  commitmentRatePrices,
  parseCommitmentRates,
  type CommitmentRateCounts,
} from '../../scripts/catalog/commitment-rates';
import { renderKeysMarkdown } from '../../scripts/catalog/keys';
import { ec2InstancePrice, parseCsv, type Ec2PriceRow } from '../../cost/catalog/normalise';
import { DEFAULT_REGION_DIR, splitCatalogFiles } from '../../cost/catalog/write';
import { CostInputError } from '../../cost/errors';
import type { Catalog, CatalogPrice } from '../../cost/types';

const catalog = loadCatalog();
const REQUIRED_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1'];
const allPrices = catalog.regions.flatMap((r) => r.prices.map((p) => ({ region: r.region, p })));
const tmp = mkdtempSync(join(tmpdir(), 'catalog-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the bundled catalog with one price of us-east-1 replaced. */
function withPrice(service: string, key: string, change: Partial<CatalogPrice> | undefined): Catalog {
  return {
    ...catalog,
    regions: catalog.regions.map((r) =>
      r.region !== 'us-east-1'
        ? r
        : {
            ...r,
            prices: r.prices.flatMap((p) =>
              p.service === service && p.key === key
                ? change === undefined
                  ? []
                  : [{ ...p, ...change }]
                : [p],
            ),
          },
    ),
  };
}

describe('the bundled catalog', () => {
  test('passes its own guard', () => {
    // WHEN
    const problems = validateCatalog(catalog);
    // THEN
    expect(problems).toEqual([]);
  });

  test.each(REQUIRED_REGIONS)('%s has at least 40 prices, 8 of them GPU instance types', (region) => {
    // GIVEN
    const rc = catalog.regions.find((r) => r.region === region);
    // THEN
    expect(rc).toBeDefined();
    expect(rc!.prices.length).toBeGreaterThanOrEqual(40);
    expect(rc!.prices.filter((p) => (p.gpus ?? 0) > 0).length).toBeGreaterThanOrEqual(8);
  });

  test('carries every region of ec2-prices.csv and at least 20 commercial regions', () => {
    const regions = catalogRegions(catalog);
    expect(regions.length).toBeGreaterThanOrEqual(20);
    expect(regions).toEqual(
      expect.arrayContaining([
        'ap-northeast-1',
        'ap-south-1',
        'ap-southeast-1',
        'ap-southeast-2',
        'ca-central-1',
        'eu-central-1',
        'eu-west-1',
        'eu-west-2',
        'us-east-1',
        'us-east-2',
        'us-west-2',
      ]),
    );
  });

  test.each([
    ['us-east-1', 500],
    ['us-west-2', 400],
    ['eu-west-1', 400],
    ['ap-northeast-1', 400],
  ])('prices at least %s EC2 types in %s', (region, min) => {
    const n = catalog.regions
      .find((r) => r.region === region)!
      .prices.filter((p) => p.service === 'AmazonEC2' && /^BoxUsage:/.test(p.usageType ?? '')).length;
    expect(n).toBeGreaterThanOrEqual(min);
  });

  test('prices a public IPv4 address in every region (0.005 $/h since 2024-02-01)', () => {
    const missing = catalog.regions.filter(
      (r) =>
        !r.prices.some(
          (p) => p.service === 'AmazonVPC' && p.key === 'PublicIPv4:InUseAddress' && p.value === 0.005,
        ),
    );
    expect(missing.map((r) => r.region)).toEqual([]);
  });

  test('cites the price-watcher commit and the file publication date on its prices', () => {
    const ipv4 = createPriceBook(catalog, 'eu-west-1').price('AmazonVPC', 'PublicIPv4:InUseAddress')!;
    expect(ipv4.source).toBe('apw:vpc');
    expect(ipv4.capturedAt).toBe('2025-11-19');
    expect(catalog.sources['apw:vpc']).toMatchObject({
      repo: 'v0rts/aws-price-watcher',
      commit: 'c4a0470f63402104fb3793bb114a39e488eb04ec',
      path: 'processed/vpc.json',
      published: '2025-11-19T17:36:08Z',
    });
  });

  test('prices p4d.24xlarge in us-east-1 after the June 2025 cut, with spot ratio and interruption bucket', () => {
    // GIVEN
    const book = createPriceBook(catalog, 'us-east-1');
    // WHEN
    const p4d = book.price('AmazonEC2', 'p4d.24xlarge');
    // THEN
    expect(p4d).toMatchObject({
      value: 21.957642,
      unit: 'Hrs',
      usageType: 'BoxUsage:p4d.24xlarge',
      vcpus: 96,
      memoryGiB: 1152,
      gpus: 8,
      spotRatio: 0.364342, // 8.0001 / 21.957642
      interruptionBucket: '10-15%',
      source: 'karpenter_2026_07',
    });
    expect(book.price('AmazonEC2', 'p5.48xlarge')?.value).toBe(55.04);
  });

  test('prices SageMaker hosting for ml.g5.xlarge and ml.g5.2xlarge in us-east-1', () => {
    const book = createPriceBook(catalog, 'us-east-1');
    expect(book.price('AmazonSageMaker', 'ml.g5.xlarge')).toMatchObject({
      value: 1.4084,
      usageType: 'Host:ml.g5.xlarge',
      source: 'fmbench',
    });
    expect(book.price('AmazonSageMaker', 'ml.g5.2xlarge')?.value).toBe(1.515);
  });

  test('never ships the stale pre-cut SageMaker P4d/P5 hosting figures', () => {
    // The facts give ml.p4d 37.688 and ml.p5 113.068 from January 2025 (pre-cut) only.
    const stale = allPrices.filter(
      ({ p }) =>
        p.service === 'AmazonSageMaker' && (p.key === 'ml.p4d.24xlarge' || p.key === 'ml.p5.48xlarge'),
    );
    expect(stale).toEqual([]);
  });

  test('prices SageMaker training only where sourced (eu-west-1)', () => {
    const training = allPrices.filter(({ p }) => p.key.startsWith('Train:ml.'));
    expect(training.map(({ region, p }) => `${region} ${p.key} ${p.value}`)).toEqual([
      'eu-west-1 Train:ml.g4dn.xlarge 0.822',
      'eu-west-1 Train:ml.g5.xlarge 1.57',
      'eu-west-1 Train:ml.m5.xlarge 0.257',
      'eu-west-1 Train:ml.p3.2xlarge 4.131',
    ]);
  });

  test('spot never exceeds on-demand', () => {
    const withSpot = allPrices.filter(({ p }) => p.spotRatio !== undefined);
    expect(withSpot.length).toBeGreaterThan(1000);
    for (const { p } of withSpot) {
      expect(p.spotRatio).toBeGreaterThan(0);
      expect(p.spotRatio).toBeLessThanOrEqual(1);
    }
  });

  test('every price names a known source and a capture date, and is above zero', () => {
    const sources = new Set(Object.keys(catalog.sources));
    const bad = allPrices.filter(
      ({ p }) => !sources.has(p.source) || !/^\d{4}-\d{2}-\d{2}$/.test(p.capturedAt) || !(p.value > 0),
    );
    expect(bad).toEqual([]);
    expect(catalog.capturedAt).toBe('2026-11-27');
  });

  test('has the unit prices the contracts name, per ONE unit', () => {
    const book = createPriceBook(catalog, 'us-east-1');
    const value = (service: string, key: string) => book.price(service, key)?.value;
    expect(value('AmazonEC2', 'NatGateway-Hours')).toBe(0.045);
    expect(value('AmazonVPC', 'VpcEndpoint-Hours')).toBe(0.01);
    expect(value('awskms', 'KMS-Keys')).toBe(1);
    expect(value('awskms', 'KMS-Requests')).toBe(0.000003); // $0.03 per 10,000
    expect(value('AmazonCloudWatch', 'CW:AlarmMonitorUsage')).toBe(0.1);
    expect(value('AmazonEC2', 'EBS:VolumeUsage.gp3')).toBe(0.08);
    expect(value('AWSLambda', 'Request')).toBe(0.0000002); // $0.20 per million
    expect(value('AmazonS3', 'Requests-Tier1')).toBe(0.000005); // $0.005 per 1,000
  });

  test('leaves out what the facts do not source', () => {
    expect(createPriceBook(catalog, 'ap-northeast-1').price('AmazonEC2', 'NatGateway-Hours')).toBeUndefined();
    // AWS's 2021 EBS data file predates Zurich: no price, not a neighbour's.
    expect(
      createPriceBook(catalog, 'eu-central-2').price('AmazonEC2', 'EBS:VolumeUsage.gp3'),
    ).toBeUndefined();
    // PERSISTENT_2 is not in AWS's FSx data for Cape Town: no price, not another region's.
    expect(
      createPriceBook(catalog, 'af-south-1').price('AmazonFSx', 'Lustre-PERSISTENT_2-SSD-125'),
    ).toBeUndefined();
    expect(createPriceBook(catalog, 'us-east-1').price('AmazonEC2', 'p5e.48xlarge')).toBeUndefined();
  });

  test('defaults list the instance types the constructs use', () => {
    expect(DEFAULT_INSTANCE_TYPES).toEqual([
      'g5.2xlarge',
      'g6.2xlarge',
      'g6e.2xlarge',
      'g5.12xlarge',
      'p4d.24xlarge',
      'ml.g5.xlarge',
      'ml.g5.2xlarge',
    ]);
  });
});

describe('build-catalog', () => {
  const excerptRow = {
    region: 'eu-west-1',
    service: 'AmazonEC2',
    key: 'NatGateway-Hours',
    unit: 'Hrs',
    usageType: 'EU-NatGateway-Hours',
    value: 0.048,
    source: 'offer',
    capturedAt: '2026-09-25',
  };
  test.each([
    [{ value: 0 }, 'value is not a positive number'],
    [{ value: '0.048' }, 'value is not a positive number'],
    [{ source: 'elsewhere' }, "source 'elsewhere' is not a key of sources"],
    [{ capturedAt: 'last week' }, 'capturedAt is not an ISO date'],
  ])('offer-excerpts.json refuses a row with %j', (change, message) => {
    const text = JSON.stringify({ sources: { offer: {} }, prices: [{ ...excerptRow, ...change }] });
    expect(() => parseOfferExcerpts(text)).toThrow(
      `prices[0] (eu-west-1 AmazonEC2/NatGateway-Hours): ${message}`,
    );
  });

  test('adds a 1-year RI rate only next to an on-demand price of the same era', () => {
    const extract = parseCommitmentRates(
      JSON.stringify({
        source: { dataDate: '2026-01-21' },
        rates: {
          'g5.xlarge': { 'us-east-1': [1.006, 0.63378], 'eu-west-1': [1.123, 0.70749], 'xx-1': [1, 0.5] },
        },
      }),
    );
    const onDemand = { 'us-east-1': 1.006, 'eu-west-1': 1.2 } as Record<string, number | undefined>;
    const counts: CommitmentRateCounts = { added: 0, noOnDemand: 0, otherEra: 0 };
    const prices = commitmentRatePrices(extract, (region) => onDemand[region], counts);
    expect(prices).toEqual([
      {
        region: 'us-east-1',
        price: {
          service: 'AmazonEC2',
          key: 'g5.xlarge@reserved-1y',
          unit: 'Hrs',
          value: 0.63378,
          usageType: 'BoxUsage:g5.xlarge',
          source: 'tsaol_gpu_ri_2026_01',
          capturedAt: '2026-01-21',
        },
      },
    ]);
    expect(counts).toEqual({ added: 1, noOnDemand: 1, otherEra: 1 });
    expect(() =>
      parseCommitmentRates(
        JSON.stringify({
          source: { dataDate: '2026-01-21' },
          rates: { 'g5.xlarge': { 'us-east-1': [1.006, 0] } },
        }),
      ),
    ).toThrow('g5.xlarge in us-east-1 is not [on-demand, reserved-1y] > 0');
  });

  test('rebuilds the bundled catalog byte for byte from the price data in the repository', () => {
    // GIVEN the data files of scripts/catalog-data / WHEN
    const files = splitCatalogFiles(buildCatalogFromDir(DEFAULT_DATA_DIR));
    // THEN
    expect(files.index).toBe(readFileSync(BUNDLED_CATALOG_PATH, 'utf8'));
    for (const { ref, text } of files.regions) {
      expect(text, ref.file).toBe(readFileSync(join(dirname(BUNDLED_CATALOG_PATH), ref.file), 'utf8'));
    }
    // and no stale region file is left next to them
    expect(readdirSync(join(dirname(BUNDLED_CATALOG_PATH), DEFAULT_REGION_DIR)).sort()).toEqual(
      files.regions.map(({ ref }) => basename(ref.file)).sort(),
    );
  });

  test('KEYS.md documents every unit price key of the bundled catalog', () => {
    // WHEN
    const text = readFileSync(join(__dirname, '../../cost/catalog/KEYS.md'), 'utf8');
    // THEN
    expect(text).toBe(renderKeysMarkdown(catalog));
    const unitKeys = new Set(
      allPrices
        .filter(
          ({ p }) =>
            !/^(BoxUsage|Host:ml\.|Train:ml\.|InstanceUsage:db\.|Multi-AZUsage:db\.|ESInstance:|Kafka\.)/.test(
              p.usageType ?? '',
            ),
        )
        .map(({ p }) => p.key),
    );
    for (const key of unitKeys) expect(text).toContain(`| \`${key}\` |`);
  });

  const row: Ec2PriceRow = {
    region: 'us-east-1',
    instanceType: 'g5.xlarge',
    vcpus: '4',
    memoryGiB: '16',
    acceleratorName: 'A10G',
    acceleratorCount: '1',
    onDemandUsdPerHour: '1.006',
    spotMedianUsdPerHour: '0.436',
    interruptionBucket: '>20%',
    source: 'skypilot-catalog@00148f2;karpenter@6fc13b5;spotinfo@5eedf20',
    capturedAt: '2026-11-27',
  };

  test.each<[string, Partial<Ec2PriceRow>, Partial<CatalogPrice> | undefined, readonly string[]]>([
    [
      'a us-east-1 row cross-checked by karpenter',
      {},
      { value: 1.006, gpus: 1, spotRatio: 0.4334, source: 'karpenter_2026_07', interruptionBucket: '>20%' },
      [],
    ],
    ['another region', { region: 'eu-west-1' }, { source: 'skypilot_v8' }, []],
    ['a type where karpenter disagrees', { instanceType: 'c7i.metal-24xl' }, { source: 'skypilot_v8' }, []],
    ['no spot offer', { spotMedianUsdPerHour: '' }, { value: 1.006 }, ['spotRatio']],
    ['spot above on-demand (never stored)', { spotMedianUsdPerHour: '2.0' }, { value: 1.006 }, ['spotRatio']],
    ['an Inferentia accelerator (not a GPU)', { acceleratorName: 'Inferentia2' }, { vcpus: 4 }, ['gpus']],
    ['no interruption bucket', { interruptionBucket: '' }, { value: 1.006 }, ['interruptionBucket']],
    ['no on-demand price', { onDemandUsdPerHour: '' }, undefined, []],
  ])('normalises %s', (_name, change, expected, absent) => {
    // WHEN
    const p = ec2InstancePrice({ ...row, ...change });
    // THEN
    if (expected === undefined) expect(p).toBeUndefined();
    else expect(p).toMatchObject(expected);
    for (const field of absent) expect(p).not.toHaveProperty(field);
  });

  test('reads facts under `values`, `{ v, source }` leaves, and skips zero and null', () => {
    const block = {
      nat_gateway: { source: 'infracost', values: { per_hour: 0.045, free: 0.0 } },
      ebs_gp2: { v: 0.11, source: 'infracost_eb_euw1' },
      ebs_gp3: { v: null, note: 'not found' },
    };
    expect(readFact(block, 'nat_gateway.per_hour')).toEqual({ value: 0.045, source: 'infracost' });
    expect(readFact(block, 'missing.x|ebs_gp2')).toEqual({ value: 0.11, source: 'infracost_eb_euw1' });
    expect(readFact(block, 'nat_gateway.free')).toBeUndefined();
    expect(readFact(block, 'ebs_gp3')).toBeUndefined();
  });

  test('parses quoted CSV cells', () => {
    expect(parseCsv('a,b\r\n"x, ""y""",2\n\n')).toEqual([{ a: 'x, "y"', b: '2' }]);
  });
});

describe('loadCatalog', () => {
  test.each<[string, string, string]>([
    ['a missing file', '', 'cannot read price catalog'],
    ['a file that is not JSON', '{"version":', 'is not valid JSON'],
    [
      'regions that are not an array',
      '{"version":"v","capturedAt":"x","sources":{},"regions":{}}',
      'is corrupt: regions is not an array',
    ],
    [
      'a zero price',
      JSON.stringify({
        version: 'v',
        capturedAt: '2026-11-27',
        sources: { s: {} },
        regions: [
          {
            region: 'us-east-1',
            prices: [
              {
                service: 'AmazonEC2',
                key: 'NatGateway-Hours',
                unit: 'Hrs',
                value: 0,
                source: 's',
                capturedAt: '2026-11-27',
              },
            ],
          },
        ],
      }),
      'is corrupt: us-east-1 AmazonEC2/NatGateway-Hours: value 0 is not a positive number (a free dimension is not a price)',
    ],
  ])('rejects %s with CostInputError', (name, content, message) => {
    // GIVEN
    const path = join(tmp, `${name.replace(/\W+/g, '-')}.json`);
    if (content !== '') writeFileSync(path, content);
    // WHEN / THEN
    expect(() => loadCatalog(path)).toThrow(CostInputError);
    expect(() => loadCatalog(path)).toThrow(message);
  });
});

describe('validateCatalog', () => {
  test.each<[string, Catalog, string | readonly string[]]>([
    [
      'an implausible hourly price',
      withPrice('AmazonEC2', 'g5.xlarge', { value: 250 }),
      'us-east-1 AmazonEC2/g5.xlarge: 250 $/h is outside the plausible 0.001–200 $/h',
    ],
    [
      'a tiny hourly price',
      withPrice('AmazonSageMaker', 'ml.g5.xlarge', { value: 0.0001 }),
      'us-east-1 AmazonSageMaker/ml.g5.xlarge: 0.0001 $/h is outside the plausible 0.001–200 $/h',
    ],
    [
      'spot above on-demand',
      withPrice('AmazonEC2', 'g5.xlarge', { spotRatio: 1.2 }),
      'us-east-1 AmazonEC2/g5.xlarge: spotRatio 1.2 is outside (0, 1] (spot must not exceed on-demand)',
    ],
    [
      'an unknown source',
      withPrice('AmazonEC2', 'NatGateway-Hours', { source: 'a blog' }),
      "us-east-1 AmazonEC2/NatGateway-Hours: source 'a blog' is not a key of the catalog's sources",
    ],
    [
      'a price without a date',
      withPrice('AmazonEC2', 'NatGateway-Hours', { capturedAt: 'last week' }),
      "us-east-1 AmazonEC2/NatGateway-Hours: capturedAt 'last week' is not an ISO date",
    ],
    [
      'a NaN price',
      withPrice('AmazonEC2', 'NatGateway-Hours', { value: Number.NaN }),
      'us-east-1 AmazonEC2/NatGateway-Hours: value NaN is not a positive number (a free dimension is not a price)',
    ],
    [
      'a missing default instance type',
      withPrice('AmazonEC2', 'g6e.2xlarge', undefined),
      [
        // Its sourced 1-year RI rate is left with nothing to compare with.
        'us-east-1 AmazonEC2/g6e.2xlarge@reserved-1y: no on-demand price of g6e.2xlarge in us-east-1 to compare the rate with',
        'default instance type g6e.2xlarge has no AmazonEC2 price in us-east-1',
      ],
    ],
  ])('reports %s', (_name, bad, message) => {
    expect(validateCatalog(bad)).toEqual([message].flat());
  });
});

describe('createPriceBook', () => {
  test('looks prices up by service and key in one region', () => {
    const book = createPriceBook(catalog, 'eu-west-1');
    expect(book.region).toBe('eu-west-1');
    expect(book.price('AmazonVPC', 'VpcEndpoint-Hours')?.value).toBe(0.011);
    expect(book.price('AmazonVPC', 'no-such-key')).toBeUndefined();
    expect(book.price('AmazonEC2', 'VpcEndpoint-Hours')).toBeUndefined();
  });

  test('refuses a region the catalog does not have', () => {
    expect(() => createPriceBook(catalog, 'cn-north-1')).toThrow(CostInputError);
    expect(() => createPriceBook(catalog, 'cn-north-1')).toThrow(
      /^the price catalog has no prices for region cn-north-1 \(it has af-south-1, ap-east-1, .*, us-west-2\); run 'cdk-ml-cost prices refresh --regions cn-north-1'$/,
    );
  });
});
