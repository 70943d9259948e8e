/**
 * Reserved capacity of `GpuTrainingCluster`: validation of `reservedCapacity`, the usage metadata
 * the cost estimate reads, and the expiry notices of Capacity Blocks.
 */
import { Annotations, Duration, Stack, TimeZone, Token } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import {
  USAGE_METADATA_KEY,
  type ReservationUsage,
  type UsageAssumptions,
} from '../../../cost/usage-metadata';
import { parseIsoInstant } from '../../core/clock';
import type { PropValidator } from '../../core/errors';
import { GPU_FAMILIES, gpuInstanceSpec, type GpuInstanceSpec } from '../gpu-instance-types';
import type { TrainingReservation } from '../training-reservation';

/** What validation needs to know besides the reservations. */
export interface ReservationContext {
  /** The synth clock (`synthTime`). */
  readonly now: Date;
  /** Literal availability zones of the cluster's subnets; empty when they are tokens. */
  readonly subnetAzs: readonly string[];
}

/** A validated reservation and its instance type's spec. */
export interface CheckedReservation {
  readonly reservation: TrainingReservation;
  readonly spec: GpuInstanceSpec;
}

/**
 * Checks `reservedCapacity`: names and ids (unique), GPU instance types, availability zones of the
 * cluster's subnets, positive counts, and for Capacity Blocks ISO-8601 dates, an end after the synth
 * clock and no overlap with another block of the same instance type and zone. Problems are recorded
 * on `v`; returns the reservations whose instance type is known.
 */
export function validateReservations(
  v: PropValidator,
  reservations: readonly TrainingReservation[],
  ctx: ReservationContext,
): CheckedReservation[] {
  const checked: CheckedReservation[] = [];
  const names = new Map<string, number>();
  const ids = new Map<string, number>();
  reservations.forEach((r, i) => {
    const prop = (p: string): string => `reservedCapacity[${i}].${p}`;
    v.check(
      !Token.isUnresolved(r.name) && RESERVATION_NAME.test(r.name),
      prop('name'),
      r.name,
      '1 to 40 letters, digits or hyphens (it keys the reservation’s constructs; the default is the reservation id)',
    );
    const sameName = names.get(r.name);
    v.check(
      sameName === undefined,
      prop('name'),
      r.name,
      `a name no other reservation has (reservedCapacity[${sameName}] has it)`,
    );
    names.set(r.name, i);
    v.check(
      !Token.isUnresolved(r.reservationId) && RESERVATION_ID.test(r.reservationId),
      prop('reservationId'),
      r.reservationId,
      'a literal capacity reservation id: cr- followed by 17 hexadecimal digits',
    );
    const sameId = ids.get(r.reservationId);
    v.check(
      sameId === undefined,
      prop('reservationId'),
      r.reservationId,
      `an id no other reservation has (reservedCapacity[${sameId}] has it)`,
    );
    ids.set(r.reservationId, i);

    const type = r.instanceType.toString();
    const spec = Token.isUnresolved(type) ? undefined : gpuInstanceSpec(type);
    v.check(
      spec !== undefined,
      prop('instanceType'),
      type,
      `an NVIDIA GPU instance type of the families ${GPU_FAMILIES.join(', ')} (e.g. p5.48xlarge)`,
    );
    validateZone(v, prop('availabilityZone'), r.availabilityZone, ctx.subnetAzs);
    v.range(prop('instanceCount'), r.instanceCount, 1, MAX_INSTANCES);
    if (r.isCapacityBlock) validateBlockDates(v, prop, r, ctx.now);
    if (spec) checked.push({ reservation: r, spec });
  });
  validateNoOverlap(v, reservations);
  return checked;
}

