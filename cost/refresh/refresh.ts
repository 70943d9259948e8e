/**
 * `cdk-ml-cost prices refresh`: re-reads the catalog's prices from the AWS Price List API
 * (price-list-path.ts) or the public offer files (offer-files.ts), spot ratios from EC2 spot
 * price history (spot-ratios.ts), validates the result and replaces the catalog file atomically.
 * Nothing is written unless every query succeeded and the new catalog passes validation.
 *
 * The steps: plan the queries (plan.ts), answer them through one path, merge the answers into the
 * catalog (merge.ts), refresh spot ratios, describe the sources (catalog-sources.ts), validate
 * (validate.ts), write, and summarise (summary.ts).
 */
import { readFileSync } from 'node:fs';
import { catalogLayout, loadCatalog } from '../catalog';
import { normaliseCatalog } from '../catalog/normalise';
import { writeCatalog } from '../catalog/write';
import { CostInputError } from '../errors';
import type { Catalog } from '../types';
import {
  OFFER_FILES_SOURCE,
  offerFilesSource,
  PRICE_LIST_SOURCE,
  priceListSource,
  SPOT_HISTORY_SOURCE,
  spotHistorySource,
} from './catalog-sources';
import { mergedRegions, mergeResults } from './merge';
import { answerFromOfferFiles } from './offer-files';
import type { RefreshOptions } from './options';
import { planRefresh, type PathAnswers } from './plan';
import { answerFromPriceListApi } from './price-list-path';
import { DEFAULT_RETRY_POLICY } from './pricing-client';
import { createProgress } from './progress';
import { refreshSpot } from './spot-ratios';
import type { RefreshSummary } from './summary';
import { validateRefresh } from './validate';

export { OFFER_FILES_SOURCE, PRICE_LIST_SOURCE, SPOT_HISTORY_SOURCE } from './catalog-sources';
export type { RefreshOptions } from './options';
export { planRefresh, type PlannedQuery, type RefreshPlan } from './plan';
export { formatRefreshSummary, type PriceChange, type PriceRef, type RefreshSummary } from './summary';

export interface RefreshResult {
  readonly catalog: Catalog;
  readonly summary: RefreshSummary;
}

/** Runs the refresh and writes the catalog. Throws CostInputError (file untouched) on any failure. */
export async function refreshCatalog(options: RefreshOptions): Promise<RefreshResult> {
  const before = readFileSync(options.catalogPath, 'utf8');
  const old = loadCatalog(options.catalogPath);
  const regions = options.regions ?? old.regions.map((r) => r.region);
  const services =
    options.services ?? [...new Set(old.regions.flatMap((r) => r.prices.map((p) => p.service)))].sort();
  checkServices(old, services);
  const plan = planRefresh(old, regions, services);
  const now = options.now ?? new Date();
  const today = now.toISOString().slice(0, 10);
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;

  const progress = createProgress({
    total: plan.queries.length,
    tty: options.progress.tty,
    write: options.progress.write,
  });
  const answers: PathAnswers = options.offerFiles
    ? await answerFromOfferFiles(plan.queries, options.offerFiles, progress)
    : await answerFromPriceListApi(plan.queries, options, retry, progress);
  const { outcomes } = answers;

  const merged = mergeResults(
    old,
    plan,
    outcomes,
    today,
    options.offerFiles ? OFFER_FILES_SOURCE : PRICE_LIST_SOURCE,
  );
  const spot = await refreshSpot(merged.byRegion, options, { regions, services, retry, now });

  const sources: Record<string, unknown> = options.offerFiles
    ? {
        ...old.sources,
        [OFFER_FILES_SOURCE]: offerFilesSource(answers.endpointDescription, today, answers.files),
      }
    : {
        ...old.sources,
        [PRICE_LIST_SOURCE]: priceListSource(answers.endpointDescription, today, regions, services),
      };
  if (spot.used) sources[SPOT_HISTORY_SOURCE] = spotHistorySource(today);
  const next = normaliseCatalog({
    version: `${old.version.replace(/\+refresh\.\d{4}-\d{2}-\d{2}$/, '')}+refresh.${today}`,
    sources,
    regions: mergedRegions(old, merged.byRegion),
  });

  const problems = validateRefresh(next, merged.coverage);
  if (problems.length > 0) {
    const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
    throw new CostInputError(
      `prices refresh refused the new prices, catalog unchanged: ${problems.slice(0, 3).join('; ')}${more}`,
    );
  }
  // Someone else may have replaced the file meanwhile (a second refresh, a rebuild): do not clobber it.
  if (readFileSync(options.catalogPath, 'utf8') !== before) {
    throw new CostInputError(
      `${options.catalogPath} changed while refreshing; nothing written, run the refresh again`,
    );
  }
  // The layout it was read in: a split catalog gets each region file (atomically) and then its index.
  writeCatalog(options.catalogPath, next, catalogLayout(old));

  return {
    catalog: next,
    summary: {
      catalogPath: options.catalogPath,
      regions,
      services,
      queries: plan.queries.length,
      requests: answers.requests,
      retries: answers.retries,
      ...merged.summary,
      notRefreshable: plan.notRefreshable,
      malformed: outcomes.reduce((n, o) => n + o.malformed, 0),
      zeroPlaceholders: outcomes.reduce((n, o) => n + o.zeroPlaceholders, 0),
      spot: spot.notes,
    },
  };
}

function checkServices(catalog: Catalog, services: readonly string[]): void {
  const known = new Set(catalog.regions.flatMap((r) => r.prices.map((p) => p.service)));
  const unknown = services.filter((s) => !known.has(s));
  if (unknown.length > 0) {
    throw new CostInputError(
      `--services ${unknown.join(',')}: the catalog has no prices for that service (it has ${[...known].sort().join(', ')})`,
    );
  }
}
