import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CloudFormationValidatePlugin } from 'aws-cdk-lib';
import type { IPolicyValidationContext, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { ValidationWorker } from './validation-worker';

/** Context key that turns the validation cache off (`-c cdk-ml-platform:validationCache=false`). */
export const VALIDATION_CACHE_CONTEXT_KEY = 'cdk-ml-platform:validationCache';

/** Bumped when the cache file format or the key changes. */
const CACHE_FORMAT = 1;

/** Cache entries kept; the least recently used beyond this are removed after a write. */
const MAX_ENTRIES = 200;

/**
 * The folder of the validation cache: `node_modules/.cache/cdk-ml-platform/cfn-validate` in the nearest
 * folder (from `cwd` up) that has a `node_modules`, the convention of babel, eslint and terser caches.
 * Undefined when there is none: then nothing is cached. It is inside the project's own dependencies,
 * so whoever can write there could as well replace aws-cdk-lib itself.
 */
export function validationCacheDir(cwd: string = process.cwd()): string | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) {
      return join(dir, 'node_modules', '.cache', 'cdk-ml-platform', 'cfn-validate');
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The aws-cdk-lib in use (its validation plugin's code, default rules and options are part of the key). */
function awsCdkLibVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('aws-cdk-lib/package.json') as { version: string }).version;
}

