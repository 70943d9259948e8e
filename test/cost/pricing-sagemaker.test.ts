import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { linesOf, priceResources, rangesOrdered } from './fixtures/engine';

// List prices (bundled catalog): us-east-1 hosting ml.g5.xlarge 1.4084 $/h, ml.g5.2xlarge 1.515 $/h (fmbench),
// ML storage Host:VolumeUsage.gp2 0.14 $/GB-Mo, serverless ServerlessInf:Mem-2GB 0.00004 $/s and
// ProvisionedConcurrency:Usage-2GB 0.00001 $/s (infracost_pr3567); eu-west-1 ml.g4dn.xlarge 0.821 $/h (sm_ssh_helper).

const endpoint = (config = 'Cfg', extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::SageMaker::Endpoint',
  Properties: { EndpointConfigName: { 'Fn::GetAtt': [config, 'EndpointConfigName'] }, ...extra },
});

const target = (resourceId: unknown, min: unknown, max: unknown) => ({
  Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
  Properties: {
    ServiceNamespace: 'sagemaker',
    ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    MinCapacity: min,
    MaxCapacity: max,
    ResourceId: resourceId,
  },
});

describe('autoscaled real-time endpoint', () => {
  // GIVEN an endpoint with two variants; a scalable target joined through Fn::Join of GetAtt
  const stack = priceResources({
    Model: { Type: 'AWS::SageMaker::Model', Properties: {} },
    Cfg: {
      Type: 'AWS::SageMaker::EndpointConfig',
      Metadata: {
        'cdk-ml-platform:usage': { averageInstanceCount: 2.5, source: 'InferenceEndpoint.expectedUsage' },
      },
      Properties: {
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            InstanceType: 'ml.g5.xlarge',
            InitialInstanceCount: 1,
            VolumeSizeInGB: 50,
          },
          { VariantName: 'Canary', InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 1 },
        ],
        ShadowProductionVariants: [
          { VariantName: 'Shadow', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 },
        ],
      },
    },
    Ep: endpoint(),
    Target: target(
      { 'Fn::Join': ['', ['endpoint/', { 'Fn::GetAtt': ['Ep', 'EndpointName'] }, '/variant/AllTraffic']] },
      1,
      4,
    ),
  });
  const [main, storage, canary, shadow] = linesOf(stack, 'Cfg');

  test('min and max follow the scalable target; expected from averageInstanceCount', () => {
    // THEN
    expect(main.component).toBe('Instance usage (ml.g5.xlarge, real-time hosting, variant AllTraffic)');
    expect(main.monthly).toEqual({
      min: expect.closeTo(1 * 730 * 1.4084, 4),
      expected: expect.closeTo(2.5 * 730 * 1.4084, 4),
      max: expect.closeTo(4 * 730 * 1.4084, 4),
    });
    expect(main).toMatchObject({
      usageType: 'Host:ml.g5.xlarge',
      usageSource: 'usage-metadata',
      priceSource: 'fmbench',
    });
    expect(main.notes).toContain('autoscaling Target: 1–4 instances');
  });

  test('each scenario carries its quantity, unit price and category; the driving properties are named', () => {
    // THEN
    expect(main.scenarios).toEqual({
      min: { quantity: 730, unitPrice: 1.4084, pricingCategory: 'Standard' },
      expected: { quantity: 2.5 * 730, unitPrice: 1.4084, pricingCategory: 'Standard' },
      max: { quantity: 4 * 730, unitPrice: 1.4084, pricingCategory: 'Standard' },
    });
    expect(main.drivers).toEqual({
      InitialInstanceCount: '1',
      InstanceType: 'ml.g5.xlarge',
      MaxCapacity: '4',
      MinCapacity: '1',
    });
    expect(storage.drivers).toMatchObject({ VolumeSizeInGB: '50', MinCapacity: '1' });
  });

  test('an average below the scaling minimum is clamped, and the line says so', () => {
    // GIVEN averageInstanceCount 0.5 under MinCapacity 2
    const clamped = priceResources({
      Cfg: {
        Type: 'AWS::SageMaker::EndpointConfig',
        Metadata: { 'cdk-ml-platform:usage': { averageInstanceCount: 0.5 } },
        Properties: {
          ProductionVariants: [
            { VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 },
          ],
        },
      },
      Ep: endpoint(),
      Target: target({ 'Fn::Sub': 'endpoint/${Ep.EndpointName}/variant/AllTraffic' }, 2, 6),
    });
    // THEN
    const [line] = linesOf(clamped, 'Cfg');
    expect(line.scenarios?.expected.quantity).toBe(2 * 730);
    expect(line.notes).toContain('averageInstanceCount 0.5 clamped to 2: the minimum capacity is 2');
  });

  test('ML storage volume per instance', () => {
    // THEN
    expect(storage.component).toBe('ML storage (variant AllTraffic, 50 GB per instance)');
    expect(storage.monthly).toEqual({
      min: expect.closeTo(50 * 0.14, 6),
      expected: expect.closeTo(2.5 * 50 * 0.14, 6),
      max: expect.closeTo(4 * 50 * 0.14, 6),
    });
  });

  test('a variant without scalable target runs its initial count; shadow variants are priced too', () => {
    // THEN the average (2.5) is clamped to the variant's fixed count of 1
    const c = expect.closeTo(730 * 1.515, 4);
    expect(canary.monthly).toEqual({ min: c, expected: c, max: c });
    expect(canary.usageSource).toBe('template');
    expect(canary.notes).toContain('averageInstanceCount 2.5 not used: variant Canary has a fixed 1');
    expect(shadow.usageSource).toBe('template');
    expect(shadow.component).toBe('Instance usage (ml.g5.xlarge, real-time hosting, shadow variant Shadow)');
    expect(shadow.monthly.expected).toBeCloseTo(730 * 1.4084, 4);
  });

  test('models, endpoints and scalable targets are free; ranges ordered', () => {
    // THEN
    expect(stack.free.map((f) => f.logicalId)).toEqual(['Ep', 'Model', 'Target']);
    expect(rangesOrdered(stack)).toBe(true);
  });
});

