import { BatchClient } from '@aws-sdk/client-batch';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  handler,
  parseQueues,
  publishQueueMetrics,
  queueName,
} from '../../../constructs/monitoring/private/queue-metrics-handler';
import { QUEUES_ENV } from '../../../constructs/monitoring/private/queue-metrics-contract';
import { startAwsProtocolServer, type AwsProtocolServer } from '../../support/aws-protocol-server';

const credentials = { accessKeyId: 'AKIDFAKEFAKEFAKE', secretAccessKey: 'fake-secret-key' };
const SPOT_ARN = 'arn:aws:batch:us-east-1:123456789012:job-queue/llm-spot';
const ON_DEMAND_ARN = 'arn:aws:batch:us-east-1:123456789012:job-queue/llm-on-demand';
const NOW = new Date('2026-11-27T12:00:00.000Z');

let server: AwsProtocolServer;
let batch: BatchClient;
let cloudwatch: CloudWatchClient;

beforeAll(async () => {
  server = await startAwsProtocolServer();
  batch = new BatchClient({ region: 'us-east-1', endpoint: server.endpoint, credentials, maxAttempts: 1 });
  cloudwatch = new CloudWatchClient({
    region: 'us-east-1',
    endpoint: server.endpoint,
    credentials,
    maxAttempts: 1,
  });
});
afterAll(async () => {
  batch.destroy();
  cloudwatch.destroy();
  await server.close();
});
beforeEach(() => server.reset());

function jobs(count: number, oldestMinutesAgo: number) {
  return Array.from({ length: count }, (_, i) => ({
    jobId: `job-${i}`,
    jobName: `train-${i}`,
    // The oldest job is in the middle of the list: the handler must not assume an order.
    createdAt: NOW.getTime() - (i === Math.floor(count / 2) ? oldestMinutesAgo : 1) * 60_000,
  }));
}

function datum(metricName: string, dimensions: Record<string, string>) {
  return server.metricData.find(
    (d) => d.metricName === metricName && JSON.stringify(d.dimensions) === JSON.stringify(dimensions),
  );
}

