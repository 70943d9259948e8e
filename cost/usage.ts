/**
 * Usage assumptions: the `cdk-ml-platform:usage` metadata that constructs write, and the usage
 * file (`--usage`, YAML or JSON) that overrides it:
 *
 *   parameters:                 # optional: template parameter values, for every stack
 *     InstanceType: g5.xlarge
 *   MlPlatformDev:              # stack name
 *     TrainingComputeEnv1A2B3C: # logical id ...
 *       monthlyGpuHours: 200
 *     MlPlatformDev/Inference/EndpointConfig:   # ... or construct path (`/Resource` optional)
 *       averageInstanceCount: 1.5
 *       note: peak season
 *
 * Numbers must be finite and non-negative; anything else is a CostInputError naming the file and key.
 */
import { CostInputError } from './errors';
import { readInputFile } from './fs';
import { checkNestingDepth } from './limits';
import type { ResolvedResource, ResourceUsage } from './pricing/types';
import type { UsageSource } from './types';
import {
  RESERVATION_KINDS,
  USAGE_METADATA_KEY,
  USAGE_NUMBER_KEYS,
  type ReservationUsage,
  type UsageNumberKey,
} from './usage-metadata';
import { parseYaml, YamlLimitError } from './yaml';

/** One resource's entry in a usage file. */
export interface UsageEntry {
  readonly values: Readonly<Partial<Record<UsageNumberKey, number>>>;
  readonly note?: string;
}

/** A parsed usage file. */
export interface UsageFile {
  /** Where it was read from (shown as the origin of its numbers). */
  readonly path: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** stack name → logical id or construct path → entry. */
  readonly stacks: Readonly<Record<string, Readonly<Record<string, UsageEntry>>>>;
}

const NUMBER_KEYS: ReadonlySet<string> = new Set(USAGE_NUMBER_KEYS);

/** Reads and validates a usage file. */
export function loadUsageFile(path: string): UsageFile {
  const text = readInputFile(path, { what: 'usage file' });
  let doc: unknown;
  try {
    // logLevel 'error': no process warnings on stderr (the CLI prints one line per error).
    doc = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text, { logLevel: 'error' });
  } catch (e) {
    if (e instanceof YamlLimitError) throw new CostInputError(`usage file ${path}: ${e.message}`);
    throw new CostInputError(
      `usage file ${path}: not valid YAML or JSON (${(e as Error).message.split('\n')[0]})`,
    );
  }
  return parseUsageDocument(doc ?? {}, path);
}

/** Validates a parsed usage document (exported for the library API: usage given as an object). */
export function parseUsageDocument(doc: unknown, path: string): UsageFile {
  const fail = (key: string, what: string): never => {
    throw new CostInputError(`usage file ${path}: ${key} ${what}`);
  };
  if (!isPlainObject(doc)) fail('(top level)', 'must be a mapping of stack names');
  checkNestingDepth(doc, `usage file ${path}`);
  // Null prototypes: a stack or logical id named `toString` or `__proto__` is just a name.
  const parameters: Record<string, string> = Object.create(null) as Record<string, string>;
  const stacks: Record<string, Record<string, UsageEntry>> = Object.create(null) as Record<
    string,
    Record<string, UsageEntry>
  >;
  for (const [stackName, stackValue] of Object.entries(doc as Record<string, unknown>)) {
    if (stackName === 'parameters') {
      if (!isPlainObject(stackValue)) fail('parameters', 'must be a mapping of parameter name to value');
      for (const [name, v] of Object.entries(stackValue as Record<string, unknown>)) {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
          fail(`parameters.${name}`, `must be a string or number, got ${JSON.stringify(v)}`);
        }
        parameters[name] = String(v);
      }
      continue;
    }
    if (!isPlainObject(stackValue)) fail(stackName, 'must be a mapping of logical ids or construct paths');
    const entries: Record<string, UsageEntry> = Object.create(null) as Record<string, UsageEntry>;
    for (const [resourceKey, entryValue] of Object.entries(stackValue as Record<string, unknown>)) {
      const at = `${stackName}.${resourceKey}`;
      if (!isPlainObject(entryValue)) fail(at, 'must be a mapping of usage keys to numbers');
      const values: Partial<Record<UsageNumberKey, number>> = Object.create(null) as Partial<
        Record<UsageNumberKey, number>
      >;
      let note: string | undefined;
      for (const [key, v] of Object.entries(entryValue as Record<string, unknown>)) {
        if (key === 'note' || key === 'source') {
          if (typeof v !== 'string') fail(`${at}.${key}`, `must be a string, got ${JSON.stringify(v)}`);
          if (key === 'note') note = v as string;
          continue;
        }
        if (!NUMBER_KEYS.has(key))
          fail(`${at}.${key}`, `is not a usage key (allowed: ${USAGE_NUMBER_KEYS.join(', ')}, note)`);
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
          fail(
            `${at}.${key}`,
            `must be a non-negative number, got ${typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v))}`,
          );
        }
        values[key as UsageNumberKey] = v as number;
      }
      entries[resourceKey] = { values, ...(note !== undefined ? { note } : {}) };
    }
    stacks[stackName] = entries;
  }
  return { path, parameters, stacks };
}

