/**
 * Reads `GetProducts` results into catalog prices.
 *
 * Each `PriceList` entry is a JSON *string* holding one product:
 *   { product: { sku, productFamily, attributes: { regionCode, usagetype, instanceType, vcpu, memory, gpu, ... } },
 *     terms: { OnDemand: { "<sku>.<offerTermCode>": { priceDimensions: { "<rateCode>": {
 *       unit: "Hrs", beginRange?: "0", pricePerUnit: { USD: "1.0060000000" } } } } } } }
 * Dimensions are picked by unit; zero placeholders (free tiers, "0.0000000000" rows) are not prices.
 * A malformed entry is skipped and counted, never fatal: one odd SKU must not block a refresh.
 */

/** A price the refresh asks for: the catalog key, the usage type without region prefix, and the unit. */
export interface WantedPrice {
  readonly key: string;
  readonly usageType: string;
  readonly unit: string;
}

export interface ParsedPrice {
  readonly key: string;
  readonly usageType: string;
  readonly unit: string;
  /** USD per unit, > 0. */
  readonly value: number;
  readonly sku: string;
  /** EC2 instance facts from the product attributes, when present. */
  readonly vcpus?: number;
  readonly memoryGiB?: number;
  readonly gpus?: number;
}

export interface ParseOutcome {
  /** One price per wanted key that the products priced unambiguously. */
  readonly prices: ReadonlyMap<string, ParsedPrice>;
  /** Wanted keys no product priced (not offered in the region, or only zero placeholders). */
  readonly missing: readonly string[];
  /** Wanted keys several products priced differently: the refresh keeps the old price. */
  readonly ambiguous: readonly string[];
  /** Entries that were not a readable product (bad JSON, no attributes, no OnDemand terms, bad decimals). */
  readonly malformed: number;
  /** Products whose matching dimensions were all zero placeholders. */
  readonly zeroPlaceholders: number;
  /** One line per malformed entry, for the summary. */
  readonly problems: readonly string[];
}

/** Parses one query's PriceList entries against the prices it was asked for. */
export function parseProducts(items: readonly unknown[], wanted: readonly WantedPrice[]): ParseOutcome {
  const byUsageType = new Map(wanted.map((w) => [w.usageType, w]));
  const found = new Map<string, ParsedPrice[]>();
  const problems: string[] = [];
  let malformed = 0;
  let zeroPlaceholders = 0;

  items.forEach((item, index) => {
    const product = readProduct(item);
    if (typeof product === 'string') {
      malformed++;
      problems.push(`PriceList[${index}]: ${product}`);
      return;
    }
    const want = matchWanted(product.usageType, byUsageType);
    if (want === undefined) return;
    const dims = product.dimensions.filter((d) => normalizeUnit(d.unit) === normalizeUnit(want.unit));
    const bad = dims.find((d) => !DECIMAL.test(d.usd));
    if (bad) {
      malformed++;
      problems.push(
        `PriceList[${index}] (${product.sku}): pricePerUnit.USD ${JSON.stringify(bad.usd)} is not a decimal`,
      );
      return;
    }
    const priced = dims
      .map((d) => ({ ...d, value: Number(d.usd) }))
      .filter((d) => d.value > 0)
      .sort((a, b) => a.beginRange - b.beginRange);
    if (priced.length === 0) {
      if (dims.length > 0) zeroPlaceholders++;
      return;
    }
    const list = found.get(want.key) ?? [];
    list.push({
      key: want.key,
      usageType: want.usageType,
      unit: want.unit,
      value: priced[0].value,
      sku: product.sku,
      ...instanceFacts(product.attributes),
    });
    found.set(want.key, list);
  });

  const prices = new Map<string, ParsedPrice>();
  const missing: string[] = [];
  const ambiguous: string[] = [];
  for (const w of wanted) {
    const candidates = found.get(w.key);
    if (!candidates) missing.push(w.key);
    else if (new Set(candidates.map((c) => c.value)).size > 1) ambiguous.push(w.key);
    else prices.set(w.key, candidates[0]);
  }
  return { prices, missing, ambiguous, malformed, zeroPlaceholders, problems };
}

/**
 * Removes the region prefix AWS puts on usage types (`USE1-`, `EU-`, `APN1-`, `us-east-1-`),
 * which us-east-1 EC2 usage types do not carry at all.
 */
