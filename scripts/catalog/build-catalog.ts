/**
 * Builds the bundled price catalog (cost/catalog/catalog.json, the index, and one file per region
 * in cost/catalog/regions/, see cost/catalog/write.ts) from the price data kept in the
 * repository (scripts/catalog-data: ec2-prices.csv, price-facts.json, the extract of
 * v0rts/aws-price-watcher, aws-price-watcher.json, and rows read from verbatim excerpts of AWS's
 * offer files, offer-excerpts.json, the extract of AWS's EBS pricing-page data file,
 * ebs-calculator.json, and 1-year Reserved Instance rates of GPU types, commitment-rates.json).
 * Build time only: nothing under cost/ imports
 * this file. Deterministic: the same data gives byte-identical output.
 *
 *   npx tsx scripts/catalog/build-catalog.ts [dataDir] [--out FILE]
 *   npm run catalog:build
 *
 * The normalising functions live in cost/catalog/normalise.ts (re-exported here) so the live
 * refresh (`cdk-ml-cost prices refresh`) writes exactly the same shape: `ec2InstancePrice`,
 * `unitPrice`, `roundRatio`, `roundPrice`, `normaliseCatalog`, `serializeCatalog`. The readers
 * of price-facts.json live in facts.ts (`readFact`), unit-prices.ts (`UNIT_SPECS`) and
 * sagemaker-prices.ts (`sageMakerFacts`); of the price-watcher extract in price-watcher.ts.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../cost/fs';
import type { Catalog, CatalogPrice } from '../../cost/types';
import type { Json } from './facts';
import { BUNDLED_CATALOG_PATH, validateCatalog } from '../../cost/catalog/index';
import { renderKeysMarkdown } from './keys';
import {
  normaliseCatalog,
  parseCsv,
  ec2InstancePrice,
  unitPrice,
  type Ec2PriceRow,
} from '../../cost/catalog/normalise';
import { parseExtract, type PriceWatcherExtract } from './extract-price-watcher';
import { priceWatcherPrices, priceWatcherSources } from './price-watcher';
import { ebsCalculatorPrices, ebsCalculatorSources, type EbsCalculatorExtract } from './ebs-calculator';
import { offerExcerptPrices, parseOfferExcerpts, type OfferExcerpts } from './offer-excerpts';
import { sageMakerFacts } from './sagemaker-prices';
import {
  commitmentRatePrices,
  commitmentRateSources,
  parseCommitmentRates,
  type CommitmentRateCounts,
  type CommitmentRatesExtract,
} from './commitment-rates';
import { unitPricesFor } from './unit-prices';
import { writeCatalog } from '../../cost/catalog/write';

export * from '../../cost/catalog/normalise';
export { readFact } from './facts';
export { UNIT_SPECS, unitPricesFor } from './unit-prices';
export { STALE_SAGEMAKER_HOSTING, sageMakerFacts } from './sagemaker-prices';

/** scripts/catalog-data: the price data the catalog is built from, kept in the repository. */
export const DEFAULT_DATA_DIR = resolve(__dirname, '..', 'catalog-data');

/**
 * Builds the catalog from the text of ec2-prices.csv, the parsed price-facts.json and (optional)
 * the price-watcher extract and the offer-file excerpts. Earlier sources win for the same
 * (region, service, key): the CSV's EC2 rows (they carry specs and spot ratios, and karpenter's
 * 2026-07 us-east-1 figures), then the facts, then the price-watcher extract, which fills every
 * other type and region it prices, then AWS's EBS pricing-page data (2021, for regions and
 * volume types the facts lack), then the offer-file excerpts (only keys nothing else has).
 * Commitment rates come last: each is added only next to an on-demand price of its type from the
 * same price era (commitment-rates.ts); `counts` reports what was added and left out.
 */
