/**
 * The consumer's experience: build the package, `npm pack` it, install the tarball into a fresh
 * CDK app in a temporary directory, compose the constructs in the user's own plain-JavaScript
 * stack, synthesize it and estimate it with the installed `cdk-ml-cost` bin and the library.
 *
 * Slow by nature (tsc + esbuild + npm install): everything runs once in `beforeAll`, the tests
 * only read what it produced. `npm install --prefer-offline` works from the npm cache when it
 * holds the dependencies, and from the registry otherwise (CI).
 *
 * The README's installation example (TypeScript) and the plain-JavaScript example of
 * docs/usage.md run in the consumer app as copied: the TypeScript one is compiled by tsc against
 * the installed package's declarations and the app's own aws-cdk-lib.
 *
 * CDK_ML_PACKAGE_CDK_VERSIONS=min,latest (CI) adds consumer apps on the lowest aws-cdk-lib the
 * package declares in `peerDependencies` and on the newest one; each compiles and synthesizes the
 * README example and the docs/usage.md app that brings its own VPC, buckets and topic under the
 * compliance packs (issue 13's Done-when, checked by test/support/consumer-app.ts).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkConsumerAssembly, consumerExample } from '../support/consumer-app';
import { extractBlocks, extractExamples } from '../support/doc-examples';

const ROOT = resolve(__dirname, '..', '..');
const PACKAGE_NAME = 'cdk-ml-platform';
const REGION = 'us-east-1';
const STACK = 'TeamMlStack';

/** The names the issue promises a consumer can import from the package root. */
const PROMISED_EXPORTS = [
  'GpuTrainingCluster',
  'InferenceEndpoint',
  'PlatformMonitoring',
  'MlPlatformStack',
  'MlPlatformChecks',
  'estimate',
] as const;

// The user's own stack, written the way a team would: plain CommonJS, no TypeScript, no access to
// our sources. It prints what it could import so the test can check the package's surface too.
const APP_JS = `'use strict';
const { App, Stack } = require('aws-cdk-lib');
const ml = require('${PACKAGE_NAME}');

class TeamMlStack extends Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const network = new ml.MlNetwork(this, 'Network', { maxAzs: 2, natGateways: 1 });
    const data = new ml.MlDataStore(this, 'Data');
    const training = new ml.GpuTrainingCluster(this, 'Training', {
      vpc: network.vpc,
      vpcSubnets: network.privateSubnets,
      checkpointBucket: data.checkpoints.bucket,
      datasetsBucket: data.datasets.bucket,
      maxGpus: 4,
    });
    const endpoint = new ml.InferenceEndpoint(this, 'Endpoint', {
      vpc: network.vpc,
      vpcSubnets: network.isolatedSubnets,
      image: ml.ModelImage.fromImageUri('123456789012.dkr.ecr.${REGION}.amazonaws.com/team-serving:1.0.0'),
      modelData: { bucket: data.modelArtifacts.bucket, key: 'models/team/1.0.0/model.tar.gz' },
      dataCapture: { bucket: data.dataCapture.bucket, prefix: 'endpoints/team' },
      instanceType: ml.InferenceInstanceType.ML_G5_XLARGE,
    });
    const monitoring = new ml.PlatformMonitoring(this, 'Monitoring', {
      platformName: 'team-ml',
      monthlyBudgetUsd: 5000,
      vpc: network.vpc,
      vpcSubnets: network.privateSubnets,
    });
    monitoring.monitorTrainingCluster(training);
    monitoring.monitorEndpoint(endpoint);
  }
}

const app = new App({ outdir: 'cdk.out' });
new TeamMlStack(app, '${STACK}', { env: { region: '${REGION}' } });
app.synth();
process.stdout.write(JSON.stringify({ exports: Object.keys(ml).sort() }) + '\\n');
`;

// The library door: the root export and the ./cost subpath, from the installed package.
const ESTIMATE_JS = `'use strict';
const { estimate } = require('${PACKAGE_NAME}');
const cost = require('${PACKAGE_NAME}/cost');
const report = estimate('cdk.out', { generatedAt: '2026-01-01T00:00:00.000Z' });
const again = cost.estimate('cdk.out', { generatedAt: '2026-01-01T00:00:00.000Z' });
process.stdout.write(JSON.stringify({ report, sameAsSubpath: cost.renderJson(report) === cost.renderJson(again) }));
`;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const temps: string[] = [];
let appDir = '';
let tarball = '';
let build: Run;
let synth: Run;
let cli: Run;
let library: Run;
/** Seconds per phase, printed once: the suite's time is mostly build and install. */
const phases: Record<string, number> = {};

