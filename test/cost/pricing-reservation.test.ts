import { describe, expect, test } from 'vitest';
import { CostInputError } from '../../cost/errors';
import { parseReservation } from '../../cost/usage';
import { linesOf, priceResources } from './fixtures/engine';

// p5.48xlarge us-east-1 on-demand 55.04 $/h (bundled catalog, karpenter_2026_07), 192 vCPUs.
const P5 = 55.04;

/** A reservation's compute environment as GpuTrainingCluster writes it (reservation-contract.md). */
function reservedEnv(reservation: Record<string, unknown>, usage: Record<string, unknown> = {}) {
  return {
    Type: 'AWS::Batch::ComputeEnvironment',
    Properties: {
      Type: 'MANAGED',
      ComputeResources: { Type: 'EC2', MinvCpus: 0, MaxvCpus: 384, InstanceTypes: ['p5.48xlarge'] },
    },
    Metadata: {
      'cdk-ml-platform:usage': { source: 'GpuTrainingCluster.reservedCapacity', ...usage, reservation },
    },
  };
}

const ODCR = {
  kind: 'capacity-reservation',
  reservationId: 'cr-0123456789abcdef0',
  instanceType: 'p5.48xlarge',
  instanceCount: 2,
  availabilityZone: 'us-east-1a',
};
const BLOCK = {
  kind: 'capacity-block',
  reservationId: 'cr-0fedcba9876543210',
  instanceType: 'p5.48xlarge',
  instanceCount: 2,
  availabilityZone: 'us-east-1a',
  startsAt: '2027-01-01T11:30:00Z',
  endsAt: '2027-01-15T11:30:00Z',
  upfrontFeeUsd: 12345.67,
};

describe('On-Demand Capacity Reservation: "charged at the equivalent On-Demand rate whether you run instances in reserved capacity or not"', () => {
  test('2 × p5.48xlarge reserved cost 2 × 730 h at on-demand in every scenario, whatever the usage', () => {
    // GIVEN 100 instance-hours of expected use inside a reservation of 2 instances
    const stack = priceResources({ CE: reservedEnv(ODCR, { monthlyInstanceHours: 100 }) });
    // THEN one line bills the reservation; the 100 h inside it are not charged again
    const lines = linesOf(stack, 'CE');
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line.component).toBe('Capacity reservation (p5.48xlarge, on-demand rate)');
    expect(line.quantityFormula).toBe('2 reserved × 730 h');
    const cost = 2 * 730 * P5;
    expect(line.monthly.min).toBeCloseTo(cost, 4);
    expect(line.monthly.expected).toBeCloseTo(cost, 4);
    expect(line.monthly.max).toBeCloseTo(cost, 4);
    expect(line.notes?.join(' ')).toContain('cr-0123456789abcdef0');
    expect(line.drivers).toMatchObject({ 'reservation.instanceCount': '2' });
  });

  test('a compute environment wider than the reservation still bills only the reservation (launches target it)', () => {
    const wide = priceResources({
      CE: {
        ...reservedEnv(ODCR, { monthlyInstanceHours: 2000 }),
        Properties: {
          Type: 'MANAGED',
          ComputeResources: { Type: 'EC2', MinvCpus: 0, MaxvCpus: 768, InstanceTypes: ['p5.48xlarge'] },
        },
      },
    });
    expect(linesOf(wide, 'CE').map((l) => l.component)).toEqual([
      'Capacity reservation (p5.48xlarge, on-demand rate)',
    ]);
    expect(wide.totals.max).toBeCloseTo(2 * 730 * P5, 4);
  });

  test('a reserved type with no price is unpriced with the reason, never priced as another type', () => {
    const stack = priceResources({ CE: reservedEnv({ ...ODCR, instanceType: 'p9.96xlarge' }) });
    expect(stack.unpriced.map((u) => u.reason).join(' ')).toContain(
      'capacity reservation cr-0123456789abcdef0: instance type p9.96xlarge has no AmazonEC2 price',
    );
    expect(linesOf(stack, 'CE').some((l) => l.component.startsWith('Capacity reservation'))).toBe(false);
  });
});

