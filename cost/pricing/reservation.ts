/**
 * Reserved EC2 capacity behind a Batch compute environment (usage metadata `reservation`, see
 * cost/usage-metadata.ts), priced the way AWS bills it:
 * - On-Demand Capacity Reservation: "Capacity Reservations are charged at the equivalent
 *   On-Demand rate whether you run instances in reserved capacity or not" and "When you run an
 *   instance that matches the attributes of a reservation, you just pay for the instance and
 *   nothing for the reservation" (EC2 User Guide, Capacity Reservation pricing and billing). So:
 *   instanceCount × 730 h at on-demand in every scenario (min = expected = max), and the
 *   environment's instance-hours of that type are not charged again.
 * - Capacity Block for ML: "The price of the Capacity Block is charged up front at the time the
 *   reservation is made" and "depends on available supply and demand" (EC2 User Guide, Capacity
 *   Blocks pricing and billing). No list rate can stand for a block, so the fee is the quoted
 *   `upfrontFeeUsd` or the block is unpriced. Rule for the monthly figure: the whole fee is one
 *   one-time line (min = expected = max = fee), i.e. the month the block is paid for; the report
 *   marks it `chargeFrequency: One-Time`. Instances in an active block cost nothing more (Linux).
 */
import type { CatalogPrice } from '../types';
import type { ReservationUsage } from '../usage-metadata';
import { fmt } from './unit-price-helpers';
import {
  HOURS_PER_MONTH,
  type LineDraft,
  type PriceBook,
  type PricingInput,
  type PricingResult,
} from './types';

/** Where capacity-block fees come from, as a price source id in the report. */
export const CAPACITY_BLOCK_FEE_SOURCE = 'usage-metadata:capacity-block-fee';

export interface ReservationPricing {
  /** The line that bills the reservation; absent when it cannot be priced (see `reason`). */
  readonly line?: LineDraft;
  readonly reason?: string;
}

/** The line that bills a reservation, or why it cannot be priced. */
export function priceReservation(
  reservation: ReservationUsage,
  prices: PriceBook,
  origin: string | undefined,
): ReservationPricing {
  const { instanceType, instanceCount, reservationId, availabilityZone } = reservation;
  const drivers = {
    'reservation.kind': reservation.kind,
    'reservation.instanceType': instanceType,
    'reservation.instanceCount': instanceCount,
  };
  if (reservation.kind === 'capacity-reservation') {
    const price = prices.price('AmazonEC2', instanceType);
    if (!price) {
      return {
        reason: `capacity reservation ${reservationId}: instance type ${instanceType} has no AmazonEC2 price in ${prices.region}`,
      };
    }
    const hours = instanceCount * HOURS_PER_MONTH;
    return {
      line: {
        service: 'AmazonEC2',
        component: `Capacity reservation (${instanceType}, on-demand rate)`,
        unit: 'Hrs',
        quantity: { min: hours, expected: hours, max: hours },
        quantityFormula: `${fmt(instanceCount)} reserved × 730 h`,
        price,
        pricingCategory: 'Standard',
        usageBased: false,
        hasUsage: true,
        usageSource: 'usage-metadata',
        notes: [
          `On-Demand Capacity Reservation ${reservationId} in ${availabilityZone}: billed at the on-demand rate for every reserved hour, used or not; instances launched into it are not charged again`,
        ],
        drivers,
      },
    };
  }
  const duration = blockHours(reservation);
  const fee = reservation.upfrontFeeUsd;
  if (fee === undefined) {
    return {
      reason:
        `capacity block ${reservationId}: no upfrontFeeUsd; a Capacity Block's price depends on supply and demand at purchase ` +
        '(EC2 User Guide, Capacity Blocks pricing and billing), so no catalog rate stands for it: record the quoted fee',
    };
  }
  const price: CatalogPrice = {
    service: 'AmazonEC2',
    key: `CapacityBlock:${instanceType}`,
    unit: 'Blocks',
    value: fee,
    source: CAPACITY_BLOCK_FEE_SOURCE,
    // The quote's date is not recorded; the block's price never changes after purchase.
    capturedAt: '',
  };
  const span =
    duration !== undefined
      ? `${fmt(instanceCount)} × ${instanceType} for ${fmt(duration)} h, ${reservation.startsAt} → ${reservation.endsAt}`
      : `${fmt(instanceCount)} × ${instanceType} until ${reservation.endsAt}`;
  return {
    line: {
      service: 'AmazonEC2',
      component: `Capacity Block fee (${instanceType}, one-time upfront)`,
      unit: 'Blocks',
      quantity: { min: 1, expected: 1, max: 1 },
      quantityFormula: `1 block (${span})`,
      price,
      pricingCategory: 'Committed',
      chargeFrequency: 'One-Time',
      usageBased: false,
      hasUsage: true,
      usageSource: 'usage-metadata',
      notes: [
        `Capacity Block ${reservationId} in ${availabilityZone}: one-time fee charged up front at purchase, shown in full as this month's cost (not every month); quoted by ${origin ?? 'the usage metadata'}`,
        'Savings Plans and Reserved Instances do not apply to Capacity Blocks',
      ],
      drivers,
    },
  };
}

/** A block's duration in hours, when its start is known. */
function blockHours(r: ReservationUsage): number | undefined {
  if (r.startsAt === undefined || r.endsAt === undefined) return undefined;
  return (Date.parse(r.endsAt) - Date.parse(r.startsAt)) / 3_600_000;
}

/**
 * A compute environment's pricing with its reservation applied: the reservation's line first,
 * then the environment's other lines. Its instance-usage line for the reserved type goes: the
 * launch template targets the reservation by id, so those instances launch only into it (a
 * targeted launch without free capacity fails rather than running at on-demand) and the
 * reservation already pays for them. Lines of other types and EBS volumes stay.
 */
export function withReservation(input: PricingInput, result: PricingResult): PricingResult {
  const reservation = input.usage.reservation;
  if (!reservation) return result;
  const origin = Object.values(input.usage.origins)[0];
  const r = priceReservation(reservation, input.prices, origin);
  const reasons = r.reason !== undefined ? [r.reason] : [];
  const head = r.line ? [r.line] : [];
  if (result.kind !== 'priced') {
    if (head.length === 0) return { kind: 'unpriced', reason: reasons.join('; ') };
    return { kind: 'priced', lines: head, unpriced: result.kind === 'unpriced' ? [result.reason] : [] };
  }
  const covered = (l: LineDraft): boolean =>
    l.unit === 'Hrs' && l.price.key === reservation.instanceType && l.component.startsWith('Instance usage');
  const rest = result.lines.filter((l) => !covered(l));
  return { kind: 'priced', lines: [...head, ...rest], unpriced: [...(result.unpriced ?? []), ...reasons] };
}
