import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { linesOf, priceResources, rangesOrdered } from './fixtures/engine';

// List prices (bundled catalog, karpenter_2026_07 / infracost): us-east-1 m5.large 0.096 $/h (spot ratio 0.390625),
// m5.xlarge 0.192 $/h, t3.micro 0.0104 $/h, EBS gp3 0.08 $/GB-Mo, gp2 0.1, io1 (piops) 0.125; eu-west-1 m5.large 0.107 $/h.

describe('AWS::EC2::Instance', () => {
  test('one instance all month plus its EBS volumes', () => {
    // GIVEN
    const stack = priceResources({
      Vm: {
        Type: 'AWS::EC2::Instance',
        Properties: {
          InstanceType: 'm5.large',
          BlockDeviceMappings: [
            { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30, VolumeType: 'gp3' } },
            { DeviceName: '/dev/sdb', Ebs: { VolumeSize: 100 } },
            { DeviceName: '/dev/sdc', Ebs: { VolumeSize: 10, VolumeType: 'io1' } },
            { DeviceName: '/dev/sdd', VirtualName: 'ephemeral0' },
          ],
        },
      },
    });
    // WHEN
    const [vm, root, data, io1] = linesOf(stack, 'Vm');
    // THEN
    expect(vm).toMatchObject({
      component: 'Instance usage (m5.large, on-demand)',
      quantity: 730,
      quantityFormula: '1 instance × 730 h',
    });
    expect(vm.monthly.expected).toBeCloseTo(730 * 0.096, 6);
    expect(root.monthly.expected).toBeCloseTo(30 * 0.08, 6);
    expect(data.component).toBe('EBS storage (gp2, /dev/sdb, 100 GB per instance)');
    expect(data.monthly.expected).toBeCloseTo(100 * 0.1, 6);
    expect(io1.monthly.expected).toBeCloseTo(10 * 0.125, 6);
    expect(stack.totals.expected).toBeCloseTo(730 * 0.096 + 2.4 + 10 + 1.25, 6);
  });

  test('the instance type can come from the launch template; eu-west-1 price', () => {
    // GIVEN
    const stack = priceResources(
      {
        LT: {
          Type: 'AWS::EC2::LaunchTemplate',
          Properties: { LaunchTemplateData: { InstanceType: 'm5.large' } },
        },
        Vm: {
          Type: 'AWS::EC2::Instance',
          Properties: {
            LaunchTemplate: {
              LaunchTemplateId: { Ref: 'LT' },
              Version: { 'Fn::GetAtt': ['LT', 'LatestVersionNumber'] },
            },
          },
        },
      },
      { region: 'eu-west-1' },
    );
    // THEN
    expect(linesOf(stack, 'Vm')[0].monthly.expected).toBeCloseTo(730 * 0.107, 6);
  });

  test.each([
    [
      'a type missing from the catalog',
      { InstanceType: 'zz9.huge' },
      'instance type zz9.huge has no AmazonEC2 price in us-east-1',
    ],
    [
      'an unresolved type',
      { InstanceType: { Ref: 'TypeParam' } },
      'InstanceType is not known before deployment (unresolved parameter or reference)',
    ],
  ])('%s is unpriced, never another type’s price', (_, properties, reason) => {
    // GIVEN / WHEN
    const stack = priceResources(
      { Vm: { Type: 'AWS::EC2::Instance', Properties: properties } },
      { sections: { Parameters: { TypeParam: { Type: 'String' } } } },
    );
    // THEN
    expect(stack.lines).toEqual([]);
    // a missing catalog price names the refresh that would fetch it
    const pricedBy = / price in us-east-1$/.test(reason)
      ? { pricedBy: 'cdk-ml-cost prices refresh --services AmazonEC2 --regions us-east-1' }
      : {};
    expect(stack.unpriced).toEqual([
      { logicalId: 'Vm', resourceType: 'AWS::EC2::Instance', reason, ...pricedBy },
    ]);
  });
});