describe('Capacity Block: "charged up front at the time the reservation is made"', () => {
  test('the quoted fee is one one-time line, in full in min, expected and max; the block’s instances cost nothing more', () => {
    const stack = priceResources({ CE: reservedEnv(BLOCK, { monthlyInstanceHours: 600 }) });
    const lines = linesOf(stack, 'CE');
    expect(lines).toHaveLength(1);
    const [fee] = lines;
    expect(fee).toMatchObject({
      component: 'Capacity Block fee (p5.48xlarge, one-time upfront)',
      unit: 'Blocks',
      quantity: 1,
      monthly: { min: 12345.67, expected: 12345.67, max: 12345.67 },
      chargeFrequency: 'One-Time',
      pricingCategory: 'Committed',
      priceSource: 'usage-metadata:capacity-block-fee',
    });
    expect(fee.quantityFormula).toBe(
      '1 block (2 × p5.48xlarge for 336 h, 2027-01-01T11:30:00Z → 2027-01-15T11:30:00Z)',
    );
    expect(fee.notes?.join(' ')).toContain('not every month');
    expect(stack.totals.expected).toBeCloseTo(12345.67, 2);
  });

  test('without a quoted fee the block is unpriced, saying why (supply and demand), and its hours are not billed on-demand', () => {
    const noFee: Record<string, unknown> = { ...BLOCK };
    delete noFee.upfrontFeeUsd;
    const stack = priceResources({ CE: reservedEnv(noFee, { monthlyInstanceHours: 300 }) });
    expect(stack.unpriced[0].reason).toMatch(
      /capacity block cr-0fedcba9876543210: no upfrontFeeUsd.*supply and demand/,
    );
    expect(linesOf(stack, 'CE')).toHaveLength(0);
  });

  test('the report describes where the fee came from and the CSV says One-Time', async () => {
    const { estimate } = await import('../../cost/index');
    const { renderReport } = await import('../../cost/render/index');
    const report = estimate(
      { template: { Resources: { CE: reservedEnv(BLOCK) } }, stackName: 'Stack' },
      { region: 'us-east-1', generatedAt: '2026-11-27T00:00:00.000Z' },
    );
    expect(report.catalog.sources?.['usage-metadata:capacity-block-fee']?.description).toContain(
      'quoted at purchase',
    );
    const csv = renderReport(report, 'csv');
    expect(csv).toContain('One-Time');
  });
});

describe('the reservation contract is validated (exit 2, one line, naming the key)', () => {
  test.each([
    [{ ...ODCR, kind: 'zonal-ri' }, /reservation\.kind must be one of capacity-reservation, capacity-block/],
    [{ ...ODCR, instanceCount: 0 }, /reservation\.instanceCount must be a positive integer, got 0/],
    [{ ...ODCR, instanceCount: 1.5 }, /instanceCount must be a positive integer/],
    [{ ...ODCR, instanceType: 'P5 48xl' }, /instanceType must be an EC2 instance type/],
    [{ ...ODCR, reservationId: '' }, /reservationId must be a non-empty string/],
    [{ ...ODCR, endsAt: '2027-01-15T11:30:00Z' }, /endsAt applies to a capacity-block only/],
    [{ ...BLOCK, endsAt: undefined }, /endsAt is required for a capacity-block/],
    [{ ...BLOCK, endsAt: '15/01/2027' }, /endsAt must be an ISO-8601 date and time in UTC/],
    [{ ...BLOCK, startsAt: '2027-02-01T11:30:00Z' }, /startsAt must be before endsAt/],
    [{ ...BLOCK, upfrontFeeUsd: -1 }, /upfrontFeeUsd must be a non-negative number/],
    ['cr-1', /reservation must be an object/],
  ])('%j is rejected', (reservation, message) => {
    expect(() => parseReservation(reservation, 'where reservation')).toThrow(CostInputError);
    expect(() => parseReservation(reservation, 'where reservation')).toThrow(message);
    expect(() => priceResources({ CE: reservedEnv(reservation as Record<string, unknown>) })).toThrow(
      /stack Stack resource CE: cdk-ml-platform:usage metadata reservation/,
    );
  });

  test('an id or zone resolved at deploy time only labels the line', () => {
    const r = parseReservation(
      { ...ODCR, reservationId: { Ref: 'Reservation' }, availabilityZone: { 'Fn::Select': [0, []] } },
      'r',
    );
    expect(r).toMatchObject({
      reservationId: '(known at deploy time)',
      availabilityZone: '(known at deploy time)',
    });
  });
});

