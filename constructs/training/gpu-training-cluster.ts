import { Annotations, Duration, RemovalPolicy, Size, SizeRoundingBehavior, Stack, Token } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, type IConstruct } from 'constructs';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../cost/usage-metadata';
import { acknowledgeFindings, acknowledgeGrantPolicy } from '../../lib/compliance';
import { PropValidator } from '../../lib/errors';
import { batchJobStatePattern, capacityCancellationDetail } from '../private/batch-job-events';
import { allowLogsToUseKey, logGroupArnPattern } from '../private/logs-key';
import {
  DEFAULT_EFA_INSTANCE_TYPES,
  DEFAULT_TRAINING_INSTANCE_TYPES,
  GPU_FAMILIES,
  gpuInstanceSpec,
  type GpuInstanceSpec,
} from './gpu-instance-types';
import {
  createGpuJobDefinition,
  createMultiNodeJobDefinition,
  type GpuJobProps,
  type MultiNodeGpuJobProps,
  type TrainingJobContext,
} from './job-definitions';
import { GpuLaunchTemplate } from './launch-template';
import { acknowledgeResourceWildcards, acknowledgeWildcards } from './private/acknowledge';
import { anyRevisionArn } from './private/job-definition-arn';
import {
  isValidLustreCapacity,
  LUSTRE_CAPACITY_RULE,
  LUSTRE_THROUGHPUTS,
  TrainingScratchFileSystem,
  type TrainingScratchOptions,
} from './scratch-file-system';
import { SpotToOnDemandRetry } from './spot-retry';

/** On-demand capacity that jobs move to after repeated spot reclaims. */
export interface OnDemandFallbackOptions {
  /** Cap of the on-demand compute environment, in GPUs (converted to vCPUs, see `maxGpus`). */
  readonly maxGpus: number;
  /**
   * Spot reclaims after which a job is resubmitted to the on-demand queue (1-10). Jobs get this many
   * attempts on spot unless their `retryAttempts` says otherwise.
   * @default 2
   */
  readonly afterSpotReclaims?: number;
}

/**
 * A separate on-demand compute environment for multi-node jobs over EFA. AWS Batch runs multi-node
 * parallel jobs on on-demand capacity only (not on compute environments that use Spot Instances).
 */
export interface EfaOptions {
  /**
   * Instance types with EFA support; one launch template serves them all, so they get the EFA
   * interface count of the type with the fewest network cards.
   * @default ['g6e.12xlarge', 'g5.12xlarge'] - four GPUs and one EFA card each
   */
  readonly instanceTypes?: string[];
  /**
   * Cap of the EFA compute environment, in GPUs.
   * @default 16
   */
  readonly maxGpus?: number;
}

/** Fair-share scheduling between teams. */
export interface FairShareOptions {
  /**
   * Relative share per team (share identifier → share). A team with share 2 gets twice the capacity
   * of a team with share 1 under contention. Jobs must be submitted with one of these identifiers.
   */
  readonly shares: Record<string, number>;
  /**
   * How far back usage counts against a team.
   * @default Duration.hours(1)
   */
  readonly shareDecay?: Duration;
}

/** Usage assumptions for the cost estimate (`cdk-ml-platform:usage` metadata on the spot compute environment). */
export interface TrainingExpectedUsage {
  /**
   * GPU-hours per month.
   * @default - not recorded
   */
  readonly monthlyGpuHours?: number;
  /**
   * Instance-hours per month.
   * @default - not recorded
   */
  readonly monthlyInstanceHours?: number;
}

