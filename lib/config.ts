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
  v.throwIfAny();
  return config;
}