/** The version in the package.json of the engine aws-cdk-lib resolves, or undefined. */
function engineVersionFromPackage(): string | undefined {
  try {
    const main = require.resolve('@aws/cloudformation-validate', {
      paths: [dirname(require.resolve('aws-cdk-lib'))],
    });
    const pkg = JSON.parse(readFileSync(join(dirname(main), 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

export interface CachedCloudFormationValidatePluginProps {
  /**
   * Folder of the report cache (see `validationCacheDir`).
   * @default - no cache: every synth validates
   */
  readonly cacheDir?: string;

  /**
   * Start the validation engine in a worker thread now and validate there, so that the engine's start
   * overlaps with building and synthesizing the app instead of following it.
   * @default false
   */
  readonly validateInWorker?: boolean;
}

/**
 * aws-cdk-lib's built-in CloudFormation validation (`CloudFormationValidatePlugin`, the cfn-lint rules
 * and resource schemas compiled to WebAssembly) with its reports memoised by content, optionally run in
 * a worker thread.
 *
 * The plugin's report is a function of the templates' bytes, their stack paths, accounts and regions,
 * the validation engine's version and aws-cdk-lib's version (its options and default rules): all of
 * them are the cache key. A synth whose templates are byte for byte those of an earlier synth gets that
 * synth's report (violations, severities, fixes, locations) without starting the engine, which costs
 * several seconds of CPU even for a one-bucket app (schemas are loaded per resource type on first use);
 * any other synth runs the plugin exactly as aws-cdk-lib registers it and stores its report. With
 * `validateInWorker` that run is aws-cdk-lib's same plugin in a worker thread started with this plugin
 * (`ValidationWorker`); if the worker fails in any way the plugin runs on the main thread. Either way
 * the report goes through CDK's own handling (acknowledgements, the warning/error downgrade,
 * `validation-report.json`, failing the synth).
 *
 * Registered in place of the default instance: "Registering a `CloudFormationValidatePlugin` explicitly
 * replaces the auto-registered default instance" (aws-cdk-lib, CloudFormationValidatePluginProps).
 */
export class CachedCloudFormationValidatePlugin extends CloudFormationValidatePlugin {
  private readonly cacheDir: string | undefined;

  private worker: ValidationWorker | undefined;

  private engineVersion: string | undefined;

  /** The cache lookup `prefetch` made for this synth's templates, until `validate` takes it. */
  private prefetched:
    { job: string; entry: ReturnType<CachedCloudFormationValidatePlugin['cached']> } | undefined;

  constructor(props: CachedCloudFormationValidatePluginProps = {}) {
    super();
    this.cacheDir = props.cacheDir;
    if (props.validateInWorker && process.env.CDK_VALIDATION !== 'false')
      this.worker = ValidationWorker.start();
  }

  /** Whether the next validation runs in the worker thread (false once it has stopped or failed). */
  public get validatesInWorker(): boolean {
    return this.worker?.running ?? false;
  }

  /**
   * The validation engine's version, read from its package.json: the base class asks the engine
   * itself, which loads (compiles) its 9 MB WebAssembly module, about a second that a cache hit saves.
   */
  public get version(): string | undefined {
    const version = this.engineVersion ?? engineVersionFromPackage() ?? super.version;
    this.engineVersion = version;
    return version;
  }

  /**
   * Starts validating `context` in the worker, if there is one and the cache has no report for it:
   * called by the plugins that run before this one, so that the worker validates while they run.
   */
  public prefetch(context: IPolicyValidationContext): void {
    if (this.worker === undefined || process.env.CDK_VALIDATION === 'false') return;
    // Looked up once for this synth: validate() takes the same lookup instead of hashing again.
    this.prefetched = { job: jobOf(context), entry: this.cached(context) };
    if (this.prefetched.entry?.report !== undefined) {
      this.stopWorker();
      return;
    }
    this.worker.post(context);
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    // CDK skips its default instance when CDK_VALIDATION=false; an explicit instance would still run.
    if (process.env.CDK_VALIDATION === 'false') {
      this.stopWorker();
      return { success: true, violations: [] };
    }
    const prefetched = this.prefetched?.job === jobOf(context) ? this.prefetched : undefined;
    this.prefetched = undefined;
    const cached = prefetched ? prefetched.entry : this.cached(context);
    if (cached?.report) {
      this.stopWorker();
      return cached.report;
    }
    const report = this.worker?.report(context) ?? super.validate(context);
    if (cached) writeEntry(cached.dir, cached.file, report, cached.paths);
    return report;
  }

  /** The cache entry for `context` (its report when there is one), or undefined without a cache. */
  private cached(
    context: IPolicyValidationContext,
  ): { dir: string; file: string; paths: string[]; report?: PolicyValidationPluginReport } | undefined {
    if (this.cacheDir === undefined) return undefined;
    const paths = context.stackTemplates.map((s) => s.templatePath);
    let key: string;
    try {
      key = this.cacheKey(context);
    } catch {
      return undefined;
    }
    const file = join(this.cacheDir, `${key}.json`);
    return { dir: this.cacheDir, file, paths, report: readEntry(file, paths) };
  }

  /** Stops the worker thread, if any: later validations run on the main thread. */
  public stopWorker(): void {
    this.worker?.dispose();
    this.worker = undefined;
  }

  private cacheKey(context: IPolicyValidationContext): string {
    const hash = createHash('sha256');
    hash.update(JSON.stringify({ format: CACHE_FORMAT, cdk: awsCdkLibVersion(), engine: this.version }));
    for (const s of context.stackTemplates) {
      const content = createHash('sha256').update(readFileSync(s.templatePath)).digest('hex');
      hash.update(
        JSON.stringify([s.stackConstructPath, basename(s.templatePath), s.accountId, s.region, content]),
      );
    }
    return hash.digest('hex');
  }
}

/** The stacks and template files of a validation context (not their contents). */
function jobOf(context: IPolicyValidationContext): string {
  return JSON.stringify(context.stackTemplates.map((s) => [s.stackConstructPath, s.templatePath]));
}

/** A stored report: template paths replaced by their index in the context (the outdir may differ). */
interface Entry {
  readonly format: number;
  readonly report: PolicyValidationPluginReport;
}

function readEntry(file: string, paths: readonly string[]): PolicyValidationPluginReport | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(readFileSync(file, 'utf8')) as Entry;
  } catch {
    return undefined;
  }
  if (entry?.format !== CACHE_FORMAT || !Array.isArray(entry.report?.violations)) return undefined;
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // a read-only cache still answers
  }
  return {
    ...entry.report,
    violations: entry.report.violations.map((v) => ({
      ...v,
      violatingResources: v.violatingResources.map((r) => {
        const stored = r as typeof r & { templateIndex?: number };
        if (stored.templateIndex === undefined) return r;
        const restored: Record<string, unknown> = { ...stored, templatePath: paths[stored.templateIndex] };
        delete restored.templateIndex;
        return restored as unknown as typeof r;
      }),
    })),
  };
}

function writeEntry(
  dir: string,
  file: string,
  report: PolicyValidationPluginReport,
  paths: readonly string[],
): void {
  const stored: Entry = {
    format: CACHE_FORMAT,
    report: {
      ...report,
      violations: report.violations.map((v) => ({
        ...v,
        violatingResources: v.violatingResources.map((r) => {
          const index = r.templatePath === undefined ? -1 : paths.indexOf(r.templatePath);
          if (index < 0) return r;
          const stored: Record<string, unknown> = { ...r, templateIndex: index };
          delete stored.templatePath;
          return stored as unknown as typeof r;
        }),
      })),
    },
  };
  try {
    mkdirSync(dir, { recursive: true });
    // Whole or not at all: concurrent synths of the same templates write the same bytes.
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify(stored), { flag: 'wx' });
    renameSync(tmp, file);
    prune(dir);
  } catch {
    // A cache that cannot be written only costs the next synth its time.
  }
}

function prune(dir: string): void {
  const entries = readdirSync(dir).filter((n) => n.endsWith('.json'));
  if (entries.length <= MAX_ENTRIES) return;
  const byAge = entries.map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
  for (const { n } of byAge.slice(0, entries.length - MAX_ENTRIES)) rmSync(join(dir, n), { force: true });
}