export interface GpuTrainingClusterProps {
  /** The VPC, e.g. `MlNetwork.vpc`. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the instances and the retry function; they need a route to ECR, S3 and Batch.
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Name of the cluster: the `ClusterName` dimension of its GPU metrics and part of checkpoint prefixes.
   * @default - derived from the construct path
   */
  readonly clusterName?: string;
  /**
   * KMS key for root volumes, logs, FSx and the retry function's queue. A key passed in must allow
   * EC2 (`kms:ViaService` ec2) and CloudWatch Logs to use it.
   * @default - a new key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Bucket that holds checkpoints under `checkpoints/<clusterName>/`, e.g. the data store's checkpoint
   * bucket. Required: every job gets the checkpoint contract, and the cluster creates no hidden bucket.
   */
  readonly checkpointBucket: s3.IBucket;
  /**
   * Expiry of checkpoints, added as a lifecycle rule on the cluster's prefix when `checkpointBucket`
   * is a `Bucket` of this app (an imported bucket's owner sets its own rule).
   * @default Duration.days(30)
   */
  readonly checkpointExpiration?: Duration;
  /**
   * Bucket of training data: jobs may read it, and FSx links it at `/fsx/datasets` (import only:
   * nothing written or deleted there reaches the bucket).
   * @default - none
   */
  readonly datasetsBucket?: s3.IBucket;
  /**
   * Topic notified when jobs are cancelled for lack of capacity (`capacityTimeout`).
   * @default - no notification rule
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Usage assumptions for the cost estimate.
   * @default - none recorded: the estimate's expected equals its min (idle floor)
   */
  readonly expectedUsage?: TrainingExpectedUsage;
  /**
   * GPU instance types of the spot (and on-demand) compute environments, one CPU architecture.
   * @default - g5, g6 and g6e at xlarge and 2xlarge (one GPU each)
   */
  readonly instanceTypes?: string[];
  /**
   * Cap of the spot compute environment in GPUs. Batch caps vCPUs, so this becomes
   * `maxGpus × (fewest vCPUs per GPU among instanceTypes)`: the cluster never holds more GPUs.
   * @default 8
   */
  readonly maxGpus?: number;
  /**
   * GPUs kept running when idle (costs money while idle).
   * @default 0
   */
  readonly minGpus?: number;
  /**
   * On-demand compute environment, queue and the spot → on-demand retry. Multi-node jobs without EFA
   * run on this queue (AWS Batch does not run multi-node parallel jobs on spot).
   * @default - spot only
   */
  readonly onDemandFallback?: OnDemandFallbackOptions;
  /**
   * A compute environment for multi-node EFA jobs (cluster placement group, EFA interfaces).
   * @default - no EFA
   */
  readonly efa?: EfaOptions;
  /**
   * FSx for Lustre shared scratch mounted at `/fsx` on every instance and in every job.
   * @default - none
   */
  readonly fsx?: TrainingScratchOptions;
  /**
   * Fair-share scheduling for several teams, on every queue of the cluster.
   * @default - first in, first out
   */
  readonly fairShare?: FairShareOptions;
  /**
   * gp3 root volume of each instance.
   * @default Size.gibibytes(200)
   */
  readonly rootVolumeSize?: Size;
  /**
   * How long a job may sit RUNNABLE for `CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY` or
   * `MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT` before Batch cancels it (10 minutes to 24 hours).
   * @default Duration.minutes(60)
   */
  readonly capacityTimeout?: Duration;
  /**
   * Highest spot price as a percentage of on-demand (1-100).
   * @default - up to the on-demand price
   */
  readonly spotBidPercentage?: number;
  /**
   * How long job and function logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the key and the job log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * GPU training on AWS Batch that costs nothing idle: a spot compute environment
 * (`SPOT_PRICE_CAPACITY_OPTIMIZED` over several GPU families, `minvCpus` 0), optional on-demand
 * fallback with a spot → on-demand retry, optional EFA multi-node capacity in a cluster placement
 * group, optional FSx for Lustre scratch, job-state time limits for stuck jobs, and a checkpoint
 * contract on every job definition made with `addGpuJob` / `addMultiNodeJob`.
 */
export class GpuTrainingCluster extends Construct {
  /** CloudWatch namespace of the GPU metrics the instances publish. */
  public static readonly GPU_METRICS_NAMESPACE = 'CDKMLPlatform/GPU';

  public readonly clusterName: string;
  public readonly spotQueue: batch.IJobQueue;
  /** On-demand queue, with `onDemandFallback`: spot jobs resubmitted after reclaims, and multi-node jobs without EFA. */
  public readonly onDemandQueue?: batch.IJobQueue;
  /** Queue of multi-node EFA jobs, when `efa` is set. */
  public readonly efaQueue?: batch.IJobQueue;
  /** Every queue of the cluster: spot, then on-demand, then EFA. */
  public readonly jobQueues: batch.IJobQueue[];
  public readonly spotComputeEnvironment: batch.IManagedEc2EcsComputeEnvironment;
  public readonly onDemandComputeEnvironment?: batch.IManagedEc2EcsComputeEnvironment;
  public readonly efaComputeEnvironment?: batch.IManagedEc2EcsComputeEnvironment;
  public readonly retryFunction?: lambda.IFunction;
  /** Time a job may stay RUNNABLE for lack of capacity before Batch cancels it. */
  public readonly capacityTimeout: Duration;
  /** Security group of the instances (and FSx): traffic within the group is admitted as jobs need it. */
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly encryptionKey: kms.IKey;
  public readonly checkpointBucket: s3.IBucket;
  /** Key prefix of the cluster's checkpoints in `checkpointBucket`, ending with `/`. */
  public readonly checkpointPrefix: string;
  /** Log group of every job's output. */
  public readonly jobLogGroup: logs.ILogGroup;
  /** Shared scratch, when `fsx` is set. */
  public readonly scratchFileSystem?: TrainingScratchFileSystem;
  /** Rule that notifies `alarmTopic` of capacity cancellations, when a topic is given. */
  public readonly capacityCancellationRule?: events.Rule;
  /** Job definitions made by `addGpuJob` and `addMultiNodeJob`. */
  public readonly jobDefinitions: batch.IJobDefinition[] = [];

