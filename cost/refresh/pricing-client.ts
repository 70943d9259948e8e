/**
 * Talks to the AWS Price List Query API (`GetProducts`) for `prices refresh`.
 *
 * The SDK is imported lazily inside the functions that need it: `estimate` and `diff` run
 * from the same bundle and must not pay for loading it. Retries are ours (the SDK client is
 * built with `maxAttempts: 1`): exponential backoff with full jitter on throttling, 5xx and
 * dropped connections, so the policy is visible, bounded and testable.
 */
import { CostInputError } from '../errors';

/** Regions that serve the Price List Query API. */
export const PRICE_LIST_API_REGIONS: readonly string[] = ['us-east-1', 'eu-central-1', 'ap-south-1'];

/** One `GetProducts` filter. `TERM_MATCH` unless said otherwise. */
export interface PriceListFilter {
  readonly field: string;
  readonly value: string;
  readonly type?: 'TERM_MATCH' | 'EQUALS' | 'CONTAINS' | 'ANY_OF';
}

/** One logical query: all pages of `GetProducts` for one service code and filter set. */
export interface PriceListQuery {
  readonly serviceCode: string;
  readonly filters: readonly PriceListFilter[];
}

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  /** Backoff cap grows as baseDelayMs × 2^(attempt-1), bounded by maxDelayMs; the wait is uniform in [0, cap]. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 20_000 };

export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface PriceListClientOptions {
  /**
   * Endpoint URL, e.g. `http://127.0.0.1:4566` for a test server or a proxy.
   * @default - the SDK's endpoint for `region`
   */
  readonly endpoint?: string;
  /**
   * Region of the Price List API endpoint (one of PRICE_LIST_API_REGIONS).
   * @default 'us-east-1'
   */
  readonly region?: string;
  /** Credentials resolved by resolveAwsCredentials. */
  readonly credentials: StaticCredentials;
  /** @default DEFAULT_RETRY_POLICY */
  readonly retry?: RetryPolicy;
  /** @default 100 (the API's maximum) */
  readonly pageSize?: number;
  /**
   * Idle timeout of a request's socket, and also its hard deadline: a server that accepts the
   * connection and then trickles or never answers is given up on after this long (then retried).
   * @default 30_000
   */
  readonly requestTimeoutMs?: number;
  /** Pages per query at most: a server whose NextToken never ends is refused. @default DEFAULT_MAX_PAGES */
  readonly maxPages?: number;
  /** Called before each retry wait (progress output, tests). */
  readonly onRetry?: (info: RetryInfo) => void;
  /** @default setTimeout-based sleep */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
}

export interface RetryInfo {
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}

export interface QueryResult {
  /** The `PriceList` entries of every page, still JSON strings. */
  readonly priceList: readonly string[];
  readonly pages: number;
}

export interface PriceListClient {
  readonly endpointDescription: string;
  getAllProducts(query: PriceListQuery): Promise<QueryResult>;
  /** Requests made so far, retries included. */
  requestCount(): number;
  /** Retries made so far. */
  retryCount(): number;
  destroy(): void;
}

