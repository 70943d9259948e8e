/**
 * Shared plumbing of the pricing modules: the one `fmt` of the engine for numbers in formulas
 * and notes, and (for the unit-price modules: NAT, endpoints, KMS, S3, CloudWatch, ...) turning
 * "this many units of that catalog price" into line drafts, with usage-based lines kept out of
 * totals when there is no assumption. Property readers live in cost/template/values.ts.
 */
import { priceBookCapturedAt } from '../catalog';
import type { CatalogPrice, UsageSource } from '../types';
import type { UsageNumberKey } from '../usage-metadata';
import { type LineDraft, type PriceBook, type PricingResult, type ResourceUsage } from './types';

/** The reason of a price the region's catalog lacks. */
export function missingPriceReason(prices: PriceBook, key: string): string {
  return `no ${key} price for ${prices.region} in the catalog (captured ${priceBookCapturedAt(prices)})`;
}

/** 1234.5 → `1,234.5`; deterministic, independent of the locale. */
export function fmt(n: number): string {
  const rounded = Math.round(n * 1e4) / 1e4;
  const [int, frac] = String(Math.abs(rounded)).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${rounded < 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

/** A unit price in plain decimals (never `3.09e-8`). */
export function fmtPrice(v: number): string {
  return v >= 1e-6 ? String(v) : v.toFixed(12).replace(/0+$/, '');
}

/** Catalog units read as words: `Hrs` → `hour`, `Requests` → `request`. */
const UNIT_NAMES: Readonly<Record<string, string>> = {
  Hrs: 'hour',
  'GB-Mo': 'GB-month',
  Requests: 'request',
  Notifications: 'notification',
  Events: 'event',
  Invocations: 'invocation',
  Objects: 'object',
  Second: 'second',
  'Lambda-GB-Second': 'GB-second',
  'GB-Second': 'GB-second',
  PutPayloadUnits: 'PUT payload unit',
  'vCPU-Hours': 'vCPU-hour',
  'GB-Hours': 'GB-hour',
};

export function unitName(unit: string): string {
  return UNIT_NAMES[unit] ?? unit;
}

/** A quantity that does not depend on usage (hours, key-months, GB provisioned). */
export interface FixedQuantity {
  readonly kind: 'fixed';
  readonly quantity: number;
  readonly formula: string;
}

/** A quantity computed from usage assumptions; absent assumptions make the line usage-only. */
export interface UsageQuantity {
  readonly kind: 'usage';
  /** All of these must be set for the line to have usage. */
  readonly keys: readonly UsageNumberKey[];
  readonly quantity: (v: Readonly<Partial<Record<UsageNumberKey, number>>>) => number;
  readonly formula: (v: Readonly<Partial<Record<UsageNumberKey, number>>>) => string;
  /**
   * True for traffic (GB processed, requests): nothing flows when idle, so min = 0.
   * False for stored data (GB stored), which is billed whether or not anyone reads it.
   */
  readonly idleIsZero: boolean;
  /**
   * The exposure at configured maxima (e.g. an EMR Serverless vCPU cap × 730 h), when the template
   * has one: the max scenario uses it instead of the expected quantity.
   */
  readonly max?: number;
}

export interface LineSpec {
  readonly service: string;
  readonly key: string;
  readonly component: string;
  readonly quantity: FixedQuantity | UsageQuantity;
  /** Without this price the resource is unpriced as a whole (otherwise the line goes to `unpriced`). */
  readonly required?: boolean;
  readonly notes?: readonly string[];
}

export function fixed(quantity: number, formula: string): FixedQuantity {
  return { kind: 'fixed', quantity, formula };
}

/** A usage quantity of one usage key times a factor: `500 GB`, `2,000,000 requests`. */
export function perUsage(
  key: UsageNumberKey,
  unitLabel: string,
  idleIsZero: boolean,
  factor = 1,
): UsageQuantity {
  return {
    kind: 'usage',
    keys: [key],
    quantity: (v) => (v[key] ?? 0) * factor,
    formula: (v) => `${fmt(v[key] ?? 0)} ${unitLabel}${factor !== 1 ? ` × ${fmt(factor)}` : ''}`,
    idleIsZero,
  };
}

/**
 * Prices `specs` against the region's catalog. A required price that is missing makes the
 * resource unpriced; an optional one is listed in `unpriced` next to the priced lines.
 */
export function priceLines(
  prices: PriceBook,
  usage: ResourceUsage,
  specs: readonly LineSpec[],
): PricingResult {
  const lines: LineDraft[] = [];
  const missing: string[] = [];
  // A missing usage-based price with no usage set changes no total: it is a note on the
  // resource's first line, not an unpriced entry (a NAT gateway whose hours are priced is
  // priced; only its per-GB rate is unknown). With usage set, the amount is really missing.
  const notes: string[] = [];
  for (const spec of specs) {
    const price = prices.price(spec.service, spec.key);
    if (!price) {
      const reason = missingPriceReason(prices, spec.key);
      if (spec.required) return { kind: 'unpriced', reason };
      const q = spec.quantity;
      if (q.kind === 'usage' && !q.keys.every((k) => typeof usage.values[k] === 'number'))
        notes.push(`${spec.component}: ${reason}`);
      else missing.push(reason);
      continue;
    }
    lines.push(draft(spec, price, usage));
  }
  if (lines.length === 0) return { kind: 'unpriced', reason: missing[0] ?? notes[0] ?? 'nothing to price' };
  if (notes.length > 0) lines[0] = { ...lines[0], notes: [...(lines[0].notes ?? []), ...notes] };
  return missing.length > 0 ? { kind: 'priced', lines, unpriced: missing } : { kind: 'priced', lines };
}

function draft(spec: LineSpec, price: CatalogPrice, usage: ResourceUsage): LineDraft {
  const q = spec.quantity;
  if (q.kind === 'fixed') {
    return {
      service: spec.service,
      component: spec.component,
      unit: price.unit,
      quantity: { min: q.quantity, expected: q.quantity, max: q.quantity },
      quantityFormula: q.formula,
      price,
      pricingCategory: 'Standard',
      usageBased: false,
      hasUsage: true,
      usageSource: 'template',
      ...(spec.notes?.length ? { notes: spec.notes } : {}),
    };
  }
  const has = q.keys.every((k) => typeof usage.values[k] === 'number');
  if (!has) {
    return {
      service: spec.service,
      component: spec.component,
      unit: price.unit,
      quantity: { min: 0, expected: 0, max: 0 },
      quantityFormula: `depends on usage: $${fmtPrice(price.value)} per ${unitName(price.unit)} (set ${q.keys.join(' and ')})`,
      price,
      pricingCategory: 'Standard',
      usageBased: true,
      hasUsage: false,
      usageSource: 'none',
      ...(spec.notes?.length ? { notes: spec.notes } : {}),
    };
  }
  const expected = q.quantity(usage.values);
  const source: UsageSource = usage.sources[q.keys[0]] ?? 'usage-metadata';
  return {
    service: spec.service,
    component: spec.component,
    unit: price.unit,
    quantity: { min: q.idleIsZero ? 0 : expected, expected, max: Math.max(expected, q.max ?? expected) },
    quantityFormula: q.formula(usage.values),
    price,
    pricingCategory: 'Standard',
    usageBased: true,
    hasUsage: true,
    usageSource: source,
    ...(spec.notes?.length ? { notes: spec.notes } : {}),
  };
}
