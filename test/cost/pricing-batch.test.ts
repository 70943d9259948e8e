import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { linesOf, priceResources, rangesOrdered } from './fixtures/engine';

// List prices (bundled catalog; sources karpenter_2026_07 / skypilot_v8, ratios from the same snapshot):
// us-east-1 g5.xlarge 1.006 $/h (4 vCPU, 1 GPU, spot ratio 0.4334), g5.12xlarge 5.672 $/h (48 vCPU, 4 GPU,
// ratio 0.384767), g5.2xlarge 1.212 $/h (8 vCPU); EBS gp3 0.08 $/GB-Mo; eu-west-1 g5.xlarge 1.123 $/h (ratio 0.511665).

function computeEnv(
  cr: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    Type: 'AWS::Batch::ComputeEnvironment',
    Properties: { Type: 'MANAGED', ComputeResources: { MinvCpus: 0, ...cr } },
    ...extra,
  };
}

const GPU_USAGE = {
  Metadata: { 'cdk-ml-platform:usage': { monthlyGpuHours: 200, source: 'GpuTrainingCluster.expectedUsage' } },
};
const LAUNCH_TEMPLATE = {
  Type: 'AWS::EC2::LaunchTemplate',
  Properties: {
    LaunchTemplateData: {
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 100, VolumeType: 'gp3' } }],
    },
  },
};

describe('spot GPU compute environment', () => {
  // GIVEN a spot g5.xlarge environment capped at 64 vCPUs, 200 GPU-hours a month expected, 100 GB gp3 root volume
  const stack = priceResources({
    LT: LAUNCH_TEMPLATE,
    CE: computeEnv(
      {
        Type: 'SPOT',
        MaxvCpus: 64,
        InstanceTypes: ['g5.xlarge'],
        LaunchTemplate: { LaunchTemplateId: { Ref: 'LT' } },
      },
      GPU_USAGE,
    ),
  });
  const [instances, ebs] = linesOf(stack, 'CE');

  test('min 0, expected from usage metadata at spot, max at on-demand for the vCPU cap', () => {
    // THEN
    expect(instances.component).toBe('Instance usage (g5.xlarge, spot)');
    expect(instances.monthly.min).toBe(0);
    expect(instances.monthly.expected).toBeCloseTo(200 * 1.006 * 0.4334, 4);
    expect(instances.monthly.max).toBeCloseTo(16 * 730 * 1.006, 4);
    expect(instances).toMatchObject({
      quantity: 200,
      unit: 'Hrs',
      pricingCategory: 'Dynamic',
      usageSource: 'usage-metadata',
      usageType: 'BoxUsage:g5.xlarge',
      priceSource: 'karpenter_2026_07',
      inTotals: true,
    });
    expect(instances.notes).toContain('200 GPU-h ÷ 1 GPU per g5.xlarge');
  });

  test('the launch template root volume is priced pro rata to instance-hours', () => {
    // THEN
    expect(ebs.component).toBe('EBS storage (gp3, /dev/xvda, 100 GB per instance)');
    expect(ebs.monthly.min).toBe(0);
    expect(ebs.monthly.expected).toBeCloseTo(100 * (200 / 730) * 0.08, 4);
    expect(ebs.monthly.max).toBeCloseTo(100 * 16 * 0.08, 4);
  });

  test('totals add up, ranges ordered, launch template free, assumption recorded', () => {
    // THEN
    expect(stack.totals.max).toBeCloseTo(16 * 730 * 1.006 + 100 * 16 * 0.08, 4);
    expect(rangesOrdered(stack)).toBe(true);
    expect(stack.free).toEqual([{ logicalId: 'LT', resourceType: 'AWS::EC2::LaunchTemplate' }]);
    expect(stack.assumptions).toEqual([
      {
        logicalId: 'CE',
        key: 'monthlyGpuHours',
        value: 200,
        source: 'usage-metadata',
        origin: 'GpuTrainingCluster.expectedUsage',
      },
    ]);
  });
});