describe('AWS::AutoScaling::AutoScalingGroup', () => {
  test('MinSize / DesiredCapacity / MaxSize through the launch template, EBS pro rata', () => {
    // GIVEN
    const stack = priceResources({
      LT: {
        Type: 'AWS::EC2::LaunchTemplate',
        Properties: {
          LaunchTemplateData: {
            InstanceType: 'm5.xlarge',
            BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, VolumeType: 'gp3' } }],
          },
        },
      },
      Asg: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: {
          MinSize: '1',
          MaxSize: '5',
          DesiredCapacity: '2',
          LaunchTemplate: { LaunchTemplateId: { Ref: 'LT' }, Version: '1' },
        },
      },
    });
    // WHEN
    const [instances, ebs] = linesOf(stack, 'Asg');
    // THEN
    expect(instances.monthly).toEqual({
      min: expect.closeTo(1 * 730 * 0.192, 6),
      expected: expect.closeTo(2 * 730 * 0.192, 6),
      max: expect.closeTo(5 * 730 * 0.192, 6),
    });
    expect(instances.quantityFormula).toBe('min 1 / expected 2 / max 5 instances × 730 h');
    expect(ebs.monthly).toEqual({
      min: expect.closeTo(20 * 0.08, 6),
      expected: expect.closeTo(40 * 0.08, 6),
      max: expect.closeTo(100 * 0.08, 6),
    });
    expect(rangesOrdered(stack)).toBe(true);
  });

  test('a mixed instances policy blends on-demand base and spot; max at on-demand of the dearest', () => {
    // GIVEN base 1 on-demand, 0% on-demand above it, usage of 3 instances on average
    const stack = priceResources({
      LT: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: {} } },
      Asg: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Metadata: { 'cdk-ml-platform:usage': { averageInstanceCount: 3, source: 'test' } },
        Properties: {
          MinSize: 1,
          MaxSize: 4,
          MixedInstancesPolicy: {
            LaunchTemplate: {
              LaunchTemplateSpecification: { LaunchTemplateId: { Ref: 'LT' }, Version: '1' },
              Overrides: [{ InstanceType: 'm5.large' }, { InstanceType: 'm5.xlarge' }],
            },
            InstancesDistribution: { OnDemandBaseCapacity: 1, OnDemandPercentageAboveBaseCapacity: 0 },
          },
        },
      },
    });
    // WHEN
    const [line] = linesOf(stack, 'Asg');
    // THEN expected = 1 on-demand + 2 spot m5.large; max = 4 m5.xlarge on-demand
    expect(line.component).toBe('Instance usage (m5.large, on-demand + spot)');
    expect(line.monthly.min).toBeCloseTo(730 * 0.096, 6);
    expect(line.monthly.expected).toBeCloseTo(730 * (0.096 + 2 * 0.096 * 0.390625), 6);
    expect(line.monthly.max).toBeCloseTo(4 * 730 * 0.192, 6);
    expect(line.usageSource).toBe('usage-metadata');
  });

  test('through a launch configuration', () => {
    // GIVEN
    const stack = priceResources({
      Lc: {
        Type: 'AWS::AutoScaling::LaunchConfiguration',
        Properties: { InstanceType: 't3.micro', ImageId: 'ami-1' },
      },
      Asg: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: { MinSize: 2, MaxSize: 2, LaunchConfigurationName: { Ref: 'Lc' } },
      },
    });
    // THEN
    expect(linesOf(stack, 'Asg')[0].monthly.expected).toBeCloseTo(2 * 730 * 0.0104, 6);
    expect(stack.free).toEqual([{ logicalId: 'Lc', resourceType: 'AWS::AutoScaling::LaunchConfiguration' }]);
  });
});

describe('invariants', () => {
  test('auto scaling groups keep min ≤ expected ≤ max for any sizes, spot split and usage', () => {
    // GIVEN any group sizes, on-demand base and percentage, and average count
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 100 }),
        fc.option(fc.double({ min: 0, max: 50, noNaN: true })),
        (min, extra, base, pct, avg) => {
          // WHEN
          const stack = priceResources({
            LT: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: {} } },
            Asg: {
              Type: 'AWS::AutoScaling::AutoScalingGroup',
              ...(avg !== null
                ? { Metadata: { 'cdk-ml-platform:usage': { averageInstanceCount: avg, source: 't' } } }
                : {}),
              Properties: {
                MinSize: min,
                MaxSize: min + extra,
                MixedInstancesPolicy: {
                  LaunchTemplate: {
                    LaunchTemplateSpecification: { LaunchTemplateId: { Ref: 'LT' } },
                    Overrides: [{ InstanceType: 'm5.large' }, { InstanceType: 'g5.xlarge' }],
                  },
                  InstancesDistribution: {
                    OnDemandBaseCapacity: base,
                    OnDemandPercentageAboveBaseCapacity: pct,
                  },
                },
              },
            },
          });
          // THEN
          expect(rangesOrdered(stack)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