function validateZone(v: PropValidator, prop: string, zone: string, subnetAzs: readonly string[]): void {
  if (Token.isUnresolved(zone) || !AVAILABILITY_ZONE.test(zone)) {
    v.check(false, prop, zone, 'a literal availability zone name such as us-east-1a');
    return;
  }
  // Unknown subnet zones (an environment-agnostic stack) are judged when the subnets are picked.
  if (subnetAzs.length === 0) return;
  v.check(
    subnetAzs.includes(zone),
    prop,
    zone,
    `an availability zone of the cluster's subnets (${subnetAzs.join(', ')}): "Your instance can't launch in a subnet in a different Availability Zone from the Availability Zone where your Capacity Block is located" (EC2 user guide); add a subnet there to vpcSubnets`,
  );
}

function validateBlockDates(
  v: PropValidator,
  prop: (p: string) => string,
  r: TrainingReservation,
  now: Date,
): void {
  const endsAt = r.endsAt === undefined ? undefined : parseIsoInstant(r.endsAt);
  if (endsAt === undefined) {
    v.check(false, prop('endsAt'), r.endsAt, 'an ISO-8601 date-time with a zone, e.g. 2027-01-15T11:30:00Z');
  } else {
    v.check(
      endsAt > now.getTime(),
      prop('endsAt'),
      r.endsAt,
      `a time after the synth clock (${now.toISOString()}): the block has ended, and its instances with it`,
    );
  }
  if (r.startsAt !== undefined) {
    const startsAt = parseIsoInstant(r.startsAt);
    if (startsAt === undefined) {
      v.check(
        false,
        prop('startsAt'),
        r.startsAt,
        'an ISO-8601 date-time with a zone, e.g. 2027-01-01T11:30:00Z',
      );
    } else if (endsAt !== undefined) {
      v.check(startsAt < endsAt, prop('startsAt'), r.startsAt, `a time before endsAt (${r.endsAt})`);
    }
  }
  if (r.upfrontFeeUsd !== undefined) {
    v.check(
      Number.isFinite(r.upfrontFeeUsd) && r.upfrontFeeUsd > 0,
      prop('upfrontFeeUsd'),
      r.upfrontFeeUsd,
      'a positive number of USD (the quoted price of the block)',
    );
  }
}

/**
 * Blocks of one instance type in one zone must not overlap in time: the cluster keeps one queue per
 * pool and window, and the estimate would bill the same instance-hours twice. Overlap is certain when
 * two blocks end at the same time, or the later-ending one starts before the other ends.
 */
function validateNoOverlap(v: PropValidator, reservations: readonly TrainingReservation[]): void {
  const blocks = reservations
    .map((r, i) => ({
      r,
      i,
      end: r.endsAt === undefined ? undefined : parseIsoInstant(r.endsAt),
      start: r.startsAt === undefined ? undefined : parseIsoInstant(r.startsAt),
    }))
    .filter((b): b is typeof b & { end: number } => b.r.isCapacityBlock && b.end !== undefined);
  for (const a of blocks) {
    for (const b of blocks) {
      if (b.i <= a.i) continue;
      if (a.r.instanceType.toString() !== b.r.instanceType.toString()) continue;
      if (a.r.availabilityZone !== b.r.availabilityZone) continue;
      const [early, late] = a.end <= b.end ? [a, b] : [b, a];
      const overlaps = early.end === late.end || (late.start !== undefined && late.start < early.end);
      v.check(
        !overlaps,
        `reservedCapacity[${b.i}]`,
        b.r.reservationId,
        `a Capacity Block that does not overlap reservedCapacity[${a.i}] (${a.r.reservationId}), another ${a.r.instanceType} block in ${a.r.availabilityZone}`,
      );
    }
  }
}

