/**
 * `cdk-ml-cost prices show | refresh`.
 *
 *   prices show --region R [--service S] [--format table|json] [--catalog FILE]
 *   prices refresh [--regions a,b] [--services AmazonEC2,...] [--catalog FILE] [--endpoint URL]
 *                  [--pricing-region R] [--ec2-endpoint URL] [--no-spot]
 *   prices refresh --offer-files [--offers-endpoint URL] [--regions a,b] [--services ...] (anonymous)
 *
 * `show` is offline. `refresh` talks to AWS; its modules (and the AWS SDK) are loaded only
 * when it runs, so `estimate` and `diff` start without them.
 */
import { isAbsolute, resolve } from 'node:path';
import { BUNDLED_CATALOG_PATH, catalogRegion, catalogRegions, loadCatalog } from '../catalog';
import { CostInputError, EXIT_OK } from '../errors';
import { withLockFile } from '../fs';
import type { CatalogPrice } from '../types';
import { parseArgs } from './args';
import type { CliCommand, CliIo } from './io';

/** The JSON of `prices show --format json`. */
export interface PricesShowOutput {
  readonly region: string;
  /** Newest capture date of the prices shown. */
  readonly capturedAt: string;
  readonly prices: readonly {
    readonly service: string;
    readonly key: string;
    readonly unit: string;
    readonly value: number;
    readonly usageType?: string;
    readonly source: string;
    readonly capturedAt: string;
  }[];
}

export const PRICES_USAGE = `usage: cdk-ml-cost prices show --region R [--service S] [--format table|json] [--catalog FILE]
       cdk-ml-cost prices refresh [--regions a,b] [--services AmazonEC2,AmazonSageMaker] [--catalog FILE]
                                  [--endpoint URL] [--pricing-region us-east-1|eu-central-1|ap-south-1]
                                  [--ec2-endpoint URL] [--no-spot]
       cdk-ml-cost prices refresh --offer-files [--offers-endpoint URL] [--regions a,b] [--services ...]
                                  (anonymous: AWS's public offer files, no credentials)
`;

export const runPrices: CliCommand = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === 'show') return runShow(rest, io);
  if (sub === 'refresh') return runRefresh(rest, io);
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(PRICES_USAGE);
    return EXIT_OK;
  }
  throw new CostInputError(
    `prices needs a subcommand, show or refresh (got ${sub === undefined ? 'none' : `'${sub}'`})`,
  );
};

async function runShow(argv: readonly string[], io: CliIo): Promise<number> {
  const opts = parseOptions(
    argv,
    { values: ['--region', '--service', '--format', '--catalog'], flags: [] },
    'prices show',
  );
  const format = opts.values.get('--format') ?? 'table';
  if (format !== 'table' && format !== 'json') {
    throw new CostInputError(`--format ${format} is not supported by prices show (use table or json)`);
  }
  const catalog = loadCatalog(catalogPath(opts.values.get('--catalog'), io));
  const region = opts.values.get('--region') ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (region === undefined) {
    throw new CostInputError(
      `prices show needs --region (the catalog has ${catalogRegions(catalog).join(', ')})`,
    );
  }
  const rc = catalogRegion(catalog, region);
  if (!rc) {
    throw new CostInputError(
      `--region ${region}: the catalog has no prices for it (it has ${catalogRegions(catalog).join(', ')}); run 'cdk-ml-cost prices refresh --regions ${region}'`,
    );
  }
  const service = opts.values.get('--service');
  const prices = service === undefined ? rc.prices : rc.prices.filter((p) => p.service === service);
  if (prices.length === 0) {
    const services = [...new Set(rc.prices.map((p) => p.service))].sort();
    throw new CostInputError(`--service ${service}: no prices in ${region} (it has ${services.join(', ')})`);
  }
  const output: PricesShowOutput = {
    region,
    capturedAt: prices.reduce((max, p) => (p.capturedAt > max ? p.capturedAt : max), ''),
    prices: prices.map(showPrice),
  };
  io.stdout(format === 'json' ? `${JSON.stringify(output, null, 2)}\n` : renderPricesTable(output));
  return EXIT_OK;
}

