/**
 * Property-based invariants of the estimator (issue 9), with fast-check over generated templates
 * made of the resource types the registry prices, and over random or mutated input to the loader.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CostInputError } from '../../cost/errors';
import { estimate } from '../../cost/index';
import { renderJson } from '../../cost/render/json';
import { checkTemplate, parseTemplateText } from '../../cost/template/load';
import { resolveTemplate } from '../../cost/template/resolve';
import type { CostRange, CostReport } from '../../cost/types';
import { USAGE_METADATA_KEY } from '../../cost/usage-metadata';
import { CATALOG, PINNED } from './fixtures/engine';

/** Runs per property; `FC_RUNS=2000` digs deeper locally. */
const RUNS = Number(process.env.FC_RUNS ?? 150);
const CENT = 0.005;
/** Float slack for comparisons of sums of 6-decimal amounts. */
const EPS = 1e-6;

// ---------------------------------------------------------------------------------------------
// Generated templates
// ---------------------------------------------------------------------------------------------

const amount = (max: number): fc.Arbitrary<number> =>
  fc.double({ min: 0, max, noNaN: true, noDefaultInfinity: true });

interface NatSpec {
  readonly kind: 'nat';
  readonly private: boolean;
  readonly dataGb?: number;
}
interface EndpointSpec {
  readonly kind: 'endpoint';
  readonly subnets: number;
  readonly dataGb?: number;
}
interface KmsSpec {
  readonly kind: 'kms';
  readonly keySpec: string;
  readonly rotation: boolean;
  readonly requests?: number;
}
interface AlarmSpec {
  readonly kind: 'alarm';
  readonly periodSeconds: number;
  readonly metrics: number;
  readonly anomaly: boolean;
}
interface BatchSpec {
  readonly kind: 'batch';
  readonly spot: boolean;
  readonly instanceTypes: readonly string[];
  readonly minVcpus: number;
  readonly maxVcpus: number;
  readonly bidPercentage?: number;
  readonly instanceHours?: number;
  readonly gpuHours?: number;
  readonly rootVolumeGb?: number;
}
interface SageMakerSpec {
  readonly kind: 'sagemaker';
  readonly instanceType: string;
  readonly initialInstances: number;
  readonly scaling?: { readonly min: number; readonly max: number };
  readonly averageInstances?: number;
  readonly volumeGb?: number;
}
interface BucketSpec {
  readonly kind: 'bucket';
  readonly versioning: boolean;
  readonly storageGb?: number;
  readonly requests?: number;
}
interface OtherSpec {
  readonly kind: 'other';
  readonly type: string;
}
type Spec = NatSpec | EndpointSpec | KmsSpec | AlarmSpec | BatchSpec | SageMakerSpec | BucketSpec | OtherSpec;

// Catalog facts (us-east-1): g5.xlarge 4 vCPU 1 GPU, g5.12xlarge 48 vCPU 4 GPU, p3.2xlarge 8 vCPU,
// p5.4xlarge has no spot ratio, m5.large has no GPU; x9.large and ml.x9.large are in no catalog.
const BATCH_TYPES = [
  'g5.xlarge',
  'g5.2xlarge',
  'g5.12xlarge',
  'g6.xlarge',
  'p3.2xlarge',
  'p5.4xlarge',
  'm5.large',
  'x9.large',
];
const ML_TYPES = [
  'ml.g5.xlarge',
  'ml.g5.2xlarge',
  'ml.m5.xlarge',
  'ml.g4dn.xlarge',
  'ml.t2.medium',
  'ml.x9.large',
];
const OTHER_TYPES = [
  'AWS::Foo::Bar',
  'Custom::Thing',
  'AWS::IAM::Role',
  'AWS::SageMaker::Model',
  'AWS::EC2::VPC',
];