export function stripRegionPrefix(usageType: string): string {
  const m = /^([A-Z]{2,4}\d{1,2}|EU|[a-z]{2}(?:-[a-z]+)+-\d)-(.+)$/.exec(usageType);
  return m ? m[2] : usageType;
}

/** Units compared loosely: `Hrs`/`Hours`, `GB-Mo`/`GB-Month`, singular/plural. */
export function normalizeUnit(unit: string): string {
  const u = unit.trim().toLowerCase();
  if (['hr', 'hrs', 'hour', 'hours'].includes(u)) return 'hrs';
  if (['gb-mo', 'gb-month', 'gb-months', 'gb-mos'].includes(u)) return 'gb-mo';
  return u.endsWith('s') ? u.slice(0, -1) : u;
}

interface Dimension {
  readonly unit: string;
  readonly usd: string;
  readonly beginRange: number;
}

interface Product {
  readonly sku: string;
  readonly usageType: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly dimensions: readonly Dimension[];
}

function matchWanted(
  usageType: string,
  byUsageType: ReadonlyMap<string, WantedPrice>,
): WantedPrice | undefined {
  return byUsageType.get(usageType) ?? byUsageType.get(stripRegionPrefix(usageType));
}

/** The product, or why the entry is unreadable. */
function readProduct(item: unknown): Product | string {
  let doc: unknown;
  try {
    doc = typeof item === 'string' || item instanceof String ? JSON.parse(String(item)) : item;
  } catch (e) {
    return `not JSON (${(e as Error).message.split('\n')[0]})`;
  }
  if (!isObject(doc)) return 'not a JSON object';
  const product = doc.product;
  if (!isObject(product) || !isObject(product.attributes)) return 'no product.attributes';
  const attributes = product.attributes;
  if (typeof attributes.usagetype !== 'string') return 'no product.attributes.usagetype';
  const sku = typeof product.sku === 'string' ? product.sku : '?';
  const terms = isObject(doc.terms) ? doc.terms.OnDemand : undefined;
  if (!isObject(terms)) return `${sku}: no terms.OnDemand`;
  const dimensions: Dimension[] = [];
  for (const term of Object.values(terms)) {
    if (!isObject(term) || !isObject(term.priceDimensions))
      return `${sku}: an OnDemand term has no priceDimensions`;
    for (const d of Object.values(term.priceDimensions)) {
      if (!isObject(d) || typeof d.unit !== 'string' || !isObject(d.pricePerUnit)) {
        return `${sku}: a price dimension has no unit or pricePerUnit`;
      }
      const usd = d.pricePerUnit.USD;
      if (typeof usd !== 'string') return `${sku}: a price dimension has no pricePerUnit.USD`;
      const begin = typeof d.beginRange === 'string' ? Number(d.beginRange) : 0;
      dimensions.push({ unit: d.unit, usd, beginRange: Number.isFinite(begin) ? begin : 0 });
    }
  }
  return { sku, usageType: attributes.usagetype, attributes, dimensions };
}

/** `vcpu: "4"`, `memory: "16 GiB"`, `gpu: "1"` → numbers. */
function instanceFacts(attributes: Readonly<Record<string, unknown>>): {
  vcpus?: number;
  memoryGiB?: number;
  gpus?: number;
} {
  const num = (v: unknown): number | undefined => {
    if (typeof v !== 'string') return undefined;
    const n = Number(v.replace(/,/g, '').replace(/\s*GiB$/i, ''));
    return Number.isFinite(n) && v.trim() !== '' ? n : undefined;
  };
  const out: { vcpus?: number; memoryGiB?: number; gpus?: number } = {};
  const vcpus = num(attributes.vcpu);
  const memoryGiB = num(attributes.memory);
  const gpus = num(attributes.gpu);
  if (vcpus !== undefined) out.vcpus = vcpus;
  if (memoryGiB !== undefined) out.memoryGiB = memoryGiB;
  if (gpus !== undefined) out.gpus = gpus;
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const DECIMAL = /^\d+(?:\.\d+)?$/;

/** An EC2 instance type: `g5.xlarge`, `p4d.24xlarge`, `c7i.metal-24xl`, `p6-b200.48xlarge`. */
export const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
