import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../../cost/cli/main';
import type { CliIo } from '../../cost/cli/io';
import { parseCommitmentsDocument } from '../../cost/commitments/file';
import { CostInputError } from '../../cost/errors';
import { estimate, validateCatalog } from '../../cost/index';
import type { Catalog, CatalogPrice, CostReport } from '../../cost/types';
import { CATALOG, PINNED } from './fixtures/engine';

// Bundled us-east-1 list prices: g5.xlarge 1.006 $/h (karpenter_2026_07, spot ratio 0.4334),
// ml.g5.xlarge hosting 1.4084 $/h (fmbench), m5.large 0.096 $/h.
// The commitment rates below are test fixtures (source `test-rates`), not AWS prices: they only
// exercise the arithmetic. The bundled catalog holds no Savings Plan or RI rate (see docs/prices.md).
const OD = { g5: 1.006, mlG5: 1.4084 };
const RATES: Record<string, number> = {
  'AmazonEC2|g5.xlarge@compute-savings-plan-1y': 0.75,
  'AmazonEC2|g5.xlarge@compute-savings-plan-3y': 0.55,
  'AmazonEC2|g5.xlarge@ec2-instance-savings-plan-1y': 0.7,
  'AmazonEC2|g5.xlarge@reserved-1y': 0.65,
  'AmazonEC2|m5.large@compute-savings-plan-1y': 0.08,
  'AmazonSageMaker|ml.g5.xlarge@sagemaker-savings-plan-1y': 1.0,
};

function withRates(catalog: Catalog, rates: Record<string, number>): Catalog {
  return {
    ...catalog,
    regions: catalog.regions.map((r) =>
      r.region !== 'us-east-1'
        ? r
        : {
            ...r,
            prices: [
              // The fixture rates replace bundled ones of the same key (the first of a key wins).
              ...r.prices.filter((p) => !(`${p.service}|${p.key}` in rates)),
              ...Object.entries(rates).map(([id, value]): CatalogPrice => {
                const [service, key] = id.split('|');
                const type = key.split('@')[0];
                return {
                  service,
                  key,
                  unit: 'Hrs',
                  value,
                  usageType: service === 'AmazonEC2' ? `BoxUsage:${type}` : `Host:${type}`,
                  source: 'test-rates',
                  capturedAt: '2026-12-01',
                };
              }),
            ],
          },
    ),
  };
}
const RATED = withRates(CATALOG, RATES);

const INSTANCE = { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'g5.xlarge' } };
const ENDPOINT_CONFIG = {
  Type: 'AWS::SageMaker::EndpointConfig',
  Properties: {
    ProductionVariants: [
      { VariantName: 'AllTraffic', ModelName: 'm', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 },
    ],
  },
};
const DONE_WHEN = {
  Box: INSTANCE,
  Config: ENDPOINT_CONFIG,
  Endpoint: {
    Type: 'AWS::SageMaker::Endpoint',
    Properties: { EndpointConfigName: { 'Fn::GetAtt': ['Config', 'EndpointConfigName'] } },
  },
};

function run(
  resources: Record<string, unknown>,
  options: { catalog?: Catalog; commitments?: unknown } = {},
): CostReport {
  return estimate(
    { template: { Resources: resources }, stackName: 'Stack' },
    {
      region: 'us-east-1',
      catalog: options.catalog ?? RATED,
      generatedAt: PINNED,
      ...(options.commitments !== undefined
        ? { commitments: options.commitments as Record<string, unknown> }
        : {}),
    },
  );
}
const line = (r: CostReport, id: string) => r.stacks[0].lines.find((l) => l.logicalId === id)!;

