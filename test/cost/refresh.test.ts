import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  catalogLayout,
  catalogRegion,
  DEFAULT_INSTANCE_TYPES,
  loadCatalog,
  validateCatalog,
} from '../../cost/catalog';
import { writeCatalog } from '../../cost/catalog/write';
import { CostInputError } from '../../cost/errors';
import { normalizeUnit, parseProducts, stripRegionPrefix } from '../../cost/refresh/parse-products';
import {
  backoffCapMs,
  createPriceListClient,
  mapWithConcurrency,
  retryReason,
  withRetry,
  type RetryPolicy,
} from '../../cost/refresh/pricing-client';
import { createProgress, renderBar } from '../../cost/refresh/progress';
import {
  formatRefreshSummary,
  planRefresh,
  refreshCatalog,
  type RefreshOptions,
} from '../../cost/refresh/refresh';
import type { Catalog, CatalogPrice } from '../../cost/types';
import {
  ec2Product,
  sageMakerProduct,
  serveCatalog,
  startPricingServer,
  unitProduct,
  usd,
  type PricingServer,
} from '../support/pricing-server';

const CREDENTIALS = { accessKeyId: 'AKIDTESTTESTTESTTEST', secretAccessKey: 'test-secret-not-real' };
const FAST_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };
const NOW = new Date('2026-12-01T09:30:00Z');
const TODAY = '2026-12-01';

/** A small catalog cut from the bundled one: the default types plus a few, in two regions. */
const BUNDLED = loadCatalog();
const EXTRA_KEYS = ['g4dn.xlarge', 'm5.large', 'c5.large', 'Train:ml.g5.xlarge', 'EBS:VolumeUsage.gp2'];
const FIXTURE: Catalog = {
  ...BUNDLED,
  regions: BUNDLED.regions
    .filter((r) => r.region === 'us-east-1' || r.region === 'eu-west-1')
    .map((r) => ({
      region: r.region,
      prices: r.prices.filter((p) => DEFAULT_INSTANCE_TYPES.includes(p.key) || EXTRA_KEYS.includes(p.key)),
    })),
};
const FIXTURE_TEXT = `${JSON.stringify(FIXTURE, null, 2)}\n`;

function fixturePrice(region: string, key: string): CatalogPrice {
  const p = FIXTURE.regions.find((r) => r.region === region)?.prices.find((x) => x.key === key);
  if (!p) throw new Error(`fixture has no ${region} ${key}`);
  return p;
}

/** Products for every fixture price, plus a training price the fixture does not have yet. */
function serveFixture(
  server: PricingServer,
  overrides: Record<string, string | null> = {},
  extraEc2: string[] = [],
): void {
  serveCatalog(server, FIXTURE, overrides, {
    AmazonEC2: extraEc2,
    AmazonSageMaker: [
      sageMakerProduct({
        region: 'us-east-1',
        instanceName: 'ml.g5.xlarge',
        component: 'Training',
        usd: '1.4100000000',
      }),
    ],
  });
}

let server: PricingServer;
let dir: string;
let catalogPath: string;

beforeAll(async () => {
  server = await startPricingServer();
  dir = mkdtempSync(join(tmpdir(), 'cdk-ml-refresh-'));
  catalogPath = join(dir, 'catalog.json');
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.reset();
  writeFileSync(catalogPath, FIXTURE_TEXT);
});

function options(extra: Partial<RefreshOptions> = {}): RefreshOptions & { readonly log: string[] } {
  const log: string[] = [];
  return {
    catalogPath,
    credentials: CREDENTIALS,
    endpoint: server.endpoint,
    ec2Endpoint: server.endpoint,
    retry: FAST_RETRY,
    sleep: async () => {},
    now: NOW,
    progress: { tty: false, write: (t) => log.push(t) },
    log,
    ...extra,
  };
}