describe('end to end: what GpuTrainingCluster.reservedCapacity synthesizes is priced by the contract', () => {
  test('a 2 × p5.48xlarge reservation at on-demand all month and a quoted block as a one-time fee', async () => {
    const { App } = await import('aws-cdk-lib');
    const ec2 = await import('aws-cdk-lib/aws-ec2');
    const { GpuTrainingCluster, TrainingReservation } = await import('../../constructs/training');
    const { SYNTH_TIME_CONTEXT_KEY } = await import('../../constructs/core/clock');
    const { NO_BUNDLING, trainingStack, IMAGE } = await import('../constructs/training/fixtures');
    const { estimate } = await import('../../cost/index');
    // GIVEN a cluster with both kinds of reservation (clock pinned before the block)
    const app = new App({ context: { ...NO_BUNDLING, [SYNTH_TIME_CONTEXT_KEY]: '2027-01-01T00:00:00Z' } });
    const f = trainingStack(app, 'Reserved');
    const cluster = new GpuTrainingCluster(f.stack, 'Cluster', {
      vpc: f.vpc,
      clusterName: 'research',
      checkpointBucket: f.checkpointBucket,
      reservedCapacity: [
        TrainingReservation.capacityReservation({
          reservationId: 'cr-0123456789abcdef0',
          instanceType: new ec2.InstanceType('p5.48xlarge'),
          availabilityZone: 'us-east-1a',
          instanceCount: 2,
        }),
        TrainingReservation.capacityBlock({
          name: 'january-block',
          reservationId: 'cr-0fedcba9876543210',
          instanceType: new ec2.InstanceType('p5.48xlarge'),
          availabilityZone: 'us-east-1b',
          instanceCount: 4,
          startsAt: '2027-01-08T11:30:00Z',
          endsAt: '2027-01-15T11:30:00Z',
          upfrontFeeUsd: 98_765.43,
        }),
      ],
    });
    cluster.addMultiNodeJob('Pretrain', {
      image: IMAGE,
      nodes: 2,
      efa: true,
      instanceType: new ec2.InstanceType('p5.48xlarge'),
    });
    // WHEN the synthesized template is estimated
    const template = app.synth().getStackByName(f.stack.stackName).template as Record<string, unknown>;
    const report = estimate({ template, stackName: 'Reserved' }, { region: 'us-east-1' });
    const lines = report.stacks[0].lines;
    // THEN the reservation costs its on-demand rate for every reserved hour and the block its fee, once
    const odcr = lines.filter((l) => l.component === 'Capacity reservation (p5.48xlarge, on-demand rate)');
    expect(odcr).toHaveLength(1);
    expect(odcr[0].monthly).toEqual({ min: 2 * 730 * P5, expected: 2 * 730 * P5, max: 2 * 730 * P5 });
    const fee = lines.filter((l) => l.chargeFrequency === 'One-Time');
    expect(fee.map((l) => l.monthly.expected)).toEqual([98_765.43]);
    expect(fee[0].quantityFormula).toContain('4 × p5.48xlarge for 168 h');
    // ... and neither compute environment bills its p5 instance-hours again
    const reservedIds = new Set([...odcr, ...fee].map((l) => l.logicalId));
    expect(
      lines.filter((l) => reservedIds.has(l.logicalId) && l.component.startsWith('Instance usage')),
    ).toEqual([]);
  });
});