export function buildCatalog(
  csvText: string,
  facts: Json,
  extract?: PriceWatcherExtract,
  excerpts?: OfferExcerpts,
  ebs?: EbsCalculatorExtract,
  commitments?: CommitmentRatesExtract,
  counts?: CommitmentRateCounts,
): Catalog {
  const rows = parseCsv(csvText) as unknown as Ec2PriceRow[];
  const meta = (facts as { _meta?: { sources?: Record<string, unknown>; generated?: string } })._meta ?? {};
  const factsCapturedAt = /(\d{4}-\d{2}-\d{2})/.exec(meta.generated ?? '')?.[1];
  if (!factsCapturedAt) throw new Error('price-facts.json: _meta.generated names no collection date');
  const byRegion = new Map<string, CatalogPrice[]>();
  const add = (region: string, p: CatalogPrice): void => {
    const list = byRegion.get(region) ?? [];
    list.push(p);
    byRegion.set(region, list);
  };
  for (const row of rows) {
    const p = ec2InstancePrice(row);
    if (p) add(row.region, p);
  }
  // EC2 specs are the same in every region: the price-watcher rows of a type the CSV describes
  // anywhere carry its vCPUs, memory and GPUs too (Batch pricing needs vCPUs).
  const specs = new Map<string, Pick<CatalogPrice, 'vcpus' | 'memoryGiB' | 'gpus'>>();
  for (const list of byRegion.values())
    for (const p of list)
      if (p.vcpus && !specs.has(p.key))
        specs.set(p.key, { vcpus: p.vcpus, memoryGiB: p.memoryGiB, ...(p.gpus ? { gpus: p.gpus } : {}) });
  // Unit prices of the facts only for regions that have instance prices: a region with a lone
  // unit price (us-west-1 FSx backup) would look priced when nearly everything is missing.
  const regions = [...byRegion.keys()];
  for (const region of regions) for (const p of unitPricesFor(facts, region, factsCapturedAt)) add(region, p);
  for (const f of sageMakerFacts(facts)) {
    if (!byRegion.has(f.region)) continue;
    add(
      f.region,
      unitPrice({
        service: 'AmazonSageMaker',
        key: f.key,
        unit: f.unit,
        value: f.value,
        usageType: f.usageType,
        source: f.source,
        capturedAt: factsCapturedAt,
      }),
    );
  }
  if (extract) for (const { region, price } of priceWatcherPrices(extract, specs)) add(region, price);
  // Only for regions the catalog already has: a region with a few storage or NAT prices and
  // nothing else would look priced.
  if (ebs)
    for (const { region, price } of ebsCalculatorPrices(ebs)) if (byRegion.has(region)) add(region, price);
  if (excerpts)
    for (const { region, price } of offerExcerptPrices(excerpts))
      if (byRegion.has(region)) add(region, price);
  if (commitments) {
    // The first EC2 price of a type wins in normaliseCatalog, so compare with that one.
    const onDemand = (region: string, type: string): number | undefined =>
      byRegion.get(region)?.find((p) => p.service === 'AmazonEC2' && p.key === type)?.value;
    for (const { region, price } of commitmentRatePrices(commitments, onDemand, counts)) add(region, price);
  }
  return normaliseCatalog({
    version: extract ? `facts-${factsCapturedAt}+apw-${extract.commitDate}` : `facts-${factsCapturedAt}`,
    sources: {
      ...((meta.sources ?? {}) as Record<string, unknown>),
      ...(extract ? priceWatcherSources(extract) : {}),
      ...(excerpts?.sources ?? {}),
      ...(ebs ? ebsCalculatorSources(ebs) : {}),
      ...(commitments ? commitmentRateSources(commitments) : {}),
    },
    regions: [...byRegion.entries()].map(([region, prices]) => ({ region, prices })),
  });
}

/** Builds the catalog from every data file in `dataDir` (scripts/catalog-data by default). */
export function buildCatalogFromDir(
  dataDir: string = DEFAULT_DATA_DIR,
  counts?: CommitmentRateCounts,
): Catalog {
  const csvText = readFileSync(join(dataDir, 'ec2-prices.csv'), 'utf8');
  const facts = JSON.parse(readFileSync(join(dataDir, 'price-facts.json'), 'utf8')) as Json;
  const extract = parseExtract(readFileSync(join(dataDir, 'aws-price-watcher.json'), 'utf8'));
  const excerpts = parseOfferExcerpts(readFileSync(join(dataDir, 'offer-excerpts.json'), 'utf8'));
  const ebs = JSON.parse(readFileSync(join(dataDir, 'ebs-calculator.json'), 'utf8')) as EbsCalculatorExtract;
  const commitments = parseCommitmentRates(readFileSync(join(dataDir, 'commitment-rates.json'), 'utf8'));
  return buildCatalog(csvText, facts, extract, excerpts, ebs, commitments, counts);
}

/**
 * Reads the facts in `dataDir` and writes the catalog split at `outPath` (the index; region files
 * in `regions/` next to it, stale ones removed) and KEYS.md next to it. Throws when the result fails validation.
 */
export function buildCatalogFiles(dataDir: string, outPath: string, counts?: CommitmentRateCounts): Catalog {
  const catalog = buildCatalogFromDir(dataDir, counts);
  const problems = validateCatalog(catalog);
  if (problems.length > 0) throw new Error(`the built catalog is invalid:\n  ${problems.join('\n  ')}`);
  writeCatalog(outPath, catalog, { kind: 'split', files: new Map() }, { prune: true });
  writeFileAtomic(join(dirname(outPath), 'KEYS.md'), renderKeysMarkdown(catalog));
  return catalog;
}

function main(argv: readonly string[]): void {
  let dataDir = DEFAULT_DATA_DIR;
  let out = BUNDLED_CATALOG_PATH;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = resolve(argv[++i] ?? '');
    else dataDir = resolve(argv[i]);
  }
  const counts: CommitmentRateCounts = { added: 0, noOnDemand: 0, otherEra: 0 };
  const c = buildCatalogFiles(dataDir, out, counts);
  const n = c.regions.reduce((sum, r) => sum + r.prices.length, 0);
  console.log(`wrote ${out}: ${c.regions.length} regions, ${n} prices, captured ${c.capturedAt}`);
  console.log(
    `commitment rates: ${counts.added} added, ${counts.otherEra} left out (on-demand of another price era), ${counts.noOnDemand} left out (no on-demand price)`,
  );
}

// Run only as the script itself: a bundle that inlines this module (the CLI, for the refresh)
// also satisfies `require.main === module`.
if (require.main === module && /build-catalog\.[cm]?[jt]s$/.test(process.argv[1] ?? ''))
  main(process.argv.slice(2));
