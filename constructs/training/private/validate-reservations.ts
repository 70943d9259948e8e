/**
 * Validation of `GpuTrainingCluster.reservedCapacity`: names, ids, instance types, zones, counts
 * and the dates of Capacity Blocks, all problems reported at once.
 */
import { Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { parseIsoInstant, synthTime } from '../../core/clock';
import { PropValidator } from '../../core/errors';
import type { ChosenSubnets } from '../../core/subnets';
import { GPU_FAMILIES, gpuInstanceSpec, type GpuInstanceSpec } from '../gpu-instance-types';
import type { TrainingReservation } from '../training-reservation';

/** What validation needs to know besides the reservations. */
interface ReservationContext {
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
 * Checks `reservedCapacity` of the cluster `scope` against its chosen subnets and the synth clock;
 * throws once for all problems.
 */
export function checkReservedCapacity(
  scope: Construct,
  reservations: readonly TrainingReservation[],
  subnets: ChosenSubnets,
): CheckedReservation[] {
  if (reservations.length === 0) return [];
  const v = new PropValidator('GpuTrainingCluster', scope);
  const checked = validateReservations(v, reservations, {
    now: synthTime(scope),
    subnetAzs: subnets.availabilityZones,
  });
  for (const { reservation: r } of checked) {
    // Unresolved subnet zones (environment-agnostic stack) cannot be matched to the reservation's.
    const inZone = subnets.subnets.filter((s) => s.availabilityZone === r.availabilityZone);
    if (subnets.availabilityZones.length === 0 && inZone.length === 0) {
      v.check(
        false,
        `reservedCapacity[${reservations.indexOf(r)}].availabilityZone`,
        r.availabilityZone,
        "a zone the cluster can find a subnet in: the subnets' zones are unresolved (an environment-agnostic stack); give the stack an env with account and region",
      );
    }
  }
  v.throwIfAny();
  return checked;
}

/**
 * Checks `reservedCapacity`: names and ids (unique), GPU instance types, availability zones of the
 * cluster's subnets, positive counts, and for Capacity Blocks ISO-8601 dates, an end after the synth
 * clock and no overlap with another block of the same instance type and zone. Problems are recorded
 * on `v`; returns the reservations whose instance type is known.
 */
function validateReservations(
  v: PropValidator,
  reservations: readonly TrainingReservation[],
  ctx: ReservationContext,
): CheckedReservation[] {
  const checked: CheckedReservation[] = [];
  const names = new Map<string, number>();
  const ids = new Map<string, number>();
  reservations.forEach((r, i) => {
    const prop = (p: string): string => `reservedCapacity[${i}].${p}`;
    checkKey(v, names, i, {
      prop: prop('name'),
      value: r.name,
      pattern: RESERVATION_NAME,
      allowed:
        '1 to 40 letters, digits or hyphens (it keys the reservation’s constructs; the default is the reservation id)',
      noun: 'a name',
    });
    checkKey(v, ids, i, {
      prop: prop('reservationId'),
      value: r.reservationId,
      pattern: RESERVATION_ID,
      allowed: 'a literal capacity reservation id: cr- followed by 17 hexadecimal digits',
      noun: 'an id',
    });

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

/**
 * A literal value of `key.pattern` that no earlier reservation has; `seen` maps the values so far to
 * their reservation's index.
 */
function checkKey(
  v: PropValidator,
  seen: Map<string, number>,
  index: number,
  key: { prop: string; value: string; pattern: RegExp; allowed: string; noun: string },
): void {
  v.check(!Token.isUnresolved(key.value) && key.pattern.test(key.value), key.prop, key.value, key.allowed);
  const earlier = seen.get(key.value);
  v.check(
    earlier === undefined,
    key.prop,
    key.value,
    `${key.noun} no other reservation has (reservedCapacity[${earlier}] has it)`,
  );
  seen.set(key.value, index);
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

/** Capacity Blocks reserve up to 64 instances; capacity reservations have no fixed cap. */
const MAX_INSTANCES = 10000;
const RESERVATION_ID = /^cr-[0-9a-f]{17}$/;
const RESERVATION_NAME = /^[A-Za-z0-9-]{1,40}$/;
const AVAILABILITY_ZONE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d[a-z](-[a-z0-9-]+)?$/;
