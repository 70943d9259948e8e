import { BatchClient, ListJobsCommand } from '@aws-sdk/client-batch';
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import {
  CLUSTER_DIMENSION,
  OLDEST_RUNNABLE_JOB_AGE_METRIC,
  QUEUE_DIMENSION,
  QUEUE_METRICS_NAMESPACE,
  RUNNABLE_JOBS_METRIC,
} from '../queue-metrics-contract';
import { QUEUES_ENV, type QueueRef } from './queue-metrics-contract';

/**
 * Scheduled function: AWS Batch publishes no metric for jobs waiting on capacity, so this counts
 * the RUNNABLE jobs of each queue (Batch `ListJobs`) and publishes the count and the age of the
 * oldest one (CloudWatch `PutMetricData`), per queue and per cluster.
 */

/** What one queue looked like at `now`. */
export interface QueueMeasurement {
  readonly clusterName: string;
  readonly jobQueue: string;
  /** The `JobQueue` dimension: the queue's name. */
  readonly jobQueueName: string;
  readonly runnableJobs: number;
  /** Seconds since the oldest RUNNABLE job was created; 0 when none waits. */
  readonly oldestRunnableJobAgeSeconds: number;
}

export interface PublishQueueMetricsOptions {
  readonly batch: BatchClient;
  readonly cloudwatch: CloudWatchClient;
  readonly queues: readonly QueueRef[];
  /** @default new Date() */
  readonly now?: Date;
}

export interface PublishQueueMetricsResult {
  readonly measurements: QueueMeasurement[];
  /** Queues that could not be listed, with the error message. */
  readonly failures: Array<{ readonly jobQueue: string; readonly error: string }>;
}

/** `ListJobs` returns at most 100 jobs a page; 100 pages is 10,000 waiting jobs, far beyond any sane queue. */
const PAGE_SIZE = 100;
const MAX_PAGES = 100;
/** `PutMetricData` accepts up to 1,000 data points a call; stay well below. */
const DATUMS_PER_CALL = 500;

/** Counts the RUNNABLE jobs of one queue and finds the oldest `createdAt` (epoch milliseconds). */
export async function measureQueue(
  batch: BatchClient,
  jobQueue: string,
): Promise<{ runnableJobs: number; oldestCreatedAtMs?: number }> {
  let runnableJobs = 0;
  let oldestCreatedAtMs: number | undefined;
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await batch.send(
      new ListJobsCommand({ jobQueue, jobStatus: 'RUNNABLE', maxResults: PAGE_SIZE, nextToken }),
    );
    for (const job of page.jobSummaryList ?? []) {
      runnableJobs += 1;
      if (
        job.createdAt !== undefined &&
        (oldestCreatedAtMs === undefined || job.createdAt < oldestCreatedAtMs)
      ) {
        oldestCreatedAtMs = job.createdAt;
      }
    }
    nextToken = page.nextToken;
    pages += 1;
  } while (nextToken && pages < MAX_PAGES);
  return { runnableJobs, oldestCreatedAtMs };
}

/** Measures every queue, publishes what it measured, and reports the queues it could not list. */
export async function publishQueueMetrics(
  options: PublishQueueMetricsOptions,
): Promise<PublishQueueMetricsResult> {
  const now = options.now ?? new Date();
  const measurements: QueueMeasurement[] = [];
  const failures: Array<{ jobQueue: string; error: string }> = [];

  const results = await Promise.allSettled(
    options.queues.map((q) => measureQueue(options.batch, q.jobQueue)),
  );
  results.forEach((result, i) => {
    const queue = options.queues[i];
    if (result.status === 'rejected') {
      failures.push({ jobQueue: queue.jobQueue, error: errorMessage(result.reason) });
      return;
    }
    const { runnableJobs, oldestCreatedAtMs } = result.value;
    measurements.push({
      clusterName: queue.clusterName,
      jobQueue: queue.jobQueue,
      jobQueueName: queueName(queue.jobQueue),
      runnableJobs,
      oldestRunnableJobAgeSeconds:
        oldestCreatedAtMs === undefined
          ? 0
          : Math.max(0, Math.round((now.getTime() - oldestCreatedAtMs) / 1000)),
    });
  });

  const datums = toDatums(measurements, now);
  for (let i = 0; i < datums.length; i += DATUMS_PER_CALL) {
    await options.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: QUEUE_METRICS_NAMESPACE,
        MetricData: datums.slice(i, i + DATUMS_PER_CALL),
      }),
    );
  }
  return { measurements, failures };
}