describe('pricingOptions on every compute line', () => {
  const report = run(DONE_WHEN);

  test('done when: a g5.xlarge instance shows on-demand and a cheaper compute Savings Plan option', () => {
    const options = line(report, 'Box').pricingOptions!;
    expect(options.map((o) => o.model)).toEqual([
      'on-demand',
      'spot',
      'compute-savings-plan-1y',
      'compute-savings-plan-3y',
      'ec2-instance-savings-plan-1y',
      'reserved-1y',
    ]);
    expect(options[0]).toMatchObject({
      unitPrice: OD.g5,
      expected: 730 * OD.g5,
      source: 'karpenter_2026_07',
    });
    const sp = options.find((o) => o.model === 'compute-savings-plan-1y')!;
    expect(sp).toMatchObject({
      unitPrice: 0.75,
      expected: 547.5,
      source: 'test-rates',
      capturedAt: '2026-12-01',
    });
    expect(sp.expected).toBeLessThan(options[0].expected);
    // Break-even: the commitment is billed every hour; it pays off above rate ÷ on-demand of the hours.
    expect(sp.breakEvenUtilisation).toBeCloseTo(0.75 / OD.g5, 4);
    expect(options.find((o) => o.model === 'spot')!.unitPrice).toBeCloseTo(OD.g5 * 0.4334, 6);
  });

  test('done when: an ml.g5.xlarge endpoint shows on-demand and a cheaper SageMaker Savings Plan option (no spot)', () => {
    const options = line(report, 'Config').pricingOptions!;
    expect(options.map((o) => o.model)).toEqual(['on-demand', 'sagemaker-savings-plan-1y']);
    expect(options[1].expected).toBe(730);
    expect(options[1].expected).toBeLessThan(options[0].expected);
  });

  test('with the bundled catalog, only sourced models appear: on-demand, spot and the 1-year RI; a commitment is never guessed', () => {
    const bundled = run(DONE_WHEN, { catalog: CATALOG });
    // g5.xlarge 1-year Standard no-upfront RI in us-east-1: 0.63378 $/h, tsaol/aws-gpu@77fcd9f
    // data/all_gpu_instances.js (instances.vantage.sh's `yrTerm1Standard.noUpfront`, 2026-01-21).
    expect(line(bundled, 'Box').pricingOptions!.map((o) => o.model)).toEqual([
      'on-demand',
      'spot',
      'reserved-1y',
    ]);
    // No public copy of AWS's SageMaker Savings Plans rates was found (docs/prices.md).
    expect(line(bundled, 'Config').pricingOptions!.map((o) => o.model)).toEqual(['on-demand']);
  });

  test('Batch and Auto Scaling lines carry options; non-compute lines (EBS, S3) do not', () => {
    const r = run({
      CE: {
        Type: 'AWS::Batch::ComputeEnvironment',
        Properties: {
          Type: 'MANAGED',
          ComputeResources: { Type: 'SPOT', MinvCpus: 0, MaxvCpus: 16, InstanceTypes: ['g5.xlarge'] },
        },
        Metadata: { 'cdk-ml-platform:usage': { monthlyInstanceHours: 100, source: 't' } },
      },
      Bucket: { Type: 'AWS::S3::Bucket' },
    });
    const ce = line(r, 'CE');
    expect(ce.pricingOptions!.find((o) => o.model === 'on-demand')!.expected).toBeCloseTo(100 * OD.g5, 6);
    expect(r.stacks[0].lines.filter((l) => l.logicalId === 'Bucket').every((l) => !l.pricingOptions)).toBe(
      true,
    );
  });

  test('savings potential names the cheapest sourced option per line and the 1-year break-even', () => {
    expect(report.savingsPotential!.lines.map((l) => [l.logicalId, l.cheapest.model])).toEqual([
      ['Box', 'spot'],
      ['Config', 'sagemaker-savings-plan-1y'],
    ]);
    const box = report.savingsPotential!.lines[0];
    // Cheapest 1-year commitment for g5.xlarge is the reserved instance (0.65).
    expect(box.oneYearBreakEven).toEqual({
      model: 'reserved-1y',
      utilisation: Math.round((0.65 / OD.g5) * 1e4) / 1e4,
    });
    expect(report.savingsPotential!.expected).toBeCloseTo(
      730 * OD.g5 * (1 - 0.4334) + 730 * (OD.mlG5 - 1),
      4,
    );
  });
});

