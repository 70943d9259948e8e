import { Annotations, Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { batchJobStatePattern, capacityCancellationDetail } from '../core/batch-job-events';
import { DEFAULT_EFA_INSTANCE_TYPES, DEFAULT_TRAINING_INSTANCE_TYPES } from './gpu-instance-types';
import type { GpuTrainingClusterProps } from './gpu-training-cluster-props';
import {
  createGpuJobDefinition,
  createMultiNodeJobDefinition,
  type GpuJobProps,
  type MultiNodeGpuJobProps,
  type TrainingJobContext,
} from './job-definitions';
import { GpuLaunchTemplate } from './launch-template';
import {
  createComputeEnvironment,
  jobQueueFactory,
  recordOnDemandUsage,
  recordSpotUsage,
} from './private/capacity';
import { addCheckpointExpiry } from './private/checkpoint-lifecycle';
import { SubmitJobGrants } from './private/grants';
import { createInstanceRole } from './private/instance-role';
import { allowServicesToUseKey } from './private/key-policy';
import { allowTrafficWithinGroup } from './private/node-traffic';
import { validateClusterProps, validateGpuJob, validateMultiNodeJob } from './private/validate';
import { TrainingScratchFileSystem } from './scratch-file-system';
import { SpotToOnDemandRetry } from './spot-retry';

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
  private readonly submitGrants = new SubmitJobGrants(this.node.path);
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
    const { specs, efaSpecs } = validateClusterProps(this, props, {
      clusterName,
      instanceTypes,
      efaInstanceTypes: efaTypes,
      maxGpus,
      minGpus,
      capacityTimeout,
      afterSpotReclaims,
    });

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
    if (this.encryptionKey instanceof kms.Key) allowServicesToUseKey(this, this.encryptionKey);
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

    if (props.checkpointExpiration) {
      addCheckpointExpiry(
        this,
        props.checkpointBucket,
        this.checkpointPrefix,
        props.checkpointExpiration,
        `expire-${clusterName}-checkpoints`,
      );
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

    const instanceRole = createInstanceRole(this, clusterName, GpuTrainingCluster.GPU_METRICS_NAMESPACE);
    const launchTemplate = new GpuLaunchTemplate(this, 'LaunchTemplate', {
      clusterName,
      metricsNamespace: GpuTrainingCluster.GPU_METRICS_NAMESPACE,
      encryptionKey: this.encryptionKey,
      rootVolumeSize: props.rootVolumeSize,
      lustre,
    }).launchTemplate;

    const minRatio = Math.min(...specs.map((s) => s.vcpus / s.gpus));
    const spot = createComputeEnvironment(this, 'SpotComputeEnvironment', {
      vpc: props.vpc,
      vpcSubnets,
      securityGroup: sg,
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
    if (props.expectedUsage) recordSpotUsage(spot, props.expectedUsage, clusterName);

    const queue = jobQueueFactory(this, props.fairShare, capacityTimeout);
    this.spotQueue = queue('SpotQueue', spot, 10);
    const queues: batch.IJobQueue[] = [this.spotQueue];

    if (props.onDemandFallback) {
      const onDemand = createComputeEnvironment(this, 'OnDemandComputeEnvironment', {
        vpc: props.vpc,
        vpcSubnets,
        securityGroup: sg,
        spot: false,
        allocationStrategy: batch.AllocationStrategy.BEST_FIT_PROGRESSIVE,
        instanceTypes,
        minvCpus: 0,
        maxvCpus: props.onDemandFallback.maxGpus * minRatio,
        instanceRole,
        launchTemplate,
      });
      if (props.expectedUsage) recordOnDemandUsage(onDemand, clusterName, afterSpotReclaims);
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
      const efaCe = createComputeEnvironment(this, 'EfaComputeEnvironment', {
        vpc: props.vpc,
        // EFA does not cross availability zones: one subnet, in the placement group's AZ.
        vpcSubnets: { subnets: [subnets[0]] },
        // Kept on the compute environment: "The elastic network interfaces that are created and attached
        // to an MNP task will use the security groups specified in your compute environment" (Batch user
        // guide, compute environment considerations for MNP), so without them the nodes' task ENIs lack
        // the self-referencing group. "If security groups are specified using both the securityGroupIds
        // parameter of CreateComputeEnvironment and the launch template, the values in the
        // securityGroupIds parameter ... will be used" (Batch API, LaunchTemplateSpecification): the EFA
        // interfaces carry the same group.
        securityGroup: sg,
        spot: false,
        allocationStrategy: batch.AllocationStrategy.BEST_FIT_PROGRESSIVE,
        instanceTypes: efaTypes,
        minvCpus: 0,
        maxvCpus: (props.efa.maxGpus ?? 16) * efaRatio,
        instanceRole,
        launchTemplate: efaTemplate,
        placementGroup,
      });
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
    validateGpuJob(`${this.node.path}/${id}`, props, this.instanceTypes);
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
    const { instanceType, spec } = validateMultiNodeJob(`${this.node.path}/${id}`, props, {
      instanceTypes: this.instanceTypes,
      efaInstanceTypes: this.efaInstanceTypes,
      hasEfa: this.efaComputeEnvironment !== undefined,
      hasOnDemand: this.onDemandComputeEnvironment !== undefined,
    });
    const perNode = {
      gpus: props.gpusPerNode ?? spec.gpus,
      vcpus: props.vcpusPerNode ?? spec.vcpus,
      memory: props.memoryPerNode ?? Size.mebibytes(Math.floor(spec.memoryGiB * 1024 * 0.9)),
      efaDevices: efa ? this.efaInterfaces : 0,
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
      this.jobDefinitions.map((d) => d.jobDefinitionArn),
    );
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
