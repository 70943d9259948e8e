/**
 * What the queue-metrics function and `BatchQueueMetrics` agree on beyond the public metric names
 * (../queue-metrics-contract.ts): how the queues to measure are passed. Kept free of AWS SDK imports.
 */

/** Environment variable holding the JSON list of queues to measure. */
export const QUEUES_ENV = 'QUEUE_METRICS_QUEUES';

/** One queue the function measures. */
export interface QueueRef {
  /** The cluster the queue belongs to: the `ClusterName` dimension. */
  readonly clusterName: string;
  /** Job queue name or ARN, as `ListJobs` accepts it. */
  readonly jobQueue: string;
}