describe('on-demand and mixed instance types', () => {
  test('EC2 type prices expected at on-demand from monthlyInstanceHours', () => {
    // GIVEN
    const stack = priceResources({
      CE: computeEnv(
        { Type: 'EC2', MaxvCpus: 32, InstanceTypes: ['g5.2xlarge'] },
        { Metadata: { 'cdk-ml-platform:usage': { monthlyInstanceHours: 300, source: 'test' } } },
      ),
    });
    // WHEN
    const [line] = linesOf(stack, 'CE');
    // THEN
    expect(line.component).toBe('Instance usage (g5.2xlarge, on-demand)');
    expect(line.pricingCategory).toBe('Standard');
    expect(line.monthly).toEqual({
      min: 0,
      expected: expect.closeTo(300 * 1.212, 4),
      max: expect.closeTo(4 * 730 * 1.212, 4),
    });
    expect(line.notes).toContain('root volume: the AMI default, not priced');
  });

  test('several types: min/expected on the cheapest per vCPU, max on the dearest, MinvCpus sets the floor', () => {
    // GIVEN g5.12xlarge is 0.118 $/vCPU-h, g5.xlarge 0.2515 $/vCPU-h
    const stack = priceResources({
      CE: computeEnv(
        { Type: 'SPOT', MinvCpus: 48, MaxvCpus: 96, InstanceTypes: ['g5.xlarge', 'g5.12xlarge'] },
        GPU_USAGE,
      ),
    });
    // WHEN
    const [line] = linesOf(stack, 'CE');
    // THEN one g5.12xlarge always on at spot; 200 GPU-h = 50 h is below the floor; max 24 × g5.xlarge on-demand
    expect(line.component).toBe('Instance usage (g5.12xlarge, spot)');
    expect(line.monthly.min).toBeCloseTo(730 * 5.672 * 0.384767, 4);
    expect(line.monthly.expected).toBeCloseTo(730 * 5.672 * 0.384767, 4);
    expect(line.monthly.max).toBeCloseTo(24 * 730 * 1.006, 4);
    expect(line.notes).toContain(
      'min/expected assume g5.12xlarge (cheapest per vCPU of g5.xlarge, g5.12xlarge); max assumes g5.xlarge (dearest per vCPU)',
    );
  });

  test('formulas group thousands like every other module (one fmt)', () => {
    // GIVEN 3,000 instance-hours of an environment capped at 4,096 vCPUs, 100 GB root volume
    const stack = priceResources({
      LT: LAUNCH_TEMPLATE,
      CE: computeEnv(
        {
          Type: 'EC2',
          MaxvCpus: 4096,
          InstanceTypes: ['g5.xlarge'],
          LaunchTemplate: { LaunchTemplateId: { Ref: 'LT' } },
        },
        { Metadata: { 'cdk-ml-platform:usage': { monthlyInstanceHours: 3000, source: 'test' } } },
      ),
    });
    // WHEN
    const [instances, ebs] = linesOf(stack, 'CE');
    // THEN
    expect(instances.quantityFormula).toBe(
      'min ⌈0 vCPU / 4⌉ × 730 h; expected 3,000 h; max ⌊4,096 vCPU / 4⌋ × 730 h',
    );
    expect(ebs.quantityFormula).toBe('100 GB × 3,000 instance-h / 730 h');
  });

  test('BidPercentage caps the spot price', () => {
    // GIVEN a bid of 30% of on-demand, below the 0.4334 spot ratio
    const stack = priceResources({
      CE: computeEnv(
        { Type: 'SPOT', MaxvCpus: 8, InstanceTypes: ['g5.xlarge'], BidPercentage: 30 },
        GPU_USAGE,
      ),
    });
    // THEN
    expect(linesOf(stack, 'CE')[0].monthly.expected).toBeCloseTo(200 * 1.006 * 0.3, 4);
    expect(linesOf(stack, 'CE')[0].notes).toContain('spot = on-demand × 0.3 (capped by BidPercentage 30)');
  });

  test('usage capped at the vCPU limit', () => {
    // GIVEN 10,000 instance-hours asked of an environment that fits 2 instances
    const stack = priceResources({
      CE: computeEnv(
        { Type: 'EC2', MaxvCpus: 8, InstanceTypes: ['g5.xlarge'] },
        { Metadata: { 'cdk-ml-platform:usage': { monthlyInstanceHours: 10000, source: 'test' } } },
      ),
    });
    // THEN
    expect(linesOf(stack, 'CE')[0].monthly.expected).toBeCloseTo(2 * 730 * 1.006, 4);
  });

  test('eu-west-1 uses that region’s price and spot ratio', () => {
    // GIVEN / WHEN
    const stack = priceResources(
      { CE: computeEnv({ Type: 'SPOT', MaxvCpus: 4, InstanceTypes: ['g5.xlarge'] }, GPU_USAGE) },
      { region: 'eu-west-1' },
    );
    // THEN
    expect(linesOf(stack, 'CE')[0].monthly).toEqual({
      min: 0,
      expected: expect.closeTo(200 * 1.123 * 0.511665, 4),
      max: expect.closeTo(730 * 1.123, 4),
    });
  });

  test('the usage file overrides metadata', () => {
    // GIVEN
    const stack = priceResources(
      { CE: computeEnv({ Type: 'SPOT', MaxvCpus: 64, InstanceTypes: ['g5.xlarge'] }, GPU_USAGE) },
      { usage: { Stack: { CE: { monthlyGpuHours: 100 } } } },
    );
    // THEN
    expect(linesOf(stack, 'CE')[0].monthly.expected).toBeCloseTo(100 * 1.006 * 0.4334, 4);
    expect(linesOf(stack, 'CE')[0].usageSource).toBe('usage-file');
  });
});

