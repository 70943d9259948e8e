/**
 * `npm run bench`: how fast the platform synthesizes and how fast the estimator runs.
 *
 *   synth            the reference platform (dev + prod, every compliance pack) built and
 *                    synthesized in-process: `addReferencePlatform` + `app.synth()`
 *   synth + cost     the same plus the synth-time cost step (`writeCostReports`, 4 formats)
 *   cdk synth        `npx cdk synth -q` wall time, once (the platform engineer's real command)
 *   100 stacks       `estimate()` in-process on a generated cloud assembly of 100 stacks
 *   CLI cold start   the bundled `dist/cdk-ml-cost.js` estimating one template, as a whole
 *                    process (wall and peak RSS), next to a bare `node -e 0`
 *
 * Each figure is measured after a warm-up, several times, and the median printed. Not a test:
 * the machine's load decides the numbers, so they are reported with the load average.
 *
 *   20k resources    the bundled CLI estimating 20,000 mixed resources (SageMaker endpoints with
 *                    scalable targets, policies and alarms among them), wall and peak RSS, and
 *                    the time ratio for 40,000 (linear: at most about 2)
 *   synth ratio      the reference app as `cdk synth` runs it (cdk.json's "app": `node bin/run-ts.cjs
 *                    bin/platform.ts`, with CDK_OUTDIR set as the CLI sets it) against a one-bucket app
 *                    run the way CDK's TypeScript template runs apps (`npx tsx bench/one-bucket-app.ts`),
 *                    and, like for like, against the one-bucket app through the same runner; whole
 *                    processes, interleaved: warm (CDK's CloudFormation validation answered from
 *                    the validation cache, as on any re-synth of unchanged templates) and cold
 *                    (`cdk-ml-platform:validationCache=false`); wall time and, with GNU time, CPU time
 *                    (steadier than wall on a shared machine)
 *
 * Options: --runs N (default 5; synth uses min(N, 3)), --json (writes bench-results/latest.json),
 * --skip-cdk-synth, --skip-synth-ratio, --cli FILE (another bundled CLI to time, e.g. an older build kept for a
 * before/after comparison; default dist/cdk-ml-cost.js).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from 'aws-cdk-lib';
import { estimate } from '../cost';
import { writeCostReports } from '../cost/synth-report';
import { CONFIG_CONTEXT_KEY, readPlatformConfig } from '../lib/config';
import { addReferencePlatform } from '../lib/platform-app';
import { mixedTemplate } from './scale-template';
import { VALIDATION_CACHE_CONTEXT_KEY } from '../constructs/core/validation-cache';

const ROOT = resolve(__dirname, '..');
const DEFAULT_CLI = join(ROOT, 'dist', 'cdk-ml-cost.js');
const TIME = '/usr/bin/time';

/** The targets. */
const TARGETS = {
  costShareOfSynth: 0.1,
  /** Issue 15: 20,000 mixed resources through the CLI. */
  scaleSeconds: 5,
  scaleRssMiB: 500,
  /** Doubling the input at most doubles the time (with some room for noise). */
  scaleDoublingRatio: 2.2,
  /** Reference app synth over a one-bucket app synth, as whole processes. */
  synthOverOneBucket: 1.5,
  hundredStacksSeconds: 1,
  cliWallSeconds: 0.12,
  cliRssMiB: 60,
} as const;

