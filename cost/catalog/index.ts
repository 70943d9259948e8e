/**
 * The bundled price catalog: loading, validating and looking prices up by region.
 * Plain Node: no aws-cdk-lib, so the esbuild-bundled CLI can ship the catalog next to itself.
 *
 * Two layouts load the same way (docs/prices.md, "Layout"):
 * - split (the bundled catalog): `catalog.json` is a small index (version, capturedAt, sources and
 *   one `{ region, file, revision }` per region) and each region's prices are in their own file
 *   (`regions/<region>.json`, relative to the index). A region file is read only when a price of
 *   that region is looked up, so pricing one template in one region reads one region file
 *   instead of every price of every region (a 6 MB parse at every CLI start).
 * - single file: `regions` holds `{ region, prices }` inline (catalogs written by older versions,
 *   hand-made test catalogs).
 */
import { COMMITMENT_MODELS } from '../commitments/models';
import { dirname, join } from 'node:path';
import { CostInputError } from '../errors';
import { readInputFile } from '../fs';
import type { PriceBook } from '../pricing/types';
import type { Catalog, CatalogPrice, RegionCatalog } from '../types';

/** catalog.json next to this file (or next to the bundle that inlines it). */
export const BUNDLED_CATALOG_PATH = join(__dirname, 'catalog.json');

/** One region of a split catalog's index: where its prices are, and the revision that file must carry. */
export interface RegionFileRef {
  readonly region: string;
  /** Path of the region file relative to the index's folder, e.g. `regions/us-east-1.json`. */
  readonly file: string;
  /**
   * Digest of the region's prices, written into both the index and the region file: a region file
   * from another write (an interrupted refresh, a partial copy) is refused instead of mixed in.
   */
  readonly revision: string;
}

/** How a loaded catalog is laid out on disk (the refresh writes it back the same way). */
export type CatalogLayout =
  | { readonly kind: 'single' }
  | { readonly kind: 'split'; readonly files: ReadonlyMap<string, RegionFileRef> };

interface SplitState {
  readonly refs: readonly RegionFileRef[];
  readonly region: (name: string) => RegionCatalog | undefined;
}

/** Catalogs loaded from a split layout: their index, and region files read on first use. */
const splitCatalogs = new WeakMap<Catalog, SplitState>();

/** A region file path: relative, inside the index's folder, plain characters, `.json`. */
const REGION_FILE = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\.json$/;

/**
 * Instance types the constructs default to: the catalog must price each of them in us-east-1.
 * EC2 types are keyed by type (`g5.2xlarge`), SageMaker hosting types by `ml.` type.
 */
export const DEFAULT_INSTANCE_TYPES: readonly string[] = [
  'g5.2xlarge',
  'g6.2xlarge',
  'g6e.2xlarge',
  'g5.12xlarge',
  'p4d.24xlarge',
  'ml.g5.xlarge',
  'ml.g5.2xlarge',
];

/** The region the default instance types must be priced in. */
export const DEFAULT_TYPES_REGION = 'us-east-1';

/** Plausible on-demand $/h of one instance (cost-model.md, "Guard the catalog"). */
export const HOURLY_INSTANCE_PRICE_RANGE = { min: 0.001, max: 200 } as const;

/**
 * Reads a catalog (default: the bundled one), single-file or split. Throws `CostInputError` when
 * the file is missing, not JSON, or not shaped like a `Catalog` (including any price that is not a
 * positive finite number). Value plausibility is `validateCatalog`'s job. Of a split catalog only
 * the index is read here; each region file is read, checked the same way and against the index's
 * revision, the first time that region is used (`createPriceBook`, `catalogRegion`, `regions`).
 */
export function loadCatalog(path: string = BUNDLED_CATALOG_PATH): Catalog {
  const parsed = readJson(path, 'price catalog');
  if (isSplitIndex(parsed)) return splitCatalog(path, parsed);
  // The cheap check walks the catalog without building a string; the messages are only built
  // for a catalog that fails it (a CLI run loads the catalog every time).
  const problems = isWellShaped(parsed) ? [] : shapeProblems(parsed);
  if (problems.length > 0) throw corrupt(path, problems);
  return parsed as Catalog;
}

/** The layout `catalog` was loaded from: `single` for catalogs built in memory. */
export function catalogLayout(catalog: Catalog): CatalogLayout {
  const split = splitCatalogs.get(catalog);
  if (!split) return { kind: 'single' };
  return { kind: 'split', files: new Map(split.refs.map((r) => [r.region, r])) };
}