describe('parseProducts', () => {
  const wanted = [{ key: 'g5.xlarge', usageType: 'BoxUsage:g5.xlarge', unit: 'Hrs' }];

  test('reads the on-demand Hrs price of a real-format product and ignores reserved terms', () => {
    // GIVEN
    const item = ec2Product({
      region: 'us-east-1',
      instanceType: 'g5.xlarge',
      usd: '1.0060000000',
      vcpu: 4,
      memoryGiB: 16,
      gpu: 1,
    });
    // WHEN
    const out = parseProducts([item], wanted);
    // THEN
    expect(out.prices.get('g5.xlarge')).toMatchObject({
      value: 1.006,
      unit: 'Hrs',
      vcpus: 4,
      memoryGiB: 16,
      gpus: 1,
    });
    expect(out).toMatchObject({ missing: [], ambiguous: [], malformed: 0 });
  });

  test('accepts the unprefixed usage types of us-east-1 EC2', () => {
    const item = ec2Product({
      region: 'us-east-1',
      instanceType: 'g5.xlarge',
      usd: '1.0060000000',
      prefixed: false,
    });
    expect(parseProducts([item], wanted).prices.get('g5.xlarge')?.value).toBe(1.006);
  });

  test('skips zero placeholders and picks the first priced tier of the wanted unit', () => {
    // GIVEN a free tier, then 0.08, then 0.06; and a GB dimension that is not the wanted unit
    const tiered = unitProduct({
      serviceCode: 'AmazonEC2',
      region: 'eu-west-1',
      usageType: 'EBS:VolumeUsage.gp3',
      unit: 'GB-Mo',
      usd: ['0.0000000000', '0.0880000000', '0.0600000000'],
    });
    const onlyZero = unitProduct({
      serviceCode: 'AmazonEC2',
      region: 'eu-west-1',
      usageType: 'NatGateway-Hours',
      unit: 'Hrs',
      usd: ['0.0000000000'],
    });
    // WHEN
    const out = parseProducts(
      [tiered, onlyZero],
      [
        { key: 'EBS:VolumeUsage.gp3', usageType: 'EBS:VolumeUsage.gp3', unit: 'GB-Mo' },
        { key: 'NatGateway-Hours', usageType: 'NatGateway-Hours', unit: 'Hrs' },
      ],
    );
    // THEN
    expect(out.prices.get('EBS:VolumeUsage.gp3')?.value).toBe(0.088);
    expect(out.missing).toEqual(['NatGateway-Hours']);
    expect(out.zeroPlaceholders).toBe(1);
  });

  test('a dimension in another unit is not a price for the wanted one', () => {
    const gb = unitProduct({
      serviceCode: 'AmazonEC2',
      region: 'us-east-1',
      usageType: 'NatGateway-Hours',
      unit: 'GB',
      usd: ['0.0450000000'],
    });
    expect(
      parseProducts([gb], [{ key: 'NatGateway-Hours', usageType: 'NatGateway-Hours', unit: 'Hrs' }]).missing,
    ).toEqual(['NatGateway-Hours']);
  });

  test.each([
    ['not JSON', '{"product":', /PriceList\[0\]: not JSON/],
    [
      'no attributes',
      JSON.stringify({ product: { sku: 'A' }, terms: {} }),
      /PriceList\[0\]: no product.attributes$/,
    ],
    [
      'no OnDemand terms',
      JSON.stringify({
        product: { sku: 'B', attributes: { usagetype: 'BoxUsage:g5.xlarge' } },
        terms: { Reserved: {} },
      }),
      /PriceList\[0\]: B: no terms.OnDemand$/,
    ],
    [
      'a price that is not a decimal',
      ec2Product({ region: 'us-east-1', instanceType: 'g5.xlarge', usd: '1,006' }),
      /pricePerUnit.USD "1,006" is not a decimal$/,
    ],
  ])('a malformed item (%s) is skipped and counted, not fatal', (_label, bad, problem) => {
    // GIVEN a malformed entry before a good one
    const good = ec2Product({ region: 'us-east-1', instanceType: 'g5.xlarge', usd: '1.0060000000' });
    // WHEN
    const out = parseProducts([bad, good], wanted);
    // THEN
    expect(out.malformed).toBe(1);
    expect(out.problems[0]).toMatch(problem);
    expect(out.prices.get('g5.xlarge')?.value).toBe(1.006);
  });

  test('two products that disagree on one price make it ambiguous', () => {
    const a = ec2Product({ region: 'us-east-1', instanceType: 'g5.xlarge', usd: '1.0060000000' });
    const b = ec2Product({ region: 'us-east-1', instanceType: 'g5.xlarge', usd: '1.2000000000', vcpu: 8 });
    expect(parseProducts([a, b], wanted)).toMatchObject({ ambiguous: ['g5.xlarge'], missing: [] });
  });

  test.each([
    ['USE1-Host:ml.g5.xlarge', 'Host:ml.g5.xlarge'],
    ['EU-NatGateway-Hours', 'NatGateway-Hours'],
    ['APN1-BoxUsage:g5.xlarge', 'BoxUsage:g5.xlarge'],
    ['us-east-1-KMS-Keys', 'KMS-Keys'],
    ['BoxUsage:g5.xlarge', 'BoxUsage:g5.xlarge'],
    ['KMS-Requests', 'KMS-Requests'],
    ['CW:AlarmMonitorUsage', 'CW:AlarmMonitorUsage'],
  ])('stripRegionPrefix(%s) = %s', (input, expected) => {
    expect(stripRegionPrefix(input)).toBe(expected);
  });

  test.each([
    ['Hrs', 'Hours'],
    ['GB-Mo', 'GB-Month'],
    ['Requests', 'Request'],
  ])('units %s and %s compare equal', (a, b) => {
    expect(normalizeUnit(a)).toBe(normalizeUnit(b));
  });
});

