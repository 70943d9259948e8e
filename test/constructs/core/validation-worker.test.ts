import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CloudFormationValidatePlugin } from 'aws-cdk-lib';
import type { IPolicyValidationContext, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applyCompliancePacks } from '../../../constructs/core/compliance';
import {
  CachedCloudFormationValidatePlugin,
  VALIDATION_CACHE_CONTEXT_KEY,
} from '../../../constructs/core/validation-cache';
import { VALIDATION_WORKER_CONTEXT_KEY, ValidationWorker } from '../../../constructs/core/validation-worker';

const dir = mkdtempSync(join(tmpdir(), 'validation-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A template with three findings of CDK's CloudFormation validation (two errors, one on each resource). */
const template = join(dir, 'Bad.template.json');
writeFileSync(
  template,
  JSON.stringify({
    Resources: {
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'Not_Valid', Unknown: 1 } },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 999999 } },
    },
  }),
);

function contextOf(path: string): IPolicyValidationContext {
  return {
    templatePaths: [path],
    stackTemplates: [{ stackConstructPath: 'Bad', templatePath: path, region: 'us-east-1' }],
    appConstruct: new App(),
  } as unknown as IPolicyValidationContext;
}

/** What aws-cdk-lib's own plugin reports on the main thread: the reference for every worker result. */
let expected: PolicyValidationPluginReport;
beforeAll(() => {
  expected = new CloudFormationValidatePlugin().validate(contextOf(template));
});

describe('ValidationWorker', () => {
  test("reports exactly what aws-cdk-lib's plugin reports on the main thread, then stops", () => {
    // GIVEN
    const worker = ValidationWorker.start();
    expect(worker?.running).toBe(true);
    // WHEN
    const report = worker!.report(contextOf(template));
    // THEN
    expect(expected.success).toBe(false);
    expect(expected.violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining(['F3002', 'F3031']));
    expect(report).toEqual(expected);
    expect(worker!.running).toBe(false);
    // the engine built while the app was being built is the one that validated (the head start)
    expect(worker!.usedEngineBuiltAhead).toBe(true);
  });

  test('a worker that dies at start gives no report at once, not after the timeout', () => {
    // GIVEN a worker whose aws-cdk-lib cannot be loaded: it exits before it is asked
    const worker = ValidationWorker.start(join(dir, 'no-such-aws-cdk-lib.js'))!;
    const busy = Date.now() + 1500;
    while (Date.now() < busy); // the main thread builds the app meanwhile; no event loop turns
    // WHEN
    const t0 = Date.now();
    const report = worker.report(contextOf(template));
    // THEN
    expect(report).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(worker.running).toBe(false);
  });

  test('a worker that dies after it was given its job wakes the waiting synth', () => {
    // GIVEN the job posted before the worker could even start
    const worker = ValidationWorker.start(join(dir, 'no-such-aws-cdk-lib.js'))!;
    worker.post(contextOf(template));
    // WHEN
    const t0 = Date.now();
    const report = worker.report(contextOf(template));
    // THEN
    expect(report).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  test('one worker per process: a second app validates on the main thread while the first runs', () => {
    const first = ValidationWorker.start();
    expect(first).toBeDefined();
    expect(ValidationWorker.start()).toBeUndefined();
    first!.dispose();
    const next = ValidationWorker.start();
    expect(next).toBeDefined();
    next!.dispose();
  });

  test('a job the plugin cannot do gives no report (the caller validates on the main thread)', () => {
    // GIVEN
    const worker = ValidationWorker.start()!;
    // WHEN the template does not exist: aws-cdk-lib's plugin throws
    const report = worker.report(contextOf(join(dir, 'missing.template.json')));
    // THEN
    expect(report).toBeUndefined();
    expect(worker.running).toBe(false);
    expect(worker.report(contextOf(template))).toBeUndefined();
  });
});

describe('CachedCloudFormationValidatePlugin with validateInWorker', () => {
  const cacheDir = join(dir, 'cache');

  test('prefetched by the packs that run first, validated in the worker, stored in the cache', () => {
    // GIVEN
    const plugin = new CachedCloudFormationValidatePlugin({ cacheDir, validateInWorker: true });
    expect(plugin.validatesInWorker).toBe(true);
    // WHEN
    plugin.prefetch(contextOf(template));
    // a cache miss keeps the worker: it validates while the other packs run
    expect(plugin.validatesInWorker).toBe(true);
    const report = plugin.validate(contextOf(template));
    // THEN
    expect(report).toEqual(expected);
    expect(plugin.validatesInWorker).toBe(false);
    expect(readdirSync(cacheDir).filter((n) => n.endsWith('.json'))).toHaveLength(1);
  });

  test('a cache hit stops the worker before it is asked', () => {
    // GIVEN the report stored by the previous test
    const plugin = new CachedCloudFormationValidatePlugin({ cacheDir, validateInWorker: true });
    // WHEN
    plugin.prefetch(contextOf(template));
    // THEN
    expect(plugin.validatesInWorker).toBe(false);
    expect(plugin.validate(contextOf(template))).toEqual(expected);
  });
});

describe('applyCompliancePacks chooses the worker', () => {
  const cdkValidationPlugin = (app: App) =>
    (app as unknown as { _validationPlugins: unknown[] })._validationPlugins.find(
      (p): p is CachedCloudFormationValidatePlugin => p instanceof CachedCloudFormationValidatePlugin,
    );

  test.each<[string, Record<string, unknown>, string | undefined, boolean | undefined]>([
    ['under the CDK CLI (CDK_OUTDIR set)', {}, dir, true],
    ['not outside the CLI', {}, undefined, false],
    ['when the context asks, outside the CLI', { [VALIDATION_WORKER_CONTEXT_KEY]: true }, undefined, true],
    [
      'not when the context says false, under the CLI',
      { [VALIDATION_WORKER_CONTEXT_KEY]: 'false' },
      dir,
      false,
    ],
    [
      'with the cache off (a cold synth), under the CLI',
      { [VALIDATION_CACHE_CONTEXT_KEY]: false },
      dir,
      true,
    ],
    [
      'nothing registered with neither cache nor worker',
      { [VALIDATION_CACHE_CONTEXT_KEY]: false },
      undefined,
      undefined,
    ],
  ])('%s', (_name, context, outdir, expected) => {
    // GIVEN
    const previous = process.env.CDK_OUTDIR;
    if (outdir === undefined) delete process.env.CDK_OUTDIR;
    else process.env.CDK_OUTDIR = outdir;
    try {
      // WHEN
      const app = new App({ context, outdir: join(dir, 'unused') });
      applyCompliancePacks(app);
      const plugin = cdkValidationPlugin(app);
      // THEN
      expect(plugin?.validatesInWorker).toBe(expected);
      plugin?.stopWorker();
    } finally {
      if (previous === undefined) delete process.env.CDK_OUTDIR;
      else process.env.CDK_OUTDIR = previous;
    }
  });
});