  private readonly instanceTypes: string[];
  private readonly efaInstanceTypes: string[];
  private readonly efaInterfaces: number;
  private readonly jobContext: TrainingJobContext;
  private readonly spotRetry?: SpotToOnDemandRetry;
  private readonly submitStatements: iam.PolicyStatement[] = [];
  private readonly submitPolicies: IConstruct[] = [];
  private nodeTrafficAllowed = false;

  constructor(scope: Construct, id: string, props: GpuTrainingClusterProps) {
    super(scope, id);
    const instanceTypes = props.instanceTypes ?? [...DEFAULT_TRAINING_INSTANCE_TYPES];
    const efaTypes = props.efa ? (props.efa.instanceTypes ?? [...DEFAULT_EFA_INSTANCE_TYPES]) : [];
    const clusterName = props.clusterName ?? defaultClusterName(this);
    const maxGpus = props.maxGpus ?? 8;
    const minGpus = props.minGpus ?? 0;
    const capacityTimeout = props.capacityTimeout ?? Duration.minutes(60);
    const afterSpotReclaims = props.onDemandFallback?.afterSpotReclaims ?? 2;

    const v = new PropValidator('GpuTrainingCluster', this);
    validateClusterName(v, clusterName);
    const specs = validateInstanceTypes(v, 'instanceTypes', instanceTypes, false);
    v.range('maxGpus', maxGpus, 1, 4096);
    v.range('minGpus', minGpus, 0, 4096);
    v.ordered('minGpus', minGpus, 'maxGpus', maxGpus);
    validateFitsLargestType(v, 'maxGpus', maxGpus, specs, instanceTypes);
    v.range('spotBidPercentage', props.spotBidPercentage, 1, 100);
    if (!capacityTimeout.isUnresolved()) {
      const s = capacityTimeout.toSeconds();
      v.check(
        s >= 600 && s <= 86400,
        'capacityTimeout',
        `${s} seconds`,
        'a duration from 10 minutes to 24 hours',
      );
    }
    if (props.onDemandFallback) {
      v.range('onDemandFallback.maxGpus', props.onDemandFallback.maxGpus, 1, 4096);
      v.range('onDemandFallback.afterSpotReclaims', afterSpotReclaims, 1, 10);
      validateFitsLargestType(
        v,
        'onDemandFallback.maxGpus',
        props.onDemandFallback.maxGpus,
        specs,
        instanceTypes,
      );
    }
    let efaSpecs: GpuInstanceSpec[] = [];
    if (props.efa) {
      efaSpecs = validateInstanceTypes(v, 'efa.instanceTypes', efaTypes, true);
      v.range('efa.maxGpus', props.efa.maxGpus, 1, 4096);
      validateFitsLargestType(v, 'efa.maxGpus', props.efa.maxGpus ?? 16, efaSpecs, efaTypes);
      // `efa.spot` existed once: a JavaScript caller may still pass it, and it must not be ignored silently.
      const removedSpot = (props.efa as { spot?: unknown }).spot;
      v.check(
        removedSpot === undefined,
        'efa.spot',
        removedSpot,
        'unset: AWS Batch does not run multi-node parallel jobs on spot, so the EFA compute environment is on-demand',
      );
    }
    if (props.fsx) {
      const gib = props.fsx.storageCapacityGiB;
      if (!Token.isUnresolved(gib))
        v.check(isValidLustreCapacity(gib), 'fsx.storageCapacityGiB', gib, LUSTRE_CAPACITY_RULE);
      if (props.fsx.throughputPerTiBMBps !== undefined) {
        v.check(
          LUSTRE_THROUGHPUTS.includes(props.fsx.throughputPerTiBMBps),
          'fsx.throughputPerTiBMBps',
          props.fsx.throughputPerTiBMBps,
          `one of ${LUSTRE_THROUGHPUTS.join(', ')}`,
        );
      }
    }
    if (props.fairShare) validateShares(v, props.fairShare.shares);
    if (props.expectedUsage) {
      const u = props.expectedUsage;
      v.range('expectedUsage.monthlyGpuHours', u.monthlyGpuHours, 0, 1e7, { integer: false });
      v.range('expectedUsage.monthlyInstanceHours', u.monthlyInstanceHours, 0, 1e7, { integer: false });
    }
    if (props.rootVolumeSize && !props.rootVolumeSize.isUnresolved()) {
      const gib = props.rootVolumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
      v.check(
        Number.isInteger(gib) && gib >= 30 && gib <= 16384,
        'rootVolumeSize',
        `${gib} GiB`,
        'from 30 to 16384 GiB in whole GiB',
      );
    }
    v.throwIfAny();

    if (instanceTypes.length === 1) {
      Annotations.of(this).addWarningV2(
        'cdk-ml-platform:singleSpotInstanceType',
        `Spot capacity from one instance type (${instanceTypes[0]}) is reclaimed and exhausted together: list types of at least three GPU families in instanceTypes.`,
      );
    }

    this.clusterName = clusterName;
    this.capacityTimeout = capacityTimeout;
    this.instanceTypes = instanceTypes;
    this.efaInstanceTypes = efaTypes;
    this.efaInterfaces = efaSpecs.length > 0 ? Math.min(...efaSpecs.map((s) => s.efaInterfaces)) : 0;
    this.checkpointBucket = props.checkpointBucket;
    this.checkpointPrefix = `checkpoints/${clusterName}/`;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts volumes, logs and scratch of the GPU training cluster ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy,
      });
    if (this.encryptionKey instanceof kms.Key) this.allowServicesToUseKey(this.encryptionKey);
    this.jobLogGroup = new logs.LogGroup(this, 'JobLogs', {
      encryptionKey: this.encryptionKey,
      retention: logRetention,
      removalPolicy,
    });

