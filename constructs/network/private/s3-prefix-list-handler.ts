/**
 * The Lambda handler behind `S3PrefixList`: a CloudFormation custom resource that returns the id of
 * the AWS-managed prefix list named in its `PrefixListName` property (`com.amazonaws.<region>.s3`).
 * Bundled by esbuild with `@aws-sdk/*` external (the Node.js runtime has it).
 *
 * CloudFormation contract ("Custom resource response objects"): the function answers every request
 * by a PUT of a JSON body to the pre-signed `ResponseURL`, with `Status` SUCCESS or FAILED, a
 * `Reason` when FAILED, the `PhysicalResourceId`, and `StackId`, `RequestId` and `LogicalResourceId`
 * copied from the request; `Data` holds the attributes `Fn::GetAtt` reads.
 */
import {
  DescribeManagedPrefixListsCommand,
  EC2Client,
  type DescribeManagedPrefixListsCommandOutput,
} from '@aws-sdk/client-ec2';

/** The attribute the construct reads with `Fn::GetAtt`. */
export const PREFIX_LIST_ID_ATTRIBUTE = 'PrefixListId';

/**
 * Pages the handler reads at most. DescribeManagedPrefixLists returns at most 100 lists a page
 * (MaxResults "Valid Range: Minimum value of 1. Maximum value of 100") and `nextToken` "is null
 * when there are no more results"; the name filter leaves one list, so a longer chain of tokens
 * means a misbehaving endpoint, not a longer answer.
 */
export const MAX_PAGES = 10;

/**
 * How long one DescribeManagedPrefixLists call may take, retries of the SDK included. The call reads
 * one small page; an endpoint silent for this long is not going to answer within the function's
 * one-minute timeout either.
 */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The time kept back from the function's remaining time to answer CloudFormation: the lookup is
 * given up this long before Lambda would stop the function, so a FAILED response still reaches the
 * response URL. A function stopped by its timeout answers nothing, and CloudFormation then waits for
 * the custom resource's service timeout.
 */
export const RESPONSE_RESERVE_MS = 5_000;

/** The longest the PUT to the response URL may take when time allows. */
export const RESPONSE_TIMEOUT_MS = 30_000;

/** The part of the Lambda context the handler reads. */
export interface HandlerContext {
  /** "Returns the number of milliseconds left before the execution times out" (Lambda, Node.js context object). */
  getRemainingTimeInMillis(): number;
}

/** The fields of a CloudFormation custom resource request the handler reads. */
export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  /** Absent on Create. */
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
}

/** What the handler PUTs to the response URL. */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** Sends the response to CloudFormation within `timeoutMs`. */
export type Respond = (url: string, response: CustomResourceResponse, timeoutMs: number) => Promise<void>;

/** Options of `createHandler`; the defaults are the deployed function's. */
export interface HandlerOptions {
  /** @default putResponse */
  readonly respond?: Respond;
  /** @default REQUEST_TIMEOUT_MS */
  readonly requestTimeoutMs?: number;
  /** @default RESPONSE_RESERVE_MS */
  readonly responseReserveMs?: number;
}

/** Options of `lookupPrefixListId`. */
export interface LookupOptions {
  /** Aborts the lookup as a whole (the function's deadline). */
  readonly deadline?: AbortSignal;
  /** @default REQUEST_TIMEOUT_MS */
  readonly requestTimeoutMs?: number;
}

/**
 * The id of the prefix list with this exact name, following `nextToken` up to `MAX_PAGES` pages.
 * Each call is aborted after `requestTimeoutMs`, and every call when `deadline` fires: a silent
 * endpoint must not hold the function until Lambda stops it (`client.send(command, { abortSignal })`).
 */
