/**
 * The bundled price catalog: loading, validating and looking prices up by region.
 * Plain Node: no aws-cdk-lib, so the esbuild-bundled CLI can ship catalog.json next to itself.
 */
import { join } from 'node:path';
import { CostInputError } from '../errors';
import { readInputFile } from '../fs';
import type { PriceBook } from '../pricing/types';
import type { Catalog, CatalogPrice } from '../types';

/** catalog.json next to this file (or next to the bundle that inlines it). */
export const BUNDLED_CATALOG_PATH = join(__dirname, 'catalog.json');

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
 * Reads a catalog file (default: the bundled catalog.json). Throws `CostInputError` when the
 * file is missing, not JSON, or not shaped like a `Catalog` (including any price that is not a
 * positive finite number). Value plausibility is `validateCatalog`'s job.
 */
export function loadCatalog(path: string = BUNDLED_CATALOG_PATH): Catalog {
  let text: string;
  try {
    // A regular file under the size cap: `--catalog /dev/zero` or a FIFO is refused, not read forever.
    text = readInputFile(path, { what: 'price catalog' });
  } catch (e) {
    throw new CostInputError(`cannot read ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CostInputError(`price catalog ${path} is not valid JSON: ${(e as Error).message}`);
  }
  // The cheap check walks the catalog without building a string; the messages are only built
  // for a catalog that fails it (a CLI run loads the catalog every time).
  const problems = isWellShaped(parsed) ? [] : shapeProblems(parsed);
  if (problems.length > 0) {
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    throw new CostInputError(`price catalog ${path} is corrupt: ${problems.slice(0, 3).join('; ')}${more}`);
  }
  return parsed as Catalog;
}

/** The catalog's regions, sorted. */
export function catalogRegions(catalog: Catalog): string[] {
  return catalog.regions.map((r) => r.region).sort();
}

const bookDates = new WeakMap<PriceBook, string>();

/**
 * Prices of one region. Throws `CostInputError` when the catalog has no such region (the
 * estimate would otherwise mark every resource unpriced without saying why).
 */
export function createPriceBook(catalog: Catalog, region: string): PriceBook {
  const rc = catalog.regions.find((r) => r.region === region);
  if (!rc) {
    throw new CostInputError(
      `the price catalog has no prices for region ${region} (it has ${catalogRegions(catalog).join(', ')}); run 'cdk-ml-cost prices refresh --regions ${region}'`,
    );
  }
  const index = new Map<string, CatalogPrice>();
  for (const p of rc.prices) {
    const id = priceId(p.service, p.key);
    if (!index.has(id)) index.set(id, p);
  }
  const book: PriceBook = {
    region,
    price: (service, key) => index.get(priceId(service, key)),
  };
  bookDates.set(book, catalog.capturedAt);
  return book;
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
    }
  }
  const home = catalog.regions.find((r) => r.region === DEFAULT_TYPES_REGION);
  for (const type of DEFAULT_INSTANCE_TYPES) {
    const service = type.startsWith('ml.') ? 'AmazonSageMaker' : 'AmazonEC2';
    if (!home?.prices.some((p) => p.service === service && p.key === type)) {
      problems.push(`default instance type ${type} has no ${service} price in ${DEFAULT_TYPES_REGION}`);
    }
  }
  return problems;
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
