import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_INSTANCE_TYPES, loadCatalog } from '../../cost/catalog';
import { serializeCatalog } from '../../cost/catalog/normalise';
import type { CliIo } from '../../cost/cli/io';
import { main } from '../../cost/cli/main';
import { CostInputError } from '../../cost/errors';
import { OfferStreamScanner, offerFileUrl, productMatches } from '../../cost/refresh/offer-files';
import { OFFER_FILES_SOURCE, refreshCatalog } from '../../cost/refresh/refresh';
import type { Catalog, CatalogPrice } from '../../cost/types';

// An offer-file excerpt in the layout AWS documents ("Reading the service price list file for an
// AWS service", AWS Billing User Guide): header, products by SKU, then terms.OnDemand and
// terms.Reserved by SKU. SKUs and offer-term codes are placeholders (not AWS's); the prices are the
// bundled catalog's us-east-1 list prices, so the test checks plumbing, not AWS's numbers.
const PUBLICATION = '2026-11-20T18:00:00Z';
const EC2_TYPES: Readonly<Record<string, number>> = {
  'g5.2xlarge': 1.212,
  'g6.2xlarge': 0.9776,
  'g6e.2xlarge': 2.24208,
  'g5.12xlarge': 5.672,
  'p4d.24xlarge': 21.957642,
};

function product(sku: string, family: string, attributes: Record<string, string>): [string, unknown] {
  return [
    sku,
    {
      sku,
      productFamily: family,
      attributes: { regionCode: 'us-east-1', servicecode: 'AmazonEC2', ...attributes },
    },
  ];
}