describe('instance counts not known before deployment', () => {
  test.each([
    ['no scalable target', {}],
    [
      'a scalable target with unknown capacity',
      { Target: target('endpoint/ep/variant/AllTraffic', 1, { Ref: 'Count' }) },
    ],
  ])('an unresolved InitialInstanceCount with %s is unpriced, never read as 1', (_, extra) => {
    // GIVEN InitialInstanceCount from a parameter without a default
    const resources: Record<string, unknown> = {
      Cfg: {
        Type: 'AWS::SageMaker::EndpointConfig',
        Properties: {
          ProductionVariants: [
            {
              VariantName: 'AllTraffic',
              InstanceType: 'ml.g5.xlarge',
              InitialInstanceCount: { Ref: 'Count' },
            },
          ],
        },
      },
      Ep: endpoint('Cfg', { EndpointName: 'ep' }),
      ...extra,
    };
    // WHEN
    const stack = priceResources(resources, { sections: { Parameters: { Count: { Type: 'Number' } } } });
    // THEN
    expect(linesOf(stack, 'Cfg')).toEqual([]);
    expect(stack.unpriced).toEqual([
      {
        logicalId: 'Cfg',
        resourceType: 'AWS::SageMaker::EndpointConfig',
        reason: 'variant AllTraffic: InitialInstanceCount is not known before deployment',
      },
    ]);
  });

  test('an unresolved InitialInstanceCount does not matter when the scalable target sets the counts', () => {
    // GIVEN
    const stack = priceResources(
      {
        Cfg: {
          Type: 'AWS::SageMaker::EndpointConfig',
          Properties: {
            ProductionVariants: [
              {
                VariantName: 'AllTraffic',
                InstanceType: 'ml.g5.xlarge',
                InitialInstanceCount: { Ref: 'Count' },
              },
            ],
          },
        },
        Ep: endpoint('Cfg', { EndpointName: 'ep' }),
        Target: target('endpoint/ep/variant/AllTraffic', 1, 4),
      },
      { sections: { Parameters: { Count: { Type: 'Number' } } } },
    );
    // THEN
    expect(linesOf(stack, 'Cfg')[0].monthly.max).toBeCloseTo(4 * 730 * 1.4084, 4);
    expect(stack.unpriced).toEqual([]);
  });
});