/** The prices of one region, or undefined when the catalog has no such region. */
export function catalogRegion(catalog: Catalog, region: string): RegionCatalog | undefined {
  const split = splitCatalogs.get(catalog);
  return split ? split.region(region) : catalog.regions.find((r) => r.region === region);
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    // A regular file under the size cap: `--catalog /dev/zero` or a FIFO is refused, not read forever.
    text = readInputFile(path, { what });
  } catch (e) {
    throw new CostInputError(`cannot read ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CostInputError(`${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

function corrupt(path: string, problems: readonly string[]): CostInputError {
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  return new CostInputError(`price catalog ${path} is corrupt: ${problems.slice(0, 3).join('; ')}${more}`);
}

/** An index: its regions name files instead of holding prices. */
function isSplitIndex(c: unknown): c is Record<string, unknown> & { regions: unknown[] } {
  if (!isPlainObject(c) || !Array.isArray(c.regions)) return false;
  const first: unknown = c.regions[0];
  return isPlainObject(first) && 'file' in first && !('prices' in first);
}

function indexProblems(c: Record<string, unknown> & { regions: unknown[] }): string[] {
  const problems = shapeProblems({ ...c, regions: [] });
  const seen = new Set<string>();
  c.regions.forEach((r: unknown, i: number) => {
    const at = `regions[${i}]`;
    if (!isPlainObject(r)) {
      problems.push(`${at} is not an object`);
      return;
    }
    if (typeof r.region !== 'string' || r.region === '')
      problems.push(`${at}.region is not a non-empty string`);
    else if (seen.has(r.region)) problems.push(`${at}: region ${r.region} is listed twice`);
    else seen.add(r.region);
    if (typeof r.file !== 'string' || !REGION_FILE.test(r.file) || r.file.split('/').includes('..'))
      problems.push(
        `${at}.file ${JSON.stringify(r.file)} is not a relative path to a .json file inside the catalog's folder`,
      );
    if (typeof r.revision !== 'string' || r.revision === '')
      problems.push(`${at}.revision is not a non-empty string`);
    if ('prices' in r) problems.push(`${at} has both a file and inline prices`);
  });
  return problems;
}

function splitCatalog(path: string, index: Record<string, unknown> & { regions: unknown[] }): Catalog {
  const problems = indexProblems(index);
  if (problems.length > 0) throw corrupt(path, problems);
  const refs = (index.regions as RegionFileRef[]).map((r) => ({
    region: r.region,
    file: r.file,
    revision: r.revision,
  }));
  const dir = dirname(path);
  const loaded = new Map<string, RegionCatalog>();
  const load = (ref: RegionFileRef): RegionCatalog => {
    let rc = loaded.get(ref.region);
    if (rc === undefined) {
      rc = loadRegionFile(path, join(dir, ref.file), ref);
      loaded.set(ref.region, rc);
    }
    return rc;
  };
  let all: readonly RegionCatalog[] | undefined;
  const catalog = {
    version: index.version as string,
    capturedAt: index.capturedAt as string,
    sources: index.sources as Record<string, unknown>,
  } as Catalog;
  // Every region on first access of `regions` (validation, refresh, `{ ...catalog }`); enumerable,
  // so JSON.stringify and spreads see the prices like those of a single-file catalog.
  Object.defineProperty(catalog, 'regions', { enumerable: true, get: () => (all ??= refs.map(load)) });
  splitCatalogs.set(catalog, {
    refs,
    region: (name) => {
      const ref = refs.find((r) => r.region === name);
      return ref && load(ref);
    },
  });
  return catalog;
}

function loadRegionFile(indexPath: string, path: string, ref: RegionFileRef): RegionCatalog {
  const parsed = readJson(path, `price catalog region file`);
  const wrapped = { version: 'region', capturedAt: '', sources: {}, regions: [parsed] };
  if (!isWellShaped(wrapped)) throw corrupt(path, shapeProblems(wrapped));
  const rc = parsed as RegionCatalog & { revision?: unknown };
  if (rc.region !== ref.region || rc.revision !== ref.revision) {
    throw new CostInputError(
      `price catalog ${indexPath}: ${ref.file} holds ${rc.region} revision ${String(rc.revision)}, the index expects ${ref.region} revision ${ref.revision} (an interrupted refresh or a partial copy: restore the catalog or run 'cdk-ml-cost prices refresh' again)`,
    );
  }
  return { region: rc.region, prices: rc.prices };
}

/** The catalog's regions, sorted. */
export function catalogRegions(catalog: Catalog): string[] {
  const split = splitCatalogs.get(catalog);
  return (split ? split.refs : catalog.regions).map((r) => r.region).sort();
}

const bookDates = new WeakMap<PriceBook, string>();

/**
 * Prices of one region. Throws `CostInputError` when the catalog has no such region (the
 * estimate would otherwise mark every resource unpriced without saying why).
 */
export function createPriceBook(catalog: Catalog, region: string): PriceBook {
  const rc = catalogRegion(catalog, region);
  if (!rc) {
    throw new CostInputError(
      `the price catalog has no prices for region ${region} (it has ${catalogRegions(catalog).join(', ')}); run 'cdk-ml-cost prices refresh --regions ${region}'`,
    );
  }
  const index = priceIndex(rc);
  const book: PriceBook = {
    region,
    price: (service, key) => index.get(priceId(service, key)),
  };
  bookDates.set(book, catalog.capturedAt);
  return book;
}

/** Lookup maps per region, built once: an assembly of 100 stacks in one region makes 100 price books. */
const priceIndexes = new WeakMap<RegionCatalog, Map<string, CatalogPrice>>();

function priceIndex(rc: RegionCatalog): Map<string, CatalogPrice> {
  let index = priceIndexes.get(rc);
  if (index === undefined) {
    index = new Map();
    for (const p of rc.prices) {
      const id = priceId(p.service, p.key);
      if (!index.has(id)) index.set(id, p);
    }
    priceIndexes.set(rc, index);
  }
  return index;
}

/** The capture date of the catalog a price book was made from (`unknown` for other price books). */
export function priceBookCapturedAt(book: PriceBook): string {
  return bookDates.get(book) ?? 'unknown';
}

/**
 * Problems of a catalog; empty when it is fit to ship. Checks: shape; every value a positive
 * finite number; hourly instance prices within 0.001–200 $/h; spot ratio in (0, 1]; every
 * source id a key of `sources`; an ISO date on every price; every `DEFAULT_INSTANCE_TYPES`
 * entry priced in us-east-1.
 */
export function validateCatalog(catalog: Catalog): string[] {
  const problems = isWellShaped(catalog) ? [] : shapeProblems(catalog);
  if (problems.length > 0) return problems;
  const sources = new Set(Object.keys(catalog.sources));
  for (const rc of catalog.regions) {
    for (const p of rc.prices) {
      const at = `${rc.region} ${p.service}/${p.key}`;
      if (!sources.has(p.source))
        problems.push(`${at}: source '${p.source}' is not a key of the catalog's sources`);
      if (!/^\d{4}-\d{2}-\d{2}/.test(p.capturedAt))
        problems.push(`${at}: capturedAt '${p.capturedAt}' is not an ISO date`);
      if (
        isInstancePrice(p) &&
        (p.value < HOURLY_INSTANCE_PRICE_RANGE.min || p.value > HOURLY_INSTANCE_PRICE_RANGE.max)
      ) {
        problems.push(
          `${at}: ${p.value} $/h is outside the plausible ${HOURLY_INSTANCE_PRICE_RANGE.min}–${HOURLY_INSTANCE_PRICE_RANGE.max} $/h`,
        );
      }
      if (
        p.spotRatio !== undefined &&
        !(Number.isFinite(p.spotRatio) && p.spotRatio > 0 && p.spotRatio <= 1)
      ) {
        problems.push(`${at}: spotRatio ${p.spotRatio} is outside (0, 1] (spot must not exceed on-demand)`);
      }
      problems.push(...commitmentRateProblems(p, rc, at));
    }
  }
  const home = catalogRegion(catalog, DEFAULT_TYPES_REGION);
  for (const type of DEFAULT_INSTANCE_TYPES) {
    const service = type.startsWith('ml.') ? 'AmazonSageMaker' : 'AmazonEC2';
    if (!home?.prices.some((p) => p.service === service && p.key === type)) {
      problems.push(`default instance type ${type} has no ${service} price in ${DEFAULT_TYPES_REGION}`);
    }
  }
  return problems;
}

/**
 * A commitment rate (`<type>@<model>`, cost/commitments/models.ts) names a known model, has an
 * on-demand price of the same type beside it and is below it: a Savings Plan or RI rate at or
 * above on-demand is a transcription error.
 */
function commitmentRateProblems(p: CatalogPrice, rc: RegionCatalog, at: string): string[] {
  const at_ = p.key.indexOf('@');
  if (at_ < 0) return [];
  const model = p.key.slice(at_ + 1);
  const type = p.key.slice(0, at_);
  const spec = (COMMITMENT_MODELS as Readonly<Record<string, { service: string }>>)[model];
  if (!spec)
    return [`${at}: '${model}' is not a commitment model (${Object.keys(COMMITMENT_MODELS).join(', ')})`];
  if (spec.service !== p.service) return [`${at}: ${model} rates belong to ${spec.service}`];
  const od = rc.prices.find((x) => x.service === p.service && x.key === type);
  if (!od) return [`${at}: no on-demand price of ${type} in ${rc.region} to compare the rate with`];
  return p.value < od.value ? [] : [`${at}: ${p.value} $/h is not below on-demand ${od.value} $/h`];
}

function isInstancePrice(p: CatalogPrice): boolean {
  return (
    p.unit === 'Hrs' && (/^BoxUsage:/.test(p.usageType ?? '') || /^(Host|Train):ml\./.test(p.usageType ?? ''))
  );
}

function priceId(service: string, key: string): string {
  return `${service}\u0000${key}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON number that is finite and above zero (NaN fails every comparison). */
function isPositive(v: unknown): boolean {
  return typeof v === 'number' && v > 0 && v !== Infinity;
}

/**
 * True exactly when `shapeProblems(c)` is empty, without building any message. Plain indexed
 * loops and inline checks: a CLI run executes this once, in V8's interpreter, over every price.
 */
function isWellShaped(c: unknown): boolean {
  if (!isPlainObject(c)) return false;
  if (typeof c.version !== 'string' || c.version === '' || typeof c.capturedAt !== 'string') return false;
  if (!isPlainObject(c.sources) || !Array.isArray(c.regions)) return false;
  const regions = c.regions as unknown[];
  for (let i = 0; i < regions.length; i++) {
    const rc = regions[i] as Record<string, unknown> | null;
    if (typeof rc !== 'object' || rc === null) return false;
    if (typeof rc.region !== 'string' || rc.region === '' || !Array.isArray(rc.prices)) return false;
    const prices = rc.prices as unknown[];
    for (let j = 0; j < prices.length; j++) {
      const p = prices[j] as Record<string, unknown> | null;
      if (typeof p !== 'object' || p === null) return false;
      const { service, key, unit, source, capturedAt } = p;
      if (typeof service !== 'string' || service === '' || typeof key !== 'string' || key === '')
        return false;
      if (typeof unit !== 'string' || unit === '' || typeof source !== 'string' || source === '')
        return false;
      if (typeof capturedAt !== 'string' || capturedAt === '' || !isPositive(p.value)) return false;
      if (p.vcpus !== undefined && !isPositive(p.vcpus)) return false;
      if (p.memoryGiB !== undefined && !isPositive(p.memoryGiB)) return false;
      if (p.gpus !== undefined && !isPositive(p.gpus)) return false;
      if (p.spotRatio !== undefined && !isPositive(p.spotRatio)) return false;
    }
  }
  return true;
}

function shapeProblems(c: unknown): string[] {
  const problems: string[] = [];
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return ['the catalog is not a JSON object'];
  const o = c as Record<string, unknown>;
  if (typeof o.version !== 'string' || o.version === '') problems.push('version is not a non-empty string');
  if (typeof o.capturedAt !== 'string') problems.push('capturedAt is not a string');
  if (typeof o.sources !== 'object' || o.sources === null || Array.isArray(o.sources))
    problems.push('sources is not an object');
  if (!Array.isArray(o.regions)) return [...problems, 'regions is not an array'];
  o.regions.forEach((r: unknown, i: number) => {
    if (typeof r !== 'object' || r === null) {
      problems.push(`regions[${i}] is not an object`);
      return;
    }
    const rc = r as Record<string, unknown>;
    const where = typeof rc.region === 'string' ? rc.region : `regions[${i}]`;
    if (typeof rc.region !== 'string' || rc.region === '')
      problems.push(`regions[${i}].region is not a non-empty string`);
    if (!Array.isArray(rc.prices)) {
      problems.push(`${where}: prices is not an array`);
      return;
    }
    rc.prices.forEach((p: unknown, j: number) => {
      if (typeof p !== 'object' || p === null) {
        problems.push(`${where} prices[${j}] is not an object`);
        return;
      }
      const cp = p as Record<string, unknown>;
      const at = `${where} ${String(cp.service)}/${String(cp.key)}`;
      for (const f of ['service', 'key', 'unit', 'source', 'capturedAt'] as const) {
        if (typeof cp[f] !== 'string' || cp[f] === '') problems.push(`${at}: ${f} is not a non-empty string`);
      }
      if (typeof cp.value !== 'number' || !Number.isFinite(cp.value) || cp.value <= 0) {
        problems.push(
          `${at}: value ${String(cp.value)} is not a positive number (a free dimension is not a price)`,
        );
      }
      for (const f of ['vcpus', 'memoryGiB', 'gpus', 'spotRatio'] as const) {
        if (
          cp[f] !== undefined &&
          (typeof cp[f] !== 'number' || !Number.isFinite(cp[f]) || (cp[f] as number) <= 0)
        ) {
          problems.push(`${at}: ${f} ${String(cp[f])} is not a positive number`);
        }
      }
    });
  });
  return problems;
}