describe('GPU-hours run on the cheapest type per GPU, not per vCPU', () => {
  // us-east-1: g6.xlarge 0.8048 $/h (4 vCPU, 1 GPU, spot ratio 0.474714 → 0.382 $/GPU-h at spot),
  // g6.2xlarge 0.9776 $/h (8 vCPU, 1 GPU, ratio 0.487367 → 0.476 $/GPU-h), g6e.xlarge 1.861 $/h (4 vCPU),
  // g6e.2xlarge 2.24208 $/h (8 vCPU); g6.2xlarge is the cheapest per vCPU (0.1222 $/vCPU-h).
  const REFERENCE_TYPES = ['g5.xlarge', 'g5.2xlarge', 'g6.xlarge', 'g6.2xlarge', 'g6e.xlarge', 'g6e.2xlarge'];

  test('review repro: the reference spot environment prices 300 GPU-h on g6.xlarge', () => {
    // GIVEN the dev training environment: spot, 16 vCPUs, the six reference types, 300 GPU-h
    const stack = priceResources({
      CE: computeEnv(
        { Type: 'SPOT', MaxvCpus: 16, InstanceTypes: REFERENCE_TYPES },
        { Metadata: { 'cdk-ml-platform:usage': { monthlyGpuHours: 300, source: 't' } } },
      ),
    });
    // WHEN
    const [line] = linesOf(stack, 'CE');
    // THEN expected at 0.382 $/GPU-h (not g6.2xlarge's 0.476); min 0; max 4 × g6e.xlarge on-demand
    expect(line.component).toBe('Instance usage (g6.xlarge, spot)');
    expect(line.usageType).toBe('BoxUsage:g6.xlarge');
    expect(line.monthly).toEqual({
      min: 0,
      expected: expect.closeTo(300 * 0.8048 * 0.474714, 4),
      max: expect.closeTo(4 * 730 * 1.861, 4),
    });
    expect(line.notes).toEqual(
      expect.arrayContaining([
        '300 GPU-h ÷ 1 GPU per g6.xlarge',
        'spot = on-demand × 0.474714 (catalog spot ratio, interruption >20%)',
        `min assumes g6.2xlarge (cheapest per vCPU of ${REFERENCE_TYPES.join(', ')}); expected assumes g6.xlarge (lowest spot-adjusted price per GPU-hour); max assumes g6e.xlarge (dearest per vCPU)`,
      ]),
    );
  });

  test('on-demand: GPU-hours on the lowest on-demand price per GPU', () => {
    // GIVEN
    const stack = priceResources({
      CE: computeEnv(
        { Type: 'EC2', MaxvCpus: 32, InstanceTypes: ['g6.2xlarge', 'g6.xlarge'] },
        { Metadata: { 'cdk-ml-platform:usage': { monthlyGpuHours: 100, source: 't' } } },
      ),
    });
    // THEN
    const [line] = linesOf(stack, 'CE');
    expect(line.component).toBe('Instance usage (g6.xlarge, on-demand)');
    expect(line.monthly.expected).toBeCloseTo(100 * 0.8048, 4);
  });

  test('instance-hours stay on the cheapest type per vCPU', () => {
    // GIVEN
    const stack = priceResources({
      CE: computeEnv(
        { Type: 'SPOT', MaxvCpus: 32, InstanceTypes: ['g6.2xlarge', 'g6.xlarge'] },
        { Metadata: { 'cdk-ml-platform:usage': { monthlyInstanceHours: 100, source: 't' } } },
      ),
    });
    // THEN
    const [line] = linesOf(stack, 'CE');
    expect(line.component).toBe('Instance usage (g6.2xlarge, spot)');
    expect(line.monthly.expected).toBeCloseTo(100 * 0.9776 * 0.487367, 4);
  });

  test('the vCPU cap counts instances of the type the GPU-hours run on', () => {
    // GIVEN 8 vCPUs fit two g6.xlarge (one g6.2xlarge); 10,000 GPU-h asked
    const stack = priceResources({
      CE: computeEnv(
        { Type: 'SPOT', MaxvCpus: 8, InstanceTypes: ['g6.2xlarge', 'g6.xlarge'] },
        { Metadata: { 'cdk-ml-platform:usage': { monthlyGpuHours: 10000, source: 't' } } },
      ),
    });
    // THEN 2 × 730 h of g6.xlarge at spot
    const [line] = linesOf(stack, 'CE');
    expect(line.monthly.expected).toBeCloseTo(2 * 730 * 0.8048 * 0.474714, 4);
    expect(line.notes).toContain('usage capped at MaxvCpus: 10,000 h → 1,460 h');
  });

  test('GPU-hours that cost less than the MinvCpus floor leave expected at the floor', () => {
    // GIVEN one g6.2xlarge always on (MinvCpus 8) and 100 GPU-h (38 $ on g6.xlarge)
    const stack = priceResources({
      CE: computeEnv(
        { Type: 'SPOT', MinvCpus: 8, MaxvCpus: 32, InstanceTypes: ['g6.2xlarge', 'g6.xlarge'] },
        { Metadata: { 'cdk-ml-platform:usage': { monthlyGpuHours: 100, source: 't' } } },
      ),
    });
    // THEN
    const [line] = linesOf(stack, 'CE');
    expect(line.component).toBe('Instance usage (g6.2xlarge, spot)');
    expect(line.monthly.min).toBeCloseTo(730 * 0.9776 * 0.487367, 4);
    expect(line.monthly.expected).toBe(line.monthly.min);
    expect(line.notes).toContain(
      'usage on g6.xlarge costs less than the MinvCpus floor of 1 × g6.2xlarge: expected = min',
    );
  });
});