/** Builds a client over the real `PricingClient`. */
export async function createPriceListClient(options: PriceListClientOptions): Promise<PriceListClient> {
  const sdk = await import('@aws-sdk/client-pricing');
  const region = options.region ?? 'us-east-1';
  const client = new sdk.PricingClient({
    region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: 1,
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 30_000, connectionTimeout: 10_000 },
  });
  const deadlineMs = options.requestTimeoutMs ?? 30_000;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const pageSize = options.pageSize ?? 100;
  // destroy() aborts every request in flight and every retry wait: when one query of a refresh
  // fails, the others stop at once instead of retrying (and printing retry notes) after the
  // refresh has already reported its error, for up to six deadlines.
  const closed = new AbortController();
  let requests = 0;
  let retries = 0;
  return {
    endpointDescription:
      options.endpoint !== undefined
        ? redactUrl(options.endpoint)
        : `https://api.pricing.${region}.amazonaws.com`,
    async getAllProducts(query) {
      const priceList: string[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      const guard = pageGuard(`GetProducts ${query.serviceCode}`, maxPages);
      do {
        const token = nextToken;
        const out = await withRetry(
          () => {
            requests++;
            return withDeadline(
              deadlineMs,
              (abortSignal) =>
                client.send(
                  new sdk.GetProductsCommand({
                    ServiceCode: query.serviceCode,
                    Filters: query.filters.map((f) => ({
                      Type: f.type ?? 'TERM_MATCH',
                      Field: f.field,
                      Value: f.value,
                    })),
                    FormatVersion: 'aws_v1',
                    MaxResults: pageSize,
                    NextToken: token,
                  }),
                  { abortSignal },
                ),
              closed.signal,
            );
          },
          policy,
          {
            sleep: options.sleep,
            random: options.random,
            signal: closed.signal,
            onRetry: (info) => {
              retries++;
              options.onRetry?.(info);
            },
          },
        );
        pages++;
        // The SDK hands entries back as LazyJsonString objects (String wrappers): keep plain strings.
        priceList.push(...((out.PriceList ?? []) as unknown[]).map((item) => String(item)));
        nextToken = out.NextToken || undefined;
        guard(nextToken);
      } while (nextToken !== undefined);
      return { priceList, pages };
    },
    requestCount: () => requests,
    retryCount: () => retries,
    destroy: () => {
      closed.abort();
      client.destroy();
    },
  };
}

/**
 * Pages per query at most. GetProducts returns at most 100 products a page; the largest query of
 * the refresh (one service, one region, filtered by instance type or usage type) has a few dozen
 * pages, so 1,000 pages (100,000 products) only stops a server whose NextToken never ends.
 */
export const DEFAULT_MAX_PAGES = 1000;

/**
 * Follows NextToken safely: throws when a token comes back that was seen before (a loop) or after
 * `maxPages` pages. Returns the function to call with each page's NextToken.
 */
export function pageGuard(what: string, maxPages: number): (nextToken: string | undefined) => void {
  const seen = new Set<string>();
  let pages = 0;
  return (nextToken) => {
    pages++;
    if (nextToken === undefined) return;
    if (seen.has(nextToken))
      throw paginationError(`${what} returned the same NextToken twice (a pagination loop)`);
    seen.add(nextToken);
    if (pages >= maxPages)
      throw paginationError(`${what} was still paginating after ${maxPages} pages (NextToken never ends)`);
  };
}

function paginationError(message: string): Error {
  const e = new Error(message);
  e.name = 'PaginationError';
  return e;
}

/**
 * Runs a request with a hard deadline. The socket timeouts only notice a silent connection; a
 * server that answers one byte at a time, or an SDK path that ignores them, would wait forever.
 * On the deadline the request is aborted and a retryable `TimeoutError` thrown. When `cancel`
 * aborts (the client is destroyed), the request is aborted at once with a non-retryable error.
 */
export async function withDeadline<T>(
  ms: number,
  send: (signal: AbortSignal) => Promise<T>,
  cancel?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onCancel: (() => void) | undefined;
  const cancelled = new Promise<never>((_, reject) => {
    onCancel = () => {
      controller.abort();
      reject(cancelledError());
    };
    if (cancel?.aborted) onCancel();
    else cancel?.addEventListener('abort', onCancel, { once: true });
  });
  // Only one of the racers settles the result; the other's rejection must not go unhandled.
  cancelled.catch(() => undefined);
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      const e = new Error(`no complete answer within ${ms} ms`) as Error & { code: string };
      e.name = 'TimeoutError';
      e.code = 'ETIMEDOUT';
      reject(e);
    }, ms);
  });
  try {
    return await Promise.race([send(controller.signal), deadline, cancelled]);
  } finally {
    clearTimeout(timer);
    if (onCancel) cancel?.removeEventListener('abort', onCancel);
  }
}

/** What a request or retry wait cut short by destroy() rejects with: never retried. */
function cancelledError(): Error {
  const e = new Error('cancelled: the client was closed');
  e.name = 'CancelledError';
  return e;
}

