import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for AWS Batch and CloudWatch that speaks their real wire protocols, so
 * handlers run through the real `@aws-sdk/client-batch` and `@aws-sdk/client-cloudwatch`:
 * - Batch: REST-JSON, `POST /v1/listjobs`, errors as `x-amzn-errortype` + `{"message"}`.
 * - CloudWatch: the protocol `@aws-sdk/client-cloudwatch` 3.1164 sends, AWS JSON 1.0 in query-compatible
 *   mode (`POST /`, `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`,
 *   `Content-Type: application/x-amz-json-1.0`, `x-amzn-query-mode: true`), timestamps as epoch seconds.
 * Every request must carry a SigV4 `Authorization` header for the expected service.
 */

/** A job as `ListJobs` returns it (`createdAt` in epoch milliseconds, as Batch sends it). */
export interface FakeJob {
  readonly jobId: string;
  readonly jobName: string;
  readonly createdAt: number;
  readonly status?: string;
}

/** One recorded request, parsed. */
export interface RecordedRequest {
  readonly service: 'batch' | 'cloudwatch';
  readonly operation: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** A `PutMetricData` data point as the server received it. */
export interface ReceivedDatum {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly value: number;
  readonly unit?: string;
  /** Epoch seconds, as the JSON protocol carries timestamps. */
  readonly timestamp?: number;
}

export interface AwsProtocolServer {
  /** `http://127.0.0.1:<port>`: give it to a client as `endpoint`. */
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  readonly metricData: ReceivedDatum[];
  /** RUNNABLE jobs per queue (name or ARN, exactly as the client sends it). */
  setRunnableJobs(jobQueue: string, jobs: readonly FakeJob[]): void;
  /** Makes `ListJobs` on this queue fail with a Batch `ClientException`. */
  failQueue(jobQueue: string, message: string): void;
  /** Forgets recorded requests and data points. */
  reset(): void;
  close(): Promise<void>;
}

export async function startAwsProtocolServer(): Promise<AwsProtocolServer> {
  const runnable = new Map<string, readonly FakeJob[]>();
  const failing = new Map<string, string>();
  const requests: RecordedRequest[] = [];
  const metricData: ReceivedDatum[] = [];

  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      try {
        route(req, res, raw);
      } catch (e) {
        sendJson(res, 500, { message: (e as Error).message }, 'application/json', 'InternalError');
      }
    });
  });

  function route(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const target = req.headers['x-amz-target'];
    if (req.method === 'POST' && req.url === '/v1/listjobs') {
      if (!signedFor(req.headers, 'batch'))
        return sendJson(
          res,
          403,
          { message: 'missing SigV4 signature' },
          'application/json',
          'AccessDeniedException',
        );
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      requests.push({ service: 'batch', operation: 'ListJobs', headers: req.headers, body });
      return listJobs(res, body);
    }
    if (
      req.method === 'POST' &&
      req.url === '/' &&
      typeof target === 'string' &&
      target.startsWith('GraniteServiceVersion20100801.')
    ) {
      if (!signedFor(req.headers, 'monitoring')) {
        return sendJson(
          res,
          403,
          { __type: 'com.amazonaws.cloudwatch#AccessDenied', message: 'missing SigV4 signature' },
          JSON_1_0,
        );
      }
      if (req.headers['content-type'] !== JSON_1_0) {
        return sendJson(
          res,
          400,
          { __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException', message: 'bad content type' },
          JSON_1_0,
        );
      }
      const operation = target.slice('GraniteServiceVersion20100801.'.length);
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      requests.push({ service: 'cloudwatch', operation, headers: req.headers, body });
      if (operation === 'PutMetricData') return putMetricData(res, body);
      return sendJson(
        res,
        400,
        { __type: 'com.amazonaws.cloudwatch#UnknownOperationException', message: operation },
        JSON_1_0,
      );
    }
    sendJson(
      res,
      404,
      { message: `no route for ${req.method} ${req.url}` },
      'application/json',
      'UnknownOperationException',
    );
  }

  function listJobs(res: ServerResponse, body: Record<string, unknown>): void {
    const jobQueue = body.jobQueue;
    if (typeof jobQueue !== 'string') {
      return sendJson(res, 400, { message: 'jobQueue is required' }, 'application/json', 'ClientException');
    }
    const failure = failing.get(jobQueue);
    if (failure) return sendJson(res, 400, { message: failure }, 'application/json', 'ClientException');
    const status = body.jobStatus ?? 'RUNNING';
    const all = status === 'RUNNABLE' ? (runnable.get(jobQueue) ?? []) : [];
    const pageSize = typeof body.maxResults === 'number' ? body.maxResults : 100;
    const start =
      typeof body.nextToken === 'string' ? Number(Buffer.from(body.nextToken, 'base64').toString()) : 0;
    const page = all.slice(start, start + pageSize);
    const next =
      start + pageSize < all.length ? Buffer.from(String(start + pageSize)).toString('base64') : undefined;
    sendJson(
      res,
      200,
      {
        jobSummaryList: page.map((j) => ({
          jobArn: `arn:aws:batch:us-east-1:123456789012:job/${j.jobId}`,
          jobId: j.jobId,
          jobName: j.jobName,
          createdAt: j.createdAt,
          status: j.status ?? 'RUNNABLE',
        })),
        ...(next ? { nextToken: next } : {}),
      },
      'application/json',
    );
  }

  function putMetricData(res: ServerResponse, body: Record<string, unknown>): void {
    const namespace = body.Namespace;
    const data = body.MetricData;
    if (typeof namespace !== 'string' || !Array.isArray(data) || data.length === 0 || data.length > 1000) {
      return sendJson(
        res,
        400,
        {
          __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException',
          message: 'Namespace and 1-1000 MetricData are required',
        },
        JSON_1_0,
      );
    }
    for (const d of data as Array<Record<string, unknown>>) {
      const dims = (d.Dimensions as Array<{ Name: string; Value: string }> | undefined) ?? [];
      metricData.push({
        namespace,
        metricName: d.MetricName as string,
        dimensions: Object.fromEntries(dims.map((x) => [x.Name, x.Value])),
        value: d.Value as number,
        unit: d.Unit as string | undefined,
        timestamp: d.Timestamp as number | undefined,
      });
    }
    // PutMetricData has no output: the JSON protocol answers with an empty object.
    sendJson(res, 200, {}, JSON_1_0);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    metricData,
    setRunnableJobs: (q, jobs) => void runnable.set(q, jobs),
    failQueue: (q, message) => void failing.set(q, message),
    reset: () => {
      requests.length = 0;
      metricData.length = 0;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

const JSON_1_0 = 'application/x-amz-json-1.0';

function signedFor(headers: IncomingHttpHeaders, signingName: string): boolean {
  const auth = headers.authorization ?? '';
  return auth.startsWith('AWS4-HMAC-SHA256 ') && auth.includes(`/${signingName}/aws4_request`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType: string,
  errorType?: string,
): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': `req-${Math.random().toString(16).slice(2)}`,
  };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers);
  res.end(text);
}