const natArb: fc.Arbitrary<NatSpec> = fc.record(
  { kind: fc.constant('nat' as const), private: fc.boolean(), dataGb: amount(1e5) },
  { requiredKeys: ['kind', 'private'] },
);
const endpointArb: fc.Arbitrary<EndpointSpec> = fc.record(
  { kind: fc.constant('endpoint' as const), subnets: fc.integer({ min: 1, max: 3 }), dataGb: amount(1e5) },
  { requiredKeys: ['kind', 'subnets'] },
);
const kmsArb: fc.Arbitrary<KmsSpec> = fc.record(
  {
    kind: fc.constant('kms' as const),
    keySpec: fc.constantFrom('SYMMETRIC_DEFAULT', 'RSA_2048', 'ECC_NIST_P256', 'HMAC_256'),
    rotation: fc.boolean(),
    requests: fc.integer({ min: 0, max: 1e9 }),
  },
  { requiredKeys: ['kind', 'keySpec', 'rotation'] },
);
const alarmArb: fc.Arbitrary<AlarmSpec> = fc.record({
  kind: fc.constant('alarm' as const),
  periodSeconds: fc.constantFrom(10, 30, 60, 300),
  metrics: fc.integer({ min: 0, max: 3 }),
  anomaly: fc.boolean(),
});
const batchArb: fc.Arbitrary<BatchSpec> = fc
  .record(
    {
      kind: fc.constant('batch' as const),
      spot: fc.boolean(),
      instanceTypes: fc.subarray(BATCH_TYPES, { minLength: 1, maxLength: 3 }),
      minVcpus: fc.integer({ min: 0, max: 96 }),
      maxVcpus: fc.integer({ min: 0, max: 1024 }),
      bidPercentage: fc.integer({ min: 1, max: 100 }),
      instanceHours: amount(20_000),
      gpuHours: amount(20_000),
      rootVolumeGb: fc.integer({ min: 30, max: 2000 }),
    },
    { requiredKeys: ['kind', 'spot', 'instanceTypes', 'minVcpus', 'maxVcpus'] },
    // MinvCpus above MaxvCpus is refused before pricing (see the regression tests below).
  )
  .map((s) => ({ ...s, maxVcpus: Math.max(s.maxVcpus, s.minVcpus) }));
const sageMakerArb: fc.Arbitrary<SageMakerSpec> = fc.record(
  {
    kind: fc.constant('sagemaker' as const),
    instanceType: fc.constantFrom(...ML_TYPES),
    initialInstances: fc.integer({ min: 1, max: 4 }),
    // MinCapacity above MaxCapacity is refused before pricing (see the regression tests below).
    scaling: fc
      .record({ min: fc.integer({ min: 0, max: 6 }), max: fc.integer({ min: 1, max: 10 }) })
      .map((sc) => ({ min: Math.min(sc.min, sc.max), max: sc.max })),
    averageInstances: amount(12),
    volumeGb: fc.integer({ min: 1, max: 512 }),
  },
  { requiredKeys: ['kind', 'instanceType', 'initialInstances'] },
);
const bucketArb: fc.Arbitrary<BucketSpec> = fc.record(
  {
    kind: fc.constant('bucket' as const),
    versioning: fc.boolean(),
    storageGb: amount(1e6),
    requests: fc.integer({ min: 0, max: 1e9 }),
  },
  { requiredKeys: ['kind', 'versioning'] },
);
const otherArb: fc.Arbitrary<OtherSpec> = fc.record({
  kind: fc.constant('other' as const),
  type: fc.constantFrom(...OTHER_TYPES),
});

const specArb: fc.Arbitrary<Spec> = fc.oneof(
  natArb,
  endpointArb,
  kmsArb,
  alarmArb,
  batchArb,
  sageMakerArb,
  bucketArb,
  otherArb,
);
const specsArb = fc.array(specArb, { minLength: 1, maxLength: 8 });

/** Usage metadata with only the keys that are set. */
function usage(values: Readonly<Record<string, number | undefined>>): Record<string, unknown> {
  const set = Object.entries(values).filter(([, v]) => v !== undefined);
  return set.length === 0
    ? {}
    : { [USAGE_METADATA_KEY]: { source: 'invariants', ...Object.fromEntries(set) } };
}

