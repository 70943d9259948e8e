import { isEmailAddress } from '../constructs/core/email';
import { MlPlatformValidationError, PropValidator } from '../constructs/core/errors';
import type { PlatformModel } from './platform-stack';
import { PRESETS } from './presets';

/** The reference app's configuration: the `cdk-ml-platform` object in cdk.json context (or `-c cdk-ml-platform=...`). */
export interface PlatformConfig {
  readonly platformName: string;
  readonly region: string;
  readonly presets: string[];
  readonly alarmEmails: string[];
  readonly team?: string;
  readonly costCenter?: string;
  /** Budget per preset name, overriding the preset's default. */
  readonly monthlyBudgetUsd?: Record<string, number>;
  /**
   * Your own model for the endpoints, once its image and `model.tar.gz` exist (see docs/deploy.md).
   * Left out, the platform serves the bundled reference model.
   */
  readonly model?: PlatformModel;
  /**
   * Reserved GPU capacity for a preset's training cluster (none by default: a reservation id is
   * yours to buy). Each entry becomes `TrainingReservation.capacityReservation` or `.capacityBlock`
   * on the cluster of `preset`; its availability zone must be one of the platform VPC's (the
   * region's a and b zones, and c in prod).
   */
  readonly reservedCapacity?: ReservedCapacityConfig[];
}

/** One reservation in `reservedCapacity` of the app configuration. */
export interface ReservedCapacityConfig {
  readonly kind: 'capacity-reservation' | 'capacity-block';
  /** The preset whose training cluster launches into it, e.g. `prod`. */
  readonly preset: string;
  readonly reservationId: string;
  /** e.g. `p5.48xlarge`. */
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly instanceCount: number;
  /** Stable name of its constructs (default: the reservation id). */
  readonly name?: string;
  /** Capacity Block only: ISO-8601 end (required) and start (optional). */
  readonly endsAt?: string;
  readonly startsAt?: string;
  /** Capacity Block only: the quoted price, for the cost estimate. */
  readonly upfrontFeeUsd?: number;
}

export const CONFIG_CONTEXT_KEY = 'cdk-ml-platform';

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** Reads and validates the app configuration; throws our validation error naming the key at fault. */
export function readPlatformConfig(raw: unknown): PlatformConfig {
  const where = `cdk.json context "${CONFIG_CONTEXT_KEY}"`;
  if (raw === undefined) raw = {};
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw new MlPlatformValidationError('PlatformConfig', where, [
        { prop: CONFIG_CONTEXT_KEY, value: raw, allowed: 'a JSON object' },
      ]);
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new MlPlatformValidationError('PlatformConfig', where, [
      { prop: CONFIG_CONTEXT_KEY, value: raw, allowed: 'an object' },
    ]);
  }
  const c = raw as Record<string, unknown>;
  const config: PlatformConfig = {
    platformName: (c.platformName as string) ?? 'ml-platform',
    region: (c.region as string) ?? 'us-east-1',
    presets: (c.presets as string[]) ?? ['dev', 'prod'],
    alarmEmails: (c.alarmEmails as string[]) ?? [],
    team: c.team as string | undefined,
    costCenter: c.costCenter as string | undefined,
    monthlyBudgetUsd: c.monthlyBudgetUsd as Record<string, number> | undefined,
    model: c.model as PlatformModel | undefined,
    reservedCapacity: c.reservedCapacity as ReservedCapacityConfig[] | undefined,
  };
  const v = new PropValidator('PlatformConfig', where);
  v.check(
    typeof config.platformName === 'string' && /^[a-z][a-z0-9-]{0,30}$/.test(config.platformName),
    'platformName',
    config.platformName,
    'lowercase letters, digits and hyphens, starting with a letter, at most 31 characters',
  );
  v.check(
    typeof config.region === 'string' && REGION.test(config.region),
    'region',
    config.region,
    'an AWS region such as us-east-1',
  );
  v.check(
    Array.isArray(config.presets) && config.presets.length > 0 && config.presets.every((p) => p in PRESETS),
    'presets',
    config.presets,
    `a non-empty list of ${Object.keys(PRESETS).join(', ')}`,
  );
  v.check(
    Array.isArray(config.alarmEmails) && config.alarmEmails.every((e) => isEmailAddress(e)),
    'alarmEmails',
    config.alarmEmails,
    'a list of e-mail addresses',
  );
  for (const key of ['team', 'costCenter'] as const) {
    const value = config[key];
    v.check(
      value === undefined || (typeof value === 'string' && /^[\w .:/=+@-]{1,256}$/.test(value)),
      key,
      value,
      'a tag value (1–256 letters, digits, spaces and _ . : / = + - @)',
    );
  }
  for (const [preset, amount] of Object.entries(config.monthlyBudgetUsd ?? {})) {
    v.check(
      typeof amount === 'number' && Number.isFinite(amount) && amount > 0,
      `monthlyBudgetUsd.${preset}`,
      amount,
      'a positive number of USD',
    );
  }
  if (config.model !== undefined) {
    const m = config.model as unknown as Record<string, unknown>;
    const isObject = typeof m === 'object' && m !== null && !Array.isArray(m);
    v.check(isObject, 'model', m, 'an object with imageUri and modelDataUrl');
    if (isObject) {
      v.check(
        typeof m.imageUri === 'string' &&
          /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\S+$/.test(m.imageUri),
        'model.imageUri',
        m.imageUri,
        'an ECR image URI <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>',
      );
      v.check(
        typeof m.modelDataUrl === 'string' &&
          /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+$/.test(m.modelDataUrl),
        'model.modelDataUrl',
        m.modelDataUrl,
        's3://<bucket>/<key> of a model.tar.gz',
      );
      v.check(
        m.environment === undefined ||
          (typeof m.environment === 'object' &&
            m.environment !== null &&
            Object.values(m.environment).every((x) => typeof x === 'string')),
        'model.environment',
        m.environment,
        'an object of string values',
      );
    }
  }
  validateReservedCapacityConfig(v, config);
  v.throwIfAny();
  return config;
}

