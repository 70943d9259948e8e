import { Annotations, Duration, RemovalPolicy, Size, Stack, type IResource } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { batchJobStatePattern, capacityCancellationDetail } from '../core/batch-job-events';
import { synthTime } from '../core/clock';
import { chooseVpcSubnets, type ChosenSubnets } from '../core/subnets';
import { DEFAULT_EFA_INSTANCE_TYPES, DEFAULT_TRAINING_INSTANCE_TYPES } from './gpu-instance-types';
import { GPU_METRICS_NAMESPACE, GpuTrainingClusterBase } from './gpu-training-cluster-base';
import type { GpuTrainingClusterProps } from './gpu-training-cluster-props';
import {
  createGpuJobDefinition,
  createMultiNodeJobDefinition,
  type GpuJobProps,
  type MultiNodeGpuJobProps,
  type TrainingJobContext,
} from './job-definitions';
import { GpuLaunchTemplate, type GpuLaunchTemplateProps, type LustreMount } from './launch-template';
import {
  addEfaCapacity,
  addOnDemandCapacity,
  addSpotCapacity,
  jobQueueFactory,
  type ClusterCapacityContext,
} from './private/capacity';
import { addCheckpointExpiry } from './private/checkpoint-lifecycle';
import { SubmitJobGrants } from './private/grants';
import { createInstanceRole } from './private/instance-role';
import { ImportedGpuTrainingCluster } from './private/imported-cluster';
import { allowServicesToUseKey } from './private/key-policy';
import { topicRuleTarget } from '../core/topic-publishers';
import { allowTrafficWithinGroup } from './private/node-traffic';
import { addReservedCapacity } from './private/reserved-capacity';
import { checkReservedCapacity, type CheckedReservation } from './private/validate-reservations';
import { validateClusterProps, validateGpuJob, validateMultiNodeJob } from './private/validate';
import { TrainingScratchFileSystem } from './scratch-file-system';
import { gpuTypesOfferedIn, offeredDefaults } from './region-offerings';
import { SpotToOnDemandRetry } from './spot-retry';
import type { TrainingReservation } from './training-reservation';

// The props live in gpu-training-cluster-props.ts; re-exported here in their former order, which
// is the order of the API reference.
export type {
  OnDemandFallbackOptions,
  EfaOptions,
  FairShareOptions,
  TrainingExpectedUsage,
  GpuTrainingClusterProps,
} from './gpu-training-cluster-props';

/**
 * A GPU training cluster on AWS Batch, made here (`GpuTrainingCluster`) or imported
 * (`GpuTrainingCluster.fromGpuTrainingClusterAttributes`). Monitoring and submitters use this.
 */