    const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `GPU training instances of ${clusterName}: no inbound from outside the group`,
      allowAllOutbound: true,
    });
    this.securityGroup = sg;

    if (props.checkpointBucket instanceof s3.Bucket) {
      props.checkpointBucket.addLifecycleRule({
        id: `expire-${clusterName}-checkpoints`,
        prefix: this.checkpointPrefix,
        expiration: props.checkpointExpiration ?? Duration.days(30),
        noncurrentVersionExpiration: Duration.days(1),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      });
    }

    const subnets = props.vpc.selectSubnets(vpcSubnets).subnets;
    if (props.fsx) {
      this.scratchFileSystem = new TrainingScratchFileSystem(this, 'Scratch', {
        ...props.fsx,
        vpc: props.vpc,
        subnet: subnets[0],
        securityGroup: sg,
        encryptionKey: this.encryptionKey,
        datasetsBucket: props.datasetsBucket,
      });
    }
    const lustre = this.scratchFileSystem
      ? {
          dnsName: this.scratchFileSystem.fileSystem.dnsName,
          mountName: this.scratchFileSystem.fileSystem.mountName,
        }
      : undefined;

    const instanceRole = this.createInstanceRole();
    const launchTemplate = new GpuLaunchTemplate(this, 'LaunchTemplate', {
      clusterName,
      metricsNamespace: GpuTrainingCluster.GPU_METRICS_NAMESPACE,
      encryptionKey: this.encryptionKey,
      rootVolumeSize: props.rootVolumeSize,
      lustre,
    }).launchTemplate;

    const minRatio = Math.min(...specs.map((s) => s.vcpus / s.gpus));
    const spot = this.createComputeEnvironment('SpotComputeEnvironment', {
      vpc: props.vpc,
      vpcSubnets,
      spot: true,
      allocationStrategy: batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED,
      spotBidPercentage: props.spotBidPercentage,
      instanceTypes,
      minvCpus: minGpus * minRatio,
      maxvCpus: maxGpus * minRatio,
      instanceRole,
      launchTemplate,
    });
    this.spotComputeEnvironment = spot;
    if (props.expectedUsage) {
      const usage: UsageAssumptions = {
        source: 'GpuTrainingCluster.expectedUsage',
        ...(props.expectedUsage.monthlyGpuHours !== undefined && {
          monthlyGpuHours: props.expectedUsage.monthlyGpuHours,
        }),
        ...(props.expectedUsage.monthlyInstanceHours !== undefined && {
          monthlyInstanceHours: props.expectedUsage.monthlyInstanceHours,
        }),
        note: `spot capacity of ${clusterName}`,
      };
      (spot.node.defaultChild as batch.CfnComputeEnvironment).addMetadata(USAGE_METADATA_KEY, usage);
    }

    const schedulingPolicy = props.fairShare
      ? new batch.FairshareSchedulingPolicy(this, 'FairShare', {
          shareDecay: props.fairShare.shareDecay ?? Duration.hours(1),
          shares: toWeightFactors(props.fairShare.shares),
        })
      : undefined;
    const timeLimits: batch.JobStateTimeLimitAction[] = [
      batch.JobStateTimeLimitActionsReason.INSUFFICIENT_INSTANCE_CAPACITY,
      batch.JobStateTimeLimitActionsReason.JOB_RESOURCE_REQUIREMENT,
    ].map((reason) => ({
      reason,
      maxTime: capacityTimeout,
      action: batch.JobStateTimeLimitActionsAction.CANCEL,
      state: batch.JobStateTimeLimitActionsState.RUNNABLE,
    }));
    const queue = (queueId: string, ce: batch.IComputeEnvironment, priority: number): batch.JobQueue =>
      new batch.JobQueue(this, queueId, {
        computeEnvironments: [{ computeEnvironment: ce, order: 1 }],
        priority,
        schedulingPolicy,
        jobStateTimeLimitActions: timeLimits,
      });

    this.spotQueue = queue('SpotQueue', spot, 10);
    const queues: batch.IJobQueue[] = [this.spotQueue];

    if (props.onDemandFallback) {
      const onDemand = this.createComputeEnvironment('OnDemandComputeEnvironment', {
        vpc: props.vpc,
        vpcSubnets,
        spot: false,
        allocationStrategy: batch.AllocationStrategy.BEST_FIT_PROGRESSIVE,
        instanceTypes,
        minvCpus: 0,
        maxvCpus: props.onDemandFallback.maxGpus * minRatio,
        instanceRole,
        launchTemplate,
      });
      if (props.expectedUsage) {
        (onDemand.node.defaultChild as batch.CfnComputeEnvironment).addMetadata(USAGE_METADATA_KEY, {
          source: 'GpuTrainingCluster.expectedUsage',
          monthlyInstanceHours: 0,
          note: `on-demand fallback of ${clusterName}: runs only jobs resubmitted after ${afterSpotReclaims} spot reclaims; the maximum follows maxvCpus`,
        } satisfies UsageAssumptions);
      }
      this.onDemandComputeEnvironment = onDemand;
      this.onDemandQueue = queue('OnDemandQueue', onDemand, 10);
      queues.push(this.onDemandQueue);
      this.spotRetry = new SpotToOnDemandRetry(this, 'SpotRetry', {
        spotQueues: [this.spotQueue],
        onDemandQueue: this.onDemandQueue,
        afterSpotReclaims,
        vpc: props.vpc,
        vpcSubnets,
        encryptionKey: this.encryptionKey,
        logRetention,
      });
      this.retryFunction = this.spotRetry.function;
    }

    if (props.efa) {
      const efaRatio = Math.min(...efaSpecs.map((s) => s.vcpus / s.gpus));
      const efaTemplate = new GpuLaunchTemplate(this, 'EfaLaunchTemplate', {
        clusterName,
        metricsNamespace: GpuTrainingCluster.GPU_METRICS_NAMESPACE,
        encryptionKey: this.encryptionKey,
        rootVolumeSize: props.rootVolumeSize,
        lustre,
        efaInterfaces: this.efaInterfaces,
        securityGroup: sg,
      }).launchTemplate;
      const placementGroup = new ec2.PlacementGroup(this, 'PlacementGroup', {
        strategy: ec2.PlacementGroupStrategy.CLUSTER,
      });
      // On-demand only: AWS Batch does not run multi-node parallel jobs on spot compute environments.
      const efaCe = this.createComputeEnvironment('EfaComputeEnvironment', {
        vpc: props.vpc,
        // EFA does not cross availability zones: one subnet, in the placement group's AZ.
        vpcSubnets: { subnets: [subnets[0]] },
        spot: false,
        allocationStrategy: batch.AllocationStrategy.BEST_FIT_PROGRESSIVE,
        instanceTypes: efaTypes,
        minvCpus: 0,
        maxvCpus: (props.efa.maxGpus ?? 16) * efaRatio,
        instanceRole,
        launchTemplate: efaTemplate,
        placementGroup,
      });
      // The EFA interfaces carry the security group; EC2 rejects groups on both the instance and its interfaces.
      (efaCe.node.defaultChild as batch.CfnComputeEnvironment).addPropertyDeletionOverride(
        'ComputeResources.SecurityGroupIds',
      );
      this.efaComputeEnvironment = efaCe;
      this.efaQueue = queue('EfaQueue', efaCe, 10);
      queues.push(this.efaQueue);
      this.allowNodeTraffic();
    }
    this.jobQueues = queues;

    if (props.alarmTopic) {
      this.capacityCancellationRule = new events.Rule(this, 'CapacityCancellations', {
        description: `Jobs of ${clusterName} cancelled after ${capacityTimeout.toHumanString()} without capacity`,
        eventPattern: batchJobStatePattern(capacityCancellationDetail(queues.map((q) => q.jobQueueArn))),
        targets: [new targets.SnsTopic(props.alarmTopic)],
      });
    }

    this.jobContext = {
      clusterName,
      checkpointBucket: props.checkpointBucket,
      datasetsBucket: props.datasetsBucket,
      logGroup: this.jobLogGroup,
      lustreMounted: this.scratchFileSystem !== undefined,
      defaultRetryAttempts: props.onDemandFallback ? afterSpotReclaims : 3,
    };
  }

  /**
   * Adds a single-node GPU job definition with the checkpoint contract, spot-aware retries and a
   * timeout. Submit it to `spotQueue`; with `onDemandFallback` it moves to `onDemandQueue` by itself.
   */
  public addGpuJob(id: string, props: GpuJobProps): batch.EcsJobDefinition {
    const gpus = props.gpus ?? 1;
    const v = new PropValidator('GpuTrainingCluster.addGpuJob', `${this.node.path}/${id}`);
    const largest = Math.max(...this.instanceTypes.map((t) => gpuInstanceSpec(t)!.gpus));
    v.range('gpus', gpus, 1, largest);
    v.range('vcpus', props.vcpus, 1, 192);
    v.range('retryAttempts', props.retryAttempts, 1, 10);
    validateJobCommon(v, props);
    v.throwIfAny();

    const definition = createGpuJobDefinition(this, id, this.jobContext, props);
    this.registerJobDefinition(definition);
    return definition;
  }

  /**
   * Adds a multi-node parallel job definition (`nodes` × `gpusPerNode`). AWS Batch runs multi-node
   * parallel jobs on on-demand capacity only: with `efa: true` it runs on the EFA compute environment
   * (submit it to `efaQueue`) with EFA devices in every container; without EFA it needs
   * `onDemandFallback` and runs on the cluster instance types in `onDemandQueue`.
   */
  public addMultiNodeJob(id: string, props: MultiNodeGpuJobProps): batch.MultiNodeJobDefinition {
    const efa = props.efa ?? false;
    const instanceType = props.instanceType ?? (efa ? this.efaInstanceTypes[0] : this.instanceTypes[0]);
    const v = new PropValidator('GpuTrainingCluster.addMultiNodeJob', `${this.node.path}/${id}`);
    v.range('nodes', props.nodes, 2, 1000);
    v.range('retryAttempts', props.retryAttempts, 1, 10);
    validateJobCommon(v, props);
    const pool = efa ? this.efaInstanceTypes : this.instanceTypes;
    const spec = instanceType === undefined ? undefined : gpuInstanceSpec(instanceType);
    if (efa && !this.efaComputeEnvironment) {
      v.check(
        false,
        'efa',
        true,
        'false unless the cluster has EFA capacity: set the `efa` prop of GpuTrainingCluster',
      );
    } else if (!efa && !this.onDemandComputeEnvironment) {
      v.check(
        false,
        'efa',
        efa,
        'true, or the cluster needs `onDemandFallback`: AWS Batch does not run multi-node parallel jobs on spot, so a multi-node job without EFA runs on the on-demand queue',
      );
    } else if (instanceType !== undefined && !pool.includes(instanceType)) {
      const allowed =
        efa && spec && spec.efaInterfaces === 0
          ? `a type with EFA support from efa.instanceTypes (${pool.join(', ')})`
          : `one of the ${efa ? 'EFA' : 'cluster'} instance types ${pool.join(', ')}`;
      v.check(false, 'instanceType', instanceType, allowed);
    }
    if (spec) {
      v.range('gpusPerNode', props.gpusPerNode, 1, spec.gpus);
      v.range('vcpusPerNode', props.vcpusPerNode, 1, spec.vcpus);
    }
    v.throwIfAny();

    const perNode = {
      gpus: props.gpusPerNode ?? spec!.gpus,
      vcpus: props.vcpusPerNode ?? spec!.vcpus,
      memory: props.memoryPerNode ?? Size.mebibytes(Math.floor(spec!.memoryGiB * 1024 * 0.9)),
      efaDevices: efa ? this.efaInterfaces : 0,
    };
    this.allowNodeTraffic();
    const definition = createMultiNodeJobDefinition(this, id, this.jobContext, props, {
      instanceType: instanceType!,
      perNode,
    });
    this.registerJobDefinition(definition);
    return definition;
  }

  /**
   * Lets a principal submit the cluster's job definitions (now and later ones, any revision: jobs
   * and scripts keep using a revision after a deploy registers the next) to its queues.
   */
  public grantSubmitJob(grantee: iam.IGrantable): iam.Grant {
    const definitionArns = this.jobDefinitions.map((d) => anyRevisionArn(d.jobDefinitionArn));
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['batch:SubmitJob'],
      resourceArns: [...this.jobQueues.map((q) => q.jobQueueArn), ...definitionArns],
    });
    this.submitStatements.push(...grant.principalStatements);
    // The grantee's policy (a role or user of this app) gets the revision wildcard acknowledged.
    const principal = grantee.grantPrincipal;
    const policy = principal instanceof Construct ? principal.node.tryFindChild('DefaultPolicy') : undefined;
    if (policy) {
      this.submitPolicies.push(policy);
      acknowledgeResourceWildcards(policy, definitionArns, this.revisionWildcardReason());
    }
    return grant;
  }

  /** Average GPU utilisation (%) across the cluster's GPUs, from the CloudWatch agent (`nvidia_smi_utilization_gpu`). */
  public metricGpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.gpuMetric('nvidia_smi_utilization_gpu', props);
  }

  /** Average GPU memory utilisation (%) across the cluster's GPUs (`nvidia_smi_utilization_memory`). */
  public metricGpuMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.gpuMetric('nvidia_smi_utilization_memory', props);
  }

  private gpuMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: GpuTrainingCluster.GPU_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { ClusterName: this.clusterName },
      statistic: cloudwatch.Stats.AVERAGE,
      period: Duration.minutes(5),
      ...props,
    });
  }

  private registerJobDefinition(definition: batch.IJobDefinition): void {
    this.jobDefinitions.push(definition);
    const arn = anyRevisionArn(definition.jobDefinitionArn);
    for (const statement of this.submitStatements) statement.addResources(arn);
    for (const policy of this.submitPolicies)
      acknowledgeResourceWildcards(policy, [arn], this.revisionWildcardReason());
    this.spotRetry?.allowResubmit(definition);
  }

  private revisionWildcardReason(): string {
    return `batch:SubmitJob on the job definitions of ${this.node.path}, every revision (:*): jobs and scripts keep naming the revision they were written for after a deploy registers the next.`;
  }

  /** Nodes of multi-node jobs talk to each other on any port (NCCL, MPI, EFA): allowed within the group only. */
  private allowNodeTraffic(): void {
    if (this.nodeTrafficAllowed) return;
    this.nodeTrafficAllowed = true;
    const sg = this.securityGroup;
    // Egress is already open (allowAllOutbound): ECR, S3 and Batch are reached through NAT or endpoints.
    sg.addIngressRule(
      sg,
      ec2.Port.allTraffic(),
      'Multi-node jobs and EFA: all traffic between cluster nodes',
    );
    for (const child of sg.node.children) {
      if (child instanceof ec2.CfnSecurityGroupIngress) {
        acknowledgeFindings(
          child,
          ['NIST.800.53.R5-EC2RestrictedCommonPorts', 'HIPAA.Security-EC2RestrictedCommonPorts'],
          `${child.node.path} admits traffic only from the same security group (nodes of one multi-node job), never from an address range; EFA requires all traffic within its group.`,
        );
      }
    }
  }

  /** Key-policy statements the cluster needs on a key of this app (an imported key's owner adds them). */
  private allowServicesToUseKey(key: kms.Key): void {
    const stack = Stack.of(this);
    // Batch launches instances through EC2 service-linked roles (Auto Scaling, EC2 Fleet), which
    // need the key for the encrypted root volumes: allow any principal of this account via EC2 only.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `EbsThroughEc2For${this.node.addr.slice(0, 8)}`,
        principals: [new iam.AnyPrincipal()],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:DescribeKey',
          'kms:CreateGrant',
        ],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:ViaService': `ec2.${stack.region}.amazonaws.com`,
            'kms:CallerAccount': stack.account,
          },
        },
      }),
    );
    allowLogsToUseKey(key, logGroupArnPattern(this));
  }

  private createInstanceRole(): iam.Role {
    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `ECS container instances of GPU training cluster ${this.clusterName}`,
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEC2ContainerServiceforEC2Role'),
      ],
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': GpuTrainingCluster.GPU_METRICS_NAMESPACE } },
      }),
    );
    acknowledgeFindings(
      role,
      [
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]',
      ],
      `${role.node.path} is the ECS container-instance role of AWS Batch; AWS maintains AmazonEC2ContainerServiceforEC2Role as the ECS agent's API surface changes, and jobs use their own job roles (hop limit 1 keeps them off this one).`,
    );
    acknowledgeGrantPolicy(
      role,
      `cloudwatch:PutMetricData in the ${GpuTrainingCluster.GPU_METRICS_NAMESPACE} namespace`,
    );
    acknowledgeWildcards(
      role.node.findChild('DefaultPolicy'),
      `cloudwatch:PutMetricData has no resource-level permissions; ${role.node.path} is limited to the ${GpuTrainingCluster.GPU_METRICS_NAMESPACE} namespace by condition.`,
    );
    return role;
  }

  private createComputeEnvironment(
    id: string,
    props: {
      vpc: ec2.IVpc;
      vpcSubnets: ec2.SubnetSelection;
      spot: boolean;
      allocationStrategy: batch.AllocationStrategy;
      spotBidPercentage?: number;
      instanceTypes: string[];
      minvCpus: number;
      maxvCpus: number;
      instanceRole: iam.IRole;
      launchTemplate: ec2.ILaunchTemplate;
      placementGroup?: ec2.IPlacementGroup;
    },
  ): batch.ManagedEc2EcsComputeEnvironment {
    const ce = new batch.ManagedEc2EcsComputeEnvironment(this, id, {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [this.securityGroup],
      spot: props.spot,
      allocationStrategy: props.allocationStrategy,
      spotBidPercentage: props.spotBidPercentage,
      instanceTypes: props.instanceTypes.map((t) => new ec2.InstanceType(t)),
      useOptimalInstanceClasses: false,
      minvCpus: props.minvCpus,
      maxvCpus: props.maxvCpus,
      images: [{ imageType: batch.EcsMachineImageType.ECS_AL2023_NVIDIA }],
      instanceRole: props.instanceRole,
      launchTemplate: props.launchTemplate,
      placementGroup: props.placementGroup,
      updateToLatestImageVersion: true,
      replaceComputeEnvironment: false,
      terminateOnUpdate: false,
      updateTimeout: Duration.minutes(30),
    });
    // Follow the template's newest version, so user-data or volume changes reach new instances.
    (ce.node.defaultChild as batch.CfnComputeEnvironment).addPropertyOverride(
      'ComputeResources.LaunchTemplate.Version',
      '$Latest',
    );
    return ce;
  }
}

