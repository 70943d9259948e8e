/**
 * Where the reference app's synth time goes, phase by phase, in one process started the way
 * `cdk synth` starts the app (`npx tsx bench/synth-phases.ts`). Prints wall and CPU milliseconds
 * (CPU: user + system of this process; on a loaded machine it is the steadier figure):
 *
 *   start            node + tsx up to this file's first line
 *   load cdk         require('aws-cdk-lib') and cdk-nag
 *   load platform    the platform's modules (tsx transpiles them on a first run, caches them after)
 *   build            addReferencePlatform: every construct, Lambda handler bundling (esbuild)
 *   synth            app.synth() without the validation plugins: aspects, templates, assets
 *   plugin <name>    each validation plugin: CDK's CloudFormation validation and every rule pack
 *   reports          compliance summary and the cost step (writeSynthReports)
 *
 * Options: --no-validation-cache (CDK's CloudFormation validation runs even for templates it has
 * seen: a cold synth), --no-validation-worker (that validation on the main thread, not in the worker
 * thread `cdk synth` starts it in), --outdir DIR. Not a test; `npm run bench` gives the whole-process ratio.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const rows: { name: string; wall: number; cpu: number }[] = [
  { name: 'start', wall: performance.now(), cpu: cpuMs() },
];
let last = { wall: performance.now(), cpu: cpuMs() };
function mark(name: string, minus = { wall: 0, cpu: 0 }): void {
  const now = { wall: performance.now(), cpu: cpuMs() };
  rows.push({ name, wall: now.wall - last.wall - minus.wall, cpu: now.cpu - last.cpu - minus.cpu });
  last = { wall: performance.now(), cpu: cpuMs() };
}

/* eslint-disable @typescript-eslint/no-require-imports */
const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
require('cdk-nag');
mark('load cdk');
const { CONFIG_CONTEXT_KEY, readPlatformConfig } = require('../lib/config') as typeof import('../lib/config');
const { addReferencePlatform } = require('../lib/platform-app') as typeof import('../lib/platform-app');
const { writeSynthReports } = require('../lib/synth-reports') as typeof import('../lib/synth-reports');
const { compliancePacksOf } =
  require('../constructs/core/compliance') as typeof import('../constructs/core/compliance');
const { VALIDATION_CACHE_CONTEXT_KEY } =
  require('../constructs/core/validation-cache') as typeof import('../constructs/core/validation-cache');
const { VALIDATION_WORKER_CONTEXT_KEY } =
  require('../constructs/core/validation-worker') as typeof import('../constructs/core/validation-worker');
/* eslint-enable @typescript-eslint/no-require-imports */
mark('load platform');

const i = process.argv.indexOf('--outdir');
const outdir = i > 0 ? process.argv[i + 1] : mkdtempSync(join(tmpdir(), 'synth-phases-'));
const context = {
  ...(JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf8')) as { context?: object }).context,
  ...(process.argv.includes('--no-validation-cache') ? { [VALIDATION_CACHE_CONTEXT_KEY]: false } : {}),
  [VALIDATION_WORKER_CONTEXT_KEY]: !process.argv.includes('--no-validation-worker'),
};
const app = new cdk.App({ outdir, context });
addReferencePlatform(app, readPlatformConfig(app.node.tryGetContext(CONFIG_CONTEXT_KEY)));
mark('build');

// Time each validation plugin (measurement only: the instance's validate is wrapped, not changed).
const plugins = new Map<string, { wall: number; cpu: number }>();
const registered = (
  app as unknown as { _validationPlugins: { name: string; validate: (ctx: unknown) => unknown }[] }
)._validationPlugins;
for (const p of registered) {
  const validate = p.validate.bind(p);
  p.validate = (ctx: unknown) => {
    const w = performance.now();
    const c = cpuMs();
    try {
      return validate(ctx);
    } finally {
      const e = plugins.get(p.name) ?? { wall: 0, cpu: 0 };
      plugins.set(p.name, { wall: e.wall + performance.now() - w, cpu: e.cpu + cpuMs() - c });
    }
  };
}
const assembly = app.synth();
const inPlugins = [...plugins.values()].reduce((s, x) => ({ wall: s.wall + x.wall, cpu: s.cpu + x.cpu }), {
  wall: 0,
  cpu: 0,
});
mark('synth', inPlugins);
for (const [name, t] of plugins) rows.push({ name: `plugin ${name}`, ...t });
writeSynthReports(app, assembly, compliancePacksOf(app));
mark('reports');
if (i < 0) rmSync(outdir, { recursive: true, force: true });
const total = rows.reduce((s, r) => ({ wall: s.wall + r.wall, cpu: s.cpu + r.cpu }), { wall: 0, cpu: 0 });
const line = (n: string, w: number, c: number) =>
  `${n.padEnd(34)} ${w.toFixed(0).padStart(7)} ms wall ${c.toFixed(0).padStart(7)} ms cpu`;
process.stderr.write(
  `${[...rows.map((r) => line(r.name, r.wall, r.cpu)), line('total', total.wall, total.cpu)].join('\n')}\n`,
);
