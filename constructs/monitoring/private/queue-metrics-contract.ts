/**
 * What the queue-metrics function and the constructs that read its metrics agree on. Kept free of
 * AWS SDK imports so constructs can use it at synth time without bundling the SDK.
 */

/** CloudWatch namespace of the queue metrics. */
export const QUEUE_METRICS_NAMESPACE = 'CDKMLPlatform/Batch';

/** Jobs in the RUNNABLE state (waiting for capacity), per queue and per cluster. Unit: Count. */
export const RUNNABLE_JOBS_METRIC = 'RunnableJobs';

/** Seconds since the oldest RUNNABLE job was submitted; 0 when none is waiting. Unit: Seconds. */
export const OLDEST_RUNNABLE_JOB_AGE_METRIC = 'OldestRunnableJobAge';

/** Dimension naming the training cluster (`GpuTrainingCluster.clusterName`). */
export const CLUSTER_DIMENSION = 'ClusterName';

/** Dimension naming the job queue (its name, not its ARN). */
export const QUEUE_DIMENSION = 'JobQueue';

/** Environment variable holding the JSON list of queues to measure. */
export const QUEUES_ENV = 'QUEUE_METRICS_QUEUES';

/** One queue the function measures. */
export interface QueueRef {
  /** The cluster the queue belongs to: the `ClusterName` dimension. */
  readonly clusterName: string;
  /** Job queue name or ARN, as `ListJobs` accepts it. */
  readonly jobQueue: string;
}
