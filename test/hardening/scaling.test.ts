/**
 * Issue 15: the estimate grows linearly with the template. Matching scalable targets, configs and
 * inference components to endpoints used to scan every resource per endpoint (20,000 resources:
 * 94 s; 4× the endpoints: 7× the time). The full-size figures (20,000 resources under 5 s and
 * 500 MB, doubling at most doubling) are measured by `npm run bench`; this guard runs a smaller
 * size on every test run.
 *
 * Robust on a loaded 2-core machine: CPU time of this process (not wall time, which other
 * processes stretch), both sizes timed alternately, five times each, the fastest of each compared;
 * a quadratic matcher gives a ratio near 4, linear work near 2, and the bound is 2.6.
 */
import { expect, test } from 'vitest';
import { mixedTemplate } from '../../bench/scale-template';
import { applyCommitments } from '../../cost/commitments/apply';
import { parseCommitmentsDocument } from '../../cost/commitments/file';
import { estimate } from '../../cost/index';
import { CATALOG, PINNED } from '../cost/fixtures/engine';

/** CPU seconds (user + system) of this process since `from`. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

function seconds(template: Record<string, unknown>): number {
  const t0 = process.cpuUsage();
  const report = estimate(
    { template, stackName: 'Scale' },
    { region: 'us-east-1', catalog: CATALOG, generatedAt: PINNED },
  );
  const elapsed = cpuSeconds(t0);
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
  for (let i = 0; i < 5; i++) {
    s.push(seconds(small));
    l.push(seconds(large));
  }
  const ratio = Math.min(...l) / Math.min(...s);
  expect(
    ratio,
    `fastest 8k ${Math.min(...l).toFixed(3)} s / fastest 4k ${Math.min(...s).toFixed(3)} s`,
  ).toBeLessThan(2.6);
}, 180_000);

test('commitments: doubling both the compute lines and the plans (2,000 → 4,000 each) at most about doubles their application (each plan scanned every line)', () => {
  const TYPES = [
    'g5.xlarge',
    'g5.2xlarge',
    'g5.12xlarge',
    'g6.xlarge',
    'g4dn.xlarge',
    'p4d.24xlarge',
    'm5.large',
  ];
  const sized = (n: number) => {
    const Resources: Record<string, unknown> = {};
    for (let i = 0; i < n; i++)
      Resources[`I${i}`] = {
        Type: 'AWS::EC2::Instance',
        Properties: { InstanceType: TYPES[i % TYPES.length] },
      };
    const report = estimate(
      { template: { Resources }, stackName: 'Scale' },
      { region: 'us-east-1', catalog: CATALOG, generatedAt: PINNED },
    );
    const file = parseCommitmentsDocument(
      {
        reservations: Array.from({ length: n / 2 }, (_, i) => ({
          instanceType: TYPES[i % TYPES.length],
          count: 1 + (i % 3),
          term: '1y',
        })),
        savingsPlans: Array.from({ length: n / 2 }, (_, i) => ({
          type: i % 2 === 0 ? 'compute' : 'ec2-instance',
          term: '1y',
          hourlyCommitment: 0.01,
          ...(i % 2 === 1 ? { instanceFamily: 'g5' } : {}),
        })),
      },
      'scale.yaml',
    );
    return { report, file };
  };
  const seconds = ({ report, file }: ReturnType<typeof sized>): number => {
    const t0 = process.cpuUsage();
    const applied = applyCommitments(report, file);
    const elapsed = cpuSeconds(t0);
    // the reservations cover lines: the test measures real allocation work
    expect(applied.commitments!.coveredOnDemandExpected).toBeGreaterThan(0);
    return elapsed;
  };
  const small = sized(2000);
  const large = sized(4000);
  seconds(small); // warm-up
  const s: number[] = [];
  const l: number[] = [];
  for (let i = 0; i < 5; i++) {
    s.push(seconds(small));
    l.push(seconds(large));
  }
  const ratio = Math.min(...l) / Math.min(...s);
  expect(
    ratio,
    `fastest 4k ${Math.min(...l).toFixed(3)} s / fastest 2k ${Math.min(...s).toFixed(3)} s`,
  ).toBeLessThan(2.6);
}, 180_000);
