/**
 * Capacity of `GpuTrainingCluster`: its Batch compute environments (spot, the on-demand fallback,
 * EFA), their usage metadata for the cost estimate, and the job queues with fair share and
 * job-state time limits. Reserved capacity is in reserved-capacity.ts.
 */
import { Duration } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../../cost/usage-metadata';
import type { ChosenSubnets } from '../../core/subnets';
import type { GpuInstanceSpec } from '../gpu-instance-types';
import type { FairShareOptions, TrainingExpectedUsage } from '../gpu-training-cluster-props';

/** What every compute environment of the cluster shares. */
export interface ClusterCapacityContext {
  readonly clusterName: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ChosenSubnets;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly instanceRole: iam.IRole;
  readonly queue: JobQueueFactory;
}

/** A compute environment and its queue. */
export interface Capacity {
  readonly computeEnvironment: batch.ManagedEc2EcsComputeEnvironment;
  readonly queue: batch.JobQueue;
}

/** The instance types of one compute environment and its GPU cap. */
export interface CapacityOptions {
  readonly instanceTypes: string[];
  readonly specs: GpuInstanceSpec[];
  readonly maxGpus: number;
  /** Made when the environment is (so construct order, and the template, follow the environments). */
  readonly launchTemplate: () => ec2.LaunchTemplate;
}

/** The spot environment (`SpotComputeEnvironment`) over the cluster's types, and `SpotQueue`. */
export function addSpotCapacity(
  scope: Construct,
  ctx: ClusterCapacityContext,
  o: CapacityOptions & {
    readonly minGpus: number;
    readonly spotBidPercentage?: number;
    readonly expectedUsage?: TrainingExpectedUsage;
  },
): Capacity {
  const ratio = vcpusPerGpu(o.specs);
  const computeEnvironment = createComputeEnvironment(scope, 'SpotComputeEnvironment', {
    vpc: ctx.vpc,
    vpcSubnets: ctx.subnets.selection,
    securityGroup: ctx.securityGroup,
    spot: true,
    allocationStrategy: batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED,
    spotBidPercentage: o.spotBidPercentage,
    instanceTypes: o.instanceTypes,
    minvCpus: o.minGpus * ratio,
    maxvCpus: o.maxGpus * ratio,
    instanceRole: ctx.instanceRole,
    launchTemplate: o.launchTemplate(),
  });
  if (o.expectedUsage) recordSpotUsage(computeEnvironment, o.expectedUsage, ctx.clusterName);
  return { computeEnvironment, queue: ctx.queue('SpotQueue', computeEnvironment, 10) };
}

/** What the on-demand and EFA environments share: on-demand, best fit, scaled from zero to `maxGpus`. */
function onDemandOptions(ctx: ClusterCapacityContext, o: CapacityOptions) {
  return {
    spot: false,
    allocationStrategy: batch.AllocationStrategy.BEST_FIT_PROGRESSIVE,
    instanceTypes: o.instanceTypes,
    minvCpus: 0,
    maxvCpus: o.maxGpus * vcpusPerGpu(o.specs),
    instanceRole: ctx.instanceRole,
    launchTemplate: o.launchTemplate(),
  };
}

/** The on-demand fallback (`OnDemandComputeEnvironment`) over the cluster's types, and `OnDemandQueue`. */
export function addOnDemandCapacity(
  scope: Construct,
  ctx: ClusterCapacityContext,
  o: CapacityOptions & { readonly expectedUsage?: TrainingExpectedUsage; readonly afterSpotReclaims: number },
): Capacity {
  const computeEnvironment = createComputeEnvironment(scope, 'OnDemandComputeEnvironment', {
    vpc: ctx.vpc,
    vpcSubnets: ctx.subnets.selection,
    securityGroup: ctx.securityGroup,
    ...onDemandOptions(ctx, o),
  });
  if (o.expectedUsage) recordOnDemandUsage(computeEnvironment, ctx.clusterName, o.afterSpotReclaims);
  return { computeEnvironment, queue: ctx.queue('OnDemandQueue', computeEnvironment, 10) };
}

/**
 * The EFA environment for multi-node jobs (`EfaComputeEnvironment`) in a cluster placement group
 * (`PlacementGroup`), and `EfaQueue`.
 */
export function addEfaCapacity(scope: Construct, ctx: ClusterCapacityContext, o: CapacityOptions): Capacity {
  const placementGroup = new ec2.PlacementGroup(scope, 'PlacementGroup', {
    strategy: ec2.PlacementGroupStrategy.CLUSTER,
  });
  // On-demand only: AWS Batch does not run multi-node parallel jobs on spot compute environments.
  const computeEnvironment = createComputeEnvironment(scope, 'EfaComputeEnvironment', {
    vpc: ctx.vpc,
    // EFA does not cross availability zones: one subnet, in the placement group's AZ.
    vpcSubnets: { subnets: [ctx.subnets.subnets[0]] },
    // Kept on the compute environment: "The elastic network interfaces that are created and attached
    // to an MNP task will use the security groups specified in your compute environment" (Batch user
    // guide, compute environment considerations for MNP), so without them the nodes' task ENIs lack
    // the self-referencing group. "If security groups are specified using both the securityGroupIds
    // parameter of CreateComputeEnvironment and the launch template, the values in the
    // securityGroupIds parameter ... will be used" (Batch API, LaunchTemplateSpecification): the EFA
    // interfaces carry the same group.
    securityGroup: ctx.securityGroup,
    ...onDemandOptions(ctx, o),
    placementGroup,
  });
  return { computeEnvironment, queue: ctx.queue('EfaQueue', computeEnvironment, 10) };
}

