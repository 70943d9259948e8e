/**
 * The one contract shared by constructs and the estimator: usage assumptions that a
 * construct records on a CloudFormation resource, so the estimator needs nothing but
 * the template. Plain types only: this file must never import aws-cdk-lib.
 *
 *   "Metadata": { "cdk-ml-platform:usage": { "monthlyInstanceHours": 300, "source": "GpuTrainingCluster.expectedUsage" } }
 */
export const USAGE_METADATA_KEY = 'cdk-ml-platform:usage';

/** Usage assumptions, keyed per resource. Every key is optional; pricing modules read the ones they know. */
export interface UsageAssumptions {
  /** Who set these numbers (prop path), e.g. `GpuTrainingCluster.expectedUsage`. */
  readonly source: string;
  /** Instance-hours per month (Batch compute environments, EC2 capacity). */
  readonly monthlyInstanceHours?: number;
  /** GPU-hours per month; converted to instance-hours with the instance type's GPU count. */
  readonly monthlyGpuHours?: number;
  /** Average number of instances running over the month (SageMaker endpoint variants, inference components). */
  readonly averageInstanceCount?: number;
  /** Requests per month (serverless endpoints, Lambda, API calls). */
  readonly monthlyRequests?: number;
  /** Average duration of one request in milliseconds (serverless endpoints, Lambda). */
  readonly averageDurationMs?: number;
  /** GB stored on average over the month (S3 buckets, ECR repositories, log groups). */
  readonly storageGb?: number;
  /** GB ingested or processed per month (log groups, NAT gateways, Kinesis/Firehose). */
  readonly monthlyDataGb?: number;
  /** Average record size in KB (Firehose bills each record rounded up to 5 KB; Kinesis PUT units are 25 KB). */
  readonly averageRecordSizeKb?: number;
  /** vCPU-hours per month of serverless compute (EMR Serverless workers). */
  readonly monthlyVcpuHours?: number;
  /** Memory GB-hours per month of serverless compute (EMR Serverless workers). */
  readonly monthlyMemoryGbHours?: number;
  /** Write request units per month (SageMaker Feature Store: one unit per 1 KB written). */
  readonly monthlyWriteRequestUnits?: number;
  /** Read request units per month (SageMaker Feature Store online store: one unit per 4 KB read). */
  readonly monthlyReadRequestUnits?: number;
  /** Free-form note shown next to the assumptions in reports. */
  readonly note?: string;
  /**
   * The EC2 capacity reservation or Capacity Block a Batch compute environment launches into
   * (written by `GpuTrainingCluster` for each `reservedCapacity` entry). The estimator bills the
   * reservation instead of the environment's instance-hours (see ReservationUsage).
   */
  readonly reservation?: ReservationUsage;
}

/** The two kinds of reserved EC2 capacity a training cluster can target. */
export const RESERVATION_KINDS = ['capacity-reservation', 'capacity-block'] as const;
export type ReservationKind = (typeof RESERVATION_KINDS)[number];

/**
 * Reserved capacity behind one compute environment, as AWS bills it:
 * - `capacity-reservation` (On-Demand Capacity Reservation): "you are charged the equivalent
 *   On-Demand rate whether you run instances in reserved capacity or not" (EC2 User Guide,
 *   "Capacity Reservation pricing and billing"): instanceCount × every hour of the month at
 *   on-demand; the instances launched into it cost nothing more.
 * - `capacity-block` (EC2 Capacity Block for ML): one upfront fee for the whole block, paid when
 *   it is purchased; `upfrontFeeUsd` is the quoted price when the construct knows it.
 */
export interface ReservationUsage {
  readonly kind: ReservationKind;
  /** `cr-` followed by 17 hex digits (both kinds are capacity reservations to the EC2 API). */
  readonly reservationId: string;
  /** EC2 instance type of the reservation, e.g. `p5.48xlarge`. */
  readonly instanceType: string;
  /** Instances reserved (a positive integer). */
  readonly instanceCount: number;
  /** Availability zone, e.g. `us-east-1a`. */
  readonly availabilityZone: string;
  /** Capacity Block only: when the block ends (ISO-8601, UTC). */
  readonly endsAt?: string;
  /** Capacity Block only, optional: when the block starts (ISO-8601, UTC). */
  readonly startsAt?: string;
  /** Capacity Block only, optional: the quoted upfront price of the block in USD. */
  readonly upfrontFeeUsd?: number;
}

/** The numeric keys a usage file or metadata block may set. */
export const USAGE_NUMBER_KEYS = [
  'monthlyInstanceHours',
  'monthlyGpuHours',
  'averageInstanceCount',
  'monthlyRequests',
  'averageDurationMs',
  'storageGb',
  'monthlyDataGb',
  'averageRecordSizeKb',
  'monthlyVcpuHours',
  'monthlyMemoryGbHours',
  'monthlyWriteRequestUnits',
  'monthlyReadRequestUnits',
] as const;

export type UsageNumberKey = (typeof USAGE_NUMBER_KEYS)[number];
