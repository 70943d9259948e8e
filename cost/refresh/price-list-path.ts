/**
 * The Price List API path of a refresh: one GetProducts query (all pages) per planned price, with
 * AWS credentials, `concurrency` queries in flight, retries with backoff, and a progress line per
 * region and service once its last query is answered.
 */
import { CostInputError } from '../errors';
import type { RefreshOptions } from './options';
import { parseProducts, type ParseOutcome } from './parse-products';
import { groupOf, type PathAnswers, type PlannedQuery } from './plan';
import {
  createPriceListClient,
  describeApiFailure,
  mapWithConcurrency,
  type RetryPolicy,
} from './pricing-client';
import type { ProgressReporter } from './progress';

/** Answers `queries` from the Price List API. Throws CostInputError on any failure. */
export async function answerFromPriceListApi(
  queries: readonly PlannedQuery[],
  options: RefreshOptions,
  retry: RetryPolicy,
  progress: ProgressReporter,
): Promise<PathAnswers> {
  if (!options.credentials)
    throw new CostInputError('prices refresh: the Price List API needs AWS credentials');
  const client = await createPriceListClient({
    endpoint: options.endpoint,
    region: options.endpointRegion,
    credentials: options.credentials,
    retry,
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.maxPages !== undefined ? { maxPages: options.maxPages } : {}),
    sleep: options.sleep,
    random: options.random,
    onRetry: (r) => progress.note(`${r.reason}, retry ${r.attempt} in ${r.delayMs} ms`),
  });
  const remaining = new Map<string, number>();
  for (const q of queries) remaining.set(groupOf(q), (remaining.get(groupOf(q)) ?? 0) + 1);
  const groupPrices = new Map<string, number>();

  let outcomes: ParseOutcome[];
  try {
    outcomes = await mapWithConcurrency(queries, options.concurrency ?? 4, async (q) => {
      const { priceList } = await client.getAllProducts(q.query);
      const outcome = parseProducts(priceList, q.wanted);
      const group = groupOf(q);
      groupPrices.set(group, (groupPrices.get(group) ?? 0) + outcome.prices.size);
      progress.tick(group);
      const left = (remaining.get(group) ?? 1) - 1;
      remaining.set(group, left);
      if (left === 0) progress.groupDone(group, `${groupPrices.get(group)} prices`);
      return outcome;
    });
  } catch (err) {
    progress.finish();
    if (err instanceof CostInputError) throw err;
    throw new CostInputError(`${describeApiFailure(err, client.endpointDescription)} (catalog unchanged)`);
  } finally {
    client.destroy();
  }
  progress.finish();
  return {
    outcomes,
    requests: client.requestCount(),
    retries: client.retryCount(),
    endpointDescription: client.endpointDescription,
  };
}