/**
 * Keys that state one quantity in different units: Batch capacity is either instance-hours or
 * GPU-hours. A usage file entry that sets any key of a group replaces the whole group, so a
 * metadata value in the other unit never outranks the file (`monthlyInstanceHours: 0` in the
 * metadata must not hide `monthlyGpuHours: 500` from the file).
 */
const SAME_QUANTITY_GROUPS: readonly (readonly UsageNumberKey[])[] = [
  ['monthlyInstanceHours', 'monthlyGpuHours'],
];

/**
 * Usage of one resource: its metadata, overridden by the usage file entry for its logical id or
 * construct path, key by key except for keys that state the same quantity (see
 * SAME_QUANTITY_GROUPS). Throws CostInputError on malformed metadata.
 */
export function resourceUsage(
  stackName: string,
  resource: ResolvedResource,
  file?: UsageFile,
): ResourceUsage {
  const values: Partial<Record<UsageNumberKey, number>> = {};
  const sources: Partial<Record<UsageNumberKey, UsageSource>> = {};
  const origins: Partial<Record<UsageNumberKey, string>> = {};
  let reservation: ReservationUsage | undefined;
  const meta = resource.metadata[USAGE_METADATA_KEY];
  if (meta !== undefined) {
    const where = `stack ${stackName} resource ${resource.logicalId}: ${USAGE_METADATA_KEY} metadata`;
    if (!isPlainObject(meta)) throw new CostInputError(`${where} must be an object`);
    const m = meta as Record<string, unknown>;
    for (const key of USAGE_NUMBER_KEYS) {
      const v = m[key];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new CostInputError(
          `${where} ${key} must be a non-negative number, got ${typeof v === 'number' ? String(v) : JSON.stringify(v)}`,
        );
      }
      values[key] = v;
      sources[key] = 'usage-metadata';
      if (typeof m.source === 'string') origins[key] = m.source;
    }
    if (m.reservation !== undefined) reservation = parseReservation(m.reservation, `${where} reservation`);
  }
  const entry = file ? findEntry(file, stackName, resource) : undefined;
  if (entry && file) {
    const set = Object.entries(entry.values) as [UsageNumberKey, number][];
    for (const group of SAME_QUANTITY_GROUPS) {
      if (!set.some(([key]) => group.includes(key))) continue;
      for (const key of group) {
        delete values[key];
        delete sources[key];
        delete origins[key];
      }
    }
    for (const [key, v] of set) {
      values[key] = v;
      sources[key] = 'usage-file';
      origins[key] = file.path;
    }
  }
  return { values, sources, origins, ...(reservation ? { reservation } : {}) };
}

/** A value that CloudFormation resolves at deploy time (`{ "Ref": ... }`) in metadata the construct wrote. */
const DEPLOY_TIME = '(known at deploy time)';

/**
 * Validates the `reservation` block of usage metadata (the contract in usage-metadata.ts). The
 * id and zone may be tokens the template resolves at deploy time: they only label lines. What
 * prices the reservation (kind, type, count, dates, fee) must be literal.
 */
