/**
 * One table of bad input across every construct and the `cdk-ml-cost` CLI (issue 9).
 *
 * Constructs: each row must throw `MlPlatformValidationError` whose message names the prop and
 * renders the value received. CLI: each row must exit 2 with exactly one line on stderr naming the
 * argument and the value, print no stack trace, and leave every file as it was (no `--out`
 * target, catalogs byte-identical).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type IInferenceEndpoint,
  InferenceEndpoint,
  InferenceInstanceType,
  InferenceModel,
  ModelImage,
  RolloutStrategy,
} from '../../constructs/inference';
import {
  applyCostAllocationTags,
  BatchJobEventRules,
  BatchQueueMetrics,
  CostGuardrails,
  InferenceMonitoring,
  PlatformAlarmTopic,
  PlatformDashboard,
  PlatformMonitoring,
  TrainingMonitoring,
} from '../../constructs/monitoring';
import { MlNetwork } from '../../constructs/network';
import { EncryptedBucket, MlDataStore, ModelImageRepository } from '../../constructs/storage';
import {
  GpuLaunchTemplate,
  GpuTrainingCluster,
  SpotToOnDemandRetry,
  TrainingReservation,
  TrainingScratchFileSystem,
  type IGpuTrainingCluster,
} from '../../constructs/training';
import { mixedTemplate } from '../../bench/scale-template';
import { main } from '../../cost/cli/main';
import { estimate } from '../../cost/index';
import { renderJson } from '../../cost/render/json';
import type { CliIo } from '../../cost/cli/io';
import { MlPlatformValidationError } from '../../constructs/core/errors';
import { readPlatformConfig } from '../../lib/config';
import { MlPlatformStack } from '../../lib/platform-stack';

const ROOT = resolve(__dirname, '../..');
const ENV = { account: '123456789012', region: 'us-east-1' };
/** Skips esbuild bundling of Lambda code: no row gets that far, and it keeps the suite fast. */
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };
const STACK_TRACE = /\bat .*:\d+:\d+/;

// ---------------------------------------------------------------------------------------------
// Constructs
// ---------------------------------------------------------------------------------------------

/** A fresh stack with imported (resource-free) collaborators, one per row. */
function fixtures() {
  const stack = new Stack(new App({ context: NO_BUNDLING }), 'Bad', { env: ENV });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0aaaaaaaaaaaaaaa2'],
  });
  const key = kms.Key.fromKeyArn(
    stack,
    'Key',
    'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
  );
  const bucket = s3.Bucket.fromBucketAttributes(stack, 'Bucket', {
    bucketName: 'ml-artifacts-123456789012',
    encryptionKey: key,
  });
  const topic = sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:us-east-1:123456789012:ml-alarms');
  const queue = batch.JobQueue.fromJobQueueArn(
    stack,
    'Queue',
    'arn:aws:batch:us-east-1:123456789012:job-queue/research-spot',
  );
  const image = ModelImage.fromImageUri(
    '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-gpu-py311',
  );
  return { stack, vpc, key, bucket, topic, queue, image };
}
type Fx = ReturnType<typeof fixtures>;

const TRAINING_IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12');

function cluster(fx: Fx, props: Partial<ConstructorParameters<typeof GpuTrainingCluster>[2]> = {}) {
  return new GpuTrainingCluster(fx.stack, 'Cluster', {
    vpc: fx.vpc,
    checkpointBucket: fx.bucket,
    ...props,
  });
}

const RESERVED = {
  reservationId: 'cr-0123456789abcdef0',
  instanceType: new ec2.InstanceType('p5.48xlarge'),
  availabilityZone: 'us-east-1a',
  instanceCount: 2,
};

function reserved(override: Partial<typeof RESERVED> & { name?: string } = {}): TrainingReservation {
  return TrainingReservation.capacityReservation({ ...RESERVED, ...override });
}

function endpoint(fx: Fx, props: Partial<ConstructorParameters<typeof InferenceEndpoint>[2]> = {}) {
  return new InferenceEndpoint(fx.stack, 'Endpoint', {
    vpc: fx.vpc,
    image: fx.image,
    instanceType: InferenceInstanceType.ML_G5_XLARGE,
    dataCapture: { enabled: false },
    ...props,
  } as ConstructorParameters<typeof InferenceEndpoint>[2]);
}

/**
 * What monitoring needs of a training cluster, built from imported queues. The monitors validate
 * their thresholds before they read anything else from the cluster.
 */
class ImportedCluster extends Construct {
  public readonly clusterName = 'research';
  public readonly capacityTimeout = Duration.hours(1);
  public readonly spotQueue: batch.IJobQueue;
  public readonly jobQueues: batch.IJobQueue[];
  constructor(scope: Construct, id: string, queue: batch.IJobQueue) {
    super(scope, id);
    this.spotQueue = queue;
    this.jobQueues = [queue];
  }
}

/** An endpoint seen by monitoring, with no variants (which monitoring must refuse before it reads metrics). */
class VariantlessEndpoint extends Construct {
  public readonly endpointName = 'churn';
  public readonly variantNames: string[] = [];
  public readonly mode = 'real-time';
  public readonly rollbackAlarms = [];
}

/** [what, build, prop named in the message, value as the message renders it] */
type ConstructRow = [string, (fx: Fx) => unknown, string, string];