/**
 * Runs a command; the npm_* variables of an outer `npm test` are dropped (they name this
 * repository as the prefix), except the cache and registry a CI may configure.
 */
function run(cmd: string, args: readonly string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Run {
  const env: NodeJS.ProcessEnv = { ...extraEnv };
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.toLowerCase().startsWith('npm_') || /^npm_config_(cache|registry|userconfig)$/i.test(k))
      env[k] = v;
  }
  const r: SpawnSyncReturns<string> = spawnSync(cmd, args, {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function timed<T>(phase: string, fn: () => T): T {
  const t0 = Date.now();
  try {
    return fn();
  } finally {
    phases[phase] = (Date.now() - t0) / 1000;
  }
}

function ok(what: string, r: Run): Run {
  if (r.status !== 0)
    throw new Error(`${what} exited ${r.status}:\n${r.stderr.slice(-4000)}\n${r.stdout.slice(-2000)}`);
  return r;
}

function version(pkg: string): string {
  return (
    JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }
  ).version;
}

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

interface PackageJson {
  readonly peerDependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
  readonly dependencies: Record<string, string>;
  readonly files: string[];
}
const PACKAGE_JSON = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

/** The lowest version a `^x.y.z` / `>=x.y.z` range admits. */
function minimumOf(range: string): string {
  const m = /^(?:\^|>=|~)?(\d+\.\d+\.\d+)$/.exec(range.trim());
  if (!m) throw new Error(`not a simple range: ${range}`);
  return m[1];
}

/** What to install for a variant: `min` (the declared peer minimum), `latest`, or an exact version. */
function versionsFor(variant: string): { cdk: string; constructs: string } {
  if (variant === 'min')
    return {
      cdk: minimumOf(PACKAGE_JSON.peerDependencies['aws-cdk-lib']),
      constructs: minimumOf(PACKAGE_JSON.peerDependencies.constructs),
    };
  if (variant === 'latest') return { cdk: 'latest', constructs: '^10' };
  return { cdk: variant, constructs: PACKAGE_JSON.peerDependencies.constructs };
}

const EXTRA_VARIANTS = (process.env.CDK_ML_PACKAGE_CDK_VERSIONS ?? '')
  .split(',')
  .map((v) => v.trim())
  .filter((v) => v !== '');

/** The README's installation example, as a reader copies it. */
function readmeExample(): string {
  const example = extractExamples(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'README.md').find(
    (e) => e.code.includes('new InferenceEndpoint(') && e.code.includes('app.synth()'),
  );
  if (!example) throw new Error('README.md has no installation example');
  return example.code;
}

/** The plain-JavaScript example of docs/usage.md, as a reader copies it. */
function usageJsExample(): string {
  const [example] = extractBlocks(readFileSync(join(ROOT, 'docs', 'usage.md'), 'utf8'), 'docs/usage.md', [
    'js',
    'javascript',
  ]);
  if (!example) throw new Error('docs/usage.md has no JavaScript example');
  return example.code;
}

/** A fresh app depending on the tarball and on the given aws-cdk-lib / constructs. */
function installConsumer(prefix: string, cdk: string, constructs: string): string {
  const dir = tempDir(prefix);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'team-ml-app',
        version: '1.0.0',
        private: true,
        dependencies: { 'aws-cdk-lib': cdk, constructs, [PACKAGE_NAME]: `file:${tarball}` },
      },
      null,
      2,
    ),
  );
  ok(
    'npm install',
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--prefix', dir], dir),
  );
  return dir;
}