describe('--commitments: applied as AWS bills them', () => {
  const list = run(DONE_WHEN);

  test('done when: a 0.50 $/h compute Savings Plan lowers the expected total by the covered amount', () => {
    const r = run(DONE_WHEN, {
      commitments: { savingsPlans: [{ type: 'compute', term: '1y', hourlyCommitment: 0.5 }] },
    });
    // 0.5 $/h buys 0.5 / 0.75 instance-hours an hour at the plan rate: 486.67 h a month whose
    // on-demand cost (× 1.006) is replaced by the commitment's 365 $.
    const coveredHours = (0.5 / 0.75) * 730;
    const saving = coveredHours * OD.g5 - 0.5 * 730;
    expect(r.totals.expected).toBeCloseTo(list.totals.expected - saving, 4);
    expect(r.commitments).toMatchObject({
      listTotals: list.totals,
      unused: { min: 0, expected: 0, max: 0 },
      plans: [{ id: 'savingsPlans[0]', monthlyCommitment: 365, usedExpected: 365, utilisation: 1 }],
    });
    expect(r.commitments!.savingsExpected).toBeCloseTo(saving, 4);
    expect(r.commitments!.coveredOnDemandExpected).toBeCloseTo(coveredHours * OD.g5, 4);
    expect(line(r, 'Box').commitment).toMatchObject({
      listExpected: 730 * OD.g5,
      coveredBy: ['savingsPlans[0]'],
    });
    expect(line(r, 'Box').commitment!.coveredHours).toBeCloseTo(coveredHours, 4);
    // A compute plan never covers SageMaker.
    expect(line(r, 'Config').monthly).toEqual(line(list, 'Config').monthly);
  });

  test('a commitment larger than the usage is still billed: the unused part is in the totals', () => {
    const r = run(DONE_WHEN, {
      commitments: { savingsPlans: [{ type: 'compute', term: '1y', hourlyCommitment: 1 }] },
    });
    // Usage takes 0.75 $/h of it (one g5.xlarge at 0.75); 0.25 $/h is unused.
    expect(r.commitments!.unused.expected).toBeCloseTo(0.25 * 730, 4);
    expect(r.commitments!.plans[0].utilisation).toBe(0.75);
    expect(line(r, 'Box').monthly.expected).toBeCloseTo(0.75 * 730, 4);
    expect(r.totals.expected).toBeCloseTo(730 + 730 * OD.mlG5, 4);
  });

  test('a SageMaker plan covers the endpoint only', () => {
    const r = run(DONE_WHEN, {
      commitments: { savingsPlans: [{ type: 'sagemaker', term: '1y', hourlyCommitment: 1 }] },
    });
    expect(line(r, 'Config').monthly.expected).toBeCloseTo(730, 4);
    expect(line(r, 'Box').monthly).toEqual(line(list, 'Box').monthly);
  });

  test('reservations first, then EC2 Instance plans, then Compute plans (Savings Plans User Guide)', () => {
    const two = { Box: { ...INSTANCE }, Box2: { ...INSTANCE } };
    const r = run(two, {
      commitments: {
        savingsPlans: [
          { type: 'compute', term: '1y', hourlyCommitment: 0.75 },
          { type: 'ec2-instance', term: '1y', hourlyCommitment: 0.7, instanceFamily: 'g5' },
        ],
        reservations: [{ instanceType: 'g5.xlarge', count: 1, term: '1y' }],
      },
    });
    // The RI takes one instance, the EC2 Instance plan the other; the compute plan finds nothing left.
    expect(r.commitments!.plans.map((p) => [p.id, p.utilisation])).toEqual([
      ['reservations[0]', 1],
      ['savingsPlans[1]', 1],
      ['savingsPlans[0]', 0],
    ]);
    expect(r.commitments!.unused.expected).toBeCloseTo(0.75 * 730, 4);
    expect(r.totals.expected).toBeCloseTo((0.65 + 0.7 + 0.75) * 730, 4);
  });

  test('highest savings percentage first: a plan goes to the line it discounts most', () => {
    // m5.large: 0.08 vs 0.096 (17 % off); g5.xlarge: 0.75 vs 1.006 (25 % off).
    const r = run(
      { Small: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'm5.large' } }, Box: INSTANCE },
      { commitments: { savingsPlans: [{ type: 'compute', term: '1y', hourlyCommitment: 0.75 }] } },
    );
    expect(line(r, 'Box').commitment?.coveredBy).toEqual(['savingsPlans[0]']);
    expect(line(r, 'Small').commitment).toBeUndefined();
  });

  test('Savings Plans do not cover spot usage', () => {
    const r = run(
      {
        CE: {
          Type: 'AWS::Batch::ComputeEnvironment',
          Properties: {
            Type: 'MANAGED',
            ComputeResources: { Type: 'SPOT', MinvCpus: 0, MaxvCpus: 16, InstanceTypes: ['g5.xlarge'] },
          },
          Metadata: { 'cdk-ml-platform:usage': { monthlyInstanceHours: 100, source: 't' } },
        },
      },
      { commitments: { savingsPlans: [{ type: 'compute', term: '1y', hourlyCommitment: 0.1 }] } },
    );
    expect(line(r, 'CE').monthly.expected).toBeCloseTo(100 * OD.g5 * 0.4334, 4);
    // ... except the max scenario, priced at on-demand: the plan covers it there.
    expect(r.commitments!.unused.expected).toBeCloseTo(73, 4);
    expect(r.commitments!.unused.max).toBe(0);
  });

  test('usage without a sourced rate is not covered, says so, and the commitment is still billed', () => {
    const r = run(DONE_WHEN, {
      catalog: CATALOG,
      commitments: { savingsPlans: [{ type: 'compute', term: '1y', hourlyCommitment: 0.5 }] },
    });
    expect(r.commitments!.notes).toEqual([
      'savingsPlans[0]: no sourced compute-savings-plan-1y rate for g5.xlarge in us-east-1; its usage stays at its own price',
    ]);
    expect(r.totals.expected).toBeCloseTo(list.totals.expected + 365, 4);
  });

  test('ranges stay ordered whatever the commitments', () => {
    const r = run(
      {
        Asg: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: {
            MinSize: '1',
            MaxSize: '4',
            LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' }, Version: '1' },
          },
          Metadata: { 'cdk-ml-platform:usage': { averageInstanceCount: 2, source: 't' } },
        },
        Lt: {
          Type: 'AWS::EC2::LaunchTemplate',
          Properties: { LaunchTemplateData: { InstanceType: 'g5.xlarge' } },
        },
      },
      { commitments: { savingsPlans: [{ type: 'compute', term: '3y', hourlyCommitment: 0.9 }] } },
    );
    for (const range of [...r.stacks[0].lines.map((l) => l.monthly), r.totals]) {
      expect(range.min).toBeLessThanOrEqual(range.expected);
      expect(range.expected).toBeLessThanOrEqual(range.max);
    }
    expect(line(r, 'Asg').commitment?.coveredBy).toEqual(['savingsPlans[0]']);
  });
});