const CONSTRUCT_ROWS: ConstructRow[] = [
  // network
  ['MlNetwork: one AZ', (fx) => new MlNetwork(fx.stack, 'Net', { maxAzs: 1 }), 'maxAzs', '1'],
  [
    'MlNetwork: more NAT gateways than AZs',
    (fx) => new MlNetwork(fx.stack, 'Net', { maxAzs: 2, natGateways: 3 }),
    'natGateways',
    '3',
  ],
  [
    'MlNetwork: a /28 CIDR',
    (fx) => new MlNetwork(fx.stack, 'Net', { cidr: '10.0.0.0/28' }),
    'cidr',
    '"10.0.0.0/28"',
  ],
  [
    'MlNetwork: an unknown interface endpoint',
    (fx) => new MlNetwork(fx.stack, 'Net', { interfaceEndpoints: ['dynamo' as never] }),
    'interfaceEndpoints',
    '"dynamo"',
  ],
  // storage
  [
    'EncryptedBucket: expiry after 0 days',
    (fx) => new EncryptedBucket(fx.stack, 'B', { expiration: Duration.days(0) }),
    'expiration',
    '0',
  ],
  [
    'EncryptedBucket: negative expected storage',
    (fx) => new EncryptedBucket(fx.stack, 'B', { expectedStorageGb: -1 }),
    'expectedStorageGb',
    '-1',
  ],
  [
    'EncryptedBucket: a transition to Standard-IA before 30 days',
    (fx) =>
      new EncryptedBucket(fx.stack, 'B', {
        transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, after: Duration.days(7) }],
      }),
    'transitions[0].after',
    '"7 days"',
  ],
  [
    'EncryptedBucket: Object Lock retention of 0 days',
    (fx) => new EncryptedBucket(fx.stack, 'B', { objectLockRetention: Duration.days(0) }),
    'objectLockRetention',
    '0',
  ],
  [
    'MlDataStore: checkpoints expire after 0 days',
    (fx) => new MlDataStore(fx.stack, 'Data', { checkpointExpiration: Duration.days(0) }),
    'checkpointExpiration',
    '0',
  ],
  [
    'MlDataStore: model artifacts kept 40000 days',
    (fx) => new MlDataStore(fx.stack, 'Data', { modelArtifactsRetention: Duration.days(40000) }),
    'modelArtifactsRetention',
    '40000',
  ],
  [
    'ModelImageRepository: keeps no image',
    (fx) => new ModelImageRepository(fx.stack, 'Images', { maxImageCount: 0 }),
    'maxImageCount',
    '0',
  ],
  [
    'ModelImageRepository: an upper-case name',
    (fx) => new ModelImageRepository(fx.stack, 'Images', { repositoryName: 'Models' }),
    'repositoryName',
    '"Models"',
  ],
  // training
  [
    'GpuTrainingCluster: a CPU instance type',
    (fx) => cluster(fx, { instanceTypes: [new ec2.InstanceType('c5.xlarge')] }),
    'instanceTypes[0]',
    '"c5.xlarge"',
  ],
  ['GpuTrainingCluster: a zero GPU cap', (fx) => cluster(fx, { maxGpus: 0 }), 'maxGpus', '0'],
  [
    'GpuTrainingCluster: minGpus above maxGpus',
    (fx) => cluster(fx, { minGpus: 9, maxGpus: 8 }),
    'minGpus',
    '9',
  ],
  [
    'GpuTrainingCluster: a spot bid above 100%',
    (fx) => cluster(fx, { spotBidPercentage: 120 }),
    'spotBidPercentage',
    '120',
  ],
  [
    'GpuTrainingCluster: a capacity timeout of 5 minutes',
    (fx) => cluster(fx, { capacityTimeout: Duration.minutes(5) }),
    'capacityTimeout',
    '"300 seconds"',
  ],
  [
    'GpuTrainingCluster: a cluster name with a space',
    (fx) => cluster(fx, { clusterName: 'team a' }),
    'clusterName',
    '"team a"',
  ],
  [
    'GpuTrainingCluster: fallback after 0 spot reclaims',
    (fx) => cluster(fx, { onDemandFallback: { maxGpus: 4, afterSpotReclaims: 0 } }),
    'onDemandFallback.afterSpotReclaims',
    '0',
  ],
  [
    'GpuTrainingCluster: a reservation in a zone the cluster has no subnet in',
    (fx) => cluster(fx, { reservedCapacity: [reserved({ availabilityZone: 'us-east-1f' })] }),
    'reservedCapacity[0].availabilityZone',
    '"us-east-1f"',
  ],
  [
    'GpuTrainingCluster: a reservation of no instances',
    (fx) => cluster(fx, { reservedCapacity: [reserved({ instanceCount: 0 })] }),
    'reservedCapacity[0].instanceCount',
    '0',
  ],
  [
    'GpuTrainingCluster: a reservation of a CPU instance type',
    (fx) =>
      cluster(fx, { reservedCapacity: [reserved({ instanceType: new ec2.InstanceType('c5.24xlarge') })] }),
    'reservedCapacity[0].instanceType',
    '"c5.24xlarge"',
  ],
  [
    'GpuTrainingCluster: a Capacity Block that has ended',
    (fx) =>
      cluster(fx, {
        reservedCapacity: [
          TrainingReservation.capacityBlock({ ...RESERVED, endsAt: '2020-01-15T11:30:00Z' }),
        ],
      }),
    'reservedCapacity[0].endsAt',
    '"2020-01-15T11:30:00Z"',
  ],
  [
    'GpuTrainingCluster: a Capacity Block end that is not ISO-8601',
    (fx) =>
      cluster(fx, {
        reservedCapacity: [TrainingReservation.capacityBlock({ ...RESERVED, endsAt: '15/01/2027 11:30' })],
      }),
    'reservedCapacity[0].endsAt',
    '"15/01/2027 11:30"',
  ],
  [
    'GpuTrainingCluster: one reservation listed twice',
    (fx) => cluster(fx, { reservedCapacity: [reserved(), reserved({ name: 'again' })] }),
    'reservedCapacity[1].reservationId',
    '"cr-0123456789abcdef0"',
  ],
  [
    'GpuTrainingCluster: an FSx size Lustre does not offer',
    (fx) => cluster(fx, { fsx: { storageCapacityGiB: 1000 } }),
    'fsx.storageCapacityGiB',
    '1000',
  ],
  [
    'GpuTrainingCluster: a zero fair share',
    (fx) => cluster(fx, { fairShare: { shares: { vision: 0 } } }),
    'fairShare.shares.vision',
    '0',
  ],
  [
    'GpuTrainingCluster: negative expected GPU-hours',
    (fx) => cluster(fx, { expectedUsage: { monthlyGpuHours: -5 } }),
    'expectedUsage.monthlyGpuHours',
    '-5',
  ],
  [
    'GpuTrainingCluster: NaN expected instance-hours',
    (fx) => cluster(fx, { expectedUsage: { monthlyInstanceHours: Number.NaN } }),
    'expectedUsage.monthlyInstanceHours',
    'NaN',
  ],
  [
    'GpuTrainingCluster: a 20 GiB root volume',
    (fx) => cluster(fx, { rootVolumeSize: Size.gibibytes(20) }),
    'rootVolumeSize',
    '"20 GiB"',
  ],
  [
    'GpuTrainingCluster.addGpuJob: 11 retry attempts',
    (fx) => cluster(fx).addGpuJob('Job', { image: TRAINING_IMAGE, retryAttempts: 11 }),
    'retryAttempts',
    '11',
  ],
  [
    'GpuTrainingCluster.addMultiNodeJob: one node',
    (fx) => cluster(fx).addMultiNodeJob('Job', { image: TRAINING_IMAGE, nodes: 1 }),
    'nodes',
    '1',
  ],
  [
    'GpuLaunchTemplate: 33 EFA interfaces',
    (fx) =>
      new GpuLaunchTemplate(fx.stack, 'Lt', {
        clusterName: 'c',
        metricsNamespace: 'N',
        encryptionKey: fx.key,
        efaInterfaces: 33,
        securityGroup: ec2.SecurityGroup.fromSecurityGroupId(fx.stack, 'Sg', 'sg-0123456789abcdef0'),
      }),
    'efaInterfaces',
    '33',
  ],
  [
    'TrainingScratchFileSystem: 3000 GiB',
    (fx) =>
      new TrainingScratchFileSystem(fx.stack, 'Fsx', {
        storageCapacityGiB: 3000,
        vpc: fx.vpc,
        subnet: fx.vpc.privateSubnets[0],
        securityGroup: ec2.SecurityGroup.fromSecurityGroupId(fx.stack, 'Sg', 'sg-0123456789abcdef0'),
        encryptionKey: fx.key,
      }),
    'storageCapacityGiB',
    '3000',
  ],
  [
    'SpotToOnDemandRetry: fallback after 0 reclaims',
    (fx) =>
      new SpotToOnDemandRetry(fx.stack, 'Retry', {
        spotQueues: [fx.queue],
        onDemandQueue: fx.queue,
        afterSpotReclaims: 0,
        vpc: fx.vpc,
        encryptionKey: fx.key,
      }),
    'afterSpotReclaims',
    '0',
  ],
  // inference
  [
    'InferenceInstanceType: a type without the ml. prefix',
    () => InferenceInstanceType.of('g5.xlarge'),
    'instanceType',
    '"g5.xlarge"',
  ],
  ['InferenceEndpoint: an unknown mode', (fx) => endpoint(fx, { mode: 'batch' as never }), 'mode', '"batch"'],
  [
    'InferenceEndpoint: autoscaling minimum above maximum',
    (fx) => endpoint(fx, { autoScaling: { minCapacity: 4, maxCapacity: 2 } }),
    'autoScaling.minCapacity',
    '4',
  ],
  [
    'InferenceEndpoint: 150% data capture',
    (fx) => endpoint(fx, { dataCapture: { bucket: fx.bucket, samplingPercentage: 150 } }),
    'dataCapture.samplingPercentage',
    '150',
  ],
  [
    'InferenceEndpoint: an endpoint name with an underscore',
    (fx) => endpoint(fx, { endpointName: 'churn_prod' }),
    'endpointName',
    '"churn_prod"',
  ],
  [
    'InferenceEndpoint: negative expected instances',
    (fx) => endpoint(fx, { expectedUsage: { averageInstanceCount: -1 } }),
    'expectedUsage.averageInstanceCount',
    '-1',
  ],
  [
    'InferenceEndpoint: serverless concurrency of 500',
    (fx) =>
      endpoint(fx, {
        mode: 'serverless',
        instanceType: undefined,
        serverless: { memorySize: Size.gibibytes(2), maxConcurrency: 500 },
      }),
    'serverless.maxConcurrency',
    '500',
  ],
  [
    'InferenceEndpoint: a 60% canary',
    (fx) => endpoint(fx, { deployment: { strategy: RolloutStrategy.canary({ canaryPercent: 60 }) } }),
    'deployment.strategy.canaryPercent',
    '60',
  ],
  [
    'InferenceEndpoint.fromEndpointAttributes: a name with a space',
    (fx) => InferenceEndpoint.fromEndpointAttributes(fx.stack, 'Imported', { endpointName: 'churn prod' }),
    'endpointName',
    '"churn prod"',
  ],
  [
    'InferenceModel: an absolute model data key',
    (fx) =>
      new InferenceModel(fx.stack, 'Model', {
        image: fx.image,
        modelData: { bucket: fx.bucket, key: '/models/model.tar.gz' },
      }),
    'modelData.key',
    '"/models/model.tar.gz"',
  ],
  [
    'InferenceModel: a VPC imported without its CIDR block (the egress rule needs it) and no own groups',
    (fx) =>
      new InferenceModel(fx.stack, 'Model', {
        image: fx.image,
        vpc: ec2.Vpc.fromVpcAttributes(fx.stack, 'NoCidr', {
          vpcId: 'vpc-0fedcba9876543210',
          availabilityZones: ['us-east-1a'],
          isolatedSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1'],
        }),
      }),
    'vpc',
    '"vpc-0fedcba9876543210"',
  ],
  [
    'InferenceModel: an environment name starting with a digit',
    (fx) => new InferenceModel(fx.stack, 'Model', { image: fx.image, environment: { '1MODEL': 'x' } }),
    'environment',
    '"1MODEL"',
  ],
  // monitoring
  [
    'PlatformAlarmTopic: not an e-mail address',
    (fx) => new PlatformAlarmTopic(fx.stack, 'Alarms', { emails: ['ops.example.com'] }),
    'emails[0]',
    '"ops.example.com"',
  ],
  [
    'CostGuardrails: a zero budget',
    (fx) =>
      new CostGuardrails(fx.stack, 'Costs', {
        platformName: 'vision',
        monthlyBudgetUsd: 0,
        alarmTopic: new PlatformAlarmTopic(fx.stack, 'Alarms').topic,
      }),
    'monthlyBudgetUsd',
    '0',
  ],
  [
    'CostGuardrails: an anomaly threshold of 0.5%',
    (fx) =>
      new CostGuardrails(fx.stack, 'Costs', {
        platformName: 'vision',
        monthlyBudgetUsd: 100,
        alarmTopic: new PlatformAlarmTopic(fx.stack, 'Alarms').topic,
        anomalyThresholdPercent: 0.5,
      }),
    'anomalyThresholdPercent',
    '0.5',
  ],
  [
    'PlatformDashboard: a name with spaces',
    (fx) => new PlatformDashboard(fx.stack, 'Dash', { platformName: 'vision', dashboardName: 'my board' }),
    'dashboardName',
    '"my board"',
  ],
  [
    'BatchQueueMetrics: a 90-second interval',
    (fx) => new BatchQueueMetrics(fx.stack, 'QueueMetrics', { vpc: fx.vpc, interval: Duration.seconds(90) }),
    'interval',
    '"1 minute 30 seconds"',
  ],
  [
    'BatchJobEventRules: no job queue',
    (fx) =>
      new BatchJobEventRules(fx.stack, 'Events', { clusterName: 'research', jobQueues: [], topic: fx.topic }),
    'jobQueues',
    '0',
  ],
  [
    'TrainingMonitoring: 150% idle GPU utilisation',
    (fx) =>
      new TrainingMonitoring(fx.stack, 'Training', {
        cluster: new ImportedCluster(fx.stack, 'Cluster', fx.queue) as unknown as IGpuTrainingCluster,
        alarmTopic: new PlatformAlarmTopic(fx.stack, 'Alarms').topic,
        queueMetrics: undefined as unknown as BatchQueueMetrics,
        thresholds: { idleGpuUtilizationPercent: 150 },
      }),
    'thresholds.idleGpuUtilizationPercent',
    '150',
  ],
  [
    'InferenceMonitoring: an endpoint without variants',
    (fx) =>
      new InferenceMonitoring(fx.stack, 'Inference', {
        endpoint: new VariantlessEndpoint(fx.stack, 'Endpoint') as unknown as IInferenceEndpoint,
        alarmTopic: new PlatformAlarmTopic(fx.stack, 'Alarms').topic,
      }),
    'endpoint.variantNames',
    '[]',
  ],
  [
    'PlatformMonitoring: a training cluster without a VPC for queue metrics',
    (fx) =>
      new PlatformMonitoring(fx.stack, 'Monitoring', { platformName: 'vision' }).monitorTrainingCluster(
        new ImportedCluster(fx.stack, 'Cluster', fx.queue) as unknown as IGpuTrainingCluster,
      ),
    'vpc',
    'undefined',
  ],
  [
    'applyCostAllocationTags: a reserved aws: tag value',
    (fx) => applyCostAllocationTags(fx.stack, { platform: 'aws:vision', environment: 'dev' }),
    'platform',
    '"aws:vision"',
  ],
  // composition
  [
    'readPlatformConfig: a region that is not one',
    () => readPlatformConfig({ region: 'mars' }),
    'region',
    '"mars"',
  ],
  [
    'MlPlatformStack: an unknown preset',
    () => new MlPlatformStack(new App({ context: NO_BUNDLING }), 'Platform', { preset: 'staging' as never }),
    'preset',
    '"staging"',
  ],
];