/** The CloudFormation resources of one spec, with logical ids suffixed by `i`. */
function resourcesOf(spec: Spec, i: number): Record<string, unknown> {
  switch (spec.kind) {
    case 'nat':
      return {
        [`Nat${i}`]: {
          Type: 'AWS::EC2::NatGateway',
          Metadata: usage({ monthlyDataGb: spec.dataGb }),
          Properties: { SubnetId: 'subnet-1', ...(spec.private ? { ConnectivityType: 'private' } : {}) },
        },
      };
    case 'endpoint':
      return {
        [`Endpoint${i}`]: {
          Type: 'AWS::EC2::VPCEndpoint',
          Metadata: usage({ monthlyDataGb: spec.dataGb }),
          Properties: {
            VpcEndpointType: 'Interface',
            ServiceName: 'com.amazonaws.us-east-1.sagemaker.runtime',
            VpcId: 'vpc-1',
            SubnetIds: Array.from({ length: spec.subnets }, (_, k) => `subnet-${k}`),
          },
        },
      };
    case 'kms':
      return {
        [`Key${i}`]: {
          Type: 'AWS::KMS::Key',
          Metadata: usage({ monthlyRequests: spec.requests }),
          Properties: { KeySpec: spec.keySpec, EnableKeyRotation: spec.rotation },
        },
      };
    case 'alarm': {
      const metrics = Array.from({ length: spec.metrics }, (_, k) => ({
        Id: `m${k}`,
        MetricStat: {
          Metric: { MetricName: `M${k}`, Namespace: 'N' },
          Period: spec.periodSeconds,
          Stat: 'Sum',
        },
      }));
      const expression = spec.anomaly ? [{ Id: 'band', Expression: 'ANOMALY_DETECTION_BAND(m0, 2)' }] : [];
      return {
        [`Alarm${i}`]: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties:
            spec.metrics > 0
              ? {
                  Metrics: [...metrics, ...expression],
                  EvaluationPeriods: 1,
                  ComparisonOperator: 'GreaterThanThreshold',
                }
              : {
                  MetricName: 'M',
                  Namespace: 'N',
                  Period: spec.periodSeconds,
                  Statistic: 'Sum',
                  EvaluationPeriods: 1,
                },
        },
      };
    }
    case 'batch':
      return {
        [`Lt${i}`]: {
          Type: 'AWS::EC2::LaunchTemplate',
          Properties: {
            LaunchTemplateData:
              spec.rootVolumeGb === undefined
                ? {}
                : {
                    BlockDeviceMappings: [
                      { DeviceName: '/dev/xvda', Ebs: { VolumeSize: spec.rootVolumeGb, VolumeType: 'gp3' } },
                    ],
                  },
          },
        },
        [`Ce${i}`]: {
          Type: 'AWS::Batch::ComputeEnvironment',
          Metadata: usage({ monthlyInstanceHours: spec.instanceHours, monthlyGpuHours: spec.gpuHours }),
          Properties: {
            Type: 'MANAGED',
            ComputeResources: {
              Type: spec.spot ? 'SPOT' : 'EC2',
              InstanceTypes: [...spec.instanceTypes],
              MinvCpus: spec.minVcpus,
              MaxvCpus: spec.maxVcpus,
              ...(spec.bidPercentage !== undefined ? { BidPercentage: spec.bidPercentage } : {}),
              LaunchTemplate: { LaunchTemplateId: { Ref: `Lt${i}` } },
              Subnets: ['subnet-1'],
            },
          },
        },
      };
    case 'sagemaker':
      return {
        [`Cfg${i}`]: {
          Type: 'AWS::SageMaker::EndpointConfig',
          Metadata: usage({ averageInstanceCount: spec.averageInstances }),
          Properties: {
            ProductionVariants: [
              {
                VariantName: 'AllTraffic',
                InstanceType: spec.instanceType,
                InitialInstanceCount: spec.initialInstances,
                ...(spec.volumeGb !== undefined ? { VolumeSizeInGB: spec.volumeGb } : {}),
              },
            ],
          },
        },
        [`Ep${i}`]: {
          Type: 'AWS::SageMaker::Endpoint',
          Properties: { EndpointConfigName: { 'Fn::GetAtt': [`Cfg${i}`, 'EndpointConfigName'] } },
        },
        ...(spec.scaling
          ? {
              [`Target${i}`]: {
                Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
                Properties: {
                  ServiceNamespace: 'sagemaker',
                  ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
                  MinCapacity: spec.scaling.min,
                  MaxCapacity: spec.scaling.max,
                  ResourceId: {
                    'Fn::Join': [
                      '',
                      ['endpoint/', { 'Fn::GetAtt': [`Ep${i}`, 'EndpointName'] }, '/variant/AllTraffic'],
                    ],
                  },
                },
              },
            }
          : {}),
      };
    case 'bucket':
      return {
        [`Bucket${i}`]: {
          Type: 'AWS::S3::Bucket',
          Metadata: usage({ storageGb: spec.storageGb, monthlyRequests: spec.requests }),
          Properties: spec.versioning ? { VersioningConfiguration: { Status: 'Enabled' } } : {},
        },
      };
    case 'other':
      return { [`Other${i}`]: { Type: spec.type, Properties: {} } };
  }
}