/**
 * A URL with any `user:password@` replaced by `***@` and any query string by `?***` (a proxy
 * token such as `?token=...`): credentials never reach the catalog's sources or a message.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '' && u.search === '') return url;
    if (u.username !== '' || u.password !== '') {
      u.username = '***';
      u.password = '';
    }
    if (u.search !== '') u.search = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//***@').replace(/\?.*$/, '?***');
  }
}

/** Why an error is worth retrying, or undefined when it is not. */
export function retryReason(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as {
    name?: string;
    code?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: { throttling?: boolean };
  };
  const status = e.$metadata?.httpStatusCode;
  if (e.$retryable?.throttling || THROTTLING_ERRORS.has(e.name ?? '') || status === 429) {
    return `throttled (${e.name ?? status})`;
  }
  if (status !== undefined && status >= 500) return `HTTP ${status} (${e.name ?? 'server error'})`;
  if (e.$fault === 'server' && status === undefined) return `server error (${e.name})`;
  if (TRANSIENT_NETWORK_CODES.has(e.code ?? '') || TRANSIENT_NETWORK_CODES.has(e.name ?? '')) {
    return `connection problem (${e.code ?? e.name})`;
  }
  return undefined;
}

/** Upper bound of the wait before retry number `attempt` (1-based): exponential, capped. */
export function backoffCapMs(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

/** Runs `fn`, retrying retryable failures with full-jitter exponential backoff. */
export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  hooks: {
    readonly sleep?: (ms: number) => Promise<void>;
    readonly random?: () => number;
    readonly onRetry?: (info: RetryInfo) => void;
    /** Once aborted: no further attempt, and a wait in progress ends at once. */
    readonly signal?: AbortSignal;
  } = {},
): Promise<T> {
  const signal = hooks.signal;
  const sleep = hooks.sleep ?? ((ms: number) => abortableSleep(ms, signal));
  const random = hooks.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const reason = retryReason(err);
      if (reason === undefined || attempt >= policy.maxAttempts || signal?.aborted) throw err;
      const delayMs = Math.round(random() * backoffCapMs(attempt, policy));
      hooks.onRetry?.({ attempt, delayMs, reason });
      await sleep(delayMs);
      if (signal?.aborted) throw cancelledError();
    }
  }
}

/** setTimeout as a promise that also resolves when `signal` aborts. */
function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Credentials for the refresh: the access key in `env` when it has one (the CLI passes
 * process.env, so this is the SDK's own environment provider), otherwise the SDK's default
 * provider chain (shared config and credentials files, SSO, web identity, container and
 * instance metadata). Throws CostInputError when none resolves.
 */
export async function resolveAwsCredentials(
  env: Readonly<Record<string, string | undefined>>,
): Promise<StaticCredentials> {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (accessKeyId && secretAccessKey) {
    return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
  }
  const sdk = await import('@aws-sdk/client-pricing');
  const client = new sdk.PricingClient({ region: 'us-east-1' });
  try {
    const c = await client.config.credentials();
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
  } catch (err) {
    const name = (err as { name?: string }).name;
    const detail = (err as { message?: string }).message?.split('\n')[0] ?? String(err);
    throw new CostInputError(
      'prices refresh needs AWS credentials with pricing:GetProducts (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE)' +
        (name === 'CredentialsProviderError' ? '' : `; credential lookup failed: ${detail}`),
    );
  } finally {
    client.destroy();
  }
}

/** Turns an SDK or network failure into the one line the CLI prints. */
export function describeApiFailure(err: unknown, endpoint: string): string {
  const e = err as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode;
  const what = [e.name ?? e.code, status ? `HTTP ${status}` : undefined].filter(Boolean).join(', ');
  const message = (e.message ?? String(err)).split('\n')[0];
  if (NETWORK_CODES.has(e.code ?? '') || NETWORK_CODES.has(e.name ?? '')) {
    return `prices refresh could not reach the AWS Price List API at ${endpoint} (${e.code ?? e.name}): check the network or --endpoint`;
  }
  if (e.name === 'AccessDeniedException' || e.name === 'UnrecognizedClientException' || status === 403) {
    return `prices refresh was denied by ${endpoint} (${what}): the credentials need pricing:GetProducts`;
  }
  return `prices refresh failed at ${endpoint} (${what}): ${message}`;
}

const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'TimeoutError',
  'RequestTimeout',
]);

const NETWORK_CODES = new Set([
  ...TRANSIENT_NETWORK_CODES,
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);
