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
import { DescribeManagedPrefixListsCommand, EC2Client } from '@aws-sdk/client-ec2';

/** The attribute the construct reads with `Fn::GetAtt`. */
export const PREFIX_LIST_ID_ATTRIBUTE = 'PrefixListId';

/**
 * Pages the handler reads at most. DescribeManagedPrefixLists returns at most 100 lists a page
 * (MaxResults "Valid Range: Minimum value of 1. Maximum value of 100") and `nextToken` "is null
 * when there are no more results"; the name filter leaves one list, so a longer chain of tokens
 * means a misbehaving endpoint, not a longer answer.
 */
export const MAX_PAGES = 10;

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

/** Sends the response to CloudFormation; replaced in tests only to observe failures of the PUT itself. */
export type Respond = (url: string, response: CustomResourceResponse) => Promise<void>;

/** The id of the prefix list with this exact name, following `nextToken` up to `MAX_PAGES` pages. */
export async function lookupPrefixListId(client: EC2Client, name: string): Promise<string> {
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await client.send(
      new DescribeManagedPrefixListsCommand({
        Filters: [{ Name: 'prefix-list-name', Values: [name] }],
        MaxResults: 100,
        NextToken: nextToken,
      }),
    );
    const match = (out.PrefixLists ?? []).find((p) => p.PrefixListName === name && p.PrefixListId);
    if (match?.PrefixListId) return match.PrefixListId;
    nextToken = out.NextToken || undefined;
    if (nextToken === undefined) throw new Error(`No prefix list named ${name} in this Region`);
  }
  throw new Error(`No prefix list named ${name} after ${MAX_PAGES} pages of DescribeManagedPrefixLists`);
}

/** The handler, over a given client and response sender. */
export function createHandler(client: EC2Client, respond: Respond = putResponse) {
  return async (event: CustomResourceEvent): Promise<CustomResourceResponse> => {
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
        const id = await lookupPrefixListId(client, name);
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
    await respond(event.ResponseURL, response);
    return response;
  };
}

/**
 * PUT to the pre-signed S3 URL. The content type is left empty: the URL is signed without one, as
 * the cfn-response module sends it.
 */
export async function putResponse(url: string, response: CustomResourceResponse): Promise<void> {
  const body = JSON.stringify(response);
  const res = await fetch(url, {
    method: 'PUT',
    body,
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`The response URL answered HTTP ${res.status}`);
}

let cached: ReturnType<typeof createHandler> | undefined;

export async function handler(event: CustomResourceEvent): Promise<CustomResourceResponse> {
  cached ??= createHandler(new EC2Client({}));
  return cached(event);
}