describe('sourced commitment rates in the bundled catalog', () => {
  // tsaol/aws-gpu@77fcd9fe1d0652fd07b830e5ed030d61da87923e data/all_gpu_instances.js (generated
  // 2026-01-21 from instances.vantage.sh, which reads AWS's EC2 price files): g5.xlarge in
  // us-east-1, onDemand 1.006 (equal to the catalog's karpenter_2026_07 price, so the same price
  // era) and reserved = linux.reserved["yrTerm1Standard.noUpfront"] 0.63378 $/h.
  const RI_1Y = 0.63378;
  const list = run(DONE_WHEN, { catalog: CATALOG });

  test('a g5.xlarge instance shows on-demand and a cheaper sourced 1-year Reserved Instance option', () => {
    const ri = line(list, 'Box').pricingOptions!.find((o) => o.model === 'reserved-1y')!;
    expect(ri).toMatchObject({
      unitPrice: RI_1Y,
      expected: 730 * RI_1Y,
      source: 'tsaol_gpu_ri_2026_01',
      capturedAt: '2026-01-21',
    });
    expect(ri.expected).toBeLessThan(730 * OD.g5);
    expect(ri.breakEvenUtilisation).toBeCloseTo(RI_1Y / OD.g5, 4);
  });

  test('--commitments with one g5.xlarge 1-year RI lowers the expected total by the covered amount', () => {
    const r = run(DONE_WHEN, {
      catalog: CATALOG,
      commitments: { reservations: [{ instanceType: 'g5.xlarge', count: 1, term: '1y' }] },
    });
    // 730 instance-hours move from 1.006 to 0.63378 $/h: 730 × 0.37222 = 271.7206 $ a month.
    expect(r.totals.expected).toBeCloseTo(list.totals.expected - 730 * (OD.g5 - RI_1Y), 4);
    expect(line(r, 'Box').monthly.expected).toBeCloseTo(730 * RI_1Y, 4);
    expect(line(r, 'Config').monthly).toEqual(line(list, 'Config').monthly);
  });

  test('a compute Savings Plan has no sourced rate yet: it covers nothing, is still billed, and says why', () => {
    const r = run(DONE_WHEN, {
      catalog: CATALOG,
      commitments: { savingsPlans: [{ type: 'compute', term: '1y', hourlyCommitment: 0.5 }] },
    });
    expect(line(list, 'Box').pricingOptions!.map((o) => o.model)).not.toContain('compute-savings-plan-1y');
    expect(r.commitments!.notes).toContain(
      'savingsPlans[0]: no sourced compute-savings-plan-1y rate for g5.xlarge in us-east-1; its usage stays at its own price',
    );
    expect(r.totals.expected).toBeCloseTo(list.totals.expected + 0.5 * 730, 4);
  });
});