async function runRefresh(argv: readonly string[], io: CliIo): Promise<number> {
  const opts = parseOptions(
    argv,
    {
      values: [
        '--regions',
        '--services',
        '--catalog',
        '--endpoint',
        '--pricing-region',
        '--ec2-endpoint',
        '--offers-endpoint',
      ],
      flags: ['--no-spot', '--offer-files'],
    },
    'prices refresh',
  );
  const regions = listOption(opts.values.get('--regions'));
  for (const r of regions ?? []) {
    if (!REGION.test(r))
      throw new CostInputError(`--regions: '${r}' is not an AWS region code (e.g. us-east-1)`);
  }
  const services = listOption(opts.values.get('--services'));
  for (const s of services ?? []) {
    if (!/^[A-Za-z][A-Za-z0-9]+$/.test(s)) {
      throw new CostInputError(
        `--services: '${s}' is not a Price List service code (e.g. AmazonEC2, AmazonSageMaker)`,
      );
    }
  }
  const endpoint = urlOption(
    '--endpoint',
    opts.values.get('--endpoint') ?? (io.env[PRICING_ENDPOINT_ENV] || undefined),
  );
  const ec2Endpoint = urlOption(
    '--ec2-endpoint',
    opts.values.get('--ec2-endpoint') ?? (io.env[EC2_ENDPOINT_ENV] || undefined),
  );
  const offersBase = urlOption('--offers-endpoint', opts.values.get('--offers-endpoint'));
  const pricingRegion = opts.values.get('--pricing-region') ?? 'us-east-1';
  const path = catalogPath(opts.values.get('--catalog'), io);
  // Read the catalog before asking for credentials: a bad path is the first thing to report.
  loadCatalog(path);

  if (opts.flags.has('--offer-files') || opts.values.has('--offers-endpoint')) {
    // Anonymous: AWS's public offer files need no credentials and no SDK.
    const base = offersBase;
    const { refreshCatalog, formatRefreshSummary } = await import('../refresh/refresh');
    // The same lock as the API path: two refreshes of one catalog never interleave their writes.
    const result = await withLockFile(path, `prices refresh of ${path}`, () =>
      refreshCatalog({
        catalogPath: path,
        regions,
        services,
        offerFiles: base !== undefined ? { base } : {},
        spot: !opts.flags.has('--no-spot'),
        progress: { tty: stderrIsTty(io), write: io.stderr },
      }),
    );
    io.stdout(formatRefreshSummary(result.summary));
    return EXIT_OK;
  }
  // The SDK prints a multi-line Node-version advisory on stderr when a client is built on
  // Node 20 (which this package supports): it would bury the one-line error contract of the CLI.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Loaded here, not at the top: they pull in the AWS SDK.
  const client = await import('../refresh/pricing-client');
  if (!client.PRICE_LIST_API_REGIONS.includes(pricingRegion)) {
    throw new CostInputError(
      `--pricing-region ${pricingRegion}: the Price List API is served from ${client.PRICE_LIST_API_REGIONS.join(', ')}`,
    );
  }
  const credentials = await client.resolveAwsCredentials(io.env);
  const { refreshCatalog, formatRefreshSummary } = await import('../refresh/refresh');
  // Two refreshes of one catalog at once would each read the old file and one write would be
  // lost: the second run stops here and says so (exit 2), the first is untouched.
  const result = await withLockFile(path, `prices refresh of ${path}`, () =>
    refreshCatalog({
      catalogPath: path,
      regions,
      services,
      credentials,
      endpoint,
      endpointRegion: pricingRegion,
      ec2Endpoint,
      spot: !opts.flags.has('--no-spot'),
      progress: { tty: stderrIsTty(io), write: io.stderr },
    }),
  );
  io.stdout(formatRefreshSummary(result.summary));
  return EXIT_OK;
}

/** Fixed-width table of `prices show`. */
export function renderPricesTable(output: PricesShowOutput): string {
  const rows = output.prices.map((p) => [p.service, p.key, p.unit, String(p.value), p.source, p.capturedAt]);
  const header = ['service', 'key', 'unit', 'USD', 'source', 'capturedAt'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    `${output.region}: ${output.prices.length} prices, newest captured ${output.capturedAt}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
  ].join('\n');
}

function showPrice(p: CatalogPrice): PricesShowOutput['prices'][number] {
  return {
    service: p.service,
    key: p.key,
    unit: p.unit,
    value: p.value,
    ...(p.usageType !== undefined ? { usageType: p.usageType } : {}),
    source: p.source,
    capturedAt: p.capturedAt,
  };
}

/** `parseArgs` for subcommands that take options only. */
function parseOptions(
  argv: readonly string[],
  spec: { readonly values: readonly string[]; readonly flags: readonly string[] },
  command: string,
): { readonly values: ReadonlyMap<string, string>; readonly flags: ReadonlySet<string> } {
  const args = parseArgs(argv, { command, values: spec.values, switches: spec.flags });
  if (args.positional.length > 0) {
    throw new CostInputError(`${command}: unexpected argument '${args.positional[0]}'`);
  }
  return { values: args.values, flags: args.switches };
}

function listOption(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
  return items.length > 0 ? items : undefined;
}

function urlOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CostInputError(`${name} ${value} is not a URL (e.g. http://127.0.0.1:4566)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CostInputError(`${name} ${value}: use an http or https URL`);
  }
  if (url.username !== '' || url.password !== '') {
    // AWS APIs authenticate with SigV4 signatures, never URL credentials; and a URL is written
    // into the catalog's sources and into error lines, where a password must not end up.
    url.username = '***';
    url.password = '';
    const why =
      name === '--offers-endpoint'
        ? 'the offer files are public and fetched anonymously'
        : 'the request is signed with AWS credentials';
    throw new CostInputError(`${name} ${url.toString()}: remove the user:password@ part; ${why}`);
  }
  return value;
}

function catalogPath(value: string | undefined, io: CliIo): string {
  if (value === undefined) return BUNDLED_CATALOG_PATH;
  return isAbsolute(value) ? value : resolve(io.cwd, value);
}

/**
 * Draw a progress bar only on a terminal. CliIo does not say whether its stderr is one, so:
 * an io that declares `stderrIsTTY` decides; otherwise only the process's own io (whose env is
 * process.env) on a TTY gets the bar, and in-process callers with their own io get lines.
 */
function stderrIsTty(io: CliIo): boolean {
  const declared = (io as CliIo & { readonly stderrIsTTY?: boolean }).stderrIsTTY;
  if (declared !== undefined) return declared;
  return io.env === process.env && process.stderr.isTTY === true;
}

/** Environment variables that redirect the refresh (tests, proxies). */
export const PRICING_ENDPOINT_ENV = 'CDK_ML_COST_PRICING_ENDPOINT';
export const EC2_ENDPOINT_ENV = 'CDK_ML_COST_EC2_ENDPOINT';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