describe('retries and concurrency', () => {
  test('backoff caps grow exponentially up to the maximum', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffCapMs(n, FAST_RETRY))).toEqual([100, 200, 400, 800, 1000]);
  });

  test('full jitter: each wait is random × cap, and non-retryable errors are not retried', async () => {
    // GIVEN an operation that is throttled twice, then succeeds
    const waits: number[] = [];
    let calls = 0;
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    // WHEN
    const result = await withRetry(
      async () => {
        calls++;
        if (calls <= 2) throw throttled;
        return 'ok';
      },
      FAST_RETRY,
      { sleep: async (ms) => void waits.push(ms), random: () => 0.5 },
    );
    // THEN
    expect(result).toBe('ok');
    expect(waits).toEqual([50, 100]);
    const denied = Object.assign(new Error('no'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    let deniedCalls = 0;
    await expect(
      withRetry(
        async () => {
          deniedCalls++;
          throw denied;
        },
        FAST_RETRY,
        { sleep: async () => {} },
      ),
    ).rejects.toThrow('no');
    expect(deniedCalls).toBe(1);
  });

  test.each([
    [{ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }, 'throttled (ThrottlingException)'],
    [
      { name: 'InternalErrorException', $fault: 'server', $metadata: { httpStatusCode: 500 } },
      'HTTP 500 (InternalErrorException)',
    ],
    [{ name: 'Error', code: 'ECONNRESET' }, 'connection problem (ECONNRESET)'],
    [{ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } }, undefined],
    [{ name: 'Error', code: 'ECONNREFUSED' }, undefined],
  ])('retryReason(%o) = %s', (err, expected) => {
    expect(retryReason(err)).toBe(expected);
  });

  test('mapWithConcurrency keeps order and never runs more than the limit at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapWithConcurrency([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(peak).toBe(3);
  });
});