export interface IGpuTrainingCluster extends IResource, ec2.IConnectable {
  /** The `ClusterName` dimension of its GPU metrics and part of its checkpoint prefixes. */
  readonly clusterName: string;
  /** Queue of single-node jobs on spot capacity. */
  readonly spotQueue: batch.IJobQueue;
  /** On-demand queue: spot jobs resubmitted after reclaims, and multi-node jobs without EFA. */
  readonly onDemandQueue?: batch.IJobQueue;
  /** Queue of multi-node EFA jobs. */
  readonly efaQueue?: batch.IJobQueue;
  /** Every queue of the cluster. */
  readonly jobQueues: readonly batch.IJobQueue[];
  /** The function that resubmits spot-reclaimed jobs on demand, if any. */
  readonly retryFunction?: lambda.IFunction;
  /** How long a job may wait RUNNABLE before Batch cancels it for lack of capacity. */
  readonly capacityTimeout: Duration;
  /** Lets a principal submit the cluster's job definitions (any revision) to its queues. */
  grantSubmitJob(grantee: iam.IGrantable): iam.Grant;
  /** Average GPU utilisation (%) across the cluster's GPUs (`nvidia_smi_utilization_gpu`). */
  metricGpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Average GPU memory utilisation (%) across the cluster's GPUs (`nvidia_smi_utilization_memory`). */
  metricGpuMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** The capacity `GpuTrainingCluster` made for one entry of `reservedCapacity`. */
export interface ReservedTrainingCapacity {
  /** The reservation's name (its id unless named): the key of its constructs. */
  readonly name: string;
  readonly reservation: TrainingReservation;
  /** On-demand compute environment launching into the reservation only. */
  readonly computeEnvironment: batch.IManagedEc2EcsComputeEnvironment;
  /** Queue of the reservation's compute environment; submit jobs meant for the reserved instances here. */
  readonly queue: batch.IJobQueue;
  /** The expiry notices of a Capacity Block (a day and an hour before its end); empty otherwise. */
  readonly expiryNotices: readonly scheduler.ISchedule[];
}

/** A cluster made elsewhere (another stack or app), for monitoring and `grantSubmitJob`. */
export interface GpuTrainingClusterAttributes {
  readonly clusterName: string;
  readonly spotJobQueueArn: string;
  /**
   * @default - no on-demand queue
   */
  readonly onDemandJobQueueArn?: string;
  /**
   * @default - no EFA queue
   */
  readonly efaJobQueueArn?: string;
  /**
   * Queues of the cluster's reserved capacity (`reservedCapacity[i].queue`), so grants and
   * monitoring cover them.
   * @default - none
   */
  readonly reservedJobQueueArns?: string[];
  /**
   * Job definitions `grantSubmitJob` covers (any revision of each).
   * @default - none: grants cover the queues only
   */
  readonly jobDefinitionArns?: string[];
  /**
   * Security groups of the cluster's instances, for `connections`.
   * @default - none
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * @default Duration.minutes(60)
   */
  readonly capacityTimeout?: Duration;
}

/**
 * GPU training on AWS Batch that costs nothing idle: a spot compute environment
 * (`SPOT_PRICE_CAPACITY_OPTIMIZED` over several GPU families, `minvCpus` 0), optional on-demand
 * fallback with a spot → on-demand retry, optional EFA multi-node capacity in a cluster placement
 * group, optional FSx for Lustre scratch, job-state time limits for stuck jobs, and a checkpoint
 * contract on every job definition made with `addGpuJob` / `addMultiNodeJob`.
 */
export class GpuTrainingCluster extends GpuTrainingClusterBase {
  /** CloudWatch namespace of the GPU metrics the instances publish. */
  public static readonly GPU_METRICS_NAMESPACE = 'CDKMLPlatform/GPU';

  /** A cluster made elsewhere, for monitoring and grants. */
  public static fromGpuTrainingClusterAttributes(
    scope: Construct,
    id: string,
    attrs: GpuTrainingClusterAttributes,
  ): IGpuTrainingCluster {
    return new ImportedGpuTrainingCluster(scope, id, attrs);
  }

  public readonly clusterName: string;
  public readonly spotQueue: batch.IJobQueue;
  /** On-demand queue, with `onDemandFallback`: spot jobs resubmitted after reclaims, and multi-node jobs without EFA. */
  public readonly onDemandQueue?: batch.IJobQueue;
  /** Queue of multi-node EFA jobs, when `efa` is set. */
  public readonly efaQueue?: batch.IJobQueue;
  /** Every queue of the cluster: spot, then on-demand, then EFA, then one per reservation. */
  public readonly jobQueues: readonly batch.IJobQueue[];
  /** What each entry of `reservedCapacity` became, in the order given. */
  public readonly reservedCapacity: readonly ReservedTrainingCapacity[];
  public readonly spotComputeEnvironment: batch.IManagedEc2EcsComputeEnvironment;
  public readonly onDemandComputeEnvironment?: batch.IManagedEc2EcsComputeEnvironment;
  public readonly efaComputeEnvironment?: batch.IManagedEc2EcsComputeEnvironment;
  public readonly retryFunction?: lambda.IFunction;
  /** Time a job may stay RUNNABLE for lack of capacity before Batch cancels it. */
  public readonly capacityTimeout: Duration;
  /** Security group of the instances (and FSx): traffic within the group is admitted as jobs need it. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The instances' security group, for `allowFrom`/`allowTo` wiring (e.g. a database jobs read). */
  public readonly connections: ec2.Connections;
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