function onDemand(sku: string, unit: string, usd: string, description: string): [string, unknown] {
  return [
    sku,
    {
      [`${sku}.JRTCKXETXF`]: {
        offerTermCode: 'JRTCKXETXF',
        sku,
        effectiveDate: '2026-11-01T00:00:00Z',
        priceDimensions: {
          [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: {
            rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`,
            description, // descriptions carry quotes and escapes in real files
            beginRange: '0',
            endRange: 'Inf',
            unit,
            pricePerUnit: { USD: usd },
            appliesTo: [],
          },
        },
        termAttributes: {},
      },
    },
  ];
}

function offerFile(): string {
  const products: [string, unknown][] = [];
  const terms: [string, unknown][] = [];
  Object.entries(EC2_TYPES).forEach(([type, usd], i) => {
    const linux = `SKULINUX${i}`;
    const windows = `SKUWIN${i}`;
    const base = {
      instanceType: type,
      tenancy: 'Shared',
      preInstalledSw: 'NA',
      capacitystatus: 'Used',
      marketoption: 'OnDemand',
    };
    products.push(
      product(linux, 'Compute Instance', {
        ...base,
        operatingSystem: 'Linux',
        usagetype: `BoxUsage:${type}`,
        vcpu: '8',
        memory: '32 GiB',
      }),
    );
    products.push(
      product(windows, 'Compute Instance', {
        ...base,
        operatingSystem: 'Windows',
        usagetype: `BoxUsage:${type}`,
      }),
    );
    terms.push(onDemand(linux, 'Hrs', usd.toFixed(10), `$${usd} per On Demand Linux ${type} Instance Hour`));
    terms.push(
      onDemand(windows, 'Hrs', (usd * 2).toFixed(10), `$${usd * 2} per "Windows" \\ ${type} Instance Hour`),
    );
  });
  products.push(
    product('SKUNATH', 'NAT Gateway', { usagetype: 'NatGateway-Hours', operation: 'NatGateway' }),
  );
  products.push(
    product('SKUNATB', 'NAT Gateway', { usagetype: 'NatGateway-Bytes', operation: 'NatGateway' }),
  );
  terms.push(onDemand('SKUNATH', 'Hrs', '0.0450000000', '$0.045 per NAT Gateway Hour'));
  terms.push(onDemand('SKUNATB', 'GB', '0.0450000000', '$0.045 per GB Data Processed by NAT Gateways'));
  const reserved = {
    SKULINUX0: {
      'SKULINUX0.4NA7Y494T4': { priceDimensions: { x: { unit: 'Hrs', pricePerUnit: { USD: '0.5' } } } },
    },
  };
  return JSON.stringify(
    {
      formatVersion: 'v1.0',
      disclaimer: 'This pricing list is for informational purposes only. {"braces": [in a string]}',
      offerCode: 'AmazonEC2',
      version: '20261120180000',
      publicationDate: PUBLICATION,
      products: Object.fromEntries(products),
      terms: { OnDemand: Object.fromEntries(terms), Reserved: reserved },
    },
    null,
    2,
  );
}

/** A catalog of us-east-1 only: the default instance types and the NAT gateway. */
function smallCatalog(): Catalog {
  const bundled = loadCatalog();
  const home = bundled.regions.find((r) => r.region === 'us-east-1')!;
  const keep = new Set([...DEFAULT_INSTANCE_TYPES, 'NatGateway-Hours', 'NatGateway-Bytes']);
  const prices: CatalogPrice[] = home.prices.filter(
    (p) => keep.has(p.key) && (p.service === 'AmazonEC2' || p.service === 'AmazonSageMaker'),
  );
  return { ...bundled, regions: [{ region: 'us-east-1', prices }] };
}

const dir = mkdtempSync(join(tmpdir(), 'offer-files-'));
const FILE = offerFile();
let server: Server;
let base: string;
const served: string[] = [];
let mode: 'ok' | 'truncated' | 'error' = 'ok';

beforeAll(async () => {
  server = createServer((req, res) => {
    served.push(req.url ?? '');
    if (req.url !== '/offers/v1.0/aws/AmazonEC2/current/us-east-1/index.json') {
      res.writeHead(404).end();
      return;
    }
    if (mode === 'error') {
      res.writeHead(503).end('Slow Down');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    // Small writes so records straddle chunk boundaries.
    const text = mode === 'truncated' ? FILE.slice(0, Math.floor(FILE.length * 0.7)) : FILE;
    for (let i = 0; i < text.length; i += 997) res.write(text.slice(i, i + 997));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('OfferStreamScanner', () => {
  test.each([1, 7, 4096, FILE.length])(
    'hands over each product and on-demand term set whole, in chunks of %i',
    (size) => {
      // GIVEN
      const seen: string[] = [];
      const scanner = new OfferStreamScanner((section, sku, json) => {
        JSON.parse(json);
        seen.push(`${section}:${sku}`);
      });
      // WHEN
      for (let i = 0; i < FILE.length; i += size) scanner.write(FILE.slice(i, i + size));
      scanner.end();
      // THEN 12 products and 12 on-demand term sets; the Reserved section is skipped
      expect(seen.filter((s) => s.startsWith('product:'))).toHaveLength(12);
      expect(seen.filter((s) => s.startsWith('onDemand:'))).toHaveLength(12);
      expect(seen).toContain('onDemand:SKUNATB');
      expect(scanner.publicationDate).toBe(PUBLICATION);
    },
  );

  test('a truncated file is an error, not a shorter catalog', () => {
    const scanner = new OfferStreamScanner(() => undefined);
    scanner.write(FILE.slice(0, 5000));
    expect(() => scanner.end()).toThrow('ended before its JSON did');
  });

  test('filters follow the Price List API: exact match, CONTAINS, and a missing attribute never matches', () => {
    const p = { sku: 'x', productFamily: 'NAT Gateway', attributes: { usagetype: 'USE1-NatGateway-Hours' } };
    expect(productMatches(p, [{ field: 'usagetype', value: 'NatGateway-Hours', type: 'CONTAINS' }])).toBe(
      true,
    );
    expect(productMatches(p, [{ field: 'usagetype', value: 'NatGateway-Hours' }])).toBe(false);
    expect(productMatches(p, [{ field: 'regionCode', value: 'us-east-1' }])).toBe(false);
    expect(offerFileUrl('https://pricing.us-east-1.amazonaws.com/', 'AmazonEC2', 'eu-west-1')).toBe(
      'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/eu-west-1/index.json',
    );
  });
});

describe('prices refresh from offer files (anonymous)', () => {
  const quiet = { tty: false, write: () => undefined };

  test('refreshes EC2 instance and NAT prices from one streamed file, dated by today, citing the file', async () => {
    // GIVEN
    mode = 'ok';
    const path = join(dir, 'catalog-ok.json');
    writeFileSync(path, serializeCatalog(smallCatalog()));
    // WHEN
    const r = await refreshCatalog({
      catalogPath: path,
      regions: ['us-east-1'],
      services: ['AmazonEC2'],
      offerFiles: { base },
      progress: quiet,
      now: new Date('2026-12-05T00:00:00Z'),
    });
    // THEN one download answered all seven queries
    expect(r.summary.requests).toBe(1);
    const written = loadCatalog(path);
    const ec2 = written.regions[0].prices.filter((p) => p.service === 'AmazonEC2');
    expect(ec2.map((p) => [p.key, p.value, p.source, p.capturedAt])).toEqual(
      expect.arrayContaining([
        ['g5.2xlarge', 1.212, OFFER_FILES_SOURCE, '2026-12-05'],
        ['p4d.24xlarge', 21.957642, OFFER_FILES_SOURCE, '2026-12-05'],
        ['NatGateway-Bytes', 0.045, OFFER_FILES_SOURCE, '2026-12-05'],
      ]),
    );
    expect(written.sources[OFFER_FILES_SOURCE]).toMatchObject({
      endpoint: base,
      files: { 'AmazonEC2/us-east-1': PUBLICATION },
    });
    // spot needs credentials: kept, and said so
    expect(r.summary.spot).toEqual([expect.stringContaining('offer files carry no spot prices')]);
  });

  test.each([
    ['an HTTP error', 'error' as const, 'answered HTTP 503'],
    ['a truncated download', 'truncated' as const, 'ended before its JSON did'],
  ])('%s writes nothing', async (_name, m, message) => {
    // GIVEN
    mode = m;
    const path = join(dir, `catalog-${m}.json`);
    writeFileSync(path, serializeCatalog(smallCatalog()));
    const before = readFileSync(path, 'utf8');
    // WHEN
    const run = refreshCatalog({
      catalogPath: path,
      regions: ['us-east-1'],
      services: ['AmazonEC2'],
      offerFiles: { base },
      progress: quiet,
    });
    // THEN
    await expect(run).rejects.toThrow(CostInputError);
    await expect(
      refreshCatalog({
        catalogPath: path,
        regions: ['us-east-1'],
        services: ['AmazonEC2'],
        offerFiles: { base },
        progress: quiet,
      }),
    ).rejects.toThrow(message);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  test('through the CLI: prices refresh --offer-files needs no credentials; a bad endpoint is exit 2', async () => {
    // GIVEN no AWS credentials in the environment
    mode = 'ok';
    const path = join(dir, 'catalog-cli.json');
    writeFileSync(path, serializeCatalog(smallCatalog()));
    const cli = async (argv: string[]) => {
      let stdout = '';
      let stderr = '';
      const io: CliIo = {
        stdout: (t) => void (stdout += t),
        stderr: (t) => void (stderr += t),
        cwd: dir,
        env: {},
      };
      return { code: await main(argv, io), stdout, stderr };
    };
    // WHEN
    const ok = await cli([
      'prices',
      'refresh',
      '--offer-files',
      '--offers-endpoint',
      base,
      '--catalog',
      path,
      '--regions',
      'us-east-1',
      '--services',
      'AmazonEC2',
    ]);
    const bad = await cli(['prices', 'refresh', '--offers-endpoint', 'ftp://x', '--catalog', path]);
    // THEN
    expect(ok.code).toBe(0);
    expect(loadCatalog(path).sources[OFFER_FILES_SOURCE]).toBeDefined();
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toBe('cdk-ml-cost: --offers-endpoint ftp://x: use an http or https URL\n');
  });
});