/** Per-queue data points, plus one per cluster (sum of waiting jobs, oldest age) for cluster-level alarms. */
export function toDatums(measurements: readonly QueueMeasurement[], now: Date): MetricDatum[] {
  const datums: MetricDatum[] = [];
  const clusters = new Map<string, { runnable: number; oldest: number }>();
  for (const m of measurements) {
    const dimensions = [
      { Name: CLUSTER_DIMENSION, Value: m.clusterName },
      { Name: QUEUE_DIMENSION, Value: m.jobQueueName },
    ];
    datums.push(
      {
        MetricName: RUNNABLE_JOBS_METRIC,
        Dimensions: dimensions,
        Value: m.runnableJobs,
        Unit: 'Count',
        Timestamp: now,
      },
      {
        MetricName: OLDEST_RUNNABLE_JOB_AGE_METRIC,
        Dimensions: dimensions,
        Value: m.oldestRunnableJobAgeSeconds,
        Unit: 'Seconds',
        Timestamp: now,
      },
    );
    const c = clusters.get(m.clusterName) ?? { runnable: 0, oldest: 0 };
    c.runnable += m.runnableJobs;
    c.oldest = Math.max(c.oldest, m.oldestRunnableJobAgeSeconds);
    clusters.set(m.clusterName, c);
  }
  for (const [clusterName, c] of [...clusters.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const dimensions = [{ Name: CLUSTER_DIMENSION, Value: clusterName }];
    datums.push(
      {
        MetricName: RUNNABLE_JOBS_METRIC,
        Dimensions: dimensions,
        Value: c.runnable,
        Unit: 'Count',
        Timestamp: now,
      },
      {
        MetricName: OLDEST_RUNNABLE_JOB_AGE_METRIC,
        Dimensions: dimensions,
        Value: c.oldest,
        Unit: 'Seconds',
        Timestamp: now,
      },
    );
  }
  return datums;
}

/** Reads and checks the queue list the construct put in the environment. */
export function parseQueues(raw: string | undefined): QueueRef[] {
  if (!raw) throw new Error(`${QUEUES_ENV} is not set`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${QUEUES_ENV} is not JSON: ${raw.slice(0, 200)}`);
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.every(
      (q) =>
        typeof q === 'object' &&
        q !== null &&
        typeof (q as QueueRef).clusterName === 'string' &&
        typeof (q as QueueRef).jobQueue === 'string' &&
        (q as QueueRef).jobQueue.length > 0,
    );
  if (!ok)
    throw new Error(`${QUEUES_ENV} must be a JSON list of {clusterName, jobQueue}, got ${raw.slice(0, 200)}`);
  return parsed as QueueRef[];
}

/** `arn:aws:batch:us-east-1:123456789012:job-queue/gpu-spot` → `gpu-spot`; a plain name stays as it is. */
export function queueName(jobQueue: string): string {
  const marker = ':job-queue/';
  const at = jobQueue.indexOf(marker);
  return at >= 0 ? jobQueue.slice(at + marker.length) : jobQueue;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

// Created on first use and reused by warm invocations; region, credentials and endpoint come from the environment.
let clients: { batch: BatchClient; cloudwatch: CloudWatchClient } | undefined;

/** The Lambda entry point (EventBridge schedule). Throws when a queue could not be listed, so the Errors alarm fires. */
export async function handler(): Promise<{ queues: number; published: number }> {
  const queues = parseQueues(process.env[QUEUES_ENV]);
  clients ??= { batch: new BatchClient({}), cloudwatch: new CloudWatchClient({}) };
  const result = await publishQueueMetrics({ ...clients, queues });
  for (const m of result.measurements) {
    console.log(JSON.stringify({ level: 'INFO', message: 'queue measured', ...m }));
  }
  if (result.failures.length > 0) {
    throw new Error(
      `could not list RUNNABLE jobs of ${result.failures.length} queue(s): ${result.failures
        .map((f) => `${f.jobQueue} (${f.error})`)
        .join('; ')}`,
    );
  }
  return { queues: queues.length, published: result.measurements.length };
}