  private readonly props: GpuTrainingClusterProps;
  private readonly instanceTypes: string[];
  private readonly efaInstanceTypes: string[];
  private readonly efaInterfaces: number;
  private readonly subnets: ChosenSubnets;
  private readonly removalPolicy: RemovalPolicy;
  private readonly logRetention: logs.RetentionDays;
  private readonly jobContext: TrainingJobContext;
  private readonly spotRetry?: SpotToOnDemandRetry;
  private readonly reservedSpecs: CheckedReservation[];
  private readonly definitions: batch.IJobDefinition[] = [];
  private readonly submitGrants = new SubmitJobGrants(this.node.path);
  private nodeTrafficAllowed = false;

  constructor(scope: Construct, id: string, props: GpuTrainingClusterProps) {
    super(scope, id);
    // --- validate ---
    // Defaults keep the types the stack's region sells; Batch refuses a compute environment naming others.
    const region = Stack.of(this).region;
    const offered = gpuTypesOfferedIn(region);
    const instanceTypes =
      props.instanceTypes?.map(String) ?? offeredDefaults(DEFAULT_TRAINING_INSTANCE_TYPES, offered);
    const efaTypes = props.efa
      ? (props.efa.instanceTypes?.map(String) ?? offeredDefaults(DEFAULT_EFA_INSTANCE_TYPES, offered))
      : [];
    const clusterName = props.clusterName ?? defaultClusterName(this);
    const maxGpus = props.maxGpus ?? 8;
    const minGpus = props.minGpus ?? 0;
    const capacityTimeout = props.capacityTimeout ?? Duration.minutes(60);
    const afterSpotReclaims = props.onDemandFallback?.afterSpotReclaims ?? 2;
    const { specs, efaSpecs } = validateClusterProps(this, props, {
      clusterName,
      instanceTypes,
      efaInstanceTypes: efaTypes,
      maxGpus,
      minGpus,
      capacityTimeout,
      afterSpotReclaims,
      ...(offered ? { offeredIn: { region, types: offered } } : {}),
    });
    this.subnets = chooseVpcSubnets(this, props.vpc, {
      constructType: 'GpuTrainingCluster',
      selection: props.vpcSubnets,
      defaultType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
    });
    this.reservedSpecs = checkReservedCapacity(this, props.reservedCapacity ?? [], this.subnets);
    if (instanceTypes.length === 1) {
      Annotations.of(this).addWarningV2(
        'cdk-ml-platform:singleSpotInstanceType',
        `Spot capacity from one instance type (${instanceTypes[0]}) is reclaimed and exhausted together: list types of at least three GPU families in instanceTypes.`,
      );
    }

    this.props = props;
    this.clusterName = clusterName;
    this.capacityTimeout = capacityTimeout;
    this.instanceTypes = instanceTypes;
    this.efaInstanceTypes = efaTypes;
    this.efaInterfaces = efaSpecs.length > 0 ? Math.min(...efaSpecs.map((s) => s.efaInterfaces)) : 0;
    this.checkpointBucket = props.checkpointBucket;
    this.checkpointPrefix = `checkpoints/${clusterName}/`;
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;

    // --- compose ---
    this.encryptionKey = this.createKey();
    this.jobLogGroup = new logs.LogGroup(this, 'JobLogs', {
      encryptionKey: this.encryptionKey,
      retention: this.logRetention,
      removalPolicy: this.removalPolicy,
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `GPU training instances of ${clusterName}: no inbound from outside the group`,
      allowAllOutbound: true,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup] });
    if (props.checkpointExpiration) {
      addCheckpointExpiry(
        this,
        props.checkpointBucket,
        this.checkpointPrefix,
        props.checkpointExpiration,
        `expire-${clusterName}-checkpoints`,
      );
    }
    this.scratchFileSystem = this.createScratch();

    const instanceRole = createInstanceRole(this, clusterName, GPU_METRICS_NAMESPACE);
    const queue = jobQueueFactory(this, props.fairShare, capacityTimeout);
    const capacity: ClusterCapacityContext = {
      clusterName,
      vpc: props.vpc,
      subnets: this.subnets,
      securityGroup: this.securityGroup,
      instanceRole,
      queue,
    };
    const spot = addSpotCapacity(this, capacity, {
      instanceTypes,
      specs,
      minGpus,
      maxGpus,
      spotBidPercentage: props.spotBidPercentage,
      expectedUsage: props.expectedUsage,
      launchTemplate: () => this.sharedLaunchTemplate(),
    });
    this.spotComputeEnvironment = spot.computeEnvironment;
    this.spotQueue = spot.queue;
    const queues: batch.IJobQueue[] = [this.spotQueue];

