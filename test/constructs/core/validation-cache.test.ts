import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, test } from 'vitest';
import { applyCompliancePacks } from '../../../constructs/core/compliance';
import {
  CachedCloudFormationValidatePlugin,
  VALIDATION_CACHE_CONTEXT_KEY,
  validationCacheDir,
} from '../../../constructs/core/validation-cache';

const dir = mkdtempSync(join(tmpdir(), 'validation-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  pluginReports: {
    pluginName: string;
    violations: {
      ruleName: string;
      violatingConstructs: { cloudFormationResource?: { templatePath?: string } }[];
    }[];
  }[];
}

/** One plugin for every synth of this file: its engine starts once. */
const cacheDir = join(dir, 'cache');
const plugin = new CachedCloudFormationValidatePlugin({ cacheDir });

/**
 * Synthesizes a stack with a bucket (plus a queue when `queue`) and the cached plugin; returns the
 * CloudFormation Validate section of validation-report.json (CDK writes it when a plugin ran).
 */
function synth(queue = false): { outdir: string; report: Report['pluginReports'][number] | undefined } {
  const outdir = mkdtempSync(join(dir, 'out-'));
  const app = new App({ outdir });
  Validations.of(app).addPlugins(plugin);
  const stack = new Stack(app, 'Cached');
  new s3.Bucket(stack, 'Bucket');
  if (queue) new sqs.Queue(stack, 'Queue');
  app.synth();
  const file = join(outdir, 'validation-report.json');
  const report = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Report) : undefined;
  return { outdir, report: report?.pluginReports.find((r) => r.pluginName === 'CloudFormation Validate') };
}

const entries = () => readdirSync(cacheDir).filter((n) => n.endsWith('.json'));

describe('CachedCloudFormationValidatePlugin', () => {
  test('stores the report of a synth, and answers a synth of identical templates from it (in another outdir)', () => {
    // GIVEN a first synth, and a warning planted in its stored report (which only the cache can deliver)
    synth();
    expect(entries()).toHaveLength(1);
    const file = join(cacheDir, entries()[0]);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as {
      report: { violations: unknown[] };
    };
    stored.report.violations.push({
      ruleName: 'PLANTED1',
      description: 'planted in the cache by the test',
      severity: 'warning',
      violatingResources: [{ resourceLogicalId: 'Bucket83908E77', templateIndex: 0, locations: [] }],
    });
    writeFileSync(file, JSON.stringify(stored));
    // WHEN
    const second = synth();
    // THEN the planted finding is reported, against the second synth's own template
    const planted = second.report?.violations.find((v) => v.ruleName === 'PLANTED1');
    expect(planted).toBeDefined();
    expect(planted!.violatingConstructs[0].cloudFormationResource?.templatePath).toBe('Cached.template.json');
  });

  test('a changed template is validated again (and stored under another key)', () => {
    // WHEN
    const changed = synth(true);
    // THEN
    expect(changed.report?.violations.some((v) => v.ruleName === 'PLANTED1') ?? false).toBe(false);
    expect(entries()).toHaveLength(2);
  });

  test('an unreadable entry is a miss, not an error', () => {
    // GIVEN every entry corrupted
    for (const n of entries()) writeFileSync(join(cacheDir, n), '{"format":1,"report":');
    // WHEN
    const again = synth();
    // THEN validated for real, and the entry rewritten
    expect(again.report?.violations.some((v) => v.ruleName === 'PLANTED1') ?? false).toBe(false);
    expect(() => JSON.parse(readFileSync(join(cacheDir, entries()[0]), 'utf8')) as unknown).not.toThrow();
  });

  test('CDK_VALIDATION=false turns it off like the default instance', () => {
    // GIVEN
    const before = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
    try {
      // WHEN
      const off = synth(true);
      // THEN
      expect(off.report?.violations ?? []).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = before;
    }
  });
});

describe('applyCompliancePacks registers the cached validation', () => {
  const plugins = (app: App) => (app as unknown as { _validationPlugins: unknown[] })._validationPlugins;

  test.each<[string, Record<string, unknown>, boolean]>([
    ['by default', {}, true],
    ['not with -c cdk-ml-platform:validationCache=false', { [VALIDATION_CACHE_CONTEXT_KEY]: 'false' }, false],
    ['not with the context set to false', { [VALIDATION_CACHE_CONTEXT_KEY]: false }, false],
  ])('%s', (_name, context, expected) => {
    // WHEN
    const app = new App({ context });
    applyCompliancePacks(app);
    // THEN
    expect(plugins(app).some((p) => p instanceof CachedCloudFormationValidatePlugin)).toBe(expected);
  });

  test('not on an app whose built-in validation is off, nor twice', () => {
    // WHEN
    const off = new App({ builtinCloudFormationValidation: false });
    applyCompliancePacks(off);
    const twice = new App();
    applyCompliancePacks(twice);
    applyCompliancePacks(twice);
    // THEN
    expect(plugins(off).some((p) => p instanceof CachedCloudFormationValidatePlugin)).toBe(false);
    expect(plugins(twice).filter((p) => p instanceof CachedCloudFormationValidatePlugin)).toHaveLength(1);
  });

  test('keeps the cache in the nearest node_modules/.cache, and nowhere without node_modules', () => {
    expect(validationCacheDir(join(__dirname, '..', '..'))).toMatch(
      /node_modules\/\.cache\/cdk-ml-platform\/cfn-validate$/,
    );
    expect(validationCacheDir('/')).toBeUndefined();
  });
});