function templateOf(specs: readonly Spec[]): Record<string, unknown> {
  return { Resources: Object.assign({}, ...specs.map((s, i) => resourcesOf(s, i))) };
}

function price(specs: readonly Spec[], region = 'us-east-1'): CostReport {
  return estimate(
    { template: templateOf(specs), stackName: 'Gen' },
    { region, catalog: CATALOG, generatedAt: PINNED },
  );
}

function ordered(r: CostRange): boolean {
  return r.min <= r.expected + EPS && r.expected <= r.max + EPS;
}

function atLeast(bigger: CostRange, smaller: CostRange): boolean {
  return (
    bigger.min >= smaller.min - EPS &&
    bigger.expected >= smaller.expected - EPS &&
    bigger.max >= smaller.max - EPS
  );
}

// ---------------------------------------------------------------------------------------------
// Properties of the estimate
// ---------------------------------------------------------------------------------------------

describe('estimate invariants over generated templates and usage', () => {
  test('stack totals equal the sum of in-totals lines, and report totals the sum of stacks (to the cent)', () => {
    fc.assert(
      fc.property(specsArb, fc.constantFrom('us-east-1', 'eu-west-1'), (specs, region) => {
        const report = price(specs, region);
        for (const stack of report.stacks) {
          const inTotals = stack.lines.filter((l) => l.inTotals);
          for (const k of ['min', 'expected', 'max'] as const) {
            const sum = inTotals.reduce((a, l) => a + l.monthly[k], 0);
            expect(Math.abs(stack.totals[k] - sum)).toBeLessThan(CENT);
          }
          // lines kept out of totals carry no amount
          for (const l of stack.lines.filter((x) => !x.inTotals))
            expect(l.monthly).toEqual({ min: 0, expected: 0, max: 0 });
        }
        for (const k of ['min', 'expected', 'max'] as const) {
          const sum = report.stacks.reduce((a, s) => a + s.totals[k], 0);
          expect(Math.abs(report.totals[k] - sum)).toBeLessThan(CENT);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('0 ≤ min ≤ expected ≤ max on every line and on the totals', () => {
    fc.assert(
      fc.property(specsArb, (specs) => {
        const report = price(specs);
        for (const stack of report.stacks) {
          for (const line of stack.lines) {
            expect(line.monthly.min, `${line.logicalId} ${line.component}`).toBeGreaterThanOrEqual(0);
            expect(
              ordered(line.monthly),
              `${line.logicalId} ${line.component} ${JSON.stringify(line.monthly)}`,
            ).toBe(true);
          }
          expect(ordered(stack.totals), JSON.stringify(stack.totals)).toBe(true);
        }
        expect(ordered(report.totals)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  test.each([
    [
      'a scalable target with MaxCapacity below MinCapacity',
      {
        kind: 'sagemaker',
        instanceType: 'ml.g5.xlarge',
        initialInstances: 1,
        scaling: { min: 2, max: 1 },
      } satisfies SageMakerSpec,
      'Target0 (AWS::ApplicationAutoScaling::ScalableTarget): MinCapacity 2 is above MaxCapacity 1',
    ],
    [
      'a compute environment with MinvCpus above MaxvCpus',
      {
        kind: 'batch',
        spot: false,
        instanceTypes: ['m5.large'],
        minVcpus: 1,
        maxVcpus: 0,
      } satisfies BatchSpec,
      'Ce0 (AWS::Batch::ComputeEnvironment): ComputeResources.MinvCpus 1 is above ComputeResources.MaxvCpus 0',
    ],
  ] as const)(
    'regression (issue 15): %s is refused before pricing, never priced as a range with max under min',
    (_what, spec, message) => {
      // WHEN / THEN: CloudFormation would refuse the stack; the estimate names the property
      expect(() => price([spec])).toThrow(CostInputError);
      expect(() => price([spec])).toThrow(message);
    },
  );

  test('every resource is priced, free or unpriced: nothing unknown is folded in as $0', () => {
    fc.assert(
      fc.property(specsArb, (specs) => {
        const stack = price(specs).stacks[0];
        const template = templateOf(specs).Resources as Record<string, unknown>;
        const seen = new Set([
          ...stack.lines.map((l) => l.logicalId),
          ...stack.unpriced.map((u) => u.logicalId),
          ...stack.free.map((f) => f.logicalId),
        ]);
        expect([...seen].sort()).toEqual(Object.keys(template).sort());
        for (const u of stack.unpriced.filter((x) => x.resourceType === 'AWS::Foo::Bar')) {
          expect(stack.lines.some((l) => l.logicalId === u.logicalId)).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
  });

  /** A spec with more capacity or more hours than the one given (or the same spec when it has neither). */
  function grown(spec: Spec, d: number): Spec {
    switch (spec.kind) {
      case 'batch':
        return {
          ...spec,
          maxVcpus: spec.maxVcpus + d,
          ...(spec.instanceHours !== undefined ? { instanceHours: spec.instanceHours + d } : {}),
          ...(spec.gpuHours !== undefined ? { gpuHours: spec.gpuHours + d } : {}),
        };
      case 'sagemaker':
        return {
          ...spec,
          ...(spec.scaling ? { scaling: { ...spec.scaling, max: spec.scaling.max + d } } : {}),
          ...(spec.averageInstances !== undefined
            ? { averageInstances: spec.averageInstances + d / 10 }
            : {}),
        };
      case 'endpoint':
        return { ...spec, subnets: Math.min(3, spec.subnets + 1), dataGb: (spec.dataGb ?? 0) + d };
      case 'nat':
        return { ...spec, dataGb: (spec.dataGb ?? 0) + d };
      case 'bucket':
        return { ...spec, storageGb: (spec.storageGb ?? 0) + d };
      case 'kms':
        return { ...spec, requests: (spec.requests ?? 0) + d };
      default:
        return spec;
    }
  }

  test('more capacity (MaxvCpus, MaxCapacity, subnets) or more hours and data never cost less', () => {
    fc.assert(
      fc.property(specsArb, fc.nat(), fc.integer({ min: 1, max: 512 }), (specs, pick, d) => {
        const i = pick % specs.length;
        const bigger = specs.map((s, k) => (k === i ? grown(s, d) : s));
        const before = price(specs).stacks[0];
        const after = price(bigger).stacks[0];
        expect(
          atLeast(after.totals, before.totals),
          `${JSON.stringify(specs[i])} → ${JSON.stringify(bigger[i])}`,
        ).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  test('one more NAT gateway never costs less', () => {
    fc.assert(
      fc.property(specsArb, natArb, (specs, nat) => {
        const before = price(specs).stacks[0];
        const after = price([...specs, nat]).stacks[0];
        expect(atLeast(after.totals, before.totals)).toBe(true);
        expect(after.totals.min).toBeGreaterThan(before.totals.min);
      }),
      { numRuns: RUNS },
    );
  });

  test('spot never costs more than on-demand for the same capacity', () => {
    fc.assert(
      fc.property(
        batchArb,
        fc.array(specArb, { maxLength: 4 }),
        fc.constantFrom('us-east-1', 'eu-west-1'),
        (ce, rest, region) => {
          const spot = price([{ ...ce, spot: true }, ...rest], region).stacks[0];
          const onDemand = price([{ ...ce, spot: false }, ...rest], region).stacks[0];
          expect(
            atLeast(onDemand.totals, spot.totals),
            `${JSON.stringify(spot.totals)} vs ${JSON.stringify(onDemand.totals)}`,
          ).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('the same input gives byte-identical JSON (generatedAt pinned)', () => {
    fc.assert(
      fc.property(specsArb, (specs) => {
        expect(renderJson(price(specs))).toBe(renderJson(price(structuredClone(specs))));
      }),
      { numRuns: 50 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The loader and resolver on random and mutated input
// ---------------------------------------------------------------------------------------------

/** Only our error type may escape: anything else is a bug (a TypeError on a malformed node, ...). */
function onlyCostInputError(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof CostInputError)) throw e;
  }
}

const INTRINSICS = [
  'Ref',
  'Fn::GetAtt',
  'Fn::Join',
  'Fn::Sub',
  'Fn::If',
  'Fn::Select',
  'Fn::Split',
  'Fn::FindInMap',
  'Fn::GetAZs',
  'Fn::Base64',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::Cidr',
  'Fn::ImportValue',
  'Condition',
];
const NAMES = ['Nat0', 'Ce0', 'Cfg0', 'Ep0', 'P', 'Cond', 'AWS::Region', 'AWS::NoValue', 'Map', 'x'];

/** JSON with CloudFormation intrinsics sprinkled in. */
const cfnValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      fc.constantFrom(...NAMES),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.string({ maxLength: 8 }),
    ),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom('Type', 'Properties', 'Metadata', 'Condition', 'DependsOn', 'x'),
      tie('value'),
      {
        maxKeys: 3,
      },
    ),
    fc.tuple(fc.constantFrom(...INTRINSICS), tie('value')).map(([fn, arg]) => ({ [fn]: arg })),
  ),
})).value;

const TYPES = [
  'AWS::EC2::NatGateway',
  'AWS::EC2::VPCEndpoint',
  'AWS::KMS::Key',
  'AWS::CloudWatch::Alarm',
  'AWS::Batch::ComputeEnvironment',
  'AWS::SageMaker::EndpointConfig',
  'AWS::SageMaker::Endpoint',
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::S3::Bucket',
  'AWS::EC2::LaunchTemplate',
  'AWS::Lambda::Function',
  'AWS::Logs::LogGroup',
  'AWS::Foo::Bar',
];

/** A template-shaped document whose sections and properties are random. */
const randomTemplate: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    Parameters: fc.dictionary(fc.constantFrom('P', 'Q'), cfnValue, { maxKeys: 2 }),
    Conditions: fc.dictionary(fc.constantFrom('Cond', 'Other'), cfnValue, { maxKeys: 2 }),
    Mappings: fc.dictionary(fc.constantFrom('Map'), cfnValue, { maxKeys: 1 }),
    Resources: fc.dictionary(
      fc.constantFrom(...NAMES.slice(0, 5)),
      fc.record(
        {
          Type: fc.constantFrom(...TYPES),
          Properties: fc.dictionary(fc.string({ maxLength: 12 }), cfnValue, { maxKeys: 4 }),
          Metadata: fc.oneof(cfnValue, fc.record({ [USAGE_METADATA_KEY]: cfnValue })),
          Condition: cfnValue,
        },
        { requiredKeys: ['Type'] },
      ),
      { maxKeys: 5 },
    ),
  },
  { requiredKeys: ['Resources'] },
);

/** The reference platform's dev template from the latest synth, when it is there and whole. */
function synthFixture(): Record<string, unknown> | undefined {
  const path = join(resolve(__dirname, '../..'), 'cdk.out', 'MlPlatform-dev.template.json');
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined; // a synth is writing it right now
  }
}

/** A real template: from cdk.out, else synthesized in-process (slow: only when no synth output exists). */
async function realTemplate(): Promise<Record<string, unknown>> {
  const fromDisk = synthFixture();
  if (fromDisk) return fromDisk;
  const { App } = await import('aws-cdk-lib');
  const { MlPlatformStack } = await import('../../lib/platform-stack');
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MlPlatformStack(app, 'MlPlatform-dev', { preset: 'dev', env: { region: 'us-east-1' } });
  return app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
}

type Path = readonly (string | number)[];

/** Every node's path (objects and arrays), so a mutation can reach any of them. */
function nodePaths(root: unknown): Path[] {
  const out: Path[] = [];
  const walk = (node: unknown, path: Path): void => {
    out.push(path);
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...path, i]));
    else if (typeof node === 'object' && node !== null)
      for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
  };
  walk(root, []);
  return out;
}

/** Deletes the node at `path`, or replaces it with `replacement`. */
function mutate(root: Record<string, unknown>, path: Path, replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return remove ? {} : replacement;
  // an earlier mutation replaced the whole document with a scalar: nothing left to mutate
  if (typeof root !== 'object' || root === null) return root;
  const copy = structuredClone(root);
  let parent: unknown = copy;
  for (const key of path.slice(0, -1)) {
    parent = (parent as Record<string | number, unknown>)[key];
    // an earlier mutation replaced or removed this branch: nothing left to mutate here
    if (typeof parent !== 'object' || parent === null) return copy;
  }
  const last = path[path.length - 1];
  if (remove) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete (parent as Record<string, unknown>)[last as string];
  } else (parent as Record<string | number, unknown>)[last] = replacement;
  return copy;
}

describe('the template loader and resolver throw nothing but CostInputError', () => {
  test('on random text, JSON or YAML', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
          fc.jsonValue({ maxDepth: 4 }).map((v) => `Resources:\n  ${JSON.stringify(v)}\n`),
          fc.constantFrom(
            '!Ref',
            'Resources: !GetAtt',
            'a: *x',
            '{',
            '[',
            '---\n...',
            'Resources:\n  A: !Sub [1, 2]',
          ),
        ),
        (text) => onlyCostInputError(() => parseTemplateText(text, 'random.yaml')),
      ),
      { numRuns: 200 },
    );
  });

  test('on random template-shaped documents, through the whole estimate', () => {
    fc.assert(
      fc.property(randomTemplate, (template) => {
        onlyCostInputError(() =>
          estimate(
            { template, stackName: 'Random' },
            { region: 'us-east-1', catalog: CATALOG, generatedAt: PINNED },
          ),
        );
      }),
      { numRuns: 200 },
    );
  });

  test('on a real synthesized template with random nodes deleted or replaced', async () => {
    const real = await realTemplate();
    const paths = nodePaths(real);
    expect(paths.length).toBeGreaterThan(100);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: paths.length - 1 }), fc.boolean(), cfnValue), {
          minLength: 1,
          maxLength: 3,
        }),
        (mutations) => {
          let doc: unknown = real;
          for (const [index, remove, replacement] of mutations) {
            doc = mutate(doc as Record<string, unknown>, paths[index], replacement, remove);
          }
          onlyCostInputError(() =>
            resolveTemplate(checkTemplate(doc, 'mutated.json'), { stackName: 'M', region: 'us-east-1' }),
          );
          onlyCostInputError(() =>
            estimate(
              { template: doc as Record<string, unknown>, stackName: 'MlPlatform-dev' },
              { region: 'us-east-1', catalog: CATALOG, generatedAt: PINNED },
            ),
          );
        },
      ),
      { numRuns: 150 },
    );
    // The reference template grew with the data plane; synthesis plus 150 estimates takes over a
    // minute on a loaded machine.
  }, 180_000);
});