    if (props.onDemandFallback) {
      const onDemand = addOnDemandCapacity(this, capacity, {
        instanceTypes,
        specs,
        maxGpus: props.onDemandFallback.maxGpus,
        expectedUsage: props.expectedUsage,
        afterSpotReclaims,
        launchTemplate: () => this.sharedLaunchTemplate(),
      });
      this.onDemandComputeEnvironment = onDemand.computeEnvironment;
      this.onDemandQueue = onDemand.queue;
      queues.push(this.onDemandQueue);
      this.spotRetry = new SpotToOnDemandRetry(this, 'SpotRetry', {
        spotQueues: [this.spotQueue],
        onDemandQueue: this.onDemandQueue,
        afterSpotReclaims,
        vpc: props.vpc,
        vpcSubnets: this.subnets.selection,
        encryptionKey: this.encryptionKey,
        logRetention: this.logRetention,
      });
      this.retryFunction = this.spotRetry.function;
    }
    if (props.efa) {
      const efa = addEfaCapacity(this, capacity, {
        instanceTypes: efaTypes,
        specs: efaSpecs,
        maxGpus: props.efa.maxGpus ?? 16,
        launchTemplate: () => this.launchTemplate('EfaLaunchTemplate', this.efaInterfaces),
      });
      this.efaComputeEnvironment = efa.computeEnvironment;
      this.efaQueue = efa.queue;
      queues.push(this.efaQueue);
      this.allowNodeTraffic();
    }
    this.reservedCapacity = addReservedCapacity(this, this.reservedSpecs, {
      ...capacity,
      launchTemplateProps: (efaInterfaces) => this.launchTemplateProps(efaInterfaces),
      allowNodeTraffic: () => this.allowNodeTraffic(),
      noticeTopic: props.reservationNoticeTopic ?? props.alarmTopic,
      now: synthTime(this),
    });
    queues.push(...this.reservedCapacity.map((r) => r.queue));
    this.jobQueues = queues;
    this.capacityCancellationRule = this.notifyCapacityCancellations();

    this.jobContext = {
      clusterName,
      checkpointBucket: props.checkpointBucket,
      datasetsBucket: props.datasetsBucket,
      logGroup: this.jobLogGroup,
      lustreMounted: this.scratchFileSystem !== undefined,
      defaultRetryAttempts: props.onDemandFallback ? afterSpotReclaims : 3,
    };
  }

  /** Job definitions made by `addGpuJob` and `addMultiNodeJob`, in order (a copy). */
  public get jobDefinitions(): readonly batch.IJobDefinition[] {
    return [...this.definitions];
  }

