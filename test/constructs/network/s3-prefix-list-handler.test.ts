import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  createHandler,
  MAX_PAGES,
  putResponse,
  type CustomResourceEvent,
  type HandlerContext,
} from '../../../constructs/network/private/s3-prefix-list-handler';

/**
 * A local stand-in for EC2 (the query protocol `@aws-sdk/client-ec2` sends: `POST /` with a form body
 * `Action=DescribeManagedPrefixLists&Version=2016-11-15&Filter.1.Name=...`, answered with
 * `<DescribeManagedPrefixListsResponse>` XML, errors as `<Response><Errors><Error>`) and for
 * CloudFormation's pre-signed response URL (`PUT /response/<id>`).
 */
interface Page {
  readonly lists: readonly { id: string; name: string }[];
  readonly nextToken?: string;
}
let server: Server;
let endpoint: string;
let pages: Page[];
let errorCode: string | undefined;
/** EC2 takes the request and never answers. */
let silent: boolean;
let responseStatus: number;
const ec2Requests: { form: URLSearchParams; headers: IncomingHttpHeaders }[] = [];
const responses: { url: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.method === 'PUT' && req.url?.startsWith('/response/')) {
        responses.push({ url: req.url, headers: req.headers, body: JSON.parse(raw) });
        res.writeHead(responseStatus).end();
        return;
      }
      const form = new URLSearchParams(raw);
      ec2Requests.push({ form, headers: req.headers });
      if (silent) return;
      if (errorCode) {
        res.writeHead(403, { 'content-type': 'text/xml;charset=UTF-8' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${errorCode}</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r-1</RequestID></Response>`,
        );
        return;
      }
      const page = pages.shift() ?? { lists: [] };
      const items = page.lists
        .map(
          (l) =>
            `<item><prefixListId>${l.id}</prefixListId><addressFamily>IPv4</addressFamily><state>create-complete</state><prefixListArn>arn:aws:ec2:us-east-1:aws:prefix-list/${l.id}</prefixListArn><prefixListName>${l.name}</prefixListName><version>1</version><ownerId>AWS</ownerId></item>`,
        )
        .join('');
      res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeManagedPrefixListsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId><prefixListSet>${items}</prefixListSet>${page.nextToken ? `<nextToken>${page.nextToken}</nextToken>` : ''}</DescribeManagedPrefixListsResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);
beforeEach(() => {
  pages = [];
  errorCode = undefined;
  silent = false;
  responseStatus = 200;
  ec2Requests.length = 0;
  responses.length = 0;
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

const client = () =>
  new EC2Client({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
  });

function event(overrides: Partial<CustomResourceEvent> = {}): CustomResourceEvent {
  return {
    RequestType: 'Create',
    ResponseURL: `${endpoint}/response/1?X-Amz-Signature=abc`,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Platform/1',
    RequestId: 'req-1',
    LogicalResourceId: 'S3PrefixList7838D724',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:...', PrefixListName: 'com.amazonaws.us-east-1.s3' },
    ...overrides,
  };
}

/** A Lambda context with `ms` left, counted down from the call as Lambda does. */
function contextWith(ms: number): HandlerContext {
  const end = Date.now() + ms;
  return { getRemainingTimeInMillis: () => end - Date.now() };
}
/** The deployed function's timeout (one minute). */
const MINUTE = () => contextWith(60_000);

const S3 = { id: 'pl-63a5400a', name: 'com.amazonaws.us-east-1.s3' };

describe('S3 prefix-list lookup handler', () => {
  test('Create: DescribeManagedPrefixLists filtered by name, signed for ec2, the id PUT to the response URL', async () => {
    // GIVEN
    pages = [{ lists: [S3] }];
    // WHEN
    await createHandler(client())(event(), MINUTE());
    // THEN
    expect(ec2Requests).toHaveLength(1);
    const { form, headers } = ec2Requests[0];
    expect(form.get('Action')).toBe('DescribeManagedPrefixLists');
    expect(form.get('Filter.1.Name')).toBe('prefix-list-name');
    expect(form.get('Filter.1.Value.1')).toBe('com.amazonaws.us-east-1.s3');
    expect(form.get('MaxResults')).toBe('100');
    expect(String(headers.authorization)).toMatch(
      /Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/ec2\/aws4_request/,
    );
    expect(responses).toHaveLength(1);
    expect(responses[0].url).toBe('/response/1?X-Amz-Signature=abc');
    // The pre-signed URL is signed without a content type.
    expect(responses[0].headers['content-type'] ?? '').toBe('');
    expect(responses[0].body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'com.amazonaws.us-east-1.s3',
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Platform/1',
      RequestId: 'req-1',
      LogicalResourceId: 'S3PrefixList7838D724',
      Data: { PrefixListId: 'pl-63a5400a' },
    });
  });

  test('follows nextToken until the list appears', async () => {
    // GIVEN
    pages = [{ lists: [], nextToken: 't1' }, { lists: [S3] }];
    // WHEN
    const out = await createHandler(client())(
      event({ RequestType: 'Update', PhysicalResourceId: S3.name }),
      MINUTE(),
    );
    // THEN
    expect(ec2Requests.map((r) => r.form.get('NextToken'))).toEqual([null, 't1']);
    expect(out.Data).toEqual({ PrefixListId: 'pl-63a5400a' });
  });

  test.each([
    [
      'no list of that name',
      () => (pages = [{ lists: [{ id: 'pl-1a2b3c4d', name: 'com.amazonaws.us-east-1.dynamodb' }] }]),
      /No prefix list named com\.amazonaws\.us-east-1\.s3 in this Region/,
    ],
    [
      'an endless nextToken',
      () => (pages = Array.from({ length: MAX_PAGES + 2 }, () => ({ lists: [], nextToken: 'again' }))),
      /after 10 pages/,
    ],
    [
      'EC2 refusing the call',
      () => (errorCode = 'UnauthorizedOperation'),
      /UnauthorizedOperation: You are not authorized/,
    ],
  ])('%s: FAILED with the reason, still answered', async (_name, arrange, reason) => {
    // GIVEN
    arrange();
    // WHEN
    await createHandler(client())(event(), MINUTE());
    // THEN
    expect(responses).toHaveLength(1);
    expect(responses[0].body).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'com.amazonaws.us-east-1.s3',
    });
    expect(String(responses[0].body.Reason)).toMatch(reason);
    expect(ec2Requests.length).toBeLessThanOrEqual(MAX_PAGES);
  });

  test('a property that is not an AWS-managed prefix-list name is refused without calling EC2', async () => {
    // WHEN
    await createHandler(client())(event({ ResourceProperties: { PrefixListName: 'my-list' } }), MINUTE());
    // THEN
    expect(ec2Requests).toHaveLength(0);
    expect(responses[0].body).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/"my-list"/) });
  });

  test('Delete answers SUCCESS with the physical id it was given and calls nothing', async () => {
    // WHEN
    await createHandler(client())(event({ RequestType: 'Delete', PhysicalResourceId: S3.name }), MINUTE());
    // THEN
    expect(ec2Requests).toHaveLength(0);
    expect(responses[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: S3.name });
    expect(responses[0].body.Data).toBeUndefined();
  });

  test('EC2 that never answers: each call is aborted after its request timeout, FAILED is answered', async () => {
    // GIVEN
    silent = true;
    const started = Date.now();
    // WHEN
    await createHandler(client(), { requestTimeoutMs: 300 })(event(), MINUTE());
    // THEN
    expect(ec2Requests).toHaveLength(1);
    expect(responses).toHaveLength(1);
    expect(responses[0].body).toMatchObject({
      Status: 'FAILED',
      Reason: 'TimeoutError: DescribeManagedPrefixLists (page 1) did not answer within 300 ms',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('EC2 that never answers within the time left: FAILED reaches the response URL before Lambda would stop the function', async () => {
    // GIVEN 3 s left, 1.5 s of them kept for the answer, and the SDK's own retries (a default client)
    silent = true;
    const retrying = new EC2Client({
      region: 'us-east-1',
      endpoint,
      credentials: {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
    });
    const started = Date.now();
    let answeredAfter = Number.NaN;
    // WHEN
    await createHandler(retrying, {
      responseReserveMs: 1_500,
      respond: async (url, response, timeoutMs) => {
        answeredAfter = Date.now() - started;
        expect(timeoutMs).toBeLessThanOrEqual(1_500);
        await putResponse(url, response, timeoutMs);
      },
    })(event(), contextWith(3_000));
    // THEN
    expect(answeredAfter).toBeGreaterThanOrEqual(1_400);
    expect(answeredAfter).toBeLessThan(3_000);
    expect(responses).toHaveLength(1);
    expect(responses[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: S3.name });
    expect(String(responses[0].body.Reason)).toMatch(
      /^TimeoutError: DescribeManagedPrefixLists \(page 1\) had not answered when this function's time was nearly up/,
    );
  });

  test('a response URL that refuses the PUT fails the invocation (Lambda retries it)', async () => {
    // GIVEN
    pages = [{ lists: [S3] }];
    responseStatus = 403;
    // WHEN / THEN
    await expect(createHandler(client())(event(), MINUTE())).rejects.toThrow(
      'The response URL answered HTTP 403',
    );
  });
});