const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function defaultClusterName(scope: Construct): string {
  const path = scope.node.path.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  if (path.length <= 64) return path || 'gpu-training';
  // Keep the readable end of the path and make long paths unique with the construct's address.
  return `${path.slice(-(64 - 9)).replace(/^-+/, '')}-${scope.node.addr.slice(0, 8)}`;
}

function validateClusterName(v: PropValidator, name: string): void {
  if (Token.isUnresolved(name)) {
    v.check(
      false,
      'clusterName',
      name,
      'a literal string (it names metrics and checkpoint prefixes at synth)',
    );
    return;
  }
  v.check(CLUSTER_NAME.test(name), 'clusterName', name, '1 to 64 letters, digits, hyphens or underscores');
}

function validateInstanceTypes(
  v: PropValidator,
  prop: string,
  types: string[],
  needEfa: boolean,
): GpuInstanceSpec[] {
  v.check(types.length > 0, prop, types, 'a non-empty list of GPU instance types');
  const specs: GpuInstanceSpec[] = [];
  types.forEach((t, i) => {
    if (Token.isUnresolved(t)) {
      v.check(false, `${prop}[${i}]`, t, 'a literal instance type (it is validated and priced at synth)');
      return;
    }
    const spec = gpuInstanceSpec(t);
    if (!spec) {
      v.check(
        false,
        `${prop}[${i}]`,
        t,
        `an NVIDIA GPU instance type of the families ${GPU_FAMILIES.join(', ')} (e.g. g5.xlarge)`,
      );
      return;
    }
    if (needEfa)
      v.check(
        spec.efaInterfaces > 0,
        `${prop}[${i}]`,
        t,
        'a type with EFA support (e.g. g5.12xlarge, g6e.12xlarge, p4d.24xlarge, p5.48xlarge)',
      );
    specs.push(spec);
  });
  const architectures = [...new Set(specs.map((s) => s.architecture))];
  v.check(
    architectures.length <= 1,
    prop,
    types,
    'types of one CPU architecture (one AMI per compute environment): all x86_64 or all arm64',
  );
  return specs;
}