describe('PricingClient against the local Price List server', () => {
  const query = {
    serviceCode: 'AmazonEC2',
    filters: [
      { field: 'regionCode', value: 'us-east-1' },
      { field: 'instanceFamily', value: 'GPU instance' },
    ],
  };
  const five = ['g5.xlarge', 'g5.2xlarge', 'g5.4xlarge', 'g5.8xlarge', 'g5.12xlarge'].map((t, i) =>
    ec2Product({ region: 'us-east-1', instanceType: t, usd: usd(1 + i), gpu: 1 }),
  );

  async function client(waits: number[] = []) {
    return createPriceListClient({
      endpoint: server.endpoint,
      credentials: CREDENTIALS,
      retry: FAST_RETRY,
      sleep: async (ms) => void waits.push(ms),
      random: () => 1,
    });
  }

  test('follows NextToken through every page, sending the real GetProducts request', async () => {
    // GIVEN five products served two per page
    server.setProducts('AmazonEC2', [
      ...five,
      ec2Product({ region: 'eu-west-1', instanceType: 'g5.xlarge', usd: '1.1', gpu: 1 }),
    ]);
    server.pageSize = 2;
    const c = await client();
    // WHEN
    const out = await c.getAllProducts(query);
    c.destroy();
    // THEN
    expect(out.pages).toBe(3);
    expect(out.priceList).toEqual(five);
    expect(server.requests.map((r) => r.body.NextToken === undefined)).toEqual([true, false, false]);
    expect(server.requests[0].headers['x-amz-target']).toBe('AWSPriceListService.GetProducts');
    expect(server.requests[0].body).toEqual({
      ServiceCode: 'AmazonEC2',
      Filters: [
        { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' },
        { Type: 'TERM_MATCH', Field: 'instanceFamily', Value: 'GPU instance' },
      ],
      FormatVersion: 'aws_v1',
      MaxResults: 100,
    });
  });

  test.each([
    [['throttle', 'throttle'] as const, [100, 200]],
    [['internal-500'] as const, [100]],
    [['bare-500', 'throttle'] as const, [100, 200]],
  ])('retries %o with backoff, then succeeds', async (failures, expectedWaits) => {
    // GIVEN
    server.setProducts('AmazonEC2', five);
    server.failNext(...failures);
    const waits: number[] = [];
    const c = await client(waits);
    // WHEN
    const out = await c.getAllProducts(query);
    c.destroy();
    // THEN
    expect(out.priceList).toHaveLength(5);
    expect(waits).toEqual(expectedWaits);
    expect(c.retryCount()).toBe(failures.length);
    expect(server.requests.map((r) => r.status)).toEqual([
      ...failures.map((f) => (f === 'throttle' ? 400 : 500)),
      200,
    ]);
  });

  test('gives up after maxAttempts of throttling with the throttling error', async () => {
    server.setProducts('AmazonEC2', five);
    server.failNext('throttle', 'throttle', 'throttle', 'throttle', 'throttle');
    const c = await client();
    await expect(c.getAllProducts(query)).rejects.toMatchObject({ name: 'ThrottlingException' });
    c.destroy();
    expect(server.requests).toHaveLength(FAST_RETRY.maxAttempts);
  });
});

describe('refreshCatalog', () => {
  test('plans one query per instance type and unit price, plus training for hosted SageMaker types', () => {
    const plan = planRefresh(FIXTURE, ['us-east-1'], ['AmazonEC2', 'AmazonSageMaker']);
    const ec2 = plan.queries.find((q) => q.wanted[0].key === 'g5.2xlarge')!;
    expect(ec2.query.filters).toEqual([
      { field: 'regionCode', value: 'us-east-1' },
      { field: 'instanceType', value: 'g5.2xlarge' },
      { field: 'operatingSystem', value: 'Linux' },
      { field: 'tenancy', value: 'Shared' },
      { field: 'preInstalledSw', value: 'NA' },
      { field: 'capacitystatus', value: 'Used' },
      { field: 'marketoption', value: 'OnDemand' },
    ]);
    const training = plan.queries.find((q) => q.wanted[0].key === 'Train:ml.g5.2xlarge')!;
    expect(training.query.filters).toEqual([
      { field: 'regionCode', value: 'us-east-1' },
      { field: 'instanceName', value: 'ml.g5.2xlarge' },
      { field: 'component', value: 'Training' },
    ]);
    const ebs = plan.queries.find((q) => q.wanted[0].key === 'EBS:VolumeUsage.gp2')!;
    expect(ebs.query.filters).toEqual([
      { field: 'regionCode', value: 'us-east-1' },
      { field: 'usagetype', value: 'EBS:VolumeUsage.gp2', type: 'CONTAINS' },
    ]);
  });

  test('replaces changed prices, adds and removes, sets source and date, refreshes spot ratios', async () => {
    // GIVEN g5.2xlarge up in us-east-1, c5.large gone from eu-west-1, two malformed entries, one item per page
    serveFixture(server, { 'us-east-1 g5.2xlarge': '1.3000000000', 'eu-west-1 c5.large': null }, [
      '{"product": {"sku": "TRUNCATED',
      // the g5.2xlarge product without its terms
      JSON.stringify(
        JSON.parse(ec2Product({ region: 'us-east-1', instanceType: 'g5.2xlarge', usd: '9.9' }), (k, v) =>
          k === 'terms' ? undefined : v,
        ),
      ),
    ]);
    server.pageSize = 1;
    server.setSpotPrices({
      'us-east-1': {
        'g5.2xlarge': {
          'us-east-1a': '0.500000',
          'us-east-1b': '0.550000',
          'us-east-1c': '0.600000',
          'us-east-1-bos-1a': '0.010000',
        },
      },
    });
    const opts = options();
    // WHEN
    const { catalog, summary } = await refreshCatalog(opts);
    // THEN the file holds what was returned, and passes the catalog's own validation
    const written = loadCatalog(catalogPath);
    expect(written).toEqual(catalog);
    expect(validateCatalog(written)).toEqual([]);
    const price = (region: string, key: string) =>
      written.regions.find((r) => r.region === region)!.prices.find((p) => p.key === key);
    expect(price('us-east-1', 'g5.2xlarge')).toMatchObject({
      value: 1.3,
      usageType: 'BoxUsage:g5.2xlarge',
      source: 'aws-price-list-api',
      capturedAt: TODAY,
      gpus: 1,
      spotRatio: Math.round((0.55 / 1.3) * 1e6) / 1e6,
      interruptionBucket: fixturePrice('us-east-1', 'g5.2xlarge').interruptionBucket,
    });
    expect(price('eu-west-1', 'c5.large')).toBeUndefined();
    expect(price('us-east-1', 'Train:ml.g5.xlarge')).toMatchObject({
      value: 1.41,
      unit: 'Hrs',
      usageType: 'Train:ml.g5.xlarge',
    });
    expect(price('eu-west-1', 'g5.2xlarge')?.spotRatio).toBe(
      fixturePrice('eu-west-1', 'g5.2xlarge').spotRatio,
    );
    expect(price('eu-west-1', 'EBS:VolumeUsage.gp2')).toMatchObject({
      value: fixturePrice('eu-west-1', 'EBS:VolumeUsage.gp2').value,
      source: 'aws-price-list-api',
    });
    expect(written.capturedAt).toBe(TODAY);
    expect(written.version).toBe(`${FIXTURE.version}+refresh.${TODAY}`);
    expect(written.sources['aws-price-list-api']).toMatchObject({ endpoint: server.endpoint, date: TODAY });
    expect(written.sources['aws-ec2-spot-price-history']).toMatchObject({ date: TODAY });
    // AND the summary says what changed
    const ec2Queries = planRefresh(
      FIXTURE,
      ['eu-west-1', 'us-east-1'],
      ['AmazonEC2', 'AmazonSageMaker'],
    ).queries.filter((q) => q.service === 'AmazonEC2').length;
    expect(summary).toMatchObject({
      malformed: ec2Queries + 1,
      removed: [{ region: 'eu-west-1', key: 'c5.large' }],
    });
    expect(summary.changed).toEqual([
      {
        region: 'us-east-1',
        service: 'AmazonEC2',
        key: 'g5.2xlarge',
        unit: 'Hrs',
        value: 1.3,
        oldValue: 1.212,
        newValue: 1.3,
      },
    ]);
    const text = formatRefreshSummary(summary);
    expect(text).toContain('  us-east-1 AmazonEC2/g5.2xlarge: 1.212 → 1.3 USD/Hrs\n');
    expect(text).toContain('added:\n  us-east-1 AmazonSageMaker/Train:ml.g5.xlarge: 1.41 USD/Hrs\n');
    expect(text).toContain(
      `  eu-west-1 AmazonEC2/c5.large: was ${fixturePrice('eu-west-1', 'c5.large').value} USD/Hrs\n`,
    );
    expect(text).toMatch(
      /spot: us-east-1: spot ratios of 1 EC2 types from DescribeSpotPriceHistory, \d+ kept/,
    );
    // AND progress went to stderr as one plain line per region and service (not a TTY)
    expect(
      opts.log.filter((l) =>
        /^prices refresh: (us-east-1|eu-west-1) Amazon(EC2|SageMaker): \d+ prices\n$/.test(l),
      ),
    ).toHaveLength(4);
    expect(opts.log.join('')).not.toContain('\r');
    // AND the spot request was the real DescribeSpotPriceHistory call
    expect(server.requests.find((r) => r.service === 'ec2')?.body).toMatchObject({
      Action: 'DescribeSpotPriceHistory',
      'ProductDescription.1': 'Linux/UNIX',
      StartTime: '2026-12-01T09:30:00Z',
    });
  });

  test.each([
    [
      'an hourly price under 0.001 $/h',
      { 'us-east-1 g5.2xlarge': '0.0000100000' },
      {},
      /us-east-1 AmazonEC2\/g5.2xlarge: 0.00001 \$\/h is outside the plausible 0.001–200 \$\/h/,
    ],
    [
      'an hourly price over 200 $/h',
      { 'us-east-1 p4d.24xlarge': '250.0000000000' },
      {},
      /p4d.24xlarge: 250 \$\/h is outside/,
    ],
    [
      'spot above on-demand',
      {},
      { 'us-east-1': { 'g5.12xlarge': { 'us-east-1a': '9.000000' } } },
      /us-east-1 AmazonEC2\/g5.12xlarge: spotRatio 1.586742 is outside \(0, 1\]/,
    ],
    [
      'a default type the API stopped returning',
      { 'us-east-1 g6e.2xlarge': null },
      {},
      /default instance type g6e.2xlarge has no AmazonEC2 price in us-east-1/,
    ],
  ])('refuses %s and leaves the catalog byte for byte', async (_label, overrides, spot, message) => {
    // GIVEN
    serveFixture(server, overrides);
    server.setSpotPrices(spot);
    // WHEN
    const run = refreshCatalog(options());
    // THEN
    await expect(run).rejects.toThrow(CostInputError);
    await expect(run).rejects.toThrow(message);
    await expect(run).rejects.toThrow(/^prices refresh refused the new prices, catalog unchanged: /);
    expect(readFileSync(catalogPath, 'utf8')).toBe(FIXTURE_TEXT);
  });

  test('refuses when a region loses more than a fifth of its instance prices', async () => {
    serveFixture(server, {
      'eu-west-1 c5.large': null,
      'eu-west-1 m5.large': null,
      'eu-west-1 g4dn.xlarge': null,
    });
    await expect(refreshCatalog(options())).rejects.toThrow(
      /eu-west-1 AmazonEC2: the API returned no price for 3 of \d+ catalog prices \(more than 20%\); the filters may no longer match/,
    );
    expect(readFileSync(catalogPath, 'utf8')).toBe(FIXTURE_TEXT);
  });

  test('keeps the bundled spot ratios and says so when spot history is denied; logs retries', async () => {
    // GIVEN spot history denied, and one throttled Price List request
    serveFixture(server);
    server.denySpot(true);
    server.failNext('throttle');
    const opts = options({ regions: ['us-east-1'], services: ['AmazonEC2'], random: () => 0.5 });
    // WHEN
    const { catalog, summary } = await refreshCatalog(opts);
    // THEN
    expect(summary.retries).toBe(1);
    expect(opts.log).toContain('prices refresh: throttled (ThrottlingException), retry 1 in 50 ms\n');
    const g5 = catalog.regions
      .find((r) => r.region === 'us-east-1')!
      .prices.find((p) => p.key === 'g5.2xlarge');
    expect(g5).toMatchObject({
      source: 'aws-price-list-api',
      spotRatio: fixturePrice('us-east-1', 'g5.2xlarge').spotRatio,
    });
    expect(summary.spot).toEqual([
      'us-east-1: spot ratios kept from the catalog, DescribeSpotPriceHistory failed (UnauthorizedOperation: You are not authorized to perform this operation.)',
    ]);
    expect(catalog.sources['aws-ec2-spot-price-history']).toBeUndefined();
    // eu-west-1 was not asked for and is untouched
    expect(catalog.regions.find((r) => r.region === 'eu-west-1')).toEqual(
      FIXTURE.regions.find((r) => r.region === 'eu-west-1'),
    );
  });

  test('a split catalog stays split: changed region files and then the index are rewritten, the rest untouched', async () => {
    // GIVEN the fixture split by region, and a higher g5.2xlarge price in us-east-1 only
    const splitPath = join(dir, 'split', 'catalog.json');
    writeCatalog(splitPath, FIXTURE, { kind: 'split', files: new Map() });
    const regionFile = (region: string) => join(dir, 'split', 'regions', `${region}.json`);
    const euBefore = statSync(regionFile('eu-west-1')).ino;
    serveFixture(server, { 'us-east-1 g5.2xlarge': '1.3000000000' });
    // WHEN only us-east-1 is refreshed
    const { catalog } = await refreshCatalog(
      options({ catalogPath: splitPath, regions: ['us-east-1'], services: ['AmazonEC2'], spot: false }),
    );
    // THEN
    const written = loadCatalog(splitPath);
    expect(catalogLayout(written).kind).toBe('split');
    expect(JSON.parse(JSON.stringify(written))).toEqual(JSON.parse(JSON.stringify(catalog)));
    expect(catalogRegion(written, 'us-east-1')!.prices.find((p) => p.key === 'g5.2xlarge')).toMatchObject({
      value: 1.3,
      source: 'aws-price-list-api',
    });
    expect(statSync(regionFile('eu-west-1')).ino).toBe(euBefore);
    expect(readdirSync(join(dir, 'split', 'regions')).sort()).toEqual(['eu-west-1.json', 'us-east-1.json']);
  });

  test('an API failure after retries aborts with one line and writes nothing', async () => {
    serveFixture(server);
    server.failNext('access-denied');
    await expect(refreshCatalog(options({ concurrency: 1 }))).rejects.toThrow(
      new CostInputError(
        `prices refresh was denied by ${server.endpoint} (AccessDeniedException, HTTP 400): the credentials need pricing:GetProducts (catalog unchanged)`,
      ),
    );
    expect(readFileSync(catalogPath, 'utf8')).toBe(FIXTURE_TEXT);
  });
});

describe('progress', () => {
  test('draws a redrawn bar on a terminal and clears it before notes', () => {
    const out: string[] = [];
    const p = createProgress({ total: 4, tty: true, write: (t) => out.push(t), width: 8 });
    p.tick('us-east-1 AmazonEC2');
    p.groupDone('us-east-1 AmazonEC2', '1 prices');
    p.note('spot ratios kept');
    p.finish();
    expect(out).toEqual([
      '\r\u001b[2K[##......] 1/4 us-east-1 AmazonEC2',
      '\r\u001b[2K',
      'prices refresh: spot ratios kept\n',
    ]);
  });

  test.each([
    [0, 4, '[..........] 0/4'],
    [3, 4, '[########..] 3/4'],
    [4, 4, '[##########] 4/4'],
  ])('renderBar(%i, %i)', (done, total, expected) => {
    expect(renderBar(done, total, 10)).toBe(expected);
  });
});