/**
 * The shape of `reservedCapacity` (types and keys); the training cluster checks the values
 * (id format, zone, dates, counts) when the stack is built.
 */
function validateReservedCapacityConfig(v: PropValidator, config: PlatformConfig): void {
  const list = config.reservedCapacity as unknown;
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    v.check(false, 'reservedCapacity', list, 'a list of reservations');
    return;
  }
  list.forEach((entry: unknown, i) => {
    const at = `reservedCapacity[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      v.check(
        false,
        at,
        entry,
        'an object with kind, preset, reservationId, instanceType, availabilityZone and instanceCount',
      );
      return;
    }
    const e = entry as Record<string, unknown>;
    const unknownKeys = Object.keys(e).filter((k) => !RESERVATION_KEYS.includes(k));
    v.check(unknownKeys.length === 0, `${at}`, unknownKeys, `only the keys ${RESERVATION_KEYS.join(', ')}`);
    v.oneOf(`${at}.kind`, typeof e.kind === 'string' ? e.kind : String(e.kind), [
      'capacity-reservation',
      'capacity-block',
    ]);
    v.check(
      typeof e.preset === 'string' && config.presets.includes(e.preset),
      `${at}.preset`,
      e.preset,
      `one of the configured presets (${config.presets.join(', ')})`,
    );
    for (const key of ['reservationId', 'instanceType', 'availabilityZone'] as const) {
      v.check(typeof e[key] === 'string', `${at}.${key}`, e[key], 'a string');
    }
    for (const key of ['name', 'startsAt'] as const) {
      v.check(e[key] === undefined || typeof e[key] === 'string', `${at}.${key}`, e[key], 'a string');
    }
    v.check(typeof e.instanceCount === 'number', `${at}.instanceCount`, e.instanceCount, 'a number');
    v.check(
      e.upfrontFeeUsd === undefined || typeof e.upfrontFeeUsd === 'number',
      `${at}.upfrontFeeUsd`,
      e.upfrontFeeUsd,
      'a number of USD',
    );
    if (e.kind === 'capacity-block') {
      v.check(
        typeof e.endsAt === 'string',
        `${at}.endsAt`,
        e.endsAt,
        'an ISO-8601 end of the Capacity Block',
      );
    } else {
      for (const key of ['endsAt', 'startsAt', 'upfrontFeeUsd'] as const) {
        v.check(e[key] === undefined, `${at}.${key}`, e[key], 'unset unless kind is capacity-block');
      }
    }
  });
}

const RESERVATION_KEYS = [
  'kind',
  'preset',
  'reservationId',
  'instanceType',
  'availabilityZone',
  'instanceCount',
  'name',
  'endsAt',
  'startsAt',
  'upfrontFeeUsd',
];