describe('joins and scale to zero', () => {
  test('Fn::Sub ResourceId and a literal endpoint name both join; scale to zero sets min 0', () => {
    // GIVEN two endpoints sharing one config: one joined by Fn::Sub on Ref, one by literal name
    const stack = priceResources({
      Cfg: {
        Type: 'AWS::SageMaker::EndpointConfig',
        Properties: {
          ProductionVariants: [
            { VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 },
          ],
          AsyncInferenceConfig: { OutputConfig: { S3OutputPath: 's3://b/out' } },
        },
      },
      A: endpoint(),
      B: endpoint('Cfg', { EndpointName: 'named-endpoint' }),
      TargetA: target({ 'Fn::Sub': 'endpoint/${A.EndpointName}/variant/AllTraffic' }, 0, 2),
      TargetB: target('endpoint/named-endpoint/variant/AllTraffic', 1, 3),
    });
    // WHEN
    const [a, b] = linesOf(stack, 'Cfg');
    // THEN
    expect(a.component).toBe(
      'Instance usage (ml.g5.xlarge, async inference, variant AllTraffic, endpoint A)',
    );
    expect(a.monthly).toEqual({ min: 0, expected: 0, max: expect.closeTo(2 * 730 * 1.4084, 4) });
    expect(a.notes).toEqual(
      expect.arrayContaining([
        'scales to zero: min = 0',
        'async inference: priced at the instance hosting rate',
      ]),
    );
    expect(b.monthly).toEqual({
      min: expect.closeTo(730 * 1.4084, 4),
      expected: expect.closeTo(730 * 1.4084, 4),
      max: expect.closeTo(3 * 730 * 1.4084, 4),
    });
  });

  test('managed instance scaling bounds a variant that hosts inference components', () => {
    // GIVEN
    const stack = priceResources({
      Cfg: {
        Type: 'AWS::SageMaker::EndpointConfig',
        Properties: {
          ProductionVariants: [
            {
              VariantName: 'AllTraffic',
              InstanceType: 'ml.g5.2xlarge',
              InitialInstanceCount: 1,
              ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 2 },
            },
          ],
        },
      },
      Ep: endpoint(),
      Llm: {
        Type: 'AWS::SageMaker::InferenceComponent',
        Properties: { EndpointName: { 'Fn::GetAtt': ['Ep', 'EndpointName'] }, VariantName: 'AllTraffic' },
      },
    });
    // THEN
    const [line] = linesOf(stack, 'Cfg');
    expect(line.monthly).toEqual({ min: 0, expected: 0, max: expect.closeTo(2 * 730 * 1.515, 4) });
    expect(line.notes).toContain('hosts inference components Llm (priced here)');
    expect(stack.free.map((f) => f.logicalId)).toEqual(['Ep', 'Llm']);
  });

  test('eu-west-1 hosting price', () => {
    // GIVEN / WHEN
    const stack = priceResources(
      {
        Cfg: {
          Type: 'AWS::SageMaker::EndpointConfig',
          Properties: {
            ProductionVariants: [
              { VariantName: 'v', InstanceType: 'ml.g4dn.xlarge', InitialInstanceCount: 2 },
            ],
          },
        },
        Ep: endpoint(),
      },
      { region: 'eu-west-1' },
    );
    // THEN
    expect(linesOf(stack, 'Cfg')[0].monthly.expected).toBeCloseTo(2 * 730 * 0.821, 4);
  });
});

describe('scalable target addressed through the endpoint config name (AWS samples)', () => {
  // GIVEN the endpoint named after its config and the target's ResourceId built from
  // Fn::GetAtt EndpointConfig.EndpointConfigName, as in aws-samples templates
  const stack = priceResources({
    Cfg: {
      Type: 'AWS::SageMaker::EndpointConfig',
      Properties: {
        ProductionVariants: [
          { VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 },
        ],
      },
    },
    Ep: endpoint('Cfg', { EndpointName: { 'Fn::GetAtt': ['Cfg', 'EndpointConfigName'] } }),
    Target: target({ 'Fn::Sub': 'endpoint/${Cfg.EndpointConfigName}/variant/AllTraffic' }, 1, 3),
  });

  test('min and max come from the target (1 and 3 instances), not InitialInstanceCount', () => {
    // THEN 1.4084 $/h × 730 h × {1, 1, 3}
    const [main] = linesOf(stack, 'Cfg');
    expect(main.monthly).toEqual({ min: 1028.132, expected: 1028.132, max: 3084.396 });
  });
});

