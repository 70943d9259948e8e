/**
 * Issue 15: the estimate grows linearly with the template. Matching scalable targets, configs and
 * inference components to endpoints used to scan every resource per endpoint (20,000 resources:
 * 94 s; 4× the endpoints: 7× the time). The full-size figures (20,000 resources under 5 s and
 * 500 MB, doubling at most doubling) are measured by `npm run bench`; this guard runs a smaller
 * size on every test run.
 *
 * Robust on a loaded 2-core machine: both sizes are timed alternately (so they see the same
 * load), several times each, and the fastest run of each is compared; a quadratic matcher gives
 * a ratio near 4, linear work near 2, and the bound is 2.6.
 */
import { expect, test } from 'vitest';
import { mixedTemplate } from '../../bench/scale-template';
import { estimate } from '../../cost/index';
import { CATALOG, PINNED } from '../cost/fixtures/engine';

function seconds(template: Record<string, unknown>): number {
  const t0 = performance.now();
  const report = estimate(
    { template, stackName: 'Scale' },
    { region: 'us-east-1', catalog: CATALOG, generatedAt: PINNED },
  );
  const elapsed = (performance.now() - t0) / 1000;
  // every endpoint variant found its scalable target: min 1 / max 4 instances
  const endpointLines = report.stacks[0].lines.filter(
    (l) => l.resourceType === 'AWS::SageMaker::EndpointConfig',
  );
  expect(endpointLines.length).toBeGreaterThan(0);
  for (const l of endpointLines.filter((x) => x.component.startsWith('Instance usage')))
    expect(l.monthly.max).toBeCloseTo(4 * l.monthly.min, 6);
  return elapsed;
}

test('doubling the endpoints (4,000 → 8,000 models, configs, endpoints, scalable targets) at most about doubles the estimate time', () => {
  // Only the joined resources: the quadratic matcher this guards against took 4× the time here.
  const small = mixedTemplate(4000, { joinsOnly: true });
  const large = mixedTemplate(8000, { joinsOnly: true });
  seconds(small); // warm-up: modules, catalog indexes, JIT
  const s: number[] = [];
  const l: number[] = [];
  for (let i = 0; i < 3; i++) {
    s.push(seconds(small));
    l.push(seconds(large));
  }
  const ratio = Math.min(...l) / Math.min(...s);
  expect(
    ratio,
    `fastest 8k ${Math.min(...l).toFixed(3)} s / fastest 4k ${Math.min(...s).toFixed(3)} s`,
  ).toBeLessThan(2.6);
}, 180_000);
