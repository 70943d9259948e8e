/**
 * Reserved EC2 capacity a `GpuTrainingCluster` launches into: an On-Demand Capacity Reservation or
 * an EC2 Capacity Block for ML (`reservedCapacity` prop).
 */
import type * as ec2 from 'aws-cdk-lib/aws-ec2';

/** The two kinds of reserved capacity (the names the cost estimate's usage metadata uses). */
export enum TrainingReservationKind {
  /** An On-Demand Capacity Reservation: billed at the on-demand rate for every reserved hour, used or not. */
  CAPACITY_RESERVATION = 'capacity-reservation',
  /** An EC2 Capacity Block for ML: paid upfront for a fixed window; its instances are terminated at its end. */
  CAPACITY_BLOCK = 'capacity-block',
}

/** An On-Demand Capacity Reservation the cluster launches into. */
export interface CapacityReservationOptions {
  /** The reservation's id, `cr-` followed by 17 hexadecimal digits. */
  readonly reservationId: string;
  /** The reservation's instance type: a GPU type of the cluster's families (EFA-capable for multi-node EFA jobs). */
  readonly instanceType: ec2.InstanceType;
  /** The reservation's availability zone, e.g. `us-east-1a`; the cluster's subnets must include one there. */
  readonly availabilityZone: string;
  /** Instances reserved; the compute environment never asks for more. */
  readonly instanceCount: number;
  /**
   * A stable name for the reservation's constructs and queue (construct ids are API: renaming
   * replaces the compute environment). Name reservations you will swap for others of the same role.
   * @default - the reservation id
   */
  readonly name?: string;
}

/** An EC2 Capacity Block for ML the cluster launches into. */
export interface CapacityBlockOptions extends CapacityReservationOptions {
  /**
   * When the block ends, ISO-8601 with a zone (`2027-01-15T11:30:00Z`). "When a Capacity Block
   * expires, all instances in the Capacity Block are terminated" (EC2 API, CapacityBlock.endDate):
   * the cluster notifies `alarmTopic` a day and an hour before.
   */
  readonly endsAt: string;
  /**
   * When the block starts, ISO-8601 with a zone; lets synth check that blocks of one pool do not overlap.
   * @default - unknown: only blocks of one pool ending at the same time are known to overlap
   */
  readonly startsAt?: string;
  /**
   * The block's quoted upfront price in USD, for the cost estimate.
   * @default - the estimate prices the block from its catalog, or reports it unpriced
   */
  readonly upfrontFeeUsd?: number;
}

/**
 * A reservation for `GpuTrainingClusterProps.reservedCapacity`. Each becomes an on-demand compute
 * environment whose launch template targets the reservation, in the reservation's availability
 * zone, with its own job queue. Nothing is checked here: the cluster validates every reservation
 * against its VPC, its instance types and the synth clock, and reports all problems at once.
 */
export class TrainingReservation {
  /** An On-Demand Capacity Reservation (`cr-...`). */
  public static capacityReservation(options: CapacityReservationOptions): TrainingReservation {
    return new TrainingReservation(TrainingReservationKind.CAPACITY_RESERVATION, options);
  }

  /** An EC2 Capacity Block for ML (its capacity reservation id, `cr-...`) and when it ends. */
  public static capacityBlock(options: CapacityBlockOptions): TrainingReservation {
    return new TrainingReservation(TrainingReservationKind.CAPACITY_BLOCK, options);
  }

  public readonly kind: TrainingReservationKind;
  public readonly reservationId: string;
  public readonly instanceType: ec2.InstanceType;
  public readonly availabilityZone: string;
  public readonly instanceCount: number;
  /** The name given, or the reservation id: the key of the reservation's constructs. */
  public readonly name: string;
  /** Capacity Block only. */
  public readonly endsAt?: string;
  /** Capacity Block only. */
  public readonly startsAt?: string;
  /** Capacity Block only. */
  public readonly upfrontFeeUsd?: number;

  private constructor(kind: TrainingReservationKind, options: CapacityReservationOptions) {
    this.kind = kind;
    this.reservationId = options.reservationId;
    this.instanceType = options.instanceType;
    this.availabilityZone = options.availabilityZone;
    this.instanceCount = options.instanceCount;
    this.name = options.name ?? options.reservationId;
    if (kind === TrainingReservationKind.CAPACITY_BLOCK) {
      const block = options as CapacityBlockOptions;
      this.endsAt = block.endsAt;
      this.startsAt = block.startsAt;
      this.upfrontFeeUsd = block.upfrontFeeUsd;
    }
  }

  /** Whether this is a Capacity Block. */
  public get isCapacityBlock(): boolean {
    return this.kind === TrainingReservationKind.CAPACITY_BLOCK;
  }
}