/** Compiles `code` as the consumer's `example.ts` with tsc (strict), then runs it; returns the outdir. */
function compileAndRun(dir: string, name: string, code: string): { tsc: Run; run?: Run; outdir: string } {
  writeFileSync(join(dir, `${name}.ts`), code);
  writeFileSync(
    join(dir, `tsconfig.${name}.json`),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        moduleResolution: 'node',
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        types: [],
        outDir: `out-${name}`,
      },
      files: [`${name}.ts`],
    }),
  );
  const outdir = join(dir, `cdk.out-${name}`);
  const tsc = run(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', `tsconfig.${name}.json`],
    dir,
  );
  if (tsc.status !== 0) return { tsc, outdir };
  // `new App()` writes to CDK_OUTDIR, as it does under `cdk synth`.
  return {
    tsc,
    run: run(process.execPath, [join(`out-${name}`, `${name}.js`)], dir, { CDK_OUTDIR: outdir }),
    outdir,
  };
}

/** A consumer app per extra aws-cdk-lib variant, with the README example compiled and synthesized. */
interface Variant {
  readonly variant: string;
  readonly dir: string;
  readonly result: ReturnType<typeof compileAndRun>;
  readonly consumer: ReturnType<typeof compileAndRun>;
}
const variants: Variant[] = [];
let readme: ReturnType<typeof compileAndRun>;
let consumer: ReturnType<typeof compileAndRun>;
let usageJs: Run;

beforeAll(() => {
  // GIVEN the package built and packed as `npm publish` would
  build = timed('build', () => ok('npm run build', run('npm', ['run', 'build'], ROOT)));
  const packDir = tempDir('cdk-ml-pack-');
  const packed = JSON.parse(
    ok('npm pack', run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], ROOT))
      .stdout,
  ) as { filename: string }[];
  tarball = join(packDir, packed[0].filename);

  // AND a fresh CDK app that depends on it, at the CDK versions we build against
  appDir = timed('install', () =>
    installConsumer('cdk-ml-consumer-', version('aws-cdk-lib'), version('constructs')),
  );
  writeFileSync(join(appDir, 'app.js'), APP_JS);
  writeFileSync(join(appDir, 'estimate.js'), ESTIMATE_JS);

  // WHEN the user synthesizes and estimates their stack
  synth = timed('synth', () => ok('node app.js', run(process.execPath, ['app.js'], appDir)));
  cli = run(
    join(appDir, 'node_modules', '.bin', 'cdk-ml-cost'),
    ['estimate', 'cdk.out', '--format', 'json'],
    appDir,
  );
  library = ok('node estimate.js', run(process.execPath, ['estimate.js'], appDir));
  readme = timed('readme', () => compileAndRun(appDir, 'readme', readmeExample()));
  consumer = timed('consumer', () => compileAndRun(appDir, 'consumer', consumerExample()));
  writeFileSync(join(appDir, 'usage.js'), usageJsExample());
  usageJs = run(process.execPath, ['usage.js'], appDir, { CDK_OUTDIR: join(appDir, 'cdk.out-usage') });

  // AND, in CI, the same README example on the lowest and the newest aws-cdk-lib the package admits
  for (const variant of EXTRA_VARIANTS) {
    const { cdk, constructs } = versionsFor(variant);
    const dir = timed(`install ${variant}`, () =>
      installConsumer(`cdk-ml-consumer-${variant}-`, cdk, constructs),
    );
    variants.push({
      variant,
      dir,
      result: timed(`readme ${variant}`, () => compileAndRun(dir, 'readme', readmeExample())),
      consumer: timed(`consumer ${variant}`, () => compileAndRun(dir, 'consumer', consumerExample())),
    });
  }
  console.log(`package test phases (s): ${JSON.stringify(phases)}`);
}, 1_800_000);

afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
}, 600_000);

interface StackReport {
  stackName: string;
  region: string;
  lines: { resourceType: string; monthly: { expected: number } }[];
  totals: { min: number; expected: number; max: number };
}

