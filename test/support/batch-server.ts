import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local AWS Batch endpoint on 127.0.0.1 speaking Batch's REST-JSON protocol (`POST /v1/<operation>`,
 * JSON bodies and responses shaped like the real API, errors as `x-amzn-ErrorType` + `{"message"}`),
 * for driving the real `@aws-sdk/client-batch` in tests. It keeps jobs in memory and records every call.
 */
export interface BatchServer {
  /** `http://127.0.0.1:<port>`, for the client's `endpoint`. */
  readonly endpoint: string;
  /** Jobs by id, as DescribeJobs returns them. */
  readonly jobs: Map<string, BatchJob>;
  /** Every request in arrival order: operation name (e.g. `SubmitJob`) and parsed body. */
  readonly requests: Array<{ operation: string; body: Record<string, unknown> }>;
  /** Makes the next call of an operation fail with this error, once. */
  failNext(operation: string, error: { status: number; type: string; message: string }): void;
  close(): Promise<void>;
}

/** A job as the wire carries it (DescribeJobs `jobs[]`), loosely typed on purpose: tests write raw JSON. */
export type BatchJob = Record<string, unknown> & {
  jobId: string;
  jobName: string;
  jobQueue: string;
  status: string;
};

const OPERATIONS: Record<string, string> = {
  '/v1/describejobs': 'DescribeJobs',
  '/v1/listjobs': 'ListJobs',
  '/v1/submitjob': 'SubmitJob',
};

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startBatchServer(region = 'us-east-1', account = '123456789012'): Promise<BatchServer> {
  const jobs = new Map<string, BatchJob>();
  const requests: BatchServer['requests'] = [];
  const failures = new Map<string, { status: number; type: string; message: string }>();

  const handlers: Record<string, (body: Record<string, unknown>) => unknown> = {
    DescribeJobs(body) {
      const ids = body.jobs;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100) {
        throw new ApiError(400, 'ClientException', 'jobs must contain between 1 and 100 job IDs');
      }
      return { jobs: ids.map((id) => jobs.get(String(id))).filter((j) => j !== undefined) };
    },
    ListJobs(body) {
      const queue = body.jobQueue;
      if (typeof queue !== 'string') throw new ApiError(400, 'ClientException', 'jobQueue is required');
      const filters = (body.filters as Array<{ name: string; values: string[] }> | undefined) ?? [];
      // As in the real API: with filters, jobStatus is ignored and jobs of every status are listed.
      const status = filters.length > 0 ? undefined : ((body.jobStatus as string | undefined) ?? 'RUNNING');
      const names = filters.find((f) => f.name === 'JOB_NAME')?.values;
      const list = [...jobs.values()].filter(
        (j) =>
          (j.jobQueue === queue || queueName(j.jobQueue) === queue) &&
          (status === undefined || j.status === status) &&
          (names === undefined || names.includes(j.jobName)),
      );
      return {
        jobSummaryList: list.map((j) => ({
          jobArn: j.jobArn,
          jobId: j.jobId,
          jobName: j.jobName,
          createdAt: j.createdAt,
          status: j.status,
        })),
      };
    },
    SubmitJob(body) {
      for (const field of ['jobName', 'jobQueue', 'jobDefinition']) {
        if (typeof body[field] !== 'string')
          throw new ApiError(400, 'ClientException', `${field} is required`);
      }
      const jobName = body.jobName as string;
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(jobName)) {
        throw new ApiError(400, 'ClientException', `jobName ${jobName} is invalid`);
      }
      const jobId = randomUUID();
      const jobArn = `arn:aws:batch:${region}:${account}:job/${jobId}`;
      const overrides = (body.containerOverrides as Record<string, unknown> | undefined) ?? {};
      jobs.set(jobId, {
        jobArn,
        jobId,
        jobName,
        jobQueue: body.jobQueue as string,
        jobDefinition: body.jobDefinition as string,
        status: 'SUBMITTED',
        createdAt: Date.now(),
        attempts: [],
        parameters: body.parameters,
        tags: body.tags,
        shareIdentifier: body.shareIdentifier,
        schedulingPriority: body.schedulingPriorityOverride,
        timeout: body.timeout,
        propagateTags: body.propagateTags,
        ...(body.nodeOverrides ? { nodeProperties: { nodeRangeProperties: [] } } : { container: overrides }),
      });
      return { jobArn, jobName, jobId };
    },
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    try {
      const operation = req.method === 'POST' ? OPERATIONS[(req.url ?? '').split('?')[0]] : undefined;
      if (!operation)
        throw new ApiError(404, 'UnknownOperationException', `no operation at ${req.method} ${req.url}`);
      if (
        !/^AWS4-HMAC-SHA256 Credential=\S+\/\d{8}\/[a-z0-9-]+\/batch\/aws4_request/.test(
          req.headers.authorization ?? '',
        )
      ) {
        throw new ApiError(
          403,
          'UnrecognizedClientException',
          'The request must be signed with SigV4 for the batch service',
        );
      }
      let body: Record<string, unknown>;
      try {
        body = raw.length > 0 ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        throw new ApiError(400, 'SerializationException', 'request body is not JSON');
      }
      requests.push({ operation, body });
      const failure = failures.get(operation);
      if (failure) {
        failures.delete(operation);
        throw new ApiError(failure.status, failure.type, failure.message);
      }
      send(res, 200, handlers[operation](body));
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(500, 'ServerException', (e as Error).message);
      send(res, err.status, { message: err.message }, err.type);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    jobs,
    requests,
    failNext: (operation, error) => failures.set(operation, error),
    close: () =>
      new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

function queueName(arnOrName: string): string {
  return arnOrName.includes(':job-queue/') ? arnOrName.split(':job-queue/')[1] : arnOrName;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}
