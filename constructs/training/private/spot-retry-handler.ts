/**
 * Spot → on-demand retry. Runs on "Batch Job State Change" events for FAILED jobs of the spot
 * queue(s): when a job failed after N spot reclaims (attempts whose status reason starts with
 * `Host EC2`), it is submitted again to the on-demand queue with the same job definition,
 * parameters, command, environment and share, plus `CHECKPOINT_RUN_ID` so it resumes from the
 * original run's checkpoints. Bundled by esbuild with `@aws-sdk/*` external (the Node runtime has it).
 */
import {
  BatchClient,
  DescribeJobsCommand,
  ListJobsCommand,
  SubmitJobCommand,
  type ContainerOverrides,
  type JobDetail,
  type KeyValuePair,
  type SubmitJobCommandInput,
} from '@aws-sdk/client-batch';
import { SPOT_RECLAIM_STATUS_PREFIX } from '../../core/batch-job-events';

/** The part of the EventBridge event the handler reads. */
export interface BatchJobStateChangeEvent {
  readonly source?: string;
  readonly 'detail-type'?: string;
  readonly detail: {
    readonly jobId: string;
    readonly jobName?: string;
    readonly jobQueue: string;
    readonly status: string;
    readonly statusReason?: string;
  };
}

export interface SpotRetryConfig {
  /** ARN of the queue resubmitted jobs go to. */
  readonly onDemandJobQueue: string;
  /** ARNs of the queues whose jobs are watched. */
  readonly spotJobQueues: readonly string[];
  /** Spot reclaims after which a failed job moves to on-demand. */
  readonly spotReclaimsBeforeFallback: number;
}

export type RetryOutcome =
  | {
      readonly action: 'resubmitted';
      readonly jobId: string;
      readonly jobName: string;
      readonly runId: string;
    }
  | { readonly action: 'skipped'; readonly reason: string };

/** Tag carried by a resubmitted job: the id of the job it replaces. */
export const RESUBMITTED_FROM_TAG = 'cdk-ml-platform:resubmitted-from';
const RUN_ID_ENV = 'CHECKPOINT_RUN_ID';

/** Reads the configuration the construct sets on the function. */
export function configFromEnv(env: NodeJS.ProcessEnv): SpotRetryConfig {
  const onDemandJobQueue = env.ON_DEMAND_JOB_QUEUE;
  const spotJobQueues = (env.SPOT_JOB_QUEUES ?? '').split(',').filter((q) => q.length > 0);
  const reclaims = Number(env.SPOT_RECLAIMS_BEFORE_FALLBACK);
  if (!onDemandJobQueue || spotJobQueues.length === 0 || !Number.isInteger(reclaims) || reclaims < 1) {
    throw new Error(
      'spot-retry: ON_DEMAND_JOB_QUEUE, SPOT_JOB_QUEUES and SPOT_RECLAIMS_BEFORE_FALLBACK (an integer >= 1) must be set',
    );
  }
  return { onDemandJobQueue, spotJobQueues, spotReclaimsBeforeFallback: reclaims };
}

/** The on-demand job's name: deterministic, so a duplicate event finds the earlier resubmission. */
export function fallbackJobName(jobName: string, jobId: string): string {
  const suffix = `-od-${jobId}`;
  return `${jobName.slice(0, 128 - suffix.length)}${suffix}`.replace(/[^A-Za-z0-9_-]/g, '-');
}

/** Spot reclaims among a job's attempts. */
export function countSpotReclaims(job: JobDetail): number {
  return (job.attempts ?? []).filter((a) => (a.statusReason ?? '').startsWith(SPOT_RECLAIM_STATUS_PREFIX))
    .length;
}