function validateFitsLargestType(
  v: PropValidator,
  prop: string,
  maxGpus: number,
  specs: GpuInstanceSpec[],
  types: string[],
): void {
  if (specs.length === 0 || Token.isUnresolved(maxGpus) || !Number.isInteger(maxGpus) || maxGpus < 1) return;
  const minRatio = Math.min(...specs.map((s) => s.vcpus / s.gpus));
  const largest = specs.reduce((a, b) => (b.vcpus > a.vcpus ? b : a));
  const needed = Math.ceil(largest.vcpus / minRatio);
  const name = types[specs.indexOf(largest)];
  v.check(
    maxGpus >= needed,
    prop,
    maxGpus,
    `at least ${needed} so one ${name} (${largest.vcpus} vCPUs) fits under the cap of ${minRatio} vCPUs per GPU, or drop ${name}`,
  );
}

function validateShares(v: PropValidator, shares: Record<string, number>): void {
  const entries = Object.entries(shares);
  v.check(entries.length > 0, 'fairShare.shares', shares, 'at least one share identifier');
  for (const [id, share] of entries) {
    v.check(
      /^[A-Za-z0-9_]{1,255}$/.test(id),
      'fairShare.shares',
      id,
      'keys of letters, digits and underscores (AWS Batch share identifiers)',
    );
    if (!Token.isUnresolved(share)) {
      v.check(
        Number.isFinite(share) && share > 0 && share <= 10000,
        `fairShare.shares.${id}`,
        share,
        'a number above 0 and at most 10000',
      );
    }
  }
}

function validateJobCommon(
  v: PropValidator,
  props: { environment?: Record<string, string>; timeout?: Duration },
): void {
  for (const name of Object.keys(props.environment ?? {})) {
    v.check(
      !name.startsWith('CHECKPOINT_'),
      `environment.${name}`,
      name,
      'a name that does not start with CHECKPOINT_ (reserved for the checkpoint contract)',
    );
  }
  if (props.timeout && !props.timeout.isUnresolved()) {
    v.check(
      props.timeout.toSeconds() >= 60,
      'timeout',
      props.timeout.toHumanString(),
      'at least 1 minute (AWS Batch minimum)',
    );
  }
}

/**
 * Batch gives a share identifier capacity inversely to its weight factor, so a share of 2 becomes
 * half the weight of a share of 1. Weights are scaled so the largest share gets 1.
 */
function toWeightFactors(shares: Record<string, number>): batch.Share[] {
  const max = Math.max(...Object.values(shares));
  return Object.entries(shares).map(([shareIdentifier, share]) => ({
    shareIdentifier,
    weightFactor: Math.round((max / share) * 10000) / 10000,
  }));
}