describe('bad commitments files: one line naming the key', () => {
  test.each([
    [[], /\(top level\) must be a mapping/],
    [{}, /lists no savingsPlans and no reservations/],
    [{ plans: [] }, /plans is not a commitments key \(allowed: savingsPlans, reservations\)/],
    [{ savingsPlans: {} }, /savingsPlans must be a list/],
    [
      { savingsPlans: [{ type: 'ec2', term: '1y', hourlyCommitment: 1 }] },
      /savingsPlans\[0\]\.type must be one of compute, ec2-instance, sagemaker, got "ec2"/,
    ],
    [{ savingsPlans: [{ type: 'compute', term: '2y', hourlyCommitment: 1 }] }, /term must be one of 1y, 3y/],
    [
      { savingsPlans: [{ type: 'compute', term: '1y', hourlyCommitment: -1 }] },
      /hourlyCommitment must be a number of USD per hour from 0.001/,
    ],
    [
      { savingsPlans: [{ type: 'compute', term: '1y', hourlyCommitment: '5' }] },
      /hourlyCommitment must be a number/,
    ],
    [
      { savingsPlans: [{ type: 'ec2-instance', term: '1y', hourlyCommitment: 1 }] },
      /instanceFamily is required for an ec2-instance plan/,
    ],
    [
      { savingsPlans: [{ type: 'compute', term: '1y', hourlyCommitment: 1, instanceFamily: 'g5' }] },
      /instanceFamily applies to an ec2-instance plan only/,
    ],
    [
      { savingsPlans: [{ type: 'compute', term: '1y', hourlyCommitment: 1, region: 'virginia' }] },
      /region must be an AWS region/,
    ],
    [
      { savingsPlans: [{ type: 'compute', term: '1y', hourlyCommitment: 1, upfront: 0 }] },
      /savingsPlans\[0\]\.upfront is not allowed/,
    ],
    [
      { reservations: [{ instanceType: 'g5.xlarge', count: 0, term: '1y' }] },
      /reservations\[0\]\.count must be a positive integer, got 0/,
    ],
    [
      { reservations: [{ instanceType: 'G5 XL', count: 1, term: '1y' }] },
      /instanceType must be an EC2 instance type/,
    ],
  ])('%j', (doc, message) => {
    expect(() => parseCommitmentsDocument(doc, 'c.yaml')).toThrow(CostInputError);
    expect(() => parseCommitmentsDocument(doc, 'c.yaml')).toThrow(message);
  });
});

