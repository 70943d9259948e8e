import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { catalogRegions, DEFAULT_INSTANCE_TYPES, loadCatalog } from '../../cost/catalog';
import type { CliIo } from '../../cost/cli/io';
import { main } from '../../cost/cli/main';
import { runPrices, type PricesShowOutput } from '../../cost/cli/prices-command';
import { CostInputError } from '../../cost/errors';
import type { Catalog } from '../../cost/types';
import { serveCatalog, startPricingServer, type PricingServer } from '../support/pricing-server';

const BUNDLED = loadCatalog();
const FAKE_KEYS = {
  AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTESTTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
};

/** The default types plus two, in us-east-1 only: a refresh of it takes a dozen requests. */
const FIXTURE: Catalog = {
  ...BUNDLED,
  regions: BUNDLED.regions
    .filter((r) => r.region === 'us-east-1')
    .map((r) => ({
      region: r.region,
      prices: r.prices.filter(
        (p) => DEFAULT_INSTANCE_TYPES.includes(p.key) || ['m5.large', 'c5.large'].includes(p.key),
      ),
    })),
};
const FIXTURE_TEXT = `${JSON.stringify(FIXTURE, null, 2)}\n`;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: readonly string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir, env };
  const code = await runPrices(argv, io);
  return { code, stdout, stderr };
}

/** Through the CLI's entry, for what main does with the error: exit code and one stderr line. */
async function cli(argv: readonly string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir, env };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

let server: PricingServer;
let dir: string;
let catalogPath: string;