interface Figure {
  readonly name: string;
  readonly unit: 's' | 'MiB' | '%' | '×';
  readonly median: number;
  readonly runs: number;
  readonly samples: readonly number[];
  readonly target?: number;
  readonly pass?: boolean;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function figure(name: string, unit: Figure['unit'], samples: readonly number[], target?: number): Figure {
  const m = median(samples);
  return {
    name,
    unit,
    median: m,
    runs: samples.length,
    samples,
    ...(target !== undefined ? { target, pass: m <= target } : {}),
  };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function cdkContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/** Builds and synthesizes the reference platform into `outdir`; returns seconds and the assembly dir. */
function synthOnce(outdir: string, context: Record<string, unknown>): { seconds: number; dir: string } {
  const t0 = performance.now();
  const app = new App({ outdir, context });
  addReferencePlatform(app, readPlatformConfig(app.node.tryGetContext(CONFIG_CONTEXT_KEY)));
  const assembly = app.synth();
  return { seconds: (performance.now() - t0) / 1000, dir: assembly.directory };
}

function timeSeconds(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

/** A cloud assembly of `count` stacks: the reference templates under new names, plus a manifest. */
function generateAssembly(from: string, to: string, count: number): void {
  mkdirSync(to, { recursive: true });
  const sources = ['MlPlatform-dev', 'MlPlatform-prod'].map((s) =>
    readFileSync(join(from, `${s}.template.json`)),
  );
  const artifacts: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const name = `Team${String(i).padStart(3, '0')}-${i % 2 ? 'prod' : 'dev'}`;
    writeFileSync(join(to, `${name}.template.json`), sources[i % 2]);
    artifacts[name] = {
      type: 'aws:cloudformation:stack',
      environment: `aws://unknown-account/${i % 5 === 4 ? 'eu-west-1' : 'us-east-1'}`,
      properties: { templateFile: `${name}.template.json`, stackName: name },
    };
  }
  writeFileSync(join(to, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts }, null, 1));
}

/** Wall seconds and peak RSS (MiB) of one whole process. */
function processCost(cmd: readonly string[], scratch: string): { seconds: number; rssMiB: number } {
  const rssFile = join(scratch, 'rss.txt');
  rmSync(rssFile, { force: true });
  let argv: string[];
  if (existsSync(TIME)) {
    // GNU time: %M is the peak resident set size of the process, in KiB.
    argv = [TIME, '-f', '%M', '-o', rssFile, ...cmd];
  } else {
    // Fallback: a preload that records the process's own peak RSS (KiB) at exit.
    const preload = join(scratch, 'rss-preload.js');
    writeFileSync(
      preload,
      `process.on('exit',()=>require('fs').writeFileSync(${JSON.stringify(rssFile)},String(process.resourceUsage().maxRSS)));`,
    );
    argv = [cmd[0], '-r', preload, ...cmd.slice(1)];
  }
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: scratch, stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}: ${r.stderr}`);
  const kib = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
  return { seconds, rssMiB: kib / 1024 };
}

function repeat<T>(warmup: number, runs: number, fn: () => T): T[] {
  for (let i = 0; i < warmup; i++) fn();
  return Array.from({ length: runs }, fn);
}

function fmt(f: Figure, v: number): string {
  if (f.unit === 's') return v < 1 ? `${(v * 1000).toFixed(0)} ms` : `${v.toFixed(2)} s`;
  if (f.unit === '%') return `${(v * 100).toFixed(1)} %`;
  if (f.unit === '×') return `${v.toFixed(2)}×`;
  return `${v.toFixed(1)} MiB`;
}

function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    fmt(f, f.median),
    String(f.runs),
    f.target !== undefined ? `≤ ${fmt(f, f.target)}` : '',
    f.pass === undefined ? '' : f.pass ? 'pass' : 'FAIL',
  ]);
  const head = ['figure', 'median', 'runs', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function main(): void {
  const CLI = resolve(arg('--cli') ?? DEFAULT_CLI);
  const runs = Math.max(1, Number(arg('--runs') ?? 5));
  const synthRuns = Math.min(runs, 3);
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build:cli' first`);
  const scratch = mkdtempSync(join(tmpdir(), 'cdk-ml-bench-'));
  const figures: Figure[] = [];
  try {
    const context = cdkContext();
    const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

    // 1. synth with and without the cost step (one warm-up loads the modules)
    log(`reference platform synth, 1 warm-up + ${synthRuns} runs`);
    const synth: number[] = [];
    const cost: number[] = [];
    let synthPeakMiB = 0;
    let assemblyDir = '';
    for (let i = 0; i <= synthRuns; i++) {
      const out = join(scratch, `synth-${i}`);
      const s = synthOnce(out, context);
      const c = timeSeconds(() => writeCostReports(s.dir));
      if (i > 0) {
        synth.push(s.seconds);
        cost.push(c);
      }
      synthPeakMiB = Math.max(synthPeakMiB, process.resourceUsage().maxRSS / 1024);
      assemblyDir = s.dir;
    }
    figures.push(figure('synth (in-process)', 's', synth));
    figures.push(
      figure(
        'synth + cost step (in-process)',
        's',
        synth.map((s, i) => s + cost[i]),
      ),
    );
    figures.push(figure('cost step alone', 's', cost));
    figures.push(
      figure(
        'cost step share of synth',
        '%',
        cost.map((c, i) => c / synth[i]),
        TARGETS.costShareOfSynth,
      ),
    );
    figures.push(figure('synth peak RSS (bench process)', 'MiB', [synthPeakMiB]));

    // 2. the real command once
    if (!process.argv.includes('--skip-cdk-synth')) {
      log('npx cdk synth -q, once');
      const out = join(scratch, 'cdk-synth.out');
      const t0 = performance.now();
      const r = spawnSync('npx', ['cdk', 'synth', '-q', '-o', out], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const seconds = (performance.now() - t0) / 1000;
      if (r.status !== 0) throw new Error(`npx cdk synth exited ${r.status}: ${r.stderr}`);
      figures.push(figure('npx cdk synth (wall, with cost step)', 's', [seconds]));
    }

    // 3. 100 stacks, in-process, from the templates just synthesized
    log(`estimate of a 100-stack assembly, 1 warm-up + ${runs} runs`);
    const hundred = join(scratch, 'assembly-100');
    generateAssembly(assemblyDir, hundred, 100);
    const stacksPriced = estimate(hundred).stacks.length;
    if (stacksPriced !== 100) throw new Error(`expected 100 stacks, estimated ${stacksPriced}`);
    figures.push(
      figure(
        'estimate 100 stacks (in-process)',
        's',
        repeat(1, runs, () => timeSeconds(() => estimate(hundred))),
        TARGETS.hundredStacksSeconds,
      ),
    );

    // 3b. scale (issue 15): 20,000 mixed resources (SageMaker endpoints with scaling targets and
    // alarms included) through the bundled CLI as a whole process, then 40,000 for the doubling.
    log(`20k/40k mixed resources through the CLI, 1 warm-up + ${Math.min(runs, 3)} interleaved runs`);
    const scale20 = join(scratch, 'scale-20000.template.json');
    const scale40 = join(scratch, 'scale-40000.template.json');
    writeFileSync(scale20, JSON.stringify(mixedTemplate(20_000)));
    writeFileSync(scale40, JSON.stringify(mixedTemplate(40_000)));
    const scaleCli = (file: string) =>
      processCost(
        [
          process.execPath,
          CLI,
          'estimate',
          file,
          '--region',
          'us-east-1',
          '--format',
          'json',
          '--out',
          join(scratch, 'scale.json'),
        ],
        scratch,
      );
    const scalePairs = repeat(1, Math.min(runs, 3), () => ({ a: scaleCli(scale20), b: scaleCli(scale40) }));
    const twenty = scalePairs.map((p) => p.a.seconds);
    const forty = scalePairs.map((p) => p.b.seconds);
    figures.push(figure('estimate 20,000 resources (CLI process)', 's', twenty, TARGETS.scaleSeconds));
    figures.push(
      figure(
        'estimate 20,000 resources, peak RSS',
        'MiB',
        scalePairs.map((p) => p.a.rssMiB),
        TARGETS.scaleRssMiB,
      ),
    );
    figures.push(figure('estimate 40,000 resources (CLI process)', 's', forty));
    figures.push(
      figure(
        '40,000 / 20,000 resources time',
        '×',
        scalePairs.map((p) => p.b.seconds / p.a.seconds),
        TARGETS.scaleDoublingRatio,
      ),
    );

    // 3c. the reference app against a one-bucket app, both as `npx tsx` processes like `cdk synth` runs them.
    // Warm: CDK's CloudFormation validation answered from the validation cache (templates identical to
    // the warm-up's, the usual case of a re-synth); cold: the cache off, the validation engine starts.
    if (!process.argv.includes('--skip-synth-ratio')) {
      log(
        `reference app (warm and cold) vs one-bucket app synth (whole processes), 1 warm-up + ${synthRuns} interleaved runs`,
      );
      const synthProcess = (command: string[], outdir: string, extra: Record<string, unknown> = {}) => {
        const times = join(scratch, 'synth-time.txt');
        const argv = existsSync(TIME) ? [TIME, '-f', '%U %S', '-o', times, ...command] : command;
        const t0 = performance.now();
        const r = spawnSync(argv[0], argv.slice(1), {
          cwd: ROOT,
          stdio: ['ignore', 'ignore', 'pipe'],
          env: {
            ...process.env,
            CDK_OUTDIR: outdir,
            CDK_CONTEXT_JSON: JSON.stringify({ ...context, ...extra }),
          },
        });
        if (r.status !== 0) throw new Error(`${command.join(' ')} exited ${r.status}: ${r.stderr}`);
        const wall = (performance.now() - t0) / 1000;
        // user + system CPU seconds of the process tree (GNU time counts waited-for children)
        const cpu = existsSync(TIME)
          ? readFileSync(times, 'utf8')
              .trim()
              .split('\n')
              .pop()!
              .split(' ')
              .reduce((sum, x) => sum + Number(x), 0)
          : NaN;
        return { wall, cpu };
      };
      // cdk.json's "app" command, as `cdk synth` runs it
      const platformApp = (
        JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { app: string }
      ).app.split(' ');
      const bucketEntry = join(ROOT, 'bench', 'one-bucket-app.ts');
      const COLD = { [VALIDATION_CACHE_CONTEXT_KEY]: false };
      const ratios = repeat(1, synthRuns, () => ({
        warm: synthProcess(platformApp, join(scratch, 'ratio-platform')),
        cold: synthProcess(platformApp, join(scratch, 'ratio-platform-cold'), COLD),
        bucket: synthProcess(['npx', 'tsx', bucketEntry], join(scratch, 'ratio-bucket')),
        bucketSameRunner: synthProcess(
          [process.execPath, join(ROOT, 'bin', 'run-ts.cjs'), bucketEntry],
          join(scratch, 'ratio-bucket-run-ts'),
        ),
      }));
      figures.push(
        figure(
          'reference app synth, warm (cdk.json app process)',
          's',
          ratios.map((r) => r.warm.wall),
        ),
      );
      figures.push(
        figure(
          'reference app synth, cold: no validation cache',
          's',
          ratios.map((r) => r.cold.wall),
        ),
      );
      figures.push(
        figure(
          'one-bucket app synth (npx tsx process)',
          's',
          ratios.map((r) => r.bucket.wall),
        ),
      );
      figures.push(
        figure(
          'one-bucket app synth (node bin/run-ts.cjs process)',
          's',
          ratios.map((r) => r.bucketSameRunner.wall),
        ),
      );
      figures.push(
        figure(
          'reference / one-bucket synth, warm',
          '×',
          ratios.map((r) => r.warm.wall / r.bucket.wall),
          TARGETS.synthOverOneBucket,
        ),
      );
      figures.push(
        figure(
          'reference / one-bucket synth, cold',
          '×',
          ratios.map((r) => r.cold.wall / r.bucket.wall),
          TARGETS.synthOverOneBucket,
        ),
      );
      figures.push(
        figure(
          'reference / one-bucket synth, warm, same runner',
          '×',
          ratios.map((r) => r.warm.wall / r.bucketSameRunner.wall),
          TARGETS.synthOverOneBucket,
        ),
      );
      figures.push(
        figure(
          'reference / one-bucket synth, cold, same runner',
          '×',
          ratios.map((r) => r.cold.wall / r.bucketSameRunner.wall),
          TARGETS.synthOverOneBucket,
        ),
      );
      if (ratios.every((r) => Number.isFinite(r.bucket.cpu))) {
        figures.push(
          figure(
            'reference / one-bucket CPU time, warm',
            '×',
            ratios.map((r) => r.warm.cpu / r.bucket.cpu),
          ),
        );
        figures.push(
          figure(
            'reference / one-bucket CPU time, cold',
            '×',
            ratios.map((r) => r.cold.cpu / r.bucket.cpu),
          ),
        );
      }
    }

    // 4. CLI cold start on one template, whole process; and the 100 stacks through the CLI
    log(`CLI cold start, 2 warm-ups + ${runs * 2} runs`);
    const template = join(assemblyDir, 'MlPlatform-dev.template.json');
    const node = process.execPath;
    // Interleaved, so both see the same machine load; the difference is the CLI's own cost.
    const pairs = repeat(2, runs * 2, () => ({
      cli: processCost(
        [node, CLI, 'estimate', template, '--region', 'us-east-1', '--format', 'json'],
        scratch,
      ),
      bare: processCost([node, '-e', '0'], scratch),
    }));
    const cli = pairs.map((p) => p.cli);
    const bare = pairs.map((p) => p.bare);
    figures.push(
      figure(
        'CLI one template (wall)',
        's',
        cli.map((c) => c.seconds),
        TARGETS.cliWallSeconds,
      ),
    );
    figures.push(
      figure(
        'CLI one template (peak RSS)',
        'MiB',
        cli.map((c) => c.rssMiB),
        TARGETS.cliRssMiB,
      ),
    );
    figures.push(
      figure(
        'CLI one template minus node -e 0 (wall)',
        's',
        pairs.map((p) => p.cli.seconds - p.bare.seconds),
      ),
    );
    figures.push(
      figure(
        'node -e 0 (wall)',
        's',
        bare.map((c) => c.seconds),
      ),
    );
    figures.push(
      figure(
        'node -e 0 (peak RSS)',
        'MiB',
        bare.map((c) => c.rssMiB),
      ),
    );
    const cli100 = repeat(1, runs, () =>
      processCost(
        [node, CLI, 'estimate', hundred, '--format', 'json', '--out', join(scratch, 'r.json')],
        scratch,
      ),
    );
    figures.push(
      figure(
        'CLI 100 stacks (wall)',
        's',
        cli100.map((c) => c.seconds),
      ),
    );
    figures.push(
      figure(
        'CLI 100 stacks (peak RSS)',
        'MiB',
        cli100.map((c) => c.rssMiB),
      ),
    );

    const machine = {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadAverage1m: Number(loadavg()[0].toFixed(2)),
    };
    process.stdout.write(
      `\ncdk-ml-platform benchmarks (medians; node ${machine.node}, ${machine.cpus} CPUs, load ${machine.loadAverage1m})\n\n${table(figures)}\n`,
    );
    if (machine.loadAverage1m > machine.cpus) {
      process.stdout.write(
        `\nwarning: load average ${machine.loadAverage1m} exceeds the ${machine.cpus} CPUs: wall times are inflated; compare with node -e 0\n`,
      );
    }
    const failed = figures.filter((f) => f.pass === false).map((f) => f.name);
    process.stdout.write(failed.length ? `\nmissed targets: ${failed.join('; ')}\n` : '\nall targets met\n');

    if (process.argv.includes('--json')) {
      const dir = join(ROOT, 'bench-results');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'latest.json');
      writeFileSync(
        file,
        JSON.stringify(
          { measuredAt: new Date().toISOString(), machine, targets: TARGETS, figures },
          null,
          2,
        ) + '\n',
      );
      process.stdout.write(`wrote ${file}\n`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