describe('CLI --commitments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'commitments-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 't.json'), JSON.stringify({ Resources: DONE_WHEN }));
  writeFileSync(
    join(dir, 'good.yaml'),
    'savingsPlans:\n  - type: compute\n    term: 1y\n    hourlyCommitment: 0.5\n',
  );
  writeFileSync(
    join(dir, 'bad.yaml'),
    'savingsPlans:\n  - type: compute\n    term: 5y\n    hourlyCommitment: 0.5\n',
  );
  writeFileSync(join(dir, 'broken.yaml'), 'savingsPlans: [\n');
  async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: dir, env: {} };
    return { code: await main(argv, io), stdout, stderr };
  }

  test.each(['bad.yaml', 'broken.yaml', 'missing.yaml'])('%s exits 2 with one line', async (file) => {
    const r = await cli(['estimate', 't.json', '--region', 'us-east-1', '--commitments', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/commitments file/);
  });

  test('a good file is applied and reported in the JSON', async () => {
    const r = await cli([
      'estimate',
      't.json',
      '--region',
      'us-east-1',
      '--commitments',
      'good.yaml',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as CostReport;
    expect(report.commitments?.plans[0].monthlyCommitment).toBe(365);
  });
});

describe('catalog guard on commitment rates', () => {
  const rateProblems = (c: Catalog): string[] =>
    validateCatalog(c).filter((p) => p.includes('@') && !p.includes("source 'test-rates'"));
  test('sourced rates below on-demand pass', () => {
    expect(rateProblems(RATED)).toEqual([]);
  });
  test.each([
    [
      { 'AmazonEC2|g5.xlarge@compute-savings-plan-1y': 1.2 },
      /1\.2 \$\/h is not below on-demand 1\.006 \$\/h/,
    ],
    [{ 'AmazonEC2|g5.xlarge@savings-plan-5y': 0.5 }, /'savings-plan-5y' is not a commitment model/],
    [
      { 'AmazonEC2|g5.xlarge@sagemaker-savings-plan-1y': 0.5 },
      /sagemaker-savings-plan-1y rates belong to AmazonSageMaker/,
    ],
    [{ 'AmazonEC2|zz9.huge@reserved-1y': 0.5 }, /no on-demand price of zz9\.huge in us-east-1/],
  ])('%j is reported', (rates, message) => {
    expect(rateProblems(withRates(CATALOG, rates)).join('\n')).toMatch(message);
  });
});

describe('the FOCUS-aligned CSV stays at list prices', () => {
  test('ListCost of a covered line is its list cost; the JSON holds the committed figure', async () => {
    const { renderCsv } = await import('../../cost/render/csv');
    const r = run(DONE_WHEN, {
      commitments: { savingsPlans: [{ type: 'compute', term: '1y', hourlyCommitment: 0.5 }] },
    });
    const csv = renderCsv(r);
    const box = csv.split('\n').find((row) => row.includes('Instance usage (g5.xlarge, on-demand)'))!;
    expect(box.split(',')[0]).toBe(String(730 * OD.g5));
    expect(line(r, 'Box').monthly.expected).toBeLessThan(730 * OD.g5);
  });
});