  /**
   * Adds a single-node GPU job definition with the checkpoint contract, spot-aware retries and a
   * timeout. Submit it to `spotQueue`; with `onDemandFallback` it moves to `onDemandQueue` by itself.
   */
  public addGpuJob(id: string, props: GpuJobProps): batch.EcsJobDefinition {
    // A job for a reserved queue may use every GPU of the reserved type.
    validateGpuJob(`${this.node.path}/${id}`, props, [
      ...this.instanceTypes,
      ...this.reservedSpecs.map((r) => r.reservation.instanceType.toString()),
    ]);
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
    const reserved = this.reservedSpecs.map((r) => r.reservation.instanceType.toString());
    const reservedEfa = this.reservedSpecs
      .filter((r) => r.spec.efaInterfaces > 0)
      .map((r) => r.reservation.instanceType.toString());
    const { instanceType, spec } = validateMultiNodeJob(`${this.node.path}/${id}`, props, {
      instanceTypes: this.instanceTypes,
      efaInstanceTypes: this.efaInstanceTypes,
      hasEfa: this.efaComputeEnvironment !== undefined,
      hasOnDemand: this.onDemandComputeEnvironment !== undefined,
      reservedInstanceTypes: reserved,
      reservedEfaInstanceTypes: reservedEfa,
    });
    // The EFA environment's template has the fewest interfaces of its types; a reservation's has
    // every interface of its own type.
    const efaDevices = this.efaInstanceTypes.includes(instanceType) ? this.efaInterfaces : spec.efaInterfaces;
    const perNode = {
      gpus: props.gpusPerNode ?? spec.gpus,
      vcpus: props.vcpusPerNode ?? spec.vcpus,
      memory: props.memoryPerNode ?? Size.mebibytes(Math.floor(spec.memoryGiB * 1024 * 0.9)),
      efaDevices: efa ? efaDevices : 0,
    };
    this.allowNodeTraffic();
    const definition = createMultiNodeJobDefinition(this, id, this.jobContext, props, {
      instanceType,
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
    return this.submitGrants.grant(
      grantee,
      this.jobQueues.map((q) => q.jobQueueArn),
      this.definitions.map((d) => d.jobDefinitionArn),
    );
  }

  private createKey(): kms.IKey {
    if (this.props.encryptionKey) return this.props.encryptionKey;
    const key = new kms.Key(this, 'Key', {
      description: `Encrypts volumes, logs and scratch of the GPU training cluster ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy: this.removalPolicy,
    });
    allowServicesToUseKey(this, key);
    return key;
  }

  private createScratch(): TrainingScratchFileSystem | undefined {
    if (!this.props.fsx) return undefined;
    return new TrainingScratchFileSystem(this, 'Scratch', {
      ...this.props.fsx,
      vpc: this.props.vpc,
      subnet: this.subnets.subnets[0],
      securityGroup: this.securityGroup,
      encryptionKey: this.encryptionKey,
      datasetsBucket: this.props.datasetsBucket,
    });
  }

  /** Props of the cluster's launch templates; EFA interfaces (in `securityGroup`) when given. */
  private launchTemplateProps(efaInterfaces?: number): GpuLaunchTemplateProps {
    const lustre: LustreMount | undefined = this.scratchFileSystem && {
      dnsName: this.scratchFileSystem.fileSystem.dnsName,
      mountName: this.scratchFileSystem.fileSystem.mountName,
    };
    return {
      clusterName: this.clusterName,
      metricsNamespace: GPU_METRICS_NAMESPACE,
      encryptionKey: this.encryptionKey,
      rootVolumeSize: this.props.rootVolumeSize,
      lustre,
      ...(efaInterfaces !== undefined && { efaInterfaces, securityGroup: this.securityGroup }),
    };
  }

  private launchTemplate(id: string, efaInterfaces?: number): ec2.LaunchTemplate {
    return new GpuLaunchTemplate(this, id, this.launchTemplateProps(efaInterfaces)).launchTemplate;
  }

  private sharedTemplate?: ec2.LaunchTemplate;
  /** The launch template of the spot and on-demand environments (id `LaunchTemplate`). */
  private sharedLaunchTemplate(): ec2.LaunchTemplate {
    this.sharedTemplate ??= this.launchTemplate('LaunchTemplate');
    return this.sharedTemplate;
  }

  private notifyCapacityCancellations(): events.Rule | undefined {
    if (!this.props.alarmTopic) return undefined;
    return new events.Rule(this, 'CapacityCancellations', {
      description: `Jobs of ${this.clusterName} cancelled after ${this.capacityTimeout.toHumanString()} without capacity`,
      eventPattern: batchJobStatePattern(
        capacityCancellationDetail(this.jobQueues.map((q) => q.jobQueueArn)),
      ),
      targets: [topicRuleTarget(this.props.alarmTopic)],
    });
  }

  private registerJobDefinition(definition: batch.IJobDefinition): void {
    this.definitions.push(definition);
    this.submitGrants.addJobDefinition(definition.jobDefinitionArn);
    this.spotRetry?.allowResubmit(definition);
  }

  private allowNodeTraffic(): void {
    if (this.nodeTrafficAllowed) return;
    this.nodeTrafficAllowed = true;
    allowTrafficWithinGroup(this.securityGroup);
  }
}

function defaultClusterName(scope: Construct): string {
  const path = scope.node.path.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  if (path.length <= 64) return path || 'gpu-training';
  // Keep the readable end of the path and make long paths unique with the construct's address.
  return `${path.slice(-(64 - 9)).replace(/^-+/, '')}-${scope.node.addr.slice(0, 8)}`;
}