describe('serverless', () => {
  const serverless = (cfg: Record<string, unknown>, usage?: Record<string, unknown>) =>
    priceResources({
      Cfg: {
        Type: 'AWS::SageMaker::EndpointConfig',
        ...(usage ? { Metadata: { 'cdk-ml-platform:usage': { source: 'test', ...usage } } } : {}),
        Properties: {
          ProductionVariants: [
            { VariantName: 'v', ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5, ...cfg } },
          ],
        },
      },
      Ep: endpoint(),
    });

  test('without usage: min and expected 0, max = MaxConcurrency × memory for the whole month (issue 14)', () => {
    // GIVEN / WHEN 5 concurrent × 2 GB, no usage assumption
    const stack = serverless({});
    // THEN 5 × 730 h × 3600 s × 0.00004 $/s (2 GB) = 525.6
    const [line] = linesOf(stack, 'Cfg');
    expect(line).toMatchObject({
      usageBased: true,
      inTotals: true,
      unitPrice: 0.00004,
      unit: 'Second',
      usageSource: 'template',
    });
    expect(line.quantityFormula).toBe(
      'no usage set (monthlyRequests × averageDurationMs): expected 0; max 5 concurrent × 730 h × 3600 s',
    );
    expect(stack.totals).toEqual({ min: 0, expected: 0, max: 525.6 });
  });

  test('without usage or MaxConcurrency: shown with its unit price and kept out of totals', () => {
    // GIVEN / WHEN
    const stack = serverless({ MaxConcurrency: undefined });
    // THEN
    const [line] = linesOf(stack, 'Cfg');
    expect(line).toMatchObject({ usageBased: true, inTotals: false, usageSource: 'none' });
    expect(stack.totals).toEqual({ min: 0, expected: 0, max: 0 });
  });

  test('with usage: requests × duration seconds; max at MaxConcurrency all month', () => {
    // GIVEN 1M requests of 200 ms = 200,000 s
    const stack = serverless({}, { monthlyRequests: 1_000_000, averageDurationMs: 200 });
    // THEN
    const [line] = linesOf(stack, 'Cfg');
    expect(line.monthly).toEqual({
      min: 0,
      expected: expect.closeTo(200_000 * 0.00004, 6),
      max: expect.closeTo(5 * 730 * 3600 * 0.00004, 4),
    });
    expect(line.inTotals).toBe(true);
  });

  test('provisioned concurrency is the fixed part', () => {
    // GIVEN / WHEN
    const stack = serverless({ ProvisionedConcurrency: 2 });
    // THEN
    const [fixed] = linesOf(stack, 'Cfg');
    expect(fixed.component).toBe('Serverless provisioned concurrency (2 GB, variant v)');
    expect(fixed.monthly.min).toBeCloseTo(2 * 730 * 3600 * 0.00001, 4);
    expect(stack.totals.min).toBeCloseTo(2 * 730 * 3600 * 0.00001, 4);
  });
});

describe('what cannot be priced', () => {
  test('a hosting instance type missing from the catalog', () => {
    // GIVEN / WHEN
    const stack = priceResources({
      Cfg: {
        Type: 'AWS::SageMaker::EndpointConfig',
        Properties: {
          ProductionVariants: [{ VariantName: 'v', InstanceType: 'ml.zz9.huge', InitialInstanceCount: 1 }],
        },
      },
      Ep: endpoint(),
    });
    // THEN
    expect(stack.unpriced).toEqual([
      {
        logicalId: 'Cfg',
        resourceType: 'AWS::SageMaker::EndpointConfig',
        reason: 'variant v: ml.zz9.huge has no AmazonSageMaker hosting price in us-east-1',
        pricedBy: 'cdk-ml-cost prices refresh --services AmazonSageMaker --regions us-east-1',
      },
    ]);
  });

  test('a config no endpoint uses runs no instances', () => {
    // GIVEN / WHEN
    const stack = priceResources({
      Cfg: {
        Type: 'AWS::SageMaker::EndpointConfig',
        Properties: {
          ProductionVariants: [{ VariantName: 'v', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 }],
        },
      },
    });
    // THEN
    expect(stack.lines).toEqual([]);
    expect(stack.free).toEqual([{ logicalId: 'Cfg', resourceType: 'AWS::SageMaker::EndpointConfig' }]);
  });
});

