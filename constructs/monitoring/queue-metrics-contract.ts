/**
 * The metrics `BatchQueueMetrics` publishes: names that alarms and dashboards outside this package
 * may use too. Kept free of AWS SDK imports so the queue-metrics function can bundle it.
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
