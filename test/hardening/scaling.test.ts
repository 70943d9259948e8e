/**
 * Issue 15: the estimate grows linearly with the template. Matching scalable targets, configs and
 * inference components to endpoints used to scan every resource per endpoint (20,000 resources:
 * 94 s; 4× the endpoints: 7× the time). The full-size figures (20,000 resources under 5 s and
 * 500 MB, doubling at most doubling) are measured by `npm run bench`; this guard runs a smaller
 * size on every test run.
 * Timed as `test/support/scaling.ts` says (CPU time, alternating, fastest of five).
 */
import { expect, test } from 'vitest';
import { mixedTemplate } from '../../bench/scale-template';
import { applyCommitments } from '../../cost/commitments/apply';
import { parseCommitmentsDocument } from '../../cost/commitments/file';
import { estimate } from '../../cost/index';
import { CATALOG, PINNED } from '../cost/fixtures/engine';
import { doublingRatio, LINEAR_DOUBLING_BOUND } from '../support/scaling';

function estimateScale(template: Record<string, unknown>): void {
  const report = estimate(
    { template, stackName: 'Scale' },
    { region: 'us-east-1', catalog: CATALOG, generatedAt: PINNED },
  );
  // every endpoint variant found its scalable target: min 1 / max 4 instances
  const endpointLines = report.stacks[0].lines.filter(
    (l) => l.resourceType === 'AWS::SageMaker::EndpointConfig',
  );
  expect(endpointLines.length).toBeGreaterThan(0);
  for (const l of endpointLines.filter((x) => x.component.startsWith('Instance usage')))
    expect(l.monthly.max).toBeCloseTo(4 * l.monthly.min, 6);
}

test('doubling the endpoints (4,000 → 8,000 models, configs, endpoints, scalable targets) at most about doubles the estimate time', () => {
  // Only the joined resources: the quadratic matcher this guards against took 4× the time here.
  const small = mixedTemplate(4000, { joinsOnly: true });
  const large = mixedTemplate(8000, { joinsOnly: true });
  const r = doublingRatio(
    () => estimateScale(small),
    () => estimateScale(large),
  );
  expect(r.ratio, `fastest 8k ${r.large.toFixed(3)} s / fastest 4k ${r.small.toFixed(3)} s`).toBeLessThan(
    LINEAR_DOUBLING_BOUND,
  );
}, 180_000);

test('commitments: doubling both the compute lines and the plans (8,000 → 16,000 each) at most about doubles their application (each plan scanned every line)', () => {
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
  const apply = ({ report, file }: ReturnType<typeof sized>): void => {
    const applied = applyCommitments(report, file);
    // the reservations cover lines: the test measures real allocation work
    expect(applied.commitments!.coveredOnDemandExpected).toBeGreaterThan(0);
  };
  const small = sized(8000);
  const large = sized(16000);
  const r = doublingRatio(
    () => apply(small),
    () => apply(large),
  );
  expect(r.ratio, `fastest 16k ${r.large.toFixed(3)} s / fastest 8k ${r.small.toFixed(3)} s`).toBeLessThan(
    LINEAR_DOUBLING_BOUND,
  );
}, 180_000);