export async function lookupPrefixListId(
  client: EC2Client,
  name: string,
  options: LookupOptions = {},
): Promise<string> {
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const perRequest = AbortSignal.timeout(requestTimeoutMs);
    const signals = options.deadline ? [perRequest, options.deadline] : [perRequest];
    let out: DescribeManagedPrefixListsCommandOutput;
    try {
      out = await client.send(
        new DescribeManagedPrefixListsCommand({
          Filters: [{ Name: 'prefix-list-name', Values: [name] }],
          MaxResults: 100,
          NextToken: nextToken,
        }),
        { abortSignal: AbortSignal.any(signals) },
      );
    } catch (e) {
      // The SDK reports an abort as a bare `AbortError: Request aborted`: say which limit was hit.
      if (options.deadline?.aborted) {
        throw new TimeoutError(
          `DescribeManagedPrefixLists (page ${page + 1}) had not answered when this function's time was nearly up; answering FAILED while CloudFormation can still be told`,
        );
      }
      if (perRequest.aborted) {
        throw new TimeoutError(
          `DescribeManagedPrefixLists (page ${page + 1}) did not answer within ${requestTimeoutMs} ms`,
        );
      }
      throw e;
    }
    const match = (out.PrefixLists ?? []).find((p) => p.PrefixListName === name && p.PrefixListId);
    if (match?.PrefixListId) return match.PrefixListId;
    nextToken = out.NextToken || undefined;
    if (nextToken === undefined) throw new Error(`No prefix list named ${name} in this Region`);
  }
  throw new Error(`No prefix list named ${name} after ${MAX_PAGES} pages of DescribeManagedPrefixLists`);
}

/** A limit of time ran out (the message says which). */
export class TimeoutError extends Error {
  public override readonly name = 'TimeoutError';
}

/** The handler, over a given client. */
export function createHandler(client: EC2Client, options: HandlerOptions = {}) {
  const respond = options.respond ?? putResponse;
  const reserveMs = options.responseReserveMs ?? RESPONSE_RESERVE_MS;
  return async (event: CustomResourceEvent, context: HandlerContext): Promise<CustomResourceResponse> => {
    // The deadline is taken from the context at once: the time left is the function's timeout less
    // what has run so far.
    const remainingMs = context.getRemainingTimeInMillis();
    const startedAt = Date.now();
    const name = String(event.ResourceProperties.PrefixListName ?? '');
    // The name is the physical id: an update to another name is a replacement, and a delete needs
    // no call (nothing was created).
    const base = {
      PhysicalResourceId: event.PhysicalResourceId ?? (name || event.LogicalResourceId),
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    };
    let response: CustomResourceResponse;
    if (event.RequestType === 'Delete') {
      response = { Status: 'SUCCESS', ...base };
    } else {
      try {
        if (!/^com\.amazonaws\.[a-z0-9-]+\.[a-z0-9.-]+$/.test(name)) {
          throw new Error(
            `PrefixListName must be an AWS-managed prefix list name, got ${JSON.stringify(name)}`,
          );
        }
        const deadline = AbortSignal.timeout(Math.max(0, remainingMs - reserveMs));
        const id = await lookupPrefixListId(client, name, {
          deadline,
          requestTimeoutMs: options.requestTimeoutMs,
        });
        response = {
          Status: 'SUCCESS',
          ...base,
          PhysicalResourceId: name,
          Data: { [PREFIX_LIST_ID_ATTRIBUTE]: id },
        };
      } catch (e) {
        const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        response = { Status: 'FAILED', Reason: reason.slice(0, 1000), ...base };
      }
    }
    console.log(JSON.stringify({ requestType: event.RequestType, name, status: response.Status }));
    // The PUT may use what is left, less a margin for the function to return.
    const leftMs = remainingMs - (Date.now() - startedAt) - 500;
    await respond(event.ResponseURL, response, Math.min(RESPONSE_TIMEOUT_MS, Math.max(1_000, leftMs)));
    return response;
  };
}

/**
 * PUT to the pre-signed S3 URL. The content type is left empty: the URL is signed without one, as
 * the cfn-response module sends it.
 */
export async function putResponse(
  url: string,
  response: CustomResourceResponse,
  timeoutMs: number = RESPONSE_TIMEOUT_MS,
): Promise<void> {
  const body = JSON.stringify(response);
  const res = await fetch(url, {
    method: 'PUT',
    body,
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`The response URL answered HTTP ${res.status}`);
}

let cached: ReturnType<typeof createHandler> | undefined;

export async function handler(
  event: CustomResourceEvent,
  context: HandlerContext,
): Promise<CustomResourceResponse> {
  cached ??= createHandler(new EC2Client({}));
  return cached(event, context);
}