describe('constructs refuse bad props with MlPlatformValidationError naming the prop and the value', () => {
  test.each(CONSTRUCT_ROWS)('%s', (_what, build, prop, value) => {
    // GIVEN
    const fx = fixtures();
    // WHEN
    let thrown: unknown;
    try {
      build(fx);
    } catch (e) {
      thrown = e;
    }
    // THEN
    expect(thrown).toBeInstanceOf(MlPlatformValidationError);
    const error = thrown as MlPlatformValidationError;
    const problem = error.problems.find((p) => p.prop === prop);
    expect(problem, `no problem names ${prop}: ${error.message}`).toBeDefined();
    expect(error.message).toContain(`${prop} must be ${problem?.allowed}, got ${value}`);
    expect(error.message).toMatch(/^\[[^\]]+\] [\w.]+: /);
  });
});

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'bad-input-'));
const BUNDLED_CATALOG = join(ROOT, 'cost', 'catalog', 'catalog.json');
const OUT = 'report.out';

const TEMPLATE = {
  Resources: { Vm: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'm5.large' } } },
};

// Issue 15: hostile input, hostile files, scale.
const ASG = (min: unknown, max: unknown) =>
  JSON.stringify({
    Parameters: { Min: { Type: 'Number', Default: min } },
    Resources: {
      LT: {
        Type: 'AWS::EC2::LaunchTemplate',
        Properties: { LaunchTemplateData: { InstanceType: 'p5.48xlarge' } },
      },
      Asg: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: {
          MinSize: { Ref: 'Min' },
          MaxSize: max,
          LaunchTemplate: { LaunchTemplateId: { Ref: 'LT' }, Version: '1' },
        },
      },
    },
  });
