/**
 * The props and option types of `GpuTrainingCluster` (re-exported by gpu-training-cluster.ts).
 */
import type { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { TrainingScratchOptions } from './scratch-file-system';
import type { TrainingReservation } from './training-reservation';

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
   * @default - g6e.12xlarge and g5.12xlarge: four GPUs and one EFA card each
   */
  readonly instanceTypes?: ec2.InstanceType[];
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
   * Subnets of the instances and the retry function; they need a route to ECR, S3 and Batch (NAT or
   * VPC endpoints). A selection the VPC lacks is a validation error naming `vpcSubnets`.
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
   * is a `Bucket` of this app (an imported bucket's owner sets its own rules). Synth fails if another
   * rule of the bucket already expires that prefix: S3 honours the shorter of overlapping expirations.
   * @default - no rule: the bucket's own lifecycle decides (`MlDataStore` expires checkpoints after its
   *   `checkpointExpiration`, 30 days)
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
  readonly instanceTypes?: ec2.InstanceType[];
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
   * Reserved EC2 capacity (On-Demand Capacity Reservations and Capacity Blocks for ML) the cluster
   * launches into. Each gets an on-demand compute environment whose launch template targets the
   * reservation, in the reservation's availability zone, with EFA interfaces when its instance type
   * has them, and its own job queue (`reservedCapacity`), evaluated before the other queues. Capacity
   * Blocks notify `alarmTopic` a day and an hour before they end.
   * @default - none
   */
  readonly reservedCapacity?: TrainingReservation[];
  /**
   * Topic notified a day and an hour before each Capacity Block of `reservedCapacity` ends (its
   * instances are terminated then). Set it instead of `alarmTopic` when another construct already
   * notifies capacity cancellations (e.g. `TrainingMonitoring`).
   * @default - alarmTopic; without either, a synth warning
   */
  readonly reservationNoticeTopic?: sns.ITopic;
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