describe('publishQueueMetrics', () => {
  test('counts RUNNABLE jobs across pages and publishes depth and oldest age per queue and per cluster', async () => {
    // GIVEN 250 RUNNABLE jobs on the spot queue (three ListJobs pages), none on the on-demand queue
    server.setRunnableJobs(SPOT_ARN, jobs(250, 45));
    server.setRunnableJobs(ON_DEMAND_ARN, []);

    // WHEN
    const result = await publishQueueMetrics({
      batch,
      cloudwatch,
      now: NOW,
      queues: [
        { clusterName: 'llm', jobQueue: SPOT_ARN },
        { clusterName: 'llm', jobQueue: ON_DEMAND_ARN },
      ],
    });

    // THEN Batch was asked for RUNNABLE jobs page by page
    const listCalls = server.requests.filter(
      (r) => r.operation === 'ListJobs' && r.body.jobQueue === SPOT_ARN,
    );
    expect(listCalls).toHaveLength(3);
    expect(listCalls[0].body).toEqual({ jobQueue: SPOT_ARN, jobStatus: 'RUNNABLE', maxResults: 100 });
    expect(listCalls[1].body.nextToken).toEqual(expect.any(String));
    expect(result.failures).toEqual([]);
    expect(result.measurements).toEqual([
      {
        clusterName: 'llm',
        jobQueue: SPOT_ARN,
        jobQueueName: 'llm-spot',
        runnableJobs: 250,
        oldestRunnableJobAgeSeconds: 2700,
      },
      {
        clusterName: 'llm',
        jobQueue: ON_DEMAND_ARN,
        jobQueueName: 'llm-on-demand',
        runnableJobs: 0,
        oldestRunnableJobAgeSeconds: 0,
      },
    ]);

    // THEN CloudWatch received one JSON 1.0 PutMetricData call with the six data points
    const puts = server.requests.filter((r) => r.operation === 'PutMetricData');
    expect(puts).toHaveLength(1);
    expect(puts[0].headers['x-amz-target']).toBe('GraniteServiceVersion20100801.PutMetricData');
    expect(puts[0].headers['x-amzn-query-mode']).toBe('true');
    expect(server.metricData).toHaveLength(6);
    expect(server.metricData.every((d) => d.namespace === 'CDKMLPlatform/Batch')).toBe(true);
    expect(datum('RunnableJobs', { ClusterName: 'llm', JobQueue: 'llm-spot' })).toMatchObject({
      value: 250,
      unit: 'Count',
    });
    expect(datum('OldestRunnableJobAge', { ClusterName: 'llm', JobQueue: 'llm-spot' })).toMatchObject({
      value: 2700,
      unit: 'Seconds',
      timestamp: NOW.getTime() / 1000,
    });
    expect(datum('RunnableJobs', { ClusterName: 'llm', JobQueue: 'llm-on-demand' })).toMatchObject({
      value: 0,
    });
    expect(datum('RunnableJobs', { ClusterName: 'llm' })).toMatchObject({ value: 250 });
    expect(datum('OldestRunnableJobAge', { ClusterName: 'llm' })).toMatchObject({ value: 2700 });
  });

  test('publishes the queues it could list and reports the Batch error of the others', async () => {
    // GIVEN one queue Batch refuses
    server.setRunnableJobs(SPOT_ARN, jobs(2, 5));
    server.failQueue('arn:aws:batch:us-east-1:123456789012:job-queue/gone', 'Job queue gone does not exist');

    // WHEN
    const result = await publishQueueMetrics({
      batch,
      cloudwatch,
      now: NOW,
      queues: [
        { clusterName: 'llm', jobQueue: SPOT_ARN },
        { clusterName: 'vision', jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/gone' },
      ],
    });

    // THEN the SDK surfaced Batch's ClientException, and the healthy queue was still published
    expect(result.failures).toEqual([
      {
        jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/gone',
        error: 'ClientException: Job queue gone does not exist',
      },
    ]);
    expect(datum('RunnableJobs', { ClusterName: 'llm', JobQueue: 'llm-spot' })).toMatchObject({ value: 2 });
    expect(datum('OldestRunnableJobAge', { ClusterName: 'llm' })).toMatchObject({ value: 300 });
    expect(server.metricData.some((d) => d.dimensions.ClusterName === 'vision')).toBe(false);
  });
});

describe('handler', () => {
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  test('reads its queues from the environment, publishes, and throws when a queue fails so the Errors alarm fires', async () => {
    // GIVEN the Lambda environment, with the SDK's standard endpoint override pointing at the local server
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL: server.endpoint,
      AWS_MAX_ATTEMPTS: '1',
      [QUEUES_ENV]: JSON.stringify([{ clusterName: 'llm', jobQueue: SPOT_ARN }]),
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    server.setRunnableJobs(SPOT_ARN, jobs(3, 10));

    // WHEN / THEN
    await expect(handler()).resolves.toEqual({ queues: 1, published: 1 });
    expect(datum('RunnableJobs', { ClusterName: 'llm' })).toMatchObject({ value: 3 });

    // WHEN a queue fails / THEN the invocation fails with the queue and the reason
    server.failQueue('broken', 'Job queue broken does not exist');
    process.env[QUEUES_ENV] = JSON.stringify([{ clusterName: 'llm', jobQueue: 'broken' }]);
    await expect(handler()).rejects.toThrow(
      'could not list RUNNABLE jobs of 1 queue(s): broken (ClientException: Job queue broken does not exist)',
    );
  });
});

describe('parseQueues', () => {
  test.each([
    [undefined, `${QUEUES_ENV} is not set`],
    ['not json', `${QUEUES_ENV} is not JSON: not json`],
    [
      '{"clusterName":"a"}',
      `${QUEUES_ENV} must be a JSON list of {clusterName, jobQueue}, got {"clusterName":"a"}`,
    ],
    [
      '[{"clusterName":"a","jobQueue":""}]',
      `${QUEUES_ENV} must be a JSON list of {clusterName, jobQueue}, got [{"clusterName":"a","jobQueue":""}]`,
    ],
  ])('rejects %j', (raw, message) => {
    expect(() => parseQueues(raw)).toThrow(message);
  });

  test('accepts the list the construct writes', () => {
    expect(parseQueues('[{"clusterName":"a","jobQueue":"q"}]')).toEqual([
      { clusterName: 'a', jobQueue: 'q' },
    ]);
  });
});

test.each([
  ['arn:aws:batch:eu-west-1:123456789012:job-queue/gpu-spot', 'gpu-spot'],
  ['gpu-spot', 'gpu-spot'],
])('queueName(%s) = %s', (input, name) => {
  expect(queueName(input)).toBe(name);
});