/** Batch caps vCPUs: GPUs convert at the fewest vCPUs per GPU, so the cap never admits more GPUs. */
function vcpusPerGpu(specs: GpuInstanceSpec[]): number {
  return Math.min(...specs.map((s) => s.vcpus / s.gpus));
}

/** One compute environment of the cluster. */
export interface ComputeEnvironmentOptions {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly spot: boolean;
  readonly allocationStrategy: batch.AllocationStrategy;
  readonly spotBidPercentage?: number;
  readonly instanceTypes: string[];
  readonly minvCpus: number;
  readonly maxvCpus: number;
  readonly instanceRole: iam.IRole;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly placementGroup?: ec2.IPlacementGroup;
}

/** A GPU compute environment (ECS AL2023 NVIDIA AMI) pinned to the launch template's current version number. */
export function createComputeEnvironment(
  scope: Construct,
  id: string,
  props: ComputeEnvironmentOptions,
): batch.ManagedEc2EcsComputeEnvironment {
  const ce = new batch.ManagedEc2EcsComputeEnvironment(scope, id, {
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: [props.securityGroup],
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
  // The concrete version number, not `$Latest`/`$Default`: "When updating a compute environment, changing
  // the launch template requires an infrastructure update of the compute environment" (Batch API,
  // LaunchTemplateSpecification.version). With `$Latest` the template's new version leaves this property
  // unchanged, CloudFormation sees no change, and user-data or volume changes never reach new instances;
  // `LatestVersionNumber` changes with every template change and triggers that infrastructure update.
  (ce.node.defaultChild as batch.CfnComputeEnvironment).addPropertyOverride(
    'ComputeResources.LaunchTemplate.Version',
    props.launchTemplate.latestVersionNumber,
  );
  return ce;
}

/** Records `expectedUsage` on the spot compute environment, where the cost estimate reads it. */
function recordSpotUsage(
  ce: batch.IComputeEnvironment,
  expected: TrainingExpectedUsage,
  clusterName: string,
): void {
  const usage: UsageAssumptions = {
    source: 'GpuTrainingCluster.expectedUsage',
    ...(expected.monthlyGpuHours !== undefined && {
      monthlyGpuHours: expected.monthlyGpuHours,
    }),
    ...(expected.monthlyInstanceHours !== undefined && {
      monthlyInstanceHours: expected.monthlyInstanceHours,
    }),
    note: `spot capacity of ${clusterName}`,
  };
  (ce.node.defaultChild as batch.CfnComputeEnvironment).addMetadata(USAGE_METADATA_KEY, usage);
}

/** The on-demand fallback runs only resubmitted jobs: no expected hours of its own. */
function recordOnDemandUsage(
  ce: batch.IComputeEnvironment,
  clusterName: string,
  afterSpotReclaims: number,
): void {
  (ce.node.defaultChild as batch.CfnComputeEnvironment).addMetadata(USAGE_METADATA_KEY, {
    source: 'GpuTrainingCluster.expectedUsage',
    monthlyInstanceHours: 0,
    note: `on-demand fallback of ${clusterName}: runs only jobs resubmitted after ${afterSpotReclaims} spot reclaims; the maximum follows maxvCpus`,
  } satisfies UsageAssumptions);
}

/** Makes one job queue over one compute environment. */
export type JobQueueFactory = (
  id: string,
  ce: batch.IComputeEnvironment,
  priority: number,
  scope?: Construct,
) => batch.JobQueue;

/**
 * Creates the fair-share scheduling policy (`FairShare`, when `fairShare` is set) and returns a
 * factory of queues that share it and cancel jobs stuck RUNNABLE for lack of capacity.
 */
export function jobQueueFactory(
  scope: Construct,
  fairShare: FairShareOptions | undefined,
  capacityTimeout: Duration,
): JobQueueFactory {
  const schedulingPolicy = fairShare
    ? new batch.FairshareSchedulingPolicy(scope, 'FairShare', {
        shareDecay: fairShare.shareDecay ?? Duration.hours(1),
        shares: toWeightFactors(fairShare.shares),
      })
    : undefined;
  const timeLimits = capacityTimeLimits(capacityTimeout);
  return (id, ce, priority, queueScope = scope) =>
    new batch.JobQueue(queueScope, id, {
      computeEnvironments: [{ computeEnvironment: ce, order: 1 }],
      priority,
      schedulingPolicy,
      jobStateTimeLimitActions: timeLimits,
    });
}

/**
 * Cancels jobs RUNNABLE for `capacityTimeout` for lack of instance capacity or with requirements no
 * instance meets.
 */
export function capacityTimeLimits(capacityTimeout: Duration): batch.JobStateTimeLimitAction[] {
  return [
    batch.JobStateTimeLimitActionsReason.INSUFFICIENT_INSTANCE_CAPACITY,
    batch.JobStateTimeLimitActionsReason.JOB_RESOURCE_REQUIREMENT,
  ].map((reason) => ({
    reason,
    maxTime: capacityTimeout,
    action: batch.JobStateTimeLimitActionsAction.CANCEL,
    state: batch.JobStateTimeLimitActionsState.RUNNABLE,
  }));
}

/**
 * Batch gives a share identifier capacity inversely to its weight factor, so a share of 2 becomes
 * half the weight of a share of 1. Weights are scaled so the largest share gets 1.
 */
export function toWeightFactors(shares: Record<string, number>): batch.Share[] {
  const max = Math.max(...Object.values(shares));
  return Object.entries(shares).map(([shareIdentifier, share]) => ({
    shareIdentifier,
    weightFactor: Math.round((max / share) * 10000) / 10000,
  }));
}
