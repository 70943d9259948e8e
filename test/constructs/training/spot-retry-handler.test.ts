import { BatchClient } from '@aws-sdk/client-batch';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  configFromEnv,
  createHandler,
  fallbackJobName,
  RESUBMITTED_FROM_TAG,
  type BatchJobStateChangeEvent,
  type SpotRetryConfig,
} from '../../../constructs/training/private/spot-retry-handler';
import { startBatchServer, type BatchJob, type BatchServer } from '../../support/batch-server';

const SPOT_QUEUE = 'arn:aws:batch:us-east-1:123456789012:job-queue/research-spot';
const OD_QUEUE = 'arn:aws:batch:us-east-1:123456789012:job-queue/research-on-demand';
const JOB_DEF = 'arn:aws:batch:us-east-1:123456789012:job-definition/finetune:3';
const CONFIG: SpotRetryConfig = {
  onDemandJobQueue: OD_QUEUE,
  spotJobQueues: [SPOT_QUEUE],
  spotReclaimsBeforeFallback: 2,
};
const RECLAIM = 'Host EC2 (instance i-0123456789abcdef0) terminated.';

let server: BatchServer;
let handler: ReturnType<typeof createHandler>;

beforeAll(async () => {
  server = await startBatchServer();
  const client = new BatchClient({
    region: 'us-east-1',
    endpoint: server.endpoint,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
  });
  handler = createHandler(client, CONFIG);
});
afterAll(() => server.close());
beforeEach(() => {
  server.jobs.clear();
  server.requests.length = 0;
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

function failedJob(overrides: Partial<BatchJob> = {}, reasons = [RECLAIM, RECLAIM]): BatchJob {
  const job: BatchJob = {
    jobArn: 'arn:aws:batch:us-east-1:123456789012:job/7f1c2a4e-0000-4000-8000-000000000001',
    jobId: '7f1c2a4e-0000-4000-8000-000000000001',
    jobName: 'llama-finetune',
    jobQueue: SPOT_QUEUE,
    status: 'FAILED',
    statusReason: reasons[reasons.length - 1],
    jobDefinition: JOB_DEF,
    createdAt: 1764200000000,
    shareIdentifier: 'vision',
    schedulingPriority: 5,
    parameters: { epochs: '3' },
    timeout: { attemptDurationSeconds: 86400 },
    propagateTags: true,
    tags: { team: 'vision', 'aws:batch:job-definition': 'finetune' },
    attempts: reasons.map((statusReason, i) => ({
      container: { exitCode: statusReason === RECLAIM ? undefined : 1 },
      startedAt: 1764200000000 + i * 1000,
      stoppedAt: 1764200000500 + i * 1000,
      statusReason,
    })),
    container: {
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:v1',
      command: ['python', 'train.py', '--epochs', '3'],
      environment: [
        { name: 'CHECKPOINT_S3_URI', value: 's3://ml-checkpoints/checkpoints/research/Finetune/' },
        { name: 'LR', value: '0.0001' },
        { name: 'AWS_BATCH_JOB_ID', value: '7f1c2a4e-0000-4000-8000-000000000001' },
        { name: 'AWS_BATCH_JQ_NAME', value: 'research-spot' },
      ],
      resourceRequirements: [
        { type: 'GPU', value: '1' },
        { type: 'VCPU', value: '4' },
        { type: 'MEMORY', value: '14336' },
      ],
    },
    ...overrides,
  };
  server.jobs.set(job.jobId, job);
  return job;
}

function event(job: {
  jobId: string;
  jobName: string;
  jobQueue: string;
  status: string;
}): BatchJobStateChangeEvent {
  return {
    source: 'aws.batch',
    'detail-type': 'Batch Job State Change',
    detail: { jobId: job.jobId, jobName: job.jobName, jobQueue: job.jobQueue, status: job.status },
  };
}

describe('spot → on-demand retry handler, over the Batch REST-JSON protocol', () => {
  test('a job failed by two spot reclaims is resubmitted to the on-demand queue with its checkpoint run id', async () => {
    // GIVEN
    const job = failedJob();

    // WHEN
    const outcome = await handler(event(job));

    // THEN
    expect(outcome).toMatchObject({
      action: 'resubmitted',
      runId: job.jobId,
      jobName: `llama-finetune-od-${job.jobId}`,
    });
    expect(server.requests.map((r) => r.operation)).toEqual(['DescribeJobs', 'ListJobs', 'SubmitJob']);
    expect(server.requests[0].body).toEqual({ jobs: [job.jobId] });
    expect(server.requests[1].body).toEqual({
      jobQueue: OD_QUEUE,
      filters: [{ name: 'JOB_NAME', values: [`llama-finetune-od-${job.jobId}`] }],
    });
    expect(server.requests[2].body).toEqual({
      jobName: `llama-finetune-od-${job.jobId}`,
      jobQueue: OD_QUEUE,
      jobDefinition: JOB_DEF,
      parameters: { epochs: '3' },
      shareIdentifier: 'vision',
      schedulingPriorityOverride: 5,
      timeout: { attemptDurationSeconds: 86400 },
      propagateTags: true,
      tags: { team: 'vision', [RESUBMITTED_FROM_TAG]: job.jobId },
      containerOverrides: {
        command: ['python', 'train.py', '--epochs', '3'],
        environment: [
          { name: 'CHECKPOINT_S3_URI', value: 's3://ml-checkpoints/checkpoints/research/Finetune/' },
          { name: 'LR', value: '0.0001' },
          { name: 'CHECKPOINT_RUN_ID', value: job.jobId },
        ],
        resourceRequirements: [
          { type: 'GPU', value: '1' },
          { type: 'VCPU', value: '4' },
          { type: 'MEMORY', value: '14336' },
        ],
      },
    });
    const resubmitted = server.jobs.get((outcome as { jobId: string }).jobId);
    expect(resubmitted).toMatchObject({ jobQueue: OD_QUEUE, status: 'SUBMITTED' });
  });

  test('a second delivery of the same event does not submit twice', async () => {
    // GIVEN
    const job = failedJob();
    await handler(event(job));

    // WHEN
    const outcome = await handler(event(job));

    // THEN
    expect(outcome).toEqual({
      action: 'skipped',
      reason: expect.stringMatching(
        new RegExp(`^job ${job.jobId} was already resubmitted as [0-9a-f-]{36}$`),
      ),
    });
    expect(server.requests.filter((r) => r.operation === 'SubmitJob')).toHaveLength(1);
  });

  test('a job that already carries a run id keeps it, so checkpoints stay in one place', async () => {
    // GIVEN
    const job = failedJob();
    (job.container as { environment: Array<{ name: string; value: string }> }).environment.push({
      name: 'CHECKPOINT_RUN_ID',
      value: 'run-2026-11-01',
    });

    // WHEN
    const outcome = await handler(event(job));

    // THEN
    expect(outcome).toMatchObject({ action: 'resubmitted', runId: 'run-2026-11-01' });
    const env = (
      server.requests[2].body.containerOverrides as { environment: Array<{ name: string; value: string }> }
    ).environment;
    expect(env.filter((e) => e.name === 'CHECKPOINT_RUN_ID')).toEqual([
      { name: 'CHECKPOINT_RUN_ID', value: 'run-2026-11-01' },
    ]);
  });

  test('a multi-node job is resubmitted with node overrides for every node range', async () => {
    // GIVEN
    const job = failedJob({
      container: undefined,
      nodeProperties: {
        numNodes: 4,
        mainNode: 0,
        nodeRangeProperties: [
          {
            targetNodes: '0:3',
            container: {
              command: ['torchrun', 'train.py'],
              environment: [{ name: 'NCCL_DEBUG', value: 'INFO' }],
            },
          },
        ],
      },
    });

    // WHEN
    await handler(event(job));

    // THEN
    const submit = server.requests.find((r) => r.operation === 'SubmitJob')!.body;
    expect(submit.containerOverrides).toBeUndefined();
    expect(submit.nodeOverrides).toEqual({
      numNodes: 4,
      nodePropertyOverrides: [
        {
          targetNodes: '0:3',
          containerOverrides: {
            command: ['torchrun', 'train.py'],
            environment: [
              { name: 'NCCL_DEBUG', value: 'INFO' },
              { name: 'CHECKPOINT_RUN_ID', value: job.jobId },
            ],
          },
        },
      ],
    });
  });

  test.each([
    [
      'one reclaim then an application error',
      [RECLAIM, 'Essential container in task exited'],
      'failed after 1 spot reclaim(s), fewer than 2: not a capacity problem',
    ],
    [
      'application errors only',
      ['Essential container in task exited', 'Essential container in task exited'],
      'failed after 0 spot reclaim(s), fewer than 2: not a capacity problem',
    ],
  ])('%s: not resubmitted', async (_name, reasons, reason) => {
    // GIVEN
    const job = failedJob({}, reasons);

    // WHEN
    const outcome = await handler(event(job));

    // THEN
    expect(outcome).toEqual({ action: 'skipped', reason: `job ${job.jobId} ${reason}` });
    expect(server.requests.map((r) => r.operation)).toEqual(['DescribeJobs']);
  });

  test.each([
    ['a succeeded job', { status: 'SUCCEEDED' }, 'job J is SUCCEEDED, not FAILED'],
    ['a job of another queue', { jobQueue: OD_QUEUE }, `job J ran in ${OD_QUEUE}, not a spot queue`],
  ])('%s is ignored without calling Batch', async (_name, change, reason) => {
    // GIVEN
    const job = { ...failedJob(), ...change };

    // WHEN
    const outcome = await handler(event(job));

    // THEN
    expect(outcome).toEqual({ action: 'skipped', reason: reason.replace('J', job.jobId) });
    expect(server.requests).toEqual([]);
  });

  test('an unknown job makes the invocation fail, so Lambda retries and then dead-letters it', async () => {
    // GIVEN
    const detail = {
      jobId: '00000000-0000-4000-8000-00000000dead',
      jobName: 'gone',
      jobQueue: SPOT_QUEUE,
      status: 'FAILED',
    };

    // WHEN / THEN
    await expect(handler(event(detail))).rejects.toThrow(
      'spot-retry: DescribeJobs did not return job 00000000-0000-4000-8000-00000000dead',
    );
  });

  test('a Batch error reaches the caller as the SDK parsed it from the wire', async () => {
    // GIVEN
    const job = failedJob();
    server.failNext('SubmitJob', {
      status: 400,
      type: 'ClientException',
      message: 'Job queue research-on-demand is DISABLED',
    });

    // WHEN / THEN
    await expect(handler(event(job))).rejects.toMatchObject({
      name: 'ClientException',
      message: 'Job queue research-on-demand is DISABLED',
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe('configuration and names', () => {
  test('reads the queues and the threshold from the environment', () => {
    expect(
      configFromEnv({
        ON_DEMAND_JOB_QUEUE: OD_QUEUE,
        SPOT_JOB_QUEUES: `${SPOT_QUEUE},arn:aws:batch:us-east-1:123456789012:job-queue/other`,
        SPOT_RECLAIMS_BEFORE_FALLBACK: '3',
      }),
    ).toEqual({
      onDemandJobQueue: OD_QUEUE,
      spotJobQueues: [SPOT_QUEUE, 'arn:aws:batch:us-east-1:123456789012:job-queue/other'],
      spotReclaimsBeforeFallback: 3,
    });
  });

  test.each([
    [{ SPOT_JOB_QUEUES: SPOT_QUEUE, SPOT_RECLAIMS_BEFORE_FALLBACK: '2' }],
    [{ ON_DEMAND_JOB_QUEUE: OD_QUEUE, SPOT_RECLAIMS_BEFORE_FALLBACK: '2' }],
    [{ ON_DEMAND_JOB_QUEUE: OD_QUEUE, SPOT_JOB_QUEUES: SPOT_QUEUE, SPOT_RECLAIMS_BEFORE_FALLBACK: '0' }],
    [{ ON_DEMAND_JOB_QUEUE: OD_QUEUE, SPOT_JOB_QUEUES: SPOT_QUEUE, SPOT_RECLAIMS_BEFORE_FALLBACK: 'two' }],
  ])('rejects an incomplete environment %j', (env) => {
    expect(() => configFromEnv(env)).toThrow(
      'spot-retry: ON_DEMAND_JOB_QUEUE, SPOT_JOB_QUEUES and SPOT_RECLAIMS_BEFORE_FALLBACK (an integer >= 1) must be set',
    );
  });

  test('fallback names stay within 128 valid characters', () => {
    const id = '7f1c2a4e-0000-4000-8000-000000000001';
    const name = fallbackJobName('x'.repeat(200), id);
    expect(name).toHaveLength(128);
    expect(name.endsWith(`-od-${id}`)).toBe(true);
    expect(fallbackJobName('a.b c', id)).toBe(`a-b-c-od-${id}`);
  });
});