describe('the packed package', () => {
  test('contains compiled JavaScript, declarations, the bundled CLI and the catalog, and no sources or tests', () => {
    // THEN
    const installed = join(appDir, 'node_modules', PACKAGE_NAME);
    for (const f of [
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/cost/index.js',
      'dist/cost/index.d.ts',
      'dist/cost/catalog/catalog.json',
      'dist/cost/catalog/regions/us-east-1.json',
      'dist/cdk-ml-cost.js',
      'dist/catalog.json',
      'dist/regions/us-east-1.json',
      'dist/constructs/training/private/spot-retry-handler.js',
      'dist/constructs/monitoring/private/queue-metrics-handler.js',
      'README.md',
      'CHANGELOG.md',
    ]) {
      expect(existsSync(join(installed, f)), f).toBe(true);
    }
    expect(existsSync(join(installed, 'test'))).toBe(false);
    expect(existsSync(join(installed, 'lib'))).toBe(false);
    expect(
      existsSync(join(installed, 'dist', 'constructs', 'training', 'private', 'spot-retry-handler.ts')),
    ).toBe(false);
    expect(build.stdout).toMatch(/built .*cdk-ml-cost\.js/);
  });

  test('installs esbuild as a runtime dependency (the Lambda handlers are bundled at the consumer synth)', () => {
    const pkg = JSON.parse(
      readFileSync(join(appDir, 'node_modules', PACKAGE_NAME, 'package.json'), 'utf8'),
    ) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies)).toContain('esbuild');
    expect(existsSync(join(appDir, 'node_modules', 'esbuild', 'package.json'))).toBe(true);
  });

  test.each(PROMISED_EXPORTS)('exports %s from the package root', (name) => {
    const { exports } = JSON.parse(synth.stdout.trim().split('\n').pop() ?? '{}') as { exports: string[] };
    expect(exports).toContain(name);
  });
});

