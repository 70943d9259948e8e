/**
 * The shape of a JSON cost report read back from disk (`diff` base and head). A report is input
 * like any other: every field the diff and its renderers read is checked here, so a malformed or
 * hostile report is a clear one-line error (exit 2) rather than a TypeError deep in a renderer
 * (exit 3). Fields added by later versions pass through; fields of the current schema must have
 * their types, and every amount must be a finite number.
 *
 * Amounts, quantities and prices are also non-negative and ranges ordered (min ≤ expected ≤ max),
 * as the estimator writes them (its line and total checks): a head report whose totals say
 * −$1,000,000,000 would otherwise read as a decrease and pass `--fail-on-increase`.
 */

type Check = (v: unknown) => boolean;

const str: Check = (v) => typeof v === 'string';
const bool: Check = (v) => typeof v === 'boolean';
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
/** An amount, quantity or price: finite and not below zero. */
const amount: Check = (v) => num(v) && (v as number) >= 0;
const strings: Check = (v) => Array.isArray(v) && v.every(str);
const stringMap: Check = (v) => isObject(v) && Object.values(v).every(str);
/**
 * Half a cent of slack on the order: the estimator rounds each scenario to the micro-dollar on
 * its own, so a min equal to the expected figure may differ from it in the last digits.
 */
const ORDER_SLACK = 0.005;
const range: Check = (v) =>
  isObject(v) &&
  amount(v.min) &&
  amount(v.expected) &&
  amount(v.max) &&
  (v.min as number) <= (v.expected as number) + ORDER_SLACK &&
  (v.expected as number) <= (v.max as number) + ORDER_SLACK;

/** field → [check, required, what the message says is expected]. */
type Shape = Readonly<Record<string, readonly [Check, boolean, string]>>;

const RANGE = 'non-negative numeric min ≤ expected ≤ max';

const LINE: Shape = {
  logicalId: [str, true, 'a string'],
  constructPath: [str, false, 'a string'],
  resourceType: [str, true, 'a string'],
  service: [str, true, 'a string'],
  component: [str, true, 'a string'],
  unit: [str, true, 'a string'],
  quantity: [amount, true, 'a finite number, not negative'],
  quantityFormula: [str, true, 'a string'],
  unitPrice: [amount, true, 'a finite number, not negative'],
  monthly: [range, true, RANGE],
  pricingCategory: [str, true, 'a string'],
  usageBased: [bool, true, 'true or false'],
  inTotals: [bool, true, 'true or false'],
  usageSource: [str, true, 'a string'],
  usageType: [str, false, 'a string'],
  priceSource: [str, true, 'a string'],
  priceCapturedAt: [str, false, 'a string'],
  chargeFrequency: [str, false, 'a string'],
  conditional: [bool, false, 'true or false'],
  notes: [strings, false, 'a list of strings'],
  tags: [stringMap, false, 'a mapping of strings'],
  stackName: [str, false, 'a string'],
};

const UNPRICED: Shape = {
  logicalId: [str, true, 'a string'],
  resourceType: [str, true, 'a string'],
  reason: [str, true, 'a string'],
  constructPath: [str, false, 'a string'],
};

const FREE: Shape = {
  logicalId: [str, true, 'a string'],
  resourceType: [str, true, 'a string'],
  constructPath: [str, false, 'a string'],
};

const ASSUMPTION: Shape = {
  logicalId: [str, true, 'a string'],
  key: [str, true, 'a string'],
  value: [amount, true, 'a finite number, not negative'],
  source: [str, true, 'a string'],
  origin: [str, false, 'a string'],
};

const BUDGET: Shape = {
  amount: [amount, true, 'a finite number, not negative'],
  coversExpected: [bool, true, 'true or false'],
};

const STACK: Shape = {
  stackName: [str, true, 'a string'],
  region: [str, true, 'a string'],
  regionSource: [str, false, 'a string'],
  totals: [range, true, RANGE],
};

const CATALOG: Shape = {
  version: [str, true, 'a string'],
  capturedAt: [str, true, 'a string'],
  regions: [strings, false, 'a list of strings'],
};

/** The first thing that keeps `data` from being a schemaVersion 1 `CostReport`, or undefined. */
export function reportShapeProblem(data: unknown): string | undefined {
  if (!isObject(data)) return 'not a JSON object';
  if (data.schemaVersion !== 1) return `schemaVersion is ${JSON.stringify(data.schemaVersion)}, expected 1`;
  if (!range(data.totals)) return `totals must have ${RANGE}`;
  if (!isObject(data.catalog)) return 'catalog is missing';
  const catalog = fields(data.catalog, CATALOG, 'catalog');
  if (catalog) return catalog;
  if (typeof data.generatedAt !== 'string') return 'generatedAt is missing';
  if (data.currency !== undefined && data.currency !== 'USD')
    return `currency is ${JSON.stringify(data.currency)}, expected "USD"`;
  if (!Array.isArray(data.stacks)) return 'stacks must be an array';
  for (const [i, s] of data.stacks.entries()) {
    const at = `stacks[${i}]`;
    if (!isObject(s)) return `${at} must be an object`;
    const own = fields(s, STACK, at);
    if (own) return own;
    for (const [key, shape] of [
      ['lines', LINE],
      ['unpriced', UNPRICED],
      ['free', FREE],
      ['assumptions', ASSUMPTION],
    ] as const) {
      const list = s[key];
      if (!Array.isArray(list)) return `${at}.${key} must be an array`;
      for (const [j, item] of list.entries()) {
        if (!isObject(item)) return `${at}.${key}[${j}] must be an object`;
        const problem = fields(item, shape, `${at}.${key}[${j}]`);
        if (problem) return problem;
      }
    }
    if (s.budget !== undefined) {
      if (!isObject(s.budget)) return `${at}.budget must be an object`;
      const problem = fields(s.budget, BUDGET, `${at}.budget`);
      if (problem) return problem;
    }
  }
  return undefined;
}

function fields(obj: Record<string, unknown>, shape: Shape, at: string): string | undefined {
  for (const [key, [check, required, expected]] of Object.entries(shape)) {
    const v = Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
    if (v === undefined) {
      if (required) return `${at}.${key} is missing (expected ${expected})`;
      continue;
    }
    if (!check(v)) return `${at}.${key} must be ${expected}`;
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