describe('invariants', () => {
  test('min ≤ expected ≤ max for any capacity bounds and average', () => {
    // GIVEN any scalable target bounds, initial count and average instance count
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 1, max: 5 }),
        fc.option(fc.double({ min: 0, max: 20, noNaN: true })),
        (min, extra, initial, avg) => {
          // WHEN
          const stack = priceResources({
            Cfg: {
              Type: 'AWS::SageMaker::EndpointConfig',
              ...(avg !== null
                ? { Metadata: { 'cdk-ml-platform:usage': { averageInstanceCount: avg, source: 't' } } }
                : {}),
              Properties: {
                ProductionVariants: [
                  {
                    VariantName: 'a',
                    InstanceType: 'ml.g5.xlarge',
                    InitialInstanceCount: initial,
                    VolumeSizeInGB: 10,
                  },
                  { VariantName: 'b', InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: initial },
                ],
              },
            },
            Ep: endpoint(),
            Target: target({ 'Fn::Sub': 'endpoint/${Ep.EndpointName}/variant/a' }, min, min + extra),
          });
          // THEN
          expect(rangesOrdered(stack)).toBe(true);
          expect(linesOf(stack, 'Cfg')[0].monthly.min).toBeCloseTo(min * 730 * 1.4084, 4);
        },
      ),
      { numRuns: 100 },
    );
  });
});

// "Data Processing IN / Data Processing OUT" per GB for real-time and asynchronous inference, and
// "the amount of data processed" for serverless (SageMaker pricing, Inference): one usage-based line.
describe('data processed through an endpoint (issue 14)', () => {
  const realTime = (
    usage?: Record<string, unknown>,
    variant: Record<string, unknown> = { InstanceType: 'ml.m5.large', InitialInstanceCount: 1 },
    region = 'us-east-1',
  ) =>
    priceResources(
      {
        Cfg: {
          Type: 'AWS::SageMaker::EndpointConfig',
          ...(usage ? { Metadata: { 'cdk-ml-platform:usage': { source: 'test', ...usage } } } : {}),
          Properties: { ProductionVariants: [{ VariantName: 'v', ...variant }] },
        },
        Ep: endpoint(),
      },
      { region },
    );

  test('without usage: the per-GB rate is shown as depending on usage, out of the totals', () => {
    const stack = realTime();
    const data = linesOf(stack, 'Cfg').find((l) => l.component.startsWith('Data processed'));
    expect(data).toMatchObject({
      component: 'Data processed in and out (real-time hosting)',
      usageBased: true,
      inTotals: false,
      unitPrice: 0.016,
      usageType: 'Host:Data-Bytes-In',
    });
    // 730 × 0.115 (ml.m5.large hosting us-east-1): the data line adds nothing without usage
    expect(stack.totals.expected).toBeCloseTo(730 * 0.115, 6);
  });

  test('with monthlyDataGb: GB × 0.016 (Host:Data-Bytes-In us-east-1), min 0 (no traffic when idle)', () => {
    const stack = realTime({ monthlyDataGb: 500 });
    const data = linesOf(stack, 'Cfg').find((l) => l.component.startsWith('Data processed'));
    expect(data?.monthly).toEqual({
      min: 0,
      expected: expect.closeTo(500 * 0.016, 6),
      max: expect.closeTo(500 * 0.016, 6),
    });
    expect(stack.totals.expected).toBeCloseTo(730 * 0.115 + 500 * 0.016, 6);
  });

  test('serverless endpoints use the serverless data rate', () => {
    const stack = realTime(
      { monthlyDataGb: 10 },
      { ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } },
    );
    const data = linesOf(stack, 'Cfg').find((l) => l.component.startsWith('Data processed'));
    expect(data).toMatchObject({
      component: 'Data processed in and out (serverless)',
      usageType: 'ServerlessInf:Data-Bytes',
    });
    expect(data?.monthly.expected).toBeCloseTo(10 * 0.016, 6);
  });

  test('a region without the data rate: the instances stay priced; only usage that cannot be priced is unpriced', () => {
    const variant = { InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 1 };
    const idle = realTime(undefined, variant, 'us-west-2');
    expect(idle.unpriced).toEqual([]);
    expect(linesOf(idle, 'Cfg').map((l) => l.component)).toEqual([
      'Instance usage (ml.g5.2xlarge, real-time hosting, variant v)',
    ]);
    const busy = realTime({ monthlyDataGb: 10 }, variant, 'us-west-2');
    expect(busy.unpriced.map((u) => u.reason)).toEqual([
      expect.stringContaining('no Host:Data-Bytes-In price for us-west-2'),
    ]);
  });
});