export function parseReservation(raw: unknown, where: string): ReservationUsage {
  const fail = (key: string, what: string, v: unknown): never => {
    throw new CostInputError(`${where}.${key} ${what}, got ${JSON.stringify(v) ?? String(v)}`);
  };
  if (!isPlainObject(raw)) throw new CostInputError(`${where} must be an object`);
  const r = raw;
  const kind = r.kind;
  if (typeof kind !== 'string' || !(RESERVATION_KINDS as readonly string[]).includes(kind))
    fail('kind', `must be one of ${RESERVATION_KINDS.join(', ')}`, kind);
  const label = (key: string): string => {
    const v = r[key];
    if (typeof v === 'string' && v.length > 0) return v;
    if (isPlainObject(v)) return DEPLOY_TIME;
    return fail(key, 'must be a non-empty string', v);
  };
  const reservationId = label('reservationId');
  const availabilityZone = label('availabilityZone');
  const instanceType = r.instanceType;
  if (typeof instanceType !== 'string' || !/^[a-z0-9-]+\.[a-z0-9-]+$/.test(instanceType))
    fail('instanceType', 'must be an EC2 instance type such as p5.48xlarge', instanceType);
  const instanceCount = r.instanceCount;
  if (typeof instanceCount !== 'number' || !Number.isInteger(instanceCount) || instanceCount < 1)
    fail('instanceCount', 'must be a positive integer', instanceCount);
  const date = (key: 'endsAt' | 'startsAt'): string | undefined => {
    const v = r[key];
    if (v === undefined) return undefined;
    // ISO-8601 with a time and an explicit zone: `2027-01-15T11:30:00Z`.
    if (
      typeof v !== 'string' ||
      !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) ||
      Number.isNaN(Date.parse(v))
    )
      return fail(key, 'must be an ISO-8601 date and time in UTC, e.g. 2027-01-15T11:30:00Z', v);
    return v;
  };
  const endsAt = date('endsAt');
  const startsAt = date('startsAt');
  const fee = r.upfrontFeeUsd;
  if (fee !== undefined && (typeof fee !== 'number' || !Number.isFinite(fee) || fee < 0))
    fail('upfrontFeeUsd', 'must be a non-negative number', fee);
  if (kind === 'capacity-block') {
    if (endsAt === undefined) fail('endsAt', 'is required for a capacity-block', endsAt);
    if (startsAt !== undefined && endsAt !== undefined && Date.parse(startsAt) >= Date.parse(endsAt))
      fail('startsAt', `must be before endsAt ${endsAt}`, startsAt);
  } else {
    for (const key of ['endsAt', 'startsAt', 'upfrontFeeUsd'] as const)
      if (r[key] !== undefined) fail(key, 'applies to a capacity-block only', r[key]);
  }
  return {
    kind: kind as ReservationUsage['kind'],
    reservationId,
    instanceType: instanceType as string,
    instanceCount: instanceCount as number,
    availabilityZone,
    ...(endsAt !== undefined ? { endsAt } : {}),
    ...(startsAt !== undefined ? { startsAt } : {}),
    ...(fee !== undefined ? { upfrontFeeUsd: fee as number } : {}),
  };
}

function findEntry(file: UsageFile, stackName: string, resource: ResolvedResource): UsageEntry | undefined {
  const entries = own(file.stacks, stackName);
  if (!entries) return undefined;
  const path = resource.constructPath;
  return (
    own(entries, resource.logicalId) ??
    (path !== undefined
      ? (own(entries, path) ?? own(entries, path.replace(/\/(Resource|Default)$/, '')))
      : undefined)
  );
}

/**
 * Own properties only: a usage document given as an object by a library caller has
 * Object.prototype, and `toString` must not be found there.
 */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/**
 * Stack names of the usage file that name no stack being estimated: a misspelt or renamed stack
 * would otherwise price nothing from the file, silently.
 */
export function unmatchedUsageStacks(file: UsageFile, stackNames: readonly string[]): string[] {
  const known = new Set(stackNames);
  return Object.keys(file.stacks).filter((name) => !known.has(name));
}

/**
 * Usage file keys that matched no resource of their stack (typos); the estimate reports them
 * as a CostInputError so a misspelt key never silently prices nothing.
 */
export function unmatchedUsageKeys(
  file: UsageFile,
  stackName: string,
  resources: readonly Pick<ResolvedResource, 'logicalId' | 'constructPath'>[],
): string[] {
  const entries = own(file.stacks, stackName);
  if (!entries) return [];
  const known = new Set<string>();
  for (const r of resources) {
    known.add(r.logicalId);
    if (r.constructPath) {
      known.add(r.constructPath);
      known.add(r.constructPath.replace(/\/(Resource|Default)$/, ''));
    }
  }
  return Object.keys(entries).filter((k) => !known.has(k));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