describe('what cannot be priced', () => {
  test('an unresolved MinvCpus is unpriced, never read as 0', () => {
    // GIVEN MinvCpus from a parameter without a default
    const stack = priceResources(
      {
        CE: computeEnv({
          Type: 'SPOT',
          MinvCpus: { Ref: 'Floor' },
          MaxvCpus: 8,
          InstanceTypes: ['g5.xlarge'],
        }),
      },
      { sections: { Parameters: { Floor: { Type: 'Number' } } } },
    );
    // THEN
    expect(stack.lines).toEqual([]);
    expect(stack.unpriced).toEqual([
      {
        logicalId: 'CE',
        resourceType: 'AWS::Batch::ComputeEnvironment',
        reason: 'MinvCpus is not known before deployment',
      },
    ]);
  });

  test.each([
    [
      'an instance type missing from the catalog',
      { Type: 'SPOT', MaxvCpus: 8, InstanceTypes: ['zz9.huge'] },
      'instance type zz9.huge has no AmazonEC2 price in us-east-1',
    ],
    [
      'an instance family',
      { Type: 'SPOT', MaxvCpus: 8, InstanceTypes: ['g5'] },
      'instance families g5 (Batch picks sizes at run time): list exact types to price them',
    ],
    [
      'Fargate',
      { Type: 'FARGATE', MaxvCpus: 8 },
      'FARGATE compute environments are billed per job vCPU/GB-hour: not priced yet',
    ],
  ])('%s goes to unpriced with the reason', (_, cr, reason) => {
    // GIVEN / WHEN
    const stack = priceResources({ CE: computeEnv(cr) });
    // THEN
    expect(stack.lines).toEqual([]);
    // a missing catalog price names the refresh that would fetch it
    const pricedBy = / price in us-east-1$/.test(reason)
      ? { pricedBy: 'cdk-ml-cost prices refresh --services AmazonEC2 --regions us-east-1' }
      : {};
    expect(stack.unpriced).toEqual([
      { logicalId: 'CE', resourceType: 'AWS::Batch::ComputeEnvironment', reason, ...pricedBy },
    ]);
  });

  test('a known type is priced and an unknown one beside it is reported', () => {
    // GIVEN / WHEN
    const stack = priceResources({
      CE: computeEnv({ Type: 'EC2', MaxvCpus: 8, InstanceTypes: ['g5.xlarge', 'zz9.huge'] }),
    });
    // THEN
    expect(linesOf(stack, 'CE')).toHaveLength(1);
    expect(stack.unpriced[0].reason).toBe('instance type zz9.huge has no AmazonEC2 price in us-east-1');
  });

  test('an unmanaged environment is free (its instances are yours to price)', () => {
    // GIVEN / WHEN
    const stack = priceResources({
      CE: { Type: 'AWS::Batch::ComputeEnvironment', Properties: { Type: 'UNMANAGED' } },
    });
    // THEN
    expect(stack.free).toEqual([{ logicalId: 'CE', resourceType: 'AWS::Batch::ComputeEnvironment' }]);
  });
});