export function createHandler(client: BatchClient, config: SpotRetryConfig) {
  return async (event: BatchJobStateChangeEvent): Promise<RetryOutcome> => {
    const detail = event.detail;
    if (detail.status !== 'FAILED') return skip(`job ${detail.jobId} is ${detail.status}, not FAILED`);
    if (!config.spotJobQueues.includes(detail.jobQueue)) {
      return skip(`job ${detail.jobId} ran in ${detail.jobQueue}, not a spot queue`);
    }

    const described = await client.send(new DescribeJobsCommand({ jobs: [detail.jobId] }));
    const job = described.jobs?.find((j) => j.jobId === detail.jobId);
    // Throwing lets Lambda retry and finally park the event in the dead-letter queue.
    if (!job) throw new Error(`spot-retry: DescribeJobs did not return job ${detail.jobId}`);

    const reclaims = countSpotReclaims(job);
    if (reclaims < config.spotReclaimsBeforeFallback) {
      return skip(
        `job ${job.jobId} failed after ${reclaims} spot reclaim(s), fewer than ${config.spotReclaimsBeforeFallback}: not a capacity problem`,
      );
    }

    const jobName = fallbackJobName(job.jobName ?? detail.jobName ?? 'job', job.jobId!);
    const existing = await client.send(
      new ListJobsCommand({
        jobQueue: config.onDemandJobQueue,
        filters: [{ name: 'JOB_NAME', values: [jobName] }],
      }),
    );
    if ((existing.jobSummaryList ?? []).length > 0) {
      return skip(`job ${job.jobId} was already resubmitted as ${existing.jobSummaryList![0].jobId}`);
    }

    const runId = runIdOf(job);
    const submitted = await client.send(new SubmitJobCommand(resubmission(job, jobName, runId, config)));
    console.log(
      JSON.stringify({
        msg: 'resubmitted on on-demand',
        from: job.jobId,
        to: submitted.jobId,
        reclaims,
        runId,
      }),
    );
    return { action: 'resubmitted', jobId: submitted.jobId!, jobName, runId };
  };
}

/** The SubmitJob request that repeats `job` on the on-demand queue. */
export function resubmission(
  job: JobDetail,
  jobName: string,
  runId: string,
  config: SpotRetryConfig,
): SubmitJobCommandInput {
  const tags = Object.fromEntries(Object.entries(job.tags ?? {}).filter(([k]) => !k.startsWith('aws:')));
  const input: SubmitJobCommandInput = {
    jobName,
    jobQueue: config.onDemandJobQueue,
    jobDefinition: job.jobDefinition,
    parameters: job.parameters,
    shareIdentifier: job.shareIdentifier,
    schedulingPriorityOverride: job.shareIdentifier ? job.schedulingPriority : undefined,
    timeout: job.timeout,
    propagateTags: job.propagateTags,
    tags: { ...tags, [RESUBMITTED_FROM_TAG]: job.jobId! },
  };
  if (job.nodeProperties) {
    const ranges = job.nodeProperties.nodeRangeProperties ?? [];
    return {
      ...input,
      nodeOverrides: {
        numNodes: job.nodeProperties.numNodes,
        nodePropertyOverrides: ranges.map((range) => ({
          targetNodes: range.targetNodes!,
          containerOverrides: carriedOverrides(range.container?.command, range.container?.environment, runId),
        })),
      },
    };
  }
  return {
    ...input,
    containerOverrides: {
      ...carriedOverrides(job.container?.command, job.container?.environment, runId),
      resourceRequirements: job.container?.resourceRequirements,
    },
  };
}

function carriedOverrides(
  command: string[] | undefined,
  environment: KeyValuePair[] | undefined,
  runId: string,
): ContainerOverrides {
  // Batch adds AWS_BATCH_* itself; everything else is the definition's environment plus the
  // original submission's overrides, which is what the resubmitted job must see again.
  const carried = (environment ?? []).filter(
    (e) => e.name && !e.name.startsWith('AWS_BATCH_') && e.name !== RUN_ID_ENV,
  );
  return { command, environment: [...carried, { name: RUN_ID_ENV, value: runId }] };
}

function runIdOf(job: JobDetail): string {
  const env =
    job.container?.environment ?? job.nodeProperties?.nodeRangeProperties?.[0]?.container?.environment ?? [];
  return env.find((e) => e.name === RUN_ID_ENV)?.value || job.jobId!;
}

function skip(reason: string): RetryOutcome {
  console.log(JSON.stringify({ msg: 'skipped', reason }));
  return { action: 'skipped', reason };
}

let cached: ((event: BatchJobStateChangeEvent) => Promise<RetryOutcome>) | undefined;

/** The Lambda entry point. */
export async function handler(event: BatchJobStateChangeEvent): Promise<RetryOutcome> {
  cached ??= createHandler(new BatchClient({}), configFromEnv(process.env));
  return cached(event);
}