/** `&a [x, x, ...]`, then `&b [*a, *a, ...]`, ...: a few KB that expand to billions of nodes. */
function aliasBomb(levels: number, width: number, indent = ''): string {
  const lines = [`${indent}a0: &a0 [${Array(width).fill('"xxxxxxxx"').join(', ')}]`];
  for (let i = 1; i < levels; i++)
    lines.push(
      `${indent}a${i}: &a${i} [${Array(width)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}
function nestedJoins(depth: number): string {
  let v: unknown = 'm5.large';
  for (let i = 0; i < depth; i++) v = { 'Fn::Join': ['', [v]] };
  return JSON.stringify({
    Resources: { Vm: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: v } } },
  });
}
function conditionChain(length: number): string {
  // C0 names C1, which names C2, ...: evaluating C0 (first in order) walks the whole chain.
  const Conditions: Record<string, unknown> = {};
  for (let i = 0; i < length - 1; i++) Conditions[`C${i}`] = { 'Fn::Not': [{ Condition: `C${i + 1}` }] };
  Conditions[`C${length - 1}`] = { 'Fn::Equals': ['a', 'a'] };
  return JSON.stringify({
    Conditions,
    Resources: {
      Vm: {
        Type: 'AWS::EC2::Instance',
        Condition: `C${length - 1}`,
        Properties: { InstanceType: 'm5.large' },
      },
    },
  });
}
/**
 * `levels` manifests, each nesting the next directory three times (ids A, B, C; `n` and `./n`):
 * read naively, 3^(levels-1) reads of the innermost assembly.
 */
function nestedTwiceAssembly(levels: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < levels; i++) {
    const d = ['dag', ...Array<string>(i).fill('n')].join('/');
    const nest = (directoryName: string) => ({ type: 'cdk:cloud-assembly', properties: { directoryName } });
    files[`${d}/manifest.json`] = JSON.stringify({
      version: '48.0.0',
      artifacts:
        i < levels - 1
          ? { A: nest('n'), B: nest('n'), C: nest('./n') }
          : { Dev: stackArtifact('Dev.template.json') },
    });
  }
  files[
    `dag/${Array<string>(levels - 1)
      .fill('n')
      .join('/')}/Dev.template.json`
  ] = JSON.stringify(TEMPLATE);
  return files;
}
const stackArtifact = (templateFile: string) => ({
  type: 'aws:cloudformation:stack',
  environment: 'aws://123456789012/us-east-1',
  properties: { templateFile },
});
/** A valid JSON report of vm.json, built in beforeAll and mutated by the malformed-report rows. */
let REPORT: Record<string, unknown>;

const FILES: Readonly<Record<string, string>> = {
  'vm.json': JSON.stringify(TEMPLATE),
  'garbage.txt': 'key: [unclosed\n  - x: :\n',
  'truncated.json': '{"Resources": {"Vm": ',
  'no-resources.json': '{"AWSTemplateFormatVersion": "2010-09-09", "Outputs": {}}',
  'typeless.json': '{"Resources": {"Vm": {"Properties": {}}}}',
  'plain-list.yaml': '- Resources\n- Vm\n',
  'unknown-tag.yaml': 'Resources:\n  Vm: !Instance m5.large\n',
  'not-assembly/readme.txt': 'not a cloud assembly\n',
  'bad-manifest/manifest.json': '{"version": "48.0.0", "artifacts": ',
  'lost-template/manifest.json': JSON.stringify({
    version: '48.0.0',
    artifacts: {
      Dev: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Dev.template.json' } },
    },
  }),
  'usage-syntax.yaml': 'vm:\n  Vm: [\n',
  'usage-negative.yaml': 'vm:\n  Vm:\n    monthlyInstanceHours: -1\n',
  'usage-nan.yaml': 'vm:\n  Vm:\n    monthlyInstanceHours: .nan\n',
  'usage-infinite.yaml': 'vm:\n  Vm:\n    monthlyInstanceHours: .inf\n',
  'usage-text.yaml': 'vm:\n  Vm:\n    monthlyInstanceHours: lots\n',
  'usage-unknown-key.yaml': 'vm:\n  Vm:\n    monthlyHours: 10\n',
  'usage-shape.yaml': '- vm\n- Vm\n',
  'usage-entry-shape.yaml': 'vm:\n  Vm: 10\n',
  'usage-typo.yaml': 'vm:\n  Vmm:\n    monthlyInstanceHours: 10\n',
  'catalog-truncated.json': '{"version": "2026-11", "regions": [',
  'catalog-corrupt.json': JSON.stringify({
    version: '2026-11',
    capturedAt: '2026-11-01',
    sources: {},
    regions: [
      {
        region: 'us-east-1',
        prices: [{ service: 'AmazonEC2', key: 'm5.large', unit: 'Hrs', value: -1 }],
      },
    ],
  }),
  'not-report.json': '{"schemaVersion": 2, "stacks": []}',
  'asg-negative.json': ASG(-1000, '1'),
  'asg-min-above-max.json': ASG(5, '2'),
  'asg-overflow.json': ASG(0, '1e308'),
  'asg-huge.json': ASG(0, '1e200'),
  'fn.json': JSON.stringify({
    Resources: {
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          MemorySize: 1024,
          Runtime: 'python3.12',
          Handler: 'x',
          Code: { ZipFile: 'x' },
          Role: 'arn:aws:iam::123456789012:role/x',
        },
      },
    },
  }),
  'usage-fn-overflow.yaml': 'fn:\n  Fn:\n    monthlyRequests: 1e300\n    averageDurationMs: 1e300\n',
  'asg-fraction.json': ASG(0, '2.5'),
  'endpoint-negative.json': JSON.stringify({
    Resources: {
      Config: {
        Type: 'AWS::SageMaker::EndpointConfig',
        Properties: {
          ProductionVariants: [
            { VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: -3 },
          ],
        },
      },
    },
  }),
  'bomb.yaml': `Resources:\n  Vm:\n    Type: AWS::EC2::Instance\n    Metadata:\n${aliasBomb(9, 9, '      ')}`,
  'usage-bomb.yaml': aliasBomb(9, 9),
  'deep-join.json': nestedJoins(1000),
  'deep-flow.yaml': `Resources:\n  Vm:\n    Type: AWS::EC2::Instance\n    Properties:\n      X: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`,
  'deep-block.yaml': `Resources:\n  Vm:\n    Type: AWS::EC2::Instance\n    Metadata:\n${Array.from({ length: 200 }, (_, i) => `${'  '.repeat(i + 3)}k:`).join('\n')} 1\n`,
  'usage-deep.yaml': `vm:\n  Vm:\n    note: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`,
  'commitments-nan.yaml': 'savingsPlans:\n  - type: compute\n    term: 1y\n    hourlyCommitment: .nan\n',
  'two-documents.yaml': 'Resources:\n  Vm:\n    Type: AWS::EC2::Instance\n---\nResources: {}\n',
  'deep-array.json': `{"Resources": {"Vm": {"Type": "AWS::EC2::Instance", "Properties": {"X": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}}}`,
  'condition-chain.json': conditionChain(2000),
  'control-chars.json': JSON.stringify({
    Resources: { '\u001b[2J\u001b[31mEvil\u009b': { Properties: {} } },
  }),
  'usage-no-stack.yaml': 'Nope:\n  Vm:\n    monthlyInstanceHours: 10\n',
  'usage-to-string.yaml': 'vm:\n  toString:\n    monthlyInstanceHours: 10\n',
  'cycle/manifest.json': JSON.stringify({
    version: '48.0.0',
    artifacts: { Self: { type: 'cdk:cloud-assembly', properties: { directoryName: '.' } } },
  }),
  'cycle-pair/manifest.json': JSON.stringify({
    version: '48.0.0',
    artifacts: { Inner: { type: 'cdk:cloud-assembly', properties: { directoryName: 'inner' } } },
  }),
  'cycle-pair/inner/manifest.json': JSON.stringify({
    version: '48.0.0',
    artifacts: { Outer: { type: 'cdk:cloud-assembly', properties: { directoryName: '..' } } },
  }),
  'usage-ok.yaml': 'vm:\n  Vm:\n    monthlyInstanceHours: 10\n',
  'good-assembly/manifest.json': JSON.stringify({
    version: '48.0.0',
    artifacts: { Dev: stackArtifact('Dev.template.json') },
  }),
  'good-assembly/Dev.template.json': JSON.stringify(TEMPLATE),
  'null-artifact/manifest.json': JSON.stringify({ version: '48.0.0', artifacts: { Dev: null } }),
  ...nestedTwiceAssembly(25),
  'escape-assembly/manifest.json': JSON.stringify({
    version: '48.0.0',
    artifacts: { Dev: stackArtifact('../vm.json') },
  }),
  'absolute-assembly/manifest.json': JSON.stringify({
    version: '48.0.0',
    artifacts: { Dev: stackArtifact('/etc/hostname') },
  }),
};

/** Every file under `root` (relative path → sha256), so a row can prove it wrote nothing. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const rel = prefix ? `${prefix}/${name}` : name;
      if (statSync(p).isDirectory()) {
        out[`${rel}/`] = 'dir';
        walk(p, rel);
      } else out[rel] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(root, '');
  return out;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Files that must stay out of `dir`'s snapshot (which reads every file): a FIFO would block the
 * snapshot itself, symlinks point elsewhere, a sparse file is large. Rows name them by absolute path.
 */
const sp = mkdtempSync(join(tmpdir(), 'bad-input-special-'));
const FIFO = join(sp, 'template.fifo');
const HUGE = join(sp, 'huge.json');
const OUT_LINK = join(sp, 'out-link.json');
const LOCKED_CATALOG = join(sp, 'locked-catalog.json');

beforeAll(() => {
  for (const [name, content] of Object.entries(FILES)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  mkdirSync(join(dir, 'empty-dir'));
  // BOM-prefixed copies of a template and a usage file (accepted: see the figures below)
  writeFileSync(join(dir, 'bom.json'), `\ufeff${FILES['vm.json']}`);
  writeFileSync(join(dir, 'victim.txt'), 'must survive\n');
  // an assembly whose template is a symlink leaving the assembly
  mkdirSync(join(dir, 'symlink-assembly'));
  symlinkSync(join(dir, 'vm.json'), join(dir, 'symlink-assembly', 'Dev.template.json'));
  writeFileSync(
    join(dir, 'symlink-assembly', 'manifest.json'),
    JSON.stringify({ version: '48.0.0', artifacts: { Dev: stackArtifact('Dev.template.json') } }),
  );
  expect(spawnSync('mkfifo', [FIFO]).status).toBe(0);
  // 65 MiB, sparse: above the 64 MiB input cap without using the disk
  writeFileSync(HUGE, '');
  truncateSync(HUGE, 65 * 1024 * 1024);
  symlinkSync(join(dir, 'victim.txt'), OUT_LINK);
  // a catalog whose refresh lock is held by a live process (this one)
  writeFileSync(LOCKED_CATALOG, readFileSync(BUNDLED_CATALOG));
  writeFileSync(
    `${LOCKED_CATALOG}.lock`,
    JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-12-05T00:00:00.000Z' }),
  );
  REPORT = JSON.parse(renderJson(estimate(join(dir, 'vm.json'), { region: 'us-east-1' }))) as Record<
    string,
    unknown
  >;
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(sp, { recursive: true, force: true });
});

async function cli(
  argv: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: dir, env };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const EST = ['estimate', 'vm.json', '--region', 'us-east-1', '--out', OUT];

/** [what, argv, argument named on stderr, value named on stderr] */
type CliRow = [string, readonly string[], string, string];

const CLI_ROWS: CliRow[] = [
  // commands and options
  ['no command', [], 'missing command', 'estimate, diff or prices'],
  ['an unknown command', ['estimat', 'vm.json'], 'unknown command', '"estimat"'],
  ['estimate: an unknown option', [...EST, '--regoin', 'us-east-1'], 'unknown option', '--regoin'],
  [
    'estimate: an option without its value',
    ['estimate', 'vm.json', '--out', OUT, '--region'],
    '--region',
    'needs a value',
  ],
  [
    'estimate: no input',
    ['estimate', '--region', 'us-east-1', '--out', OUT],
    'missing',
    '<cdk.out | template>',
  ],
  ['estimate: two inputs', [...EST, 'vm.json'], 'one input expected', 'vm.json vm.json'],
  ['estimate: an option given twice', [...EST, '--region', 'eu-west-1'], '--region', 'given twice'],
  // the input
  [
    'estimate: a missing path',
    ['estimate', 'missing.json', '--region', 'us-east-1', '--out', OUT],
    'missing.json',
    'no such file',
  ],
  [
    'estimate: a directory that is not a cloud assembly',
    ['estimate', 'not-assembly', '--out', OUT],
    'not-assembly',
    'not a cloud assembly',
  ],
  ['estimate: an empty directory', ['estimate', 'empty-dir', '--out', OUT], 'empty-dir', 'no manifest.json'],
  [
    'estimate: a manifest that is not JSON',
    ['estimate', 'bad-manifest', '--out', OUT],
    'bad-manifest/manifest.json',
    'not valid JSON',
  ],
  [
    'estimate: a manifest naming a missing template',
    ['estimate', 'lost-template', '--out', OUT],
    'Dev.template.json',
    'no such file',
  ],
  [
    'estimate: a file that is neither JSON nor YAML',
    ['estimate', 'garbage.txt', '--region', 'us-east-1', '--out', OUT],
    'garbage.txt',
    'neither JSON nor YAML',
  ],
  [
    'estimate: truncated JSON',
    ['estimate', 'truncated.json', '--region', 'us-east-1', '--out', OUT],
    'truncated.json',
    'not valid JSON',
  ],
  [
    'estimate: a template without Resources',
    ['estimate', 'no-resources.json', '--region', 'us-east-1', '--out', OUT],
    'no-resources.json',
    'no Resources section',
  ],
  [
    'estimate: a resource without Type',
    ['estimate', 'typeless.json', '--region', 'us-east-1', '--out', OUT],
    'typeless.json',
    'resource Vm has no Type',
  ],
  [
    'estimate: a YAML template with an unknown tag',
    ['estimate', 'unknown-tag.yaml', '--region', 'us-east-1', '--out', OUT],
    'unknown-tag.yaml',
    'resource Vm has no Type',
  ],
  [
    'estimate: a YAML list instead of a template',
    ['estimate', 'plain-list.yaml', '--region', 'us-east-1', '--out', OUT],
    'plain-list.yaml',
    'not a CloudFormation template',
  ],
  // region
  [
    'estimate: a region the catalog lacks',
    ['estimate', 'vm.json', '--region', 'xx-east-9', '--out', OUT],
    'region',
    'xx-east-9',
  ],
  [
    'estimate: a region that is not a region code',
    ['estimate', 'vm.json', '--region', 'mars', '--out', OUT],
    '--region',
    '"mars"',
  ],
  [
    'estimate: an environment-agnostic template without --region',
    ['estimate', 'vm.json', '--out', OUT],
    '--region',
    'environment-agnostic',
  ],
  // usage file
  ['estimate: a missing usage file', [...EST, '--usage', 'nope.yaml'], 'usage file', 'nope.yaml'],
  [
    'estimate: a usage file with a YAML syntax error',
    [...EST, '--usage', 'usage-syntax.yaml'],
    'usage-syntax.yaml',
    'not valid YAML or JSON',
  ],
  [
    'estimate: a negative usage number',
    [...EST, '--usage', 'usage-negative.yaml'],
    'vm.Vm.monthlyInstanceHours',
    'got -1',
  ],
  [
    'estimate: a NaN usage number',
    [...EST, '--usage', 'usage-nan.yaml'],
    'vm.Vm.monthlyInstanceHours',
    'got NaN',
  ],
  [
    'estimate: an infinite usage number',
    [...EST, '--usage', 'usage-infinite.yaml'],
    'vm.Vm.monthlyInstanceHours',
    'got Infinity',
  ],
  [
    'estimate: a usage number given as text',
    [...EST, '--usage', 'usage-text.yaml'],
    'vm.Vm.monthlyInstanceHours',
    'got "lots"',
  ],
  [
    'estimate: an unknown usage key',
    [...EST, '--usage', 'usage-unknown-key.yaml'],
    'vm.Vm.monthlyHours',
    'is not a usage key',
  ],
  [
    'estimate: a usage file that is a list',
    [...EST, '--usage', 'usage-shape.yaml'],
    'usage-shape.yaml',
    'must be a mapping of stack names',
  ],
  [
    'estimate: a usage entry that is a number',
    [...EST, '--usage', 'usage-entry-shape.yaml'],
    'vm.Vm',
    'must be a mapping of usage keys',
  ],
  [
    'estimate: a usage key matching no resource',
    [...EST, '--usage', 'usage-typo.yaml'],
    'vm.Vmm',
    'matches no logical id',
  ],
  // other flags
  [
    'estimate: --parameter without =',
    [...EST, '--parameter', 'InstanceType'],
    '--parameter',
    '"InstanceType"',
  ],
  [
    'estimate: --parameter with a bad name',
    [...EST, '--parameter', 'instance-type=g5.xlarge'],
    '--parameter',
    '"instance-type=g5.xlarge"',
  ],
  ['estimate: --fail-above that is not a number', [...EST, '--fail-above', 'lots'], '--fail-above', '"lots"'],
  ['estimate: a negative --fail-above', [...EST, '--fail-above', '-5'], '--fail-above', '"-5"'],
  ['estimate: an unknown --format', [...EST, '--format', 'pdf'], '--format', '"pdf"'],
  ['estimate: --az-count 0', [...EST, '--az-count', '0'], '--az-count', '"0"'],
  // diff
  ['diff: one input', ['diff', 'vm.json', '--out', OUT], 'two inputs', 'got 1'],
  [
    'diff: a missing base',
    ['diff', 'missing.json', 'vm.json', '--region', 'us-east-1', '--out', OUT],
    'base',
    'missing.json',
  ],
  [
    'diff: a base that is not a report',
    ['diff', 'not-report.json', 'vm.json', '--region', 'us-east-1', '--out', OUT],
    'not-report.json',
    'schemaVersion is 2',
  ],
  [
    'diff: a head that is not a template',
    ['diff', 'vm.json', 'garbage.txt', '--region', 'us-east-1', '--out', OUT],
    'garbage.txt',
    'neither JSON nor YAML',
  ],
  [
    'diff: a bad --fail-on-increase',
    ['diff', 'vm.json', 'vm.json', '--region', 'us-east-1', '--out', OUT, '--fail-on-increase', 'much'],
    '--fail-on-increase',
    '"much"',
  ],
  [
    'diff: a format diff does not render',
    ['diff', 'vm.json', 'vm.json', '--region', 'us-east-1', '--out', OUT, '--format', 'csv'],
    '--format',
    '"csv"',
  ],
  [
    'diff: an unknown option',
    ['diff', 'vm.json', 'vm.json', '--out', OUT, '--since', 'main'],
    'unknown option',
    '--since',
  ],
  // prices
  ['prices: no subcommand', ['prices'], 'subcommand', 'none'],
  ['prices: an unknown subcommand', ['prices', 'list'], 'subcommand', "'list'"],
  ['prices show: no region', ['prices', 'show'], '--region', 'prices show needs'],
  [
    'prices show: a region the catalog lacks',
    ['prices', 'show', '--region', 'xx-east-9'],
    '--region',
    'xx-east-9',
  ],
  [
    'prices show: an unknown service',
    ['prices', 'show', '--region', 'us-east-1', '--service', 'AmazonFoo'],
    '--service',
    'AmazonFoo',
  ],
  [
    'prices show: an unknown --format',
    ['prices', 'show', '--region', 'us-east-1', '--format', 'yaml'],
    '--format',
    'yaml',
  ],
  [
    'prices show: a truncated --catalog',
    ['prices', 'show', '--region', 'us-east-1', '--catalog', 'catalog-truncated.json'],
    'catalog-truncated.json',
    'not valid JSON',
  ],
  [
    'prices show: a corrupt --catalog',
    ['prices', 'show', '--region', 'us-east-1', '--catalog', 'catalog-corrupt.json'],
    'catalog-corrupt.json',
    'is corrupt',
  ],
  [
    'prices show: a missing --catalog',
    ['prices', 'show', '--region', 'us-east-1', '--catalog', 'no-catalog.json'],
    'no-catalog.json',
    'cannot read',
  ],
  [
    'prices refresh: a truncated --catalog',
    ['prices', 'refresh', '--catalog', 'catalog-truncated.json'],
    'catalog-truncated.json',
    'not valid JSON',
  ],
  [
    'prices refresh: a corrupt --catalog',
    ['prices', 'refresh', '--regions', 'us-east-1', '--catalog', 'catalog-corrupt.json'],
    'catalog-corrupt.json',
    'is corrupt',
  ],
  [
    'prices refresh: a bad region code',
    ['prices', 'refresh', '--catalog', 'catalog-corrupt.json', '--regions', 'us-east-1,Mars'],
    '--regions',
    "'Mars'",
  ],
  [
    'prices refresh: a bad service code',
    ['prices', 'refresh', '--catalog', 'catalog-corrupt.json', '--services', 'Amazon EC2'],
    '--services',
    "'Amazon EC2'",
  ],
  [
    'prices refresh: an endpoint that is not a URL',
    ['prices', 'refresh', '--catalog', 'catalog-corrupt.json', '--endpoint', 'not a url'],
    '--endpoint',
    'not a url',
  ],
  [
    'prices refresh: an ftp endpoint',
    ['prices', 'refresh', '--catalog', 'catalog-corrupt.json', '--endpoint', 'ftp://127.0.0.1'],
    '--endpoint',
    'ftp://127.0.0.1',
  ],
  ['prices refresh: an unknown option', ['prices', 'refresh', '--dry-run'], 'unknown option', '--dry-run'],
];

/** Reports that are JSON and say schemaVersion 1 but are not reports: [file, mutation, message]. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mutations of parsed JSON
const MALFORMED_REPORTS: readonly [string, (r: any) => void, string][] = [
  ['report-null-stack.json', (r) => (r.stacks[0] = null), 'stacks[0] must be an object'],
  ['report-null-line.json', (r) => (r.stacks[0].lines[0] = null), 'stacks[0].lines[0] must be an object'],
  ['report-tags-list.json', (r) => (r.stacks[0].lines[0].tags = [1]), 'stacks[0].lines[0].tags must be'],
  ['report-notes-number.json', (r) => (r.stacks[0].lines[0].notes = 5), 'stacks[0].lines[0].notes must be'],
  [
    'report-unpriced-null.json',
    (r) => (r.stacks[0].unpriced = [null]),
    'stacks[0].unpriced[0] must be an object',
  ],
  ['report-null-totals.json', (r) => (r.totals.max = null), 'totals must have non-negative numeric'],
  // a negative or disordered head would read as a decrease and slip under --fail-on-increase
  ['report-negative-totals.json', (r) => (r.totals.expected = -1e9), 'totals must have non-negative'],
  [
    'report-negative-stack-totals.json',
    (r) => (r.stacks[0].totals.min = -5),
    'stacks[0].totals must be non-negative numeric min ≤ expected ≤ max',
  ],
  [
    'report-negative-line.json',
    (r) => (r.stacks[0].lines[0].monthly.expected = -70),
    'stacks[0].lines[0].monthly must be non-negative',
  ],
  [
    'report-min-above-max.json',
    (r) => (r.totals = { min: 5, expected: 1, max: 2 }),
    'totals must have non-negative numeric min ≤ expected ≤ max',
  ],
  [
    'report-negative-price.json',
    (r) => (r.stacks[0].lines[0].unitPrice = -0.096),
    'stacks[0].lines[0].unitPrice must be a finite number, not negative',
  ],
  [
    'report-string-quantity.json',
    (r) => (r.stacks[0].lines[0].quantity = '730'),
    'quantity must be a finite number',
  ],
  ['report-budget-text.json', (r) => (r.stacks[0].budget = 'lots'), 'stacks[0].budget must be an object'],
  ['report-catalog-regions.json', (r) => (r.catalog.regions = 'us-east-1'), 'catalog.regions must be'],
  ['report-no-region.json', (r) => delete r.stacks[0].region, 'stacks[0].region is missing'],
];

/** [what, argv, argument named on stderr, value named on stderr, env] */
type HostileRow = [string, readonly string[], string, string, Readonly<Record<string, string>>?];

const HOSTILE_ROWS: HostileRow[] = [
  // counts validated before pricing: no negative total slips under a guardrail
  [
    'estimate: a negative MinSize from a parameter default, with --fail-above',
    ['estimate', 'asg-negative.json', '--region', 'us-east-1', '--fail-above', '5000', '--out', OUT],
    'Asg (AWS::AutoScaling::AutoScalingGroup): MinSize',
    'got -1000',
  ],
  [
    'diff: a head with a negative MinSize, with --fail-on-increase',
    [
      'diff',
      'vm.json',
      'asg-negative.json',
      '--region',
      'us-east-1',
      '--fail-on-increase',
      '10%',
      '--out',
      OUT,
    ],
    'MinSize must be a non-negative number',
    'got -1000',
  ],
  [
    'estimate: a MaxSize of 1e200 (was priced: a $4e204 maximum)',
    ['estimate', 'asg-huge.json', '--region', 'us-east-1', '--out', OUT],
    'MaxSize must be a whole number from 0 to 2147483647',
    'got 1e+200',
  ],
  [
    'estimate: a MaxSize of 2.5 instances (the service takes an Integer)',
    ['estimate', 'asg-fraction.json', '--region', 'us-east-1', '--out', OUT],
    'MaxSize must be a whole number',
    'got 2.5',
  ],
  [
    'estimate: MinSize above MaxSize',
    ['estimate', 'asg-min-above-max.json', '--region', 'us-east-1', '--out', OUT],
    'MinSize 5',
    'is above MaxSize 2',
  ],
  [
    'estimate: a negative InitialInstanceCount',
    ['estimate', 'endpoint-negative.json', '--region', 'us-east-1', '--out', OUT],
    'ProductionVariants[0].InitialInstanceCount',
    'got -3',
  ],
  [
    'estimate: a MaxSize of 1e308 (it overflowed the total to Infinity: JSON would say null)',
    ['estimate', 'asg-overflow.json', '--region', 'us-east-1', '--format', 'json', '--out', OUT],
    'Asg',
    'must be a whole number from 0 to 2147483647',
  ],
  [
    'estimate: usage whose product overflows a line to Infinity (the line check refuses it)',
    [
      'estimate',
      'fn.json',
      '--region',
      'us-east-1',
      '--usage',
      'usage-fn-overflow.yaml',
      '--format',
      'json',
      '--out',
      OUT,
    ],
    'Fn (AWS::Lambda::Function): Compute',
    'expected is Infinity, not a finite number',
  ],
  // denial of service: alias bombs, deep nesting, special files, size
  [
    'estimate: a YAML alias bomb (9 levels × 9 aliases, 387M nodes expanded)',
    ['estimate', 'bomb.yaml', '--region', 'us-east-1', '--out', OUT],
    'bomb.yaml',
    'alias',
  ],
  [
    'estimate: a usage file that is a YAML alias bomb',
    [...EST, '--usage', 'usage-bomb.yaml'],
    'usage file',
    'alias',
  ],
  [
    'estimate: 1,000 nested Fn::Join',
    ['estimate', 'deep-join.json', '--region', 'us-east-1', '--out', OUT],
    'deep-join.json',
    'nested deeper than 128 levels',
  ],
  [
    'estimate: 100,000 nested arrays',
    ['estimate', 'deep-array.json', '--region', 'us-east-1', '--out', OUT],
    'deep-array.json',
    'nested deeper than 128 levels',
  ],
  [
    'estimate: 50,000 nested YAML flow sequences (the parser overflowed its stack: "neither JSON nor YAML (Maximum call stack size exceeded)")',
    ['estimate', 'deep-flow.yaml', '--region', 'us-east-1', '--out', OUT],
    'deep-flow.yaml',
    'nested too deeply to parse',
  ],
  [
    'estimate: 200 nested YAML block maps',
    ['estimate', 'deep-block.yaml', '--region', 'us-east-1', '--out', OUT],
    'deep-block.yaml',
    'nested deeper than 128 levels',
  ],
  [
    'estimate: a usage file of 50,000 nested YAML flow sequences',
    ['estimate', 'vm.json', '--region', 'us-east-1', '--usage', 'usage-deep.yaml', '--out', OUT],
    'usage file',
    'nested too deeply to parse',
  ],
  [
    'estimate: a commitments file with hourlyCommitment .nan (the message said "got null")',
    [...EST, '--commitments', 'commitments-nan.yaml'],
    'savingsPlans[0].hourlyCommitment',
    'got NaN',
  ],
  [
    'estimate: a YAML template of two documents (the message told the user to call YAML.parseAllDocuments())',
    ['estimate', 'two-documents.yaml', '--region', 'us-east-1', '--out', OUT],
    'two-documents.yaml: holds several YAML documents',
    'the second at line 4, column 1',
  ],
  [
    'estimate: a chain of 2,000 conditions',
    ['estimate', 'condition-chain.json', '--region', 'us-east-1', '--out', OUT],
    'condition',
    'more than 128 levels deep',
  ],
  ['estimate: a FIFO as template', ['estimate', FIFO, '--region', 'us-east-1', '--out', OUT], FIFO, 'FIFO'],
  ['estimate: a FIFO as usage file', [...EST, '--usage', FIFO], 'usage file', 'FIFO'],
  [
    'estimate: /dev/zero as template',
    ['estimate', '/dev/zero', '--region', 'us-east-1', '--out', OUT],
    '/dev/zero',
    'is a device',
  ],
  [
    'estimate: /dev/zero as usage file',
    [...EST, '--usage', '/dev/zero'],
    'usage file /dev/zero',
    'is a device',
  ],
  [
    'estimate: a usage file that is a directory',
    [...EST, '--usage', 'empty-dir'],
    'usage file',
    'is a directory',
  ],
  [
    'estimate: a template above the 64 MiB cap',
    ['estimate', HUGE, '--region', 'us-east-1', '--out', OUT],
    HUGE,
    '67108864-byte limit',
  ],
  ['diff: a FIFO as base', ['diff', FIFO, 'vm.json', '--region', 'us-east-1', '--out', OUT], FIFO, 'FIFO'],
  [
    'prices show: /dev/zero as --catalog',
    ['prices', 'show', '--region', 'us-east-1', '--catalog', '/dev/zero'],
    'price catalog /dev/zero',
    'is a device',
  ],
  // cloud assemblies
  ['estimate: an assembly that nests itself', ['estimate', 'cycle', '--out', OUT], 'Self', 'a cycle'],
  [
    'estimate: two assemblies nesting each other',
    ['estimate', 'cycle-pair', '--out', OUT],
    '"Outer"',
    'a cycle',
  ],
  [
    'estimate: 25 manifests each nesting the next assembly three times (was 3^24 reads: a hang)',
    ['estimate', 'dag', '--out', OUT],
    'artifact "B" nests assembly n',
    'already nested by artifact "A"',
  ],
  [
    'estimate: a null manifest artifact',
    ['estimate', 'null-artifact', '--out', OUT],
    '"Dev"',
    'is not an object',
  ],
  [
    'estimate: a manifest path leaving the assembly',
    ['estimate', 'escape-assembly', '--out', OUT],
    '"../vm.json"',
    'outside the assembly',
  ],
  [
    'estimate: an absolute manifest path',
    ['estimate', 'absolute-assembly', '--out', OUT],
    '"/etc/hostname"',
    'absolute path',
  ],
  [
    'estimate: an assembly template that is a symlink to outside',
    ['estimate', 'symlink-assembly', '--out', OUT],
    '"Dev.template.json"',
    'outside the assembly',
  ],
  // usage files that name what does not exist
  [
    'estimate: a usage file naming a stack that does not exist',
    [...EST, '--usage', 'usage-no-stack.yaml'],
    'usage-no-stack.yaml',
    'stack "Nope" is not among the stacks estimated (vm)',
  ],
  [
    'estimate: a usage file naming logical id toString (not Object.prototype.toString)',
    [...EST, '--usage', 'usage-to-string.yaml'],
    'vm.toString',
    'matches no logical id',
  ],
  // environment
  [
    'estimate: SOURCE_DATE_EPOCH beyond what a date holds',
    EST,
    'SOURCE_DATE_EPOCH',
    '"99999999999999"',
    { SOURCE_DATE_EPOCH: '99999999999999' },
  ],
  [
    'estimate: SOURCE_DATE_EPOCH that is not a number',
    EST,
    'SOURCE_DATE_EPOCH',
    '"yesterday"',
    { SOURCE_DATE_EPOCH: 'yesterday' },
  ],
  // outputs
  [
    'estimate: --out onto the input',
    ['estimate', 'vm.json', '--region', 'us-east-1', '--out', 'vm.json'],
    '--out',
    'vm.json: is also an input',
  ],
  [
    'estimate: --out onto the usage file',
    ['estimate', 'vm.json', '--region', 'us-east-1', '--usage', 'usage-ok.yaml', '--out', 'usage-ok.yaml'],
    '--out',
    'usage-ok.yaml: is also an input',
  ],
  [
    'estimate: --out onto the assembly manifest',
    ['estimate', 'good-assembly', '--out', 'good-assembly/manifest.json'],
    '--out',
    'good-assembly/manifest.json: is also an input',
  ],
  [
    'estimate: --out that is a directory',
    ['estimate', 'vm.json', '--region', 'us-east-1', '--out', 'empty-dir'],
    '--out',
    'empty-dir: is a directory',
  ],
  [
    'estimate: --out below a file',
    ['estimate', 'vm.json', '--region', 'us-east-1', '--out', 'vm.json/report.txt'],
    '--out',
    'vm.json/report.txt: a parent is not a directory',
  ],
  [
    'estimate: --out onto a device',
    ['estimate', 'vm.json', '--region', 'us-east-1', '--out', '/dev/null'],
    '--out /dev/null',
    'is a device',
  ],
  [
    'estimate: --out through a symlink',
    ['estimate', 'vm.json', '--region', 'us-east-1', '--out', OUT_LINK],
    OUT_LINK,
    'symbolic link',
  ],
  [
    'estimate: --out ending with a slash (was written as a file named after the directory)',
    ['estimate', 'vm.json', '--region', 'us-east-1', '--out', 'reports/'],
    '--out reports/',
    'names a directory (ends with /), expected a file path',
  ],
  [
    'diff: --out ending with a slash',
    ['diff', 'vm.json', 'vm.json', '--region', 'us-east-1', '--out', 'reports/'],
    '--out reports/',
    'names a directory',
  ],
  [
    'diff: --out onto the base',
    ['diff', 'vm.json', 'vm.json', '--region', 'us-east-1', '--out', 'vm.json'],
    '--out',
    'vm.json: is also an input',
  ],
  // malformed diff reports
  ...MALFORMED_REPORTS.map(([file, , message]): HostileRow => [
    `diff: a malformed report (${file})`,
    ['diff', file, 'vm.json', '--region', 'us-east-1', '--out', OUT],
    file,
    message,
  ]),
  // terminal and credentials
  [
    'estimate: control characters in a logical id reach stderr escaped',
    ['estimate', 'control-chars.json', '--region', 'us-east-1', '--out', OUT],
    'control-chars.json',
    'resource \\u001b[2J\\u001b[31mEvil\\u009b has no Type',
  ],
  [
    'prices refresh: an endpoint URL with user:password@',
    [
      'prices',
      'refresh',
      '--catalog',
      'catalog-corrupt.json',
      '--endpoint',
      'http://admin:hunter2@127.0.0.1:9/',
    ],
    '--endpoint',
    'http://***@127.0.0.1:9/',
  ],
  [
    'prices refresh --offer-files: an --offers-endpoint with user:password@ (the files are anonymous, nothing is signed)',
    [
      'prices',
      'refresh',
      '--offer-files',
      '--catalog',
      'catalog-corrupt.json',
      '--offers-endpoint',
      'http://admin:hunter2@127.0.0.1:9/',
    ],
    '--offers-endpoint http://***@127.0.0.1:9/',
    'the offer files are public and fetched anonymously',
  ],
  [
    'prices refresh: CDK_ML_COST_PRICING_ENDPOINT with user:password@',
    ['prices', 'refresh', '--catalog', 'catalog-corrupt.json'],
    '--endpoint',
    'remove the user:password@ part',
    { CDK_ML_COST_PRICING_ENDPOINT: 'https://admin:hunter2@pricing.example.com/' },
  ],
  [
    'prices refresh: while another refresh holds the catalog lock',
    [
      'prices',
      'refresh',
      '--catalog',
      LOCKED_CATALOG,
      '--regions',
      'us-east-1',
      '--endpoint',
      'http://127.0.0.1:9/',
    ],
    'prices refresh of',
    'is already running',
    { AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret-not-real' },
  ],
];

describe('issue 15: hostile input exits 2 with one escaped line, never 3, never hangs, writes nothing', () => {
  beforeAll(() => {
    for (const [file, mutate] of MALFORMED_REPORTS) {
      const copy = structuredClone(REPORT);
      mutate(copy);
      writeFileSync(join(dir, file), JSON.stringify(copy));
    }
  });

  test.each(HOSTILE_ROWS)('%s', async (_what, argv, argument, value, env) => {
    // GIVEN
    const before = snapshot(dir);
    const bundled = sha256(BUNDLED_CATALOG);
    const locked = sha256(LOCKED_CATALOG);
    // WHEN
    const r = await cli(argv, env);
    // THEN
    expect(r.stderr).toMatch(/^cdk-ml-cost: [^\n]+\n$/);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(argument);
    expect(r.stderr).toContain(value);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(r.stderr).not.toContain('hunter2');
    expect(existsSync(join(dir, OUT))).toBe(false);
    expect(snapshot(dir)).toEqual(before);
    expect(sha256(BUNDLED_CATALOG)).toBe(bundled);
    expect(sha256(LOCKED_CATALOG)).toBe(locked);
    expect(lstatSync(OUT_LINK).isSymbolicLink()).toBe(true);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});

describe('the CLI exits 2 with one line naming the argument and the value, and writes nothing', () => {
  test.each(CLI_ROWS)('%s', async (_what, argv, argument, value) => {
    // GIVEN
    const before = snapshot(dir);
    const bundled = sha256(BUNDLED_CATALOG);
    // WHEN
    const r = await cli(argv);
    // THEN
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^cdk-ml-cost: [^\n]+\n$/);
    expect(r.stderr).toContain(argument);
    expect(r.stderr).toContain(value);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stderr).not.toContain('internal error');
    expect(existsSync(join(dir, OUT))).toBe(false);
    expect(snapshot(dir)).toEqual(before);
    expect(sha256(BUNDLED_CATALOG)).toBe(bundled);
  });
});

describe('the bundled CLI binary', () => {
  let buildDir: string;
  let bin: string;
  beforeAll(() => {
    // Bundle the current sources into a private directory: dist/ belongs to the package build
    // and may be older than the sources under test.
    buildDir = mkdtempSync(join(tmpdir(), 'bad-input-cli-'));
    const build = spawnSync(process.execPath, [join(ROOT, 'cost', 'build-cli.mjs'), '--outdir', buildDir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(build.status, build.stderr).toBe(0);
    bin = join(buildDir, 'cdk-ml-cost.js');
  }, 60_000);
  afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

  test('piped into a reader that stops early (`| head`): no EPIPE stack trace, the run keeps its exit code', async () => {
    // GIVEN a report far larger than a pipe's buffer (64 KiB), and a guardrail it trips
    const template = join(dir, 'sigpipe.json');
    writeFileSync(template, JSON.stringify(mixedTemplate(1200)));
    // WHEN the reader takes the first chunk and closes its end, as `head -1` does
    const child = spawn(
      process.execPath,
      [bin, 'estimate', template, '--region', 'us-east-1', '--format', 'csv', '--fail-above', '1'],
      { cwd: dir, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    rmSync(template);
    // THEN exit 1 (the guardrail, not a crash) and only the guardrail's line on stderr (was: an
    // unhandled 'error' event with its stack, exit 1 by accident)
    expect(stderr).not.toMatch(STACK_TRACE);
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).toMatch(/^cdk-ml-cost: guardrail: [^\n]+\n$/);
    expect(code).toBe(1);
  }, 60_000);

  // The binary runs in its own process: warnings a library prints to the real stderr count too.
  test.each([
    [
      'a malformed usage file',
      ['estimate', 'vm.json', '--region', 'us-east-1', '--usage', 'usage-negative.yaml', '--out', OUT],
      'vm.Vm.monthlyInstanceHours must be a non-negative number, got -1',
    ],
    [
      'a YAML template with an unknown tag (regression: yaml printed a multi-line warning)',
      ['estimate', 'unknown-tag.yaml', '--region', 'us-east-1', '--out', OUT],
      'unknown-tag.yaml: resource Vm has no Type',
    ],
    [
      // Node's mkdirSync(dir, { recursive: true }) looped forever on procfs, which answers ENOENT to
      // a mkdir below /proc/self; the run is killed after 15 s, so a regression fails instead of hanging.
      '--out below /proc (regression: the run never returned)',
      ['estimate', 'vm.json', '--region', 'us-east-1', '--out', '/proc/self/nonexist/x'],
      '--out /proc/self/nonexist/x: cannot create its directory /proc/self/nonexist (no such file or directory)',
    ],
  ])('%s: exit 2 within 15 s, one line, no stack trace, no --out file', (_what, argv, message) => {
    // GIVEN
    const before = snapshot(dir);
    // WHEN
    const r = spawnSync(process.execPath, [bin, ...argv], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
      timeout: 15_000,
      killSignal: 'SIGKILL',
    });
    // THEN
    expect(r.signal, 'killed after 15 s').toBeNull();
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^cdk-ml-cost: [^\n]+\n$/);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(existsSync(join(dir, OUT))).toBe(false);
    expect(snapshot(dir)).toEqual(before);
  });
});