describe('invariants', () => {
  test('every line and total keeps min ≤ expected ≤ max, whatever the bounds, types and usage', () => {
    // GIVEN any environment over types the catalog prices in us-east-1
    const types = [
      'g5.xlarge',
      'g5.2xlarge',
      'g5.12xlarge',
      'g6.xlarge',
      'g6.2xlarge',
      'g6e.xlarge',
      'g4dn.xlarge',
      'p4d.24xlarge',
      'm5.large',
    ];
    fc.assert(
      fc.property(
        fc.subarray(types, { minLength: 1 }),
        fc.integer({ min: 0, max: 256 }),
        fc.integer({ min: 0, max: 512 }),
        fc.constantFrom('SPOT', 'EC2'),
        fc.option(fc.integer({ min: 1, max: 100 })),
        fc.option(fc.double({ min: 0, max: 20000, noNaN: true })),
        (instanceTypes, minvCpus, extra, type, bid, gpuHours) => {
          // WHEN
          const stack = priceResources({
            LT: LAUNCH_TEMPLATE,
            CE: computeEnv(
              {
                Type: type,
                MinvCpus: minvCpus,
                MaxvCpus: minvCpus + extra,
                InstanceTypes: instanceTypes,
                LaunchTemplate: { LaunchTemplateId: { Ref: 'LT' } },
                ...(bid !== null ? { BidPercentage: bid } : {}),
              },
              gpuHours !== null
                ? { Metadata: { 'cdk-ml-platform:usage': { monthlyGpuHours: gpuHours, source: 't' } } }
                : {},
            ),
          });
          // THEN
          expect(rangesOrdered(stack)).toBe(true);
          expect(stack.totals.min).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
