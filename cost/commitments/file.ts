/**
 * The commitments file (`--commitments FILE`, YAML or JSON): the Savings Plans and Reserved
 * Instances the account already holds, so the estimate bills covered usage the way AWS does.
 *
 *   savingsPlans:
 *     - type: compute          # compute | ec2-instance | sagemaker
 *       term: 1y               # 1y | 3y
 *       hourlyCommitment: 0.5  # USD per hour, billed every hour of the term
 *     - type: ec2-instance
 *       term: 3y
 *       hourlyCommitment: 2
 *       instanceFamily: g5     # required for ec2-instance: the plan covers one family ...
 *       region: us-east-1      # ... in one region (optional here: any region estimated)
 *   reservations:              # Reserved Instances (regional, Linux, no upfront)
 *     - instanceType: g5.xlarge
 *       count: 2
 *       term: 1y
 *       region: us-east-1      # optional
 *
 * Anything else is a CostInputError naming the file and the key (the CLI exits 2, one line).
 */
import { CostInputError } from '../errors';
import { readInputFile } from '../fs';
import { checkNestingDepth } from '../limits';
import { parseYaml, YamlLimitError } from '../yaml';

export const SAVINGS_PLAN_TYPES = ['compute', 'ec2-instance', 'sagemaker'] as const;
export type SavingsPlanType = (typeof SAVINGS_PLAN_TYPES)[number];
export const TERMS = ['1y', '3y'] as const;
export type Term = (typeof TERMS)[number];

export interface SavingsPlanCommitment {
  readonly type: SavingsPlanType;
  readonly term: Term;
  /** USD per hour. */
  readonly hourlyCommitment: number;
  readonly instanceFamily?: string;
  readonly region?: string;
}

export interface ReservedInstanceCommitment {
  readonly instanceType: string;
  readonly count: number;
  readonly term: Term;
  readonly region?: string;
}

export interface CommitmentsFile {
  readonly path: string;
  readonly savingsPlans: readonly SavingsPlanCommitment[];
  readonly reservations: readonly ReservedInstanceCommitment[];
}

/** Reads and validates a commitments file. */
export function loadCommitmentsFile(path: string): CommitmentsFile {
  const text = readInputFile(path, { what: 'commitments file' });
  let doc: unknown;
  try {
    doc = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text, { logLevel: 'error' });
  } catch (e) {
    if (e instanceof YamlLimitError) throw new CostInputError(`commitments file ${path}: ${e.message}`);
    throw new CostInputError(
      `commitments file ${path}: not valid YAML or JSON (${(e as Error).message.split('\n')[0]})`,
    );
  }
  return parseCommitmentsDocument(doc ?? {}, path);
}

/** Validates a parsed commitments document (also the library API: commitments given as an object). */
export function parseCommitmentsDocument(doc: unknown, path: string): CommitmentsFile {
  const fail = (key: string, what: string, ...value: unknown[]): never => {
    // NaN and Infinity (YAML .nan, .inf) by name: JSON.stringify would say null.
    const shown = (v: unknown): string =>
      typeof v === 'number' && !Number.isFinite(v) ? String(v) : (JSON.stringify(v) ?? String(v));
    const got = value.length > 0 ? `, got ${shown(value[0])}` : '';
    throw new CostInputError(`commitments file ${path}: ${key} ${what}${got}`);
  };
  if (!isPlainObject(doc))
    return fail('(top level)', 'must be a mapping with savingsPlans and/or reservations');
  checkNestingDepth(doc, `commitments file ${path}`);
  for (const key of Object.keys(doc))
    if (key !== 'savingsPlans' && key !== 'reservations')
      fail(key, 'is not a commitments key (allowed: savingsPlans, reservations)');
  const list = (key: string): Record<string, unknown>[] => {
    const v = doc[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return fail(key, 'must be a list', v);
    return v.map((item, i) => (isPlainObject(item) ? item : fail(`${key}[${i}]`, 'must be a mapping', item)));
  };
  const allowedKeys = (item: Record<string, unknown>, at: string, allowed: readonly string[]): void => {
    for (const k of Object.keys(item))
      if (!allowed.includes(k)) fail(`${at}.${k}`, `is not allowed (allowed: ${allowed.join(', ')})`);
  };
  const oneOf = <T extends string>(v: unknown, at: string, values: readonly T[]): T =>
    typeof v === 'string' && (values as readonly string[]).includes(v)
      ? (v as T)
      : fail(at, `must be one of ${values.join(', ')}`, v);
  const region = (v: unknown, at: string): string | undefined =>
    v === undefined
      ? undefined
      : typeof v === 'string' && /^[a-z]{2}(-[a-z]+)+-\d$/.test(v)
        ? v
        : fail(at, 'must be an AWS region such as us-east-1', v);

  const savingsPlans = list('savingsPlans').map((item, i): SavingsPlanCommitment => {
    const at = `savingsPlans[${i}]`;
    allowedKeys(item, at, ['type', 'term', 'hourlyCommitment', 'instanceFamily', 'region']);
    const type = oneOf(item.type, `${at}.type`, SAVINGS_PLAN_TYPES);
    const term = oneOf(item.term, `${at}.term`, TERMS);
    const hourly = item.hourlyCommitment;
    // AWS accepts commitments from 0.001 USD per hour.
    if (typeof hourly !== 'number' || !Number.isFinite(hourly) || hourly < 0.001 || hourly > 1e6)
      fail(`${at}.hourlyCommitment`, 'must be a number of USD per hour from 0.001 to 1000000', hourly);
    const family = item.instanceFamily;
    if (type === 'ec2-instance') {
      if (typeof family !== 'string' || !/^[a-z][a-z0-9-]*$/.test(family))
        fail(
          `${at}.instanceFamily`,
          'is required for an ec2-instance plan (an EC2 family such as g5)',
          family,
        );
    } else if (family !== undefined)
      fail(`${at}.instanceFamily`, 'applies to an ec2-instance plan only', family);
    const r = region(item.region, `${at}.region`);
    return {
      type,
      term,
      hourlyCommitment: hourly as number,
      ...(typeof family === 'string' ? { instanceFamily: family } : {}),
      ...(r !== undefined ? { region: r } : {}),
    };
  });
  const reservations = list('reservations').map((item, i): ReservedInstanceCommitment => {
    const at = `reservations[${i}]`;
    allowedKeys(item, at, ['instanceType', 'count', 'term', 'region']);
    const type = item.instanceType;
    if (typeof type !== 'string' || !/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/.test(type))
      fail(`${at}.instanceType`, 'must be an EC2 instance type such as g5.xlarge', type);
    const count = item.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 100_000)
      fail(`${at}.count`, 'must be a positive integer', count);
    const term = oneOf(item.term, `${at}.term`, TERMS);
    const r = region(item.region, `${at}.region`);
    return {
      instanceType: type as string,
      count: count as number,
      term,
      ...(r !== undefined ? { region: r } : {}),
    };
  });
  if (savingsPlans.length === 0 && reservations.length === 0)
    fail('(top level)', 'lists no savingsPlans and no reservations');
  return { path, savingsPlans, reservations };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