beforeAll(async () => {
  server = await startPricingServer();
  dir = mkdtempSync(join(tmpdir(), 'cdk-ml-prices-'));
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

describe('prices show', () => {
  test.each(catalogRegions(BUNDLED))(
    '--format json for %s: every price with its source and date',
    async (region) => {
      // WHEN
      const { code, stdout } = await run(['show', '--region', region, '--format', 'json']);
      // THEN
      expect(code).toBe(0);
      const out = JSON.parse(stdout) as PricesShowOutput;
      expect(Object.keys(out)).toEqual(['region', 'capturedAt', 'prices']);
      expect(out.region).toBe(region);
      expect(out.capturedAt).toMatch(/^\d{4}-\d{2}-\d{2}/);
      expect(out.prices.length).toBeGreaterThanOrEqual(40);
      for (const p of out.prices) {
        expect(
          Object.keys(p).filter(
            (k) => !['service', 'key', 'unit', 'value', 'usageType', 'source', 'capturedAt'].includes(k),
          ),
        ).toEqual([]);
        expect(p.value).toBeGreaterThan(0);
        expect(Object.keys(BUNDLED.sources)).toContain(p.source);
        expect(p.capturedAt <= out.capturedAt).toBe(true);
      }
      const gpuKeys = new Set(
        BUNDLED.regions
          .find((r) => r.region === region)!
          .prices.filter((p) => (p.gpus ?? 0) > 0)
          .map((p) => p.key),
      );
      // Every GPU type the catalog knows in the region is shown (specs come from ec2-prices.csv,
      // so regions outside it know fewer GPU types; the catalog test checks ≥ 8 in the main ones).
      expect(out.prices.filter((p) => gpuKeys.has(p.key)).length).toBe(gpuKeys.size);
    },
  );

  test('--service filters, and the table has a header and one row per price', async () => {
    // WHEN
    const { code, stdout } = await run(['show', '--region', 'us-east-1', '--service', 'AmazonSageMaker']);
    // THEN
    const expected = BUNDLED.regions
      .find((r) => r.region === 'us-east-1')!
      .prices.filter((p) => p.service === 'AmazonSageMaker');
    const lines = stdout.trimEnd().split('\n');
    expect(code).toBe(0);
    expect(lines[0]).toMatch(
      new RegExp(`^us-east-1: ${expected.length} prices, newest captured \\d{4}-\\d{2}-\\d{2}$`),
    );
    expect(lines[1]).toMatch(/^service\s+key\s+unit\s+USD\s+source\s+capturedAt$/);
    expect(lines).toHaveLength(expected.length + 3);
    const g5 = expected.find((p) => p.key === 'ml.g5.xlarge')!;
    expect(lines.find((l) => l.includes(' ml.g5.xlarge '))).toMatch(
      new RegExp(
        `^AmazonSageMaker\\s+ml\\.g5\\.xlarge\\s+Hrs\\s+${String(g5.value).replace('.', '\\.')}\\s+${g5.source}\\s+${g5.capturedAt}$`,
      ),
    );
  });

  test('--catalog reads another file, relative to the working directory', async () => {
    const { stdout } = await run([
      'show',
      '--region',
      'us-east-1',
      '--format',
      'json',
      '--catalog',
      'catalog.json',
    ]);
    expect((JSON.parse(stdout) as PricesShowOutput).prices).toHaveLength(FIXTURE.regions[0].prices.length);
  });
});

describe('bad input: one clear message', () => {
  const regions = catalogRegions(BUNDLED).join(', ');
  test.each([
    [[], 'prices needs a subcommand, show or refresh (got none)'],
    [['list'], "prices needs a subcommand, show or refresh (got 'list')"],
    [['show'], `prices show needs --region (the catalog has ${regions})`],
    [
      ['show', '--region', 'mars-east-1'],
      `--region mars-east-1: the catalog has no prices for it (it has ${regions}); run 'cdk-ml-cost prices refresh --regions mars-east-1'`,
    ],
    [
      ['show', '--region', 'us-east-1', '--format', 'xml'],
      '--format xml is not supported by prices show (use table or json)',
    ],
    [['show', '--region'], 'prices show: --region needs a value'],
    [
      ['show', '--region', 'us-east-1', '--verbose'],
      'prices show: unknown option --verbose; options: --region, --service, --format, --catalog',
    ],
    [
      ['refresh', '--regions', 'us-east-1,US_WEST'],
      "--regions: 'US_WEST' is not an AWS region code (e.g. us-east-1)",
    ],
    [
      ['refresh', '--services', 'Amazon EC2'],
      "--services: 'Amazon EC2' is not a Price List service code (e.g. AmazonEC2, AmazonSageMaker)",
    ],
    [
      ['refresh', '--endpoint', 'localhost'],
      '--endpoint localhost is not a URL (e.g. http://127.0.0.1:4566)',
    ],
    [['refresh', '--endpoint', 'ftp://127.0.0.1/'], '--endpoint ftp://127.0.0.1/: use an http or https URL'],
    [
      ['refresh', '--pricing-region', 'us-west-2'],
      '--pricing-region us-west-2: the Price List API is served from us-east-1, eu-central-1, ap-south-1',
    ],
  ])('prices %j', async (argv, message) => {
    await expect(run(argv, FAKE_KEYS)).rejects.toThrow(new CostInputError(message));
  });

  test('--service with no prices names the services the region has', async () => {
    const services = [
      ...new Set(BUNDLED.regions.find((r) => r.region === 'us-east-1')!.prices.map((p) => p.service)),
    ].sort();
    await expect(run(['show', '--region', 'us-east-1', '--service', 'AmazonS4'])).rejects.toThrow(
      new CostInputError(`--service AmazonS4: no prices in us-east-1 (it has ${services.join(', ')})`),
    );
  });

  test('refresh of a catalog that does not exist fails before anything else', async () => {
    await expect(run(['refresh', '--catalog', 'missing.json'], FAKE_KEYS)).rejects.toThrow(
      /^cannot read price catalog .*missing\.json: no such file or directory/,
    );
    expect(server.requests).toEqual([]);
  });
});

describe('prices refresh', () => {
  test('refreshes through the Price List endpoint, prints progress lines and a summary', async () => {
    // GIVEN the API says g5.2xlarge now costs 1.25 (spot history is covered by refresh.test.ts)
    serveCatalog(server, FIXTURE, { 'us-east-1 g5.2xlarge': '1.2500000000' });
    const before = FIXTURE.regions[0].prices.find((p) => p.key === 'g5.2xlarge')!;
    // WHEN
    const { code, stdout, stderr } = await run(
      [
        'refresh',
        '--catalog',
        catalogPath,
        '--services',
        'AmazonEC2',
        '--endpoint',
        server.endpoint,
        '--no-spot',
      ],
      FAKE_KEYS,
    );
    // THEN
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^prices refresh: wrote .*catalog\.json \(1 region\(s\), AmazonEC2; \d+ queries, \d+ requests, 0 retries\)\n/,
    );
    expect(stdout).toContain(`  us-east-1 AmazonEC2/g5.2xlarge: ${before.value} → 1.25 USD/Hrs\n`);
    expect(stdout).toContain('spot: spot ratios kept from the catalog (--no-spot)\n');
    expect(stderr).toMatch(/^prices refresh: us-east-1 AmazonEC2: \d+ prices\n/);
    const written = loadCatalog(catalogPath);
    const price = (key: string) => written.regions[0].prices.find((p) => p.key === key);
    expect(price('g5.2xlarge')).toMatchObject({
      value: 1.25,
      source: 'aws-price-list-api',
      capturedAt: new Date().toISOString().slice(0, 10),
    });
    expect(price('g5.2xlarge')?.spotRatio).toBe(before.spotRatio);
    expect(server.requests.every((r) => r.service === 'pricing')).toBe(true);
    // SageMaker was not asked for: its prices are untouched
    expect(written.regions[0].prices.filter((p) => p.service === 'AmazonSageMaker')).toEqual(
      FIXTURE.regions[0].prices.filter((p) => p.service === 'AmazonSageMaker'),
    );
  });

  test('CDK_ML_COST_PRICING_ENDPOINT redirects the refresh; spot is then left alone', async () => {
    serveCatalog(server, FIXTURE);
    const { code, stdout } = await run(['refresh', '--catalog', catalogPath], {
      ...FAKE_KEYS,
      CDK_ML_COST_PRICING_ENDPOINT: server.endpoint,
    });
    expect(code).toBe(0);
    expect(stdout).toContain(
      'spot: spot ratios kept from the catalog: a Price List endpoint was given without an EC2 endpoint\n',
    );
    expect(server.requests.every((r) => r.service === 'pricing')).toBe(true);
    expect(server.requests.length).toBeGreaterThan(0);
  });

  describe('without credentials', () => {
    beforeEach(() => {
      // Nothing the SDK's default chain could find: no keys, no profile, no files, no instance metadata.
      for (const name of [
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
        'AWS_PROFILE',
        'AWS_WEB_IDENTITY_TOKEN_FILE',
        'AWS_ROLE_ARN',
        'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
        'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      ]) {
        vi.stubEnv(name, undefined);
      }
      vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'no-credentials'));
      vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'no-config'));
      vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    });
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    test('exit 2 with one line naming what is needed, and touches nothing', async () => {
      // WHEN
      const { code, stdout, stderr } = await cli(
        ['prices', 'refresh', '--catalog', catalogPath, '--endpoint', server.endpoint],
        {},
      );
      // THEN
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        'cdk-ml-cost: prices refresh needs AWS credentials with pricing:GetProducts (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE)\n',
      );
      expect(readFileSync(catalogPath, 'utf8')).toBe(FIXTURE_TEXT);
      expect(server.requests).toEqual([]);
    });
  });

  test('without network: one line, nothing written', async () => {
    // GIVEN a port nobody listens on
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    // WHEN
    const { code, stderr } = await cli(
      ['prices', 'refresh', '--catalog', catalogPath, '--endpoint', `http://127.0.0.1:${port}`],
      FAKE_KEYS,
    );
    // THEN
    expect(code).toBe(2);
    expect(stderr).toBe(
      `cdk-ml-cost: prices refresh could not reach the AWS Price List API at http://127.0.0.1:${port} (ECONNREFUSED): check the network or --endpoint (catalog unchanged)\n`,
    );
    expect(readFileSync(catalogPath, 'utf8')).toBe(FIXTURE_TEXT);
  });
});