describe("the user's own stack", () => {
  test('synthesizes with the training cluster, the endpoint, the monitoring and bundled Lambda handlers', () => {
    // THEN
    const template = JSON.parse(readFileSync(join(appDir, 'cdk.out', `${STACK}.template.json`), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };
    const types = Object.values(template.Resources).map((r) => r.Type);
    for (const t of [
      'AWS::EC2::VPC',
      'AWS::Batch::ComputeEnvironment',
      'AWS::Batch::JobQueue',
      'AWS::SageMaker::Endpoint',
      'AWS::SageMaker::EndpointConfig',
      'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::Dashboard',
      'AWS::Lambda::Function',
    ]) {
      expect(types, t).toContain(t);
    }
    // bundledHandlerCode bundled our compiled .js handlers into assets at the consumer's synth.
    const assets = readdirSync(join(appDir, 'cdk.out')).filter((f) => f.startsWith('asset.'));
    const bundles = assets.filter((a) => existsSync(join(appDir, 'cdk.out', a, 'index.js')));
    expect(bundles.length).toBeGreaterThanOrEqual(2);
    const code = bundles.map((a) => readFileSync(join(appDir, 'cdk.out', a, 'index.js'), 'utf8')).join('\n');
    expect(code).toMatch(/exports\.handler|handler:/);
  });

  test('is estimated by the installed cdk-ml-cost bin with exit 0 and priced lines', () => {
    // THEN
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    const report = JSON.parse(cli.stdout) as { schemaVersion: number; stacks: StackReport[] };
    expect(report.schemaVersion).toBe(1);
    const stack = report.stacks.find((s) => s.stackName === STACK);
    expect(stack?.region).toBe(REGION);
    expect(stack?.lines.length).toBeGreaterThan(0);
    const types = new Set(stack?.lines.map((l) => l.resourceType));
    expect(types).toContain('AWS::SageMaker::EndpointConfig');
    expect(types).toContain('AWS::EC2::NatGateway');
    expect(stack?.totals.expected).toBeGreaterThan(0);
    expect(stack?.totals.min).toBeLessThanOrEqual(stack?.totals.expected ?? -1);
  });

  test('is estimated by the library the same way, from the root and the ./cost subpath', () => {
    // THEN
    const { report, sameAsSubpath } = JSON.parse(library.stdout) as {
      report: { stacks: StackReport[] };
      sameAsSubpath: boolean;
    };
    expect(sameAsSubpath).toBe(true);
    const fromCli = (JSON.parse(cli.stdout) as { stacks: StackReport[] }).stacks.find(
      (s) => s.stackName === STACK,
    );
    const fromLib = report.stacks.find((s) => s.stackName === STACK);
    expect(fromLib?.totals).toEqual(fromCli?.totals);
    expect(fromLib?.lines.length).toBe(fromCli?.lines.length);
  });
});

describe('the documented examples, run in the consumer app as copied', () => {
  test('the README installation example compiles with tsc against the installed package and synthesizes', () => {
    expect(readme.tsc.stdout + readme.tsc.stderr).toBe('');
    expect(readme.run?.stderr).not.toMatch(/Error/);
    expect(readme.run?.status).toBe(0);
    expect(existsSync(join(readme.outdir, 'TeamMl.template.json'))).toBe(true);
  });

  test("the docs/usage.md app with the team's own VPC, buckets and topic passes the compliance packs; every alarm reaches a subscriber", () => {
    expectConsumerDone(consumer);
  });

  test('the plain-JavaScript example of docs/usage.md synthesizes', () => {
    expect(usageJs.stderr).not.toMatch(/Error/);
    expect(usageJs.status).toBe(0);
    expect(readdirSync(join(appDir, 'cdk.out-usage')).some((f) => f.endsWith('.template.json'))).toBe(true);
  });
});

/** Issue 13's Done-when on one consumer app: compiled, synthesized under the packs, every alarm subscribed. */
function expectConsumerDone(result: ReturnType<typeof compileAndRun>): void {
  expect(result.tsc.stdout + result.tsc.stderr).toBe('');
  expect(result.run?.status, result.run?.stderr.slice(-4000)).toBe(0);
  const report = checkConsumerAssembly(result.outdir);
  if (report.warnings.length > 0)
    console.log(`validation warnings (synth passes): ${report.warnings.join('; ')}`);
  expect(report.findings).toEqual([]);
  expect(report.problems).toEqual([]);
  expect(report.alarmCount).toBeGreaterThanOrEqual(10);
  expect(report.alarmsWithoutSubscriber).toEqual([]);
}

describe('peer dependencies', () => {
  test('aws-cdk-lib and constructs are peer dependencies with a stated minimum, and dev dependencies of the repository', () => {
    for (const name of ['aws-cdk-lib', 'constructs']) {
      expect(PACKAGE_JSON.dependencies[name], name).toBeUndefined();
      expect(minimumOf(PACKAGE_JSON.peerDependencies[name])).toMatch(/^\d+\.\d+\.\d+$/);
      expect(PACKAGE_JSON.devDependencies[name], name).toBeDefined();
    }
    // The repository builds against a version the range admits.
    const [major, minor] = version('aws-cdk-lib').split('.').map(Number);
    const [minMajor, minMinor] = minimumOf(PACKAGE_JSON.peerDependencies['aws-cdk-lib'])
      .split('.')
      .map(Number);
    expect(major === minMajor && minor >= minMinor).toBe(true);
  });

  test("the consumer app has one aws-cdk-lib and one constructs: the app's own", () => {
    const nested = join(appDir, 'node_modules', PACKAGE_NAME, 'node_modules');
    expect(existsSync(join(nested, 'aws-cdk-lib'))).toBe(false);
    expect(existsSync(join(nested, 'constructs'))).toBe(false);
  });

  test('the package ships the LICENSE (Apache-2.0)', () => {
    expect(PACKAGE_JSON.files).toContain('LICENSE');
    const license = readFileSync(join(appDir, 'node_modules', PACKAGE_NAME, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License');
    expect(license).toContain('Version 2.0, January 2004');
  });

  describe.runIf(EXTRA_VARIANTS.length > 0)(
    'other aws-cdk-lib versions (CDK_ML_PACKAGE_CDK_VERSIONS)',
    () => {
      test.each(EXTRA_VARIANTS)('%s: the README example compiles and synthesizes', (name) => {
        const v = variants.find((x) => x.variant === name);
        const installed = JSON.parse(
          readFileSync(join(v!.dir, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8'),
        ) as { version: string };
        if (name === 'min')
          expect(installed.version).toBe(minimumOf(PACKAGE_JSON.peerDependencies['aws-cdk-lib']));
        expect(v!.result.tsc.stdout + v!.result.tsc.stderr).toBe('');
        expect(v!.result.run?.status, v!.result.run?.stderr).toBe(0);
        expect(existsSync(join(v!.result.outdir, 'TeamMl.template.json'))).toBe(true);
        expectConsumerDone(v!.consumer);
        console.log(`${name}: aws-cdk-lib ${installed.version} ok`);
      });
    },
  );
});
