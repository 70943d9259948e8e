/**
 * The contract of AWS Batch "Batch Job State Change" events that the training cluster, its monitoring
 * and the spot retry function agree on. Plain values only (no aws-cdk-lib): the retry function's
 * bundle imports it too.
 */

/** The `statusReason` prefix of a job attempt whose spot instance was reclaimed (`Host EC2 (instance i-...) terminated.`). */
export const SPOT_RECLAIM_STATUS_PREFIX = 'Host EC2';

/**
 * Reasons of job-state time limit actions that cancel a job stuck RUNNABLE for lack of capacity
 * (`CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY`, `MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE`,
 * `MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT`). Matched anywhere in `statusReason`, with or without
 * the category prefix.
 */
export const CAPACITY_STATUS_REASONS = [
  'INSUFFICIENT_INSTANCE_CAPACITY',
  'COMPUTE_ENVIRONMENT_MAX_RESOURCE',
  'JOB_RESOURCE_REQUIREMENT',
] as const;

/** The event pattern of Batch job state changes with this `detail`. */
export function batchJobStatePattern(detail: Record<string, unknown>): {
  source: string[];
  detailType: string[];
  detail: Record<string, unknown>;
} {
  return { source: ['aws.batch'], detailType: ['Batch Job State Change'], detail };
}

/** The `detail` of jobs of these queues cancelled for lack of capacity (a FAILED job with a capacity reason). */
export function capacityCancellationDetail(jobQueueArns: readonly string[]): Record<string, unknown> {
  return {
    jobQueue: [...jobQueueArns],
    status: ['FAILED'],
    statusReason: CAPACITY_STATUS_REASONS.map((reason) => ({ wildcard: `*${reason}*` })),
  };
}
