/**
 * The reserved capacity of `GpuTrainingCluster` (`reservedCapacity`): per reservation, an on-demand
 * compute environment whose launch template targets the reservation, its job queue, the usage
 * metadata the cost estimate reads, and a Capacity Block's expiry notices.
 */
import * as batch from 'aws-cdk-lib/aws-batch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  USAGE_METADATA_KEY,
  type ReservationUsage,
  type UsageAssumptions,
} from '../../../cost/usage-metadata';
import { parseIsoInstant } from '../../core/clock';
import type { ReservedTrainingCapacity } from '../gpu-training-cluster';
import { GpuLaunchTemplate, type GpuLaunchTemplateProps } from '../launch-template';
import type { TrainingReservation } from '../training-reservation';
import { createComputeEnvironment, type ClusterCapacityContext } from './capacity';
import { CapacityBlockNotices } from './capacity-block-notices';
import type { CheckedReservation } from './validate-reservations';

/** What the reserved capacity shares with the rest of the cluster. */
export interface ReservedCapacityContext extends ClusterCapacityContext {
  /** The cluster's launch template props, with `efaInterfaces` EFA interfaces when given. */
  readonly launchTemplateProps: (efaInterfaces?: number) => GpuLaunchTemplateProps;
  /** Admits traffic within the cluster's security group, as EFA nodes need. */
  readonly allowNodeTraffic: () => void;
  /** Where Capacity Block expiry notices go; without one, each block gets a warning instead. */
  readonly noticeTopic?: sns.ITopic;
  /** The synth clock: notices already past are left out. */
  readonly now: Date;
}

/**
 * One on-demand compute environment per reservation (under `Reserved-<name>` of the cluster),
 * launching into it only, with its queue at priority 20 (the other queues have 10): "Job queues with
 * a higher priority (or a higher integer value for the priority parameter) are evaluated first when
 * associated with the same compute environment" (Batch API, CreateJobQueue.priority).
 */
export function addReservedCapacity(
  cluster: Construct,
  reservations: readonly CheckedReservation[],
  ctx: ReservedCapacityContext,
): ReservedTrainingCapacity[] {
  const notices = new CapacityBlockNotices(cluster, ctx.clusterName, ctx.noticeTopic, ctx.now);
  const result = reservations.map(({ reservation: r, spec }) => {
    const scope = new Construct(cluster, `Reserved-${r.name}`);
    const efaInterfaces = spec.efaInterfaces > 0 ? spec.efaInterfaces : undefined;
    if (efaInterfaces) ctx.allowNodeTraffic();
    const computeEnvironment = createComputeEnvironment(scope, 'ComputeEnvironment', {
      vpc: ctx.vpc,
      // "Your instance can't launch in a subnet in a different Availability Zone from the
      // Availability Zone where your Capacity Block is located" (EC2 user guide); a targeted
      // capacity reservation matches only instances of its zone.
      vpcSubnets: {
        subnets: ctx.subnets.subnets.filter((s) => s.availabilityZone === r.availabilityZone),
      },
      securityGroup: ctx.securityGroup,
      spot: false,
      allocationStrategy: batch.AllocationStrategy.BEST_FIT_PROGRESSIVE,
      instanceTypes: [r.instanceType.toString()],
      // Nothing runs idle: a Capacity Block cannot launch before it starts, and a reservation is
      // billed whether its instances run or not.
      minvCpus: 0,
      // Exactly the reserved instances: a launch beyond them has no reserved capacity to target.
      maxvCpus: r.instanceCount * spec.vcpus,
      instanceRole: ctx.instanceRole,
      // No placement group: "Instances that run inside a Capacity Block are automatically placed
      // close together inside Amazon EC2 UltraClusters" (EC2 API, CapacityBlock), and a placement
      // group the reservation was not made in would keep instances from matching it.
      launchTemplate: new GpuLaunchTemplate(scope, 'LaunchTemplate', {
        ...ctx.launchTemplateProps(efaInterfaces),
        capacityReservation: { reservationId: r.reservationId, capacityBlock: r.isCapacityBlock },
      }).launchTemplate,
    });
    recordReservationUsage(computeEnvironment, r, ctx.clusterName);
    const expiryNotices = notices.add(scope, r);
    return {
      name: r.name,
      reservation: r,
      computeEnvironment,
      queue: ctx.queue('Queue', computeEnvironment, 20, scope),
      expiryNotices,
    };
  });
  notices.acknowledge();
  return result;
}

/** Records the reservation on its compute environment for the cost estimate. */
function recordReservationUsage(
  ce: batch.IComputeEnvironment,
  r: TrainingReservation,
  clusterName: string,
): void {
  const reservation: ReservationUsage = {
    kind: r.kind,
    reservationId: r.reservationId,
    instanceType: r.instanceType.toString(),
    instanceCount: r.instanceCount,
    availabilityZone: r.availabilityZone,
    ...(r.endsAt !== undefined && { endsAt: new Date(parseIsoInstant(r.endsAt)!).toISOString() }),
    ...(r.startsAt !== undefined && { startsAt: new Date(parseIsoInstant(r.startsAt)!).toISOString() }),
    ...(r.upfrontFeeUsd !== undefined && { upfrontFeeUsd: r.upfrontFeeUsd }),
  };
  // The estimator bills the reservation as AWS does, and not the environment's instance-hours in it.
  const usage: UsageAssumptions = {
    source: 'GpuTrainingCluster.reservedCapacity',
    reservation,
    note: `${r.kind} ${r.reservationId} of ${clusterName}: ${r.instanceCount} × ${reservation.instanceType} in ${r.availabilityZone}`,
  };
  (ce.node.defaultChild as batch.CfnComputeEnvironment).addMetadata(USAGE_METADATA_KEY, usage);
}