/** Records the reservation on its compute environment for the cost estimate. */
export function recordReservationUsage(
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

/** When the notices go out before a Capacity Block ends, and the id of each schedule. */
export const EXPIRY_NOTICES: ReadonlyArray<{ readonly id: string; readonly before: Duration }> = [
  { id: 'NoticeDayBefore', before: Duration.hours(24) },
  { id: 'NoticeHourBefore', before: Duration.hours(1) },
];

/**
 * One-time EventBridge Scheduler schedules that publish to `topic` a day and an hour before a
 * Capacity Block ends. EC2 starts terminating the block's instances before its end ("Forty minutes
 * before your Capacity Block reservation ends, you receive another EventBridge event that tells you
 * that any instances running in the reservation will begin to terminate in 10 minutes", EC2 user
 * guide, Monitor Capacity Blocks using EventBridge): an hour ahead leaves jobs time to checkpoint.
 * Notices whose time has passed at synth are left out (a warning says so).
 */
export function addExpiryNotices(
  scope: Construct,
  r: TrainingReservation,
  clusterName: string,
  topic: sns.ITopic,
  role: iam.IRole,
  now: Date,
): scheduler.Schedule[] {
  const end = parseIsoInstant(r.endsAt!)!;
  const schedules: scheduler.Schedule[] = [];
  for (const notice of EXPIRY_NOTICES) {
    const at = new Date(end - notice.before.toMilliseconds());
    const lead = notice.before.toHumanString();
    if (at.getTime() <= now.getTime()) {
      Annotations.of(scope).addWarningV2(
        'cdk-ml-platform:capacityBlockNoticePassed',
        `Capacity Block ${r.reservationId} ends at ${new Date(end).toISOString()}: the notice ${lead} before is already past at synth and is not scheduled.`,
      );
      continue;
    }
    const message =
      `Capacity Block ${r.reservationId} of training cluster ${clusterName} ` +
      `(${r.instanceCount} × ${r.instanceType} in ${r.availabilityZone}) ends in ${lead}, at ` +
      `${new Date(end).toISOString()}. EC2 terminates its instances before the end (from 30 minutes ` +
      'before): checkpoint running jobs and stop submitting long jobs to its queue.';
    schedules.push(
      new scheduler.Schedule(scope, notice.id, {
        description: `${lead} notice before Capacity Block ${r.reservationId} of ${clusterName} ends`,
        schedule: scheduler.ScheduleExpression.at(at, TimeZone.ETC_UTC),
        timeWindow: scheduler.TimeWindow.off(),
        target: new schedulerTargets.SnsPublish(topic, {
          role,
          input: scheduler.ScheduleTargetInput.fromText(message),
          // A notice delivered after the block's end says nothing useful.
          maxEventAge: Duration.hours(1),
        }),
      }),
    );
  }
  return schedules;
}

/**
 * The role EventBridge Scheduler assumes to publish the notices: only the account's own schedules
 * of the default group may assume it ("To prevent confused deputy problems ... use aws:SourceArn and
 * aws:SourceAccount" in the execution role's trust policy, EventBridge Scheduler user guide, Set up
 * the execution role). `SnsPublish` grants it sns:Publish on the topic, and the topic's key when the
 * topic is encrypted.
 */
export function createNoticeRole(scope: Construct, id: string, topic: sns.ITopic): iam.Role {
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, id, {
    description: `EventBridge Scheduler publishes Capacity Block expiry notices to ${topic.node.path}`,
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': `arn:${stack.partition}:scheduler:${stack.region}:${stack.account}:schedule-group/default`,
        },
      },
    }),
  });
  // The topic policy names the role too, so a topic policy that lists its publishers (enforceSSL
  // replaces SNS's default policy) shows the notices. Only in the same stack: the schedules already
  // refer to the topic, and a topic policy in its own stack naming this role would close a cycle.
  // Within one account the role's own policy suffices for SNS.
  if (Stack.of(topic) !== stack) return role;
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCapacityBlockNotices',
      principals: [new iam.ArnPrincipal(role.roleArn)],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
    }),
  );
  return role;
}

/** Capacity Blocks reserve up to 64 instances; capacity reservations have no fixed cap. */
const MAX_INSTANCES = 10000;
const RESERVATION_ID = /^cr-[0-9a-f]{17}$/;
const RESERVATION_NAME = /^[A-Za-z0-9-]{1,40}$/;
const AVAILABILITY_ZONE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d[a-z](-[a-z0-9-]+)?$/;
