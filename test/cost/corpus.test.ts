import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadCatalog } from '../../cost/catalog';
import { estimateStacks } from '../../cost/estimate';
import { loadInput } from '../../cost/template/load';

// Real public templates (test/cost/corpus/, each file names its repository, path and commit)
// priced in three regions, against monthly figures worked by hand from the list prices of the
// bundled catalog (AWS's pricing-page data, v0rts/aws-price-watcher@c4a0470; docs/prices.md).
// "Within 2%" is the bar; the hand-worked figures are exact, so the check is 0.01%.

const CORPUS = join(__dirname, 'corpus');
const CATALOG = loadCatalog();

function fixedMonthly(
  file: string,
  region: string,
): { expected: number; unpriced: string[]; free: string[] } {
  const stacks = loadInput(join(CORPUS, file));
  const report = estimateStacks(stacks, {
    region,
    catalog: CATALOG,
    generatedAt: '2026-12-05T00:00:00.000Z',
  });
  const [s] = report.stacks;
  return {
    expected: s.totals.expected,
    unpriced: s.unpriced.map((u) => `${u.logicalId}: ${u.reason}`),
    free: s.free.map((f) => f.logicalId),
  };
}

describe('aws-cloudformation-templates RDS/RDS_PIOPS.yaml (MySQL db.t3.small, 100 GB io1, 1,000 IOPS, a secret)', () => {
  test.each([
    // instance $/h × 730 + 100 GB × io1 $/GB-month + 1,000 IOPS × $/IOPS-month + 0.40 secret
    ['us-east-1', 0.034 * 730 + 100 * 0.125 + 1000 * 0.1 + 0.4],
    ['eu-west-1', 0.036 * 730 + 100 * 0.138 + 1000 * 0.11 + 0.4],
    ['ap-northeast-1', 0.052 * 730 + 100 * 0.15 + 1000 * 0.12 + 0.4],
  ])('%s: %f a month, nothing unpriced', (region, monthly) => {
    const r = fixedMonthly('RDS_PIOPS.yaml', region);
    expect(r.unpriced).toEqual([]);
    expect(Math.abs(r.expected - monthly) / monthly).toBeLessThan(0.0001);
  });
});

describe('aws-cloudformation-templates RDS/RDS_with_DBParameterGroup.yaml (MySQL db.t3.small, 5 GB gp2)', () => {
  test.each([
    ['us-east-1', 0.034 * 730 + 5 * 0.115],
    ['eu-west-1', 0.036 * 730 + 5 * 0.127],
    ['ap-northeast-1', 0.052 * 730 + 5 * 0.138],
  ])('%s: %f a month; the parameter group is free', (region, monthly) => {
    const r = fixedMonthly('RDS_with_DBParameterGroup.yaml', region);
    expect(r.unpriced).toEqual([]);
    expect(r.free).toEqual(['MyRDSParamGroup']);
    expect(Math.abs(r.expected - monthly) / monthly).toBeLessThan(0.0001);
  });
});
