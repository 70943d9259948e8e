/**
 * `cdk-ml-cost prices refresh`: re-reads the catalog's prices from the AWS Price List API,
 * spot ratios from EC2 spot price history, validates the result and replaces the catalog file
 * atomically. Nothing is written unless every query succeeded and the new catalog passes
 * validation.
 *
 * What is asked for: in every refreshed region, every price the catalog holds for the refreshed
 * services in any region (so a refresh fills gaps and adds regions), plus the SageMaker training
 * price of every SageMaker instance type the catalog hosts.
 */
import { readFileSync } from 'node:fs';
import { catalogLayout, loadCatalog } from '../catalog';
import { normaliseCatalog, roundRatio } from '../catalog/normalise';
import { writeCatalog } from '../catalog/write';
import { CostInputError } from '../errors';
import type { Catalog, CatalogPrice } from '../types';
import { INSTANCE_TYPE, parseProducts, type ParseOutcome, type WantedPrice } from './parse-products';
import {
  createPriceListClient,
  DEFAULT_RETRY_POLICY,
  describeApiFailure,
  mapWithConcurrency,
  type PriceListFilter,
  type PriceListQuery,
  type RetryPolicy,
  type StaticCredentials,
} from './pricing-client';
import { answerFromOfferFiles, DEFAULT_OFFERS_BASE, type OfferFetcher } from './offer-files';
import { createProgress } from './progress';
import { fetchSpotMedians } from './spot';
import { validateRefresh, type GroupCoverage } from './validate';

/** Source id of every refreshed price (described in the catalog's `sources`). */
export const PRICE_LIST_SOURCE = 'aws-price-list-api';
/** Source id of every price refreshed from the public offer files. */
export const OFFER_FILES_SOURCE = 'aws-offer-files';
/** Source id describing refreshed spot ratios. */
export const SPOT_HISTORY_SOURCE = 'aws-ec2-spot-price-history';

export interface RefreshOptions {
  /** The catalog file to refresh (read, then replaced). */
  readonly catalogPath: string;
  /** @default - every region of the catalog */
  readonly regions?: readonly string[];
  /** Price List service codes. @default - every service of the catalog */
  readonly services?: readonly string[];
  /** Needed for the Price List API path; unused with `offerFiles`. */
  readonly credentials?: StaticCredentials;
  /**
   * Read the public bulk offer files instead of the Price List API: no credentials. `base` is
   * the host serving `/offers/v1.0/aws/...` (tests, mirrors). @default - the API path
   */
  readonly offerFiles?: { readonly base?: string; readonly fetcher?: OfferFetcher };
  /** Price List endpoint URL (tests, proxies). @default - the SDK's endpoint for endpointRegion */
  readonly endpoint?: string;
  /** @default 'us-east-1' */
  readonly endpointRegion?: string;
  /** Read spot ratios from DescribeSpotPriceHistory. @default true */
  readonly spot?: boolean;
  /** EC2 endpoint URL for spot price history (tests, proxies). @default - the SDK's regional endpoint */
  readonly ec2Endpoint?: string;
  /** Price List requests in flight. @default 4 */
  readonly concurrency?: number;
  /** @default DEFAULT_RETRY_POLICY */
  readonly retry?: RetryPolicy;
  /** Per-request deadline (see PriceListClientOptions). @default 30_000 */
  readonly requestTimeoutMs?: number;
  /** Pages per Price List query at most. @default DEFAULT_MAX_PAGES */
  readonly maxPages?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** @default new Date() */
  readonly now?: Date;
  /** Where progress goes, and whether to draw a bar (a terminal) or print lines. */
  readonly progress: { readonly tty: boolean; readonly write: (text: string) => void };
}

export interface PriceChange {
  readonly region: string;
  readonly service: string;
  readonly key: string;
  readonly unit: string;
  readonly oldValue: number;
  readonly newValue: number;
}

export interface PriceRef {
  readonly region: string;
  readonly service: string;
  readonly key: string;
  readonly unit: string;
  readonly value: number;
}

export interface RefreshSummary {
  readonly catalogPath: string;
  readonly regions: readonly string[];
  readonly services: readonly string[];
  readonly queries: number;
  readonly requests: number;
  readonly retries: number;
  readonly changed: readonly PriceChange[];
  readonly unchanged: number;
  readonly added: readonly PriceRef[];
  /** Instance prices the API no longer returns. */
  readonly removed: readonly PriceRef[];
  /** Unit prices the API did not return: kept with their old source. */
  readonly kept: readonly PriceRef[];
  /** Prices several products disagreed on: kept with their old source. */
  readonly ambiguous: readonly string[];
  /** Catalog prices this refresh cannot ask for (no usage type): kept. */
  readonly notRefreshable: number;
  readonly malformed: number;
  readonly zeroPlaceholders: number;
  readonly spot: readonly string[];
}

export interface RefreshResult {
  readonly catalog: Catalog;
  readonly summary: RefreshSummary;
}

/** One GetProducts query and the catalog prices it answers. */
export interface PlannedQuery {
  readonly region: string;
  readonly service: string;
  readonly query: PriceListQuery;
  readonly wanted: readonly WantedPrice[];
}

export interface RefreshPlan {
  readonly queries: readonly PlannedQuery[];
  /** Per region: catalog entry to start each refreshed price from (own region first, else another region's). */
  readonly templates: ReadonlyMap<string, ReadonlyMap<string, CatalogPrice>>;
  readonly notRefreshable: number;
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
  let outcomes: ParseOutcome[];
  let endpointDescription: string;
  let requests: number;
  let retries = 0;
  let offerFilesSeen: Readonly<Record<string, string>> | undefined;
  if (options.offerFiles) {
    // Anonymous: one streamed download per (service, region) answers all of its queries.
    const base = options.offerFiles.base ?? DEFAULT_OFFERS_BASE;
    try {
      const r = await answerFromOfferFiles(plan.queries, {
        base,
        ...(options.offerFiles.fetcher ? { fetcher: options.offerFiles.fetcher } : {}),
        onFile: (id) => progress.groupDone(id.split('/').reverse().join(' '), 'offer file read'),
      });
      outcomes = r.outcomes;
      requests = r.requests;
      offerFilesSeen = r.files;
    } finally {
      progress.finish();
    }
    endpointDescription = base;
  } else {
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
    for (const q of plan.queries) remaining.set(groupOf(q), (remaining.get(groupOf(q)) ?? 0) + 1);
    const groupPrices = new Map<string, number>();

    try {
      outcomes = await mapWithConcurrency(plan.queries, options.concurrency ?? 4, async (q) => {
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
    endpointDescription = client.endpointDescription;
    requests = client.requestCount();
    retries = client.retryCount();
  }

  const merged = mergeResults(
    old,
    plan,
    outcomes,
    today,
    options.offerFiles ? OFFER_FILES_SOURCE : PRICE_LIST_SOURCE,
  );
  const spotNotes =
    options.spot === false
      ? ['spot ratios kept from the catalog (--no-spot)']
      : options.offerFiles && services.includes('AmazonEC2')
        ? [
            'spot ratios kept from the catalog: offer files carry no spot prices (spot history needs credentials)',
          ]
        : [];
  let spotUsed = false;
  if (options.spot !== false && !options.offerFiles && services.includes('AmazonEC2')) {
    if (options.endpoint !== undefined && options.ec2Endpoint === undefined) {
      spotNotes.push(
        'spot ratios kept from the catalog: a Price List endpoint was given without an EC2 endpoint',
      );
    } else {
      for (const region of regions) {
        const r = await refreshSpotRatios(
          merged.byRegion.get(region) ?? new Map(),
          region,
          options,
          retry,
          now,
        );
        spotNotes.push(r.note);
        spotUsed ||= r.updated > 0;
      }
    }
  }

  const sources: Record<string, unknown> = options.offerFiles
    ? {
        ...old.sources,
        [OFFER_FILES_SOURCE]: {
          api: 'AWS Price List bulk offer files (anonymous), offers/v1.0/aws/<service>/current/<region>/index.json, on-demand terms',
          endpoint: endpointDescription,
          date: today,
          files: offerFilesSeen,
          filters: 'the same product attributes as the Price List API path, applied to each streamed product',
        },
      }
    : {
        ...old.sources,
        [PRICE_LIST_SOURCE]: {
          api: 'AWS Price List Query API, GetProducts (FormatVersion aws_v1), on-demand terms',
          endpoint: endpointDescription,
          date: today,
          regions: [...regions].sort(),
          services: [...services],
          filters:
            'AmazonEC2 instances: regionCode, instanceType, operatingSystem=Linux, tenancy=Shared, preInstalledSw=NA, capacitystatus=Used, marketoption=OnDemand; AmazonSageMaker instances: regionCode, instanceName, component=Hosting|Training; other prices: regionCode, usagetype CONTAINS the usage type',
        },
      };
  if (spotUsed) {
    sources[SPOT_HISTORY_SOURCE] = {
      api: 'Amazon EC2 DescribeSpotPriceHistory (Linux/UNIX, current price per availability zone)',
      method: 'spotRatio = median over the region’s availability zones / refreshed on-demand price',
      date: today,
    };
  }
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
      requests,
      retries,
      ...merged.summary,
      notRefreshable: plan.notRefreshable,
      malformed: outcomes.reduce((n, o) => n + o.malformed, 0),
      zeroPlaceholders: outcomes.reduce((n, o) => n + o.zeroPlaceholders, 0),
      spot: spotNotes,
    },
  };
}

/** What to ask the API for. Pure: exported for tests. */
export function planRefresh(
  catalog: Catalog,
  regions: readonly string[],
  services: readonly string[],
): RefreshPlan {
  const queries: PlannedQuery[] = [];
  const templates = new Map<string, Map<string, CatalogPrice>>();
  let notRefreshable = 0;
  for (const region of regions) {
    const own = catalog.regions.find((r) => r.region === region)?.prices ?? [];
    const byId = new Map<string, CatalogPrice>();
    for (const p of own) if (services.includes(p.service)) byId.set(priceId(p.service, p.key), p);
    for (const r of catalog.regions) {
      for (const p of r.prices) {
        if (services.includes(p.service) && !byId.has(priceId(p.service, p.key)))
          byId.set(priceId(p.service, p.key), p);
      }
    }
    // The training price of every hosted SageMaker instance type: the bundled facts rarely have it.
    for (const p of [...byId.values()]) {
      if (p.service === 'AmazonSageMaker' && SAGEMAKER_INSTANCE.test(p.key)) {
        const id = priceId(p.service, `Train:${p.key}`);
        if (!byId.has(id)) {
          byId.set(id, {
            service: p.service,
            key: `Train:${p.key}`,
            unit: 'Hrs',
            value: p.value,
            usageType: `Train:${p.key}`,
            source: PRICE_LIST_SOURCE,
            capturedAt: p.capturedAt,
          });
        }
      }
    }
    templates.set(region, byId);
    for (const p of [...byId.values()].sort((a, b) =>
      priceId(a.service, a.key) < priceId(b.service, b.key) ? -1 : 1,
    )) {
      const q = queryFor(p, region);
      if (q) queries.push({ region, service: p.service, ...q });
      else if (own.includes(p)) notRefreshable++;
    }
  }
  return { queries, templates, notRefreshable };
}

/** The query for one catalog price in one region, or undefined when it cannot be asked for. */
function queryFor(
  p: CatalogPrice,
  region: string,
): { query: PriceListQuery; wanted: WantedPrice[] } | undefined {
  const regionFilter: PriceListFilter = { field: 'regionCode', value: region };
  if (p.service === 'AmazonEC2' && p.unit === 'Hrs' && INSTANCE_TYPE.test(p.key)) {
    return {
      query: {
        serviceCode: 'AmazonEC2',
        filters: [
          regionFilter,
          { field: 'instanceType', value: p.key },
          { field: 'operatingSystem', value: 'Linux' },
          { field: 'tenancy', value: 'Shared' },
          { field: 'preInstalledSw', value: 'NA' },
          { field: 'capacitystatus', value: 'Used' },
          { field: 'marketoption', value: 'OnDemand' },
        ],
      },
      wanted: [{ key: p.key, usageType: `BoxUsage:${p.key}`, unit: 'Hrs' }],
    };
  }
  if (p.service === 'AmazonSageMaker' && p.unit === 'Hrs') {
    const training = /^Train:(ml\..+)$/.exec(p.key);
    const instance = training ? training[1] : SAGEMAKER_INSTANCE.test(p.key) ? p.key : undefined;
    if (instance) {
      return {
        query: {
          serviceCode: 'AmazonSageMaker',
          filters: [
            regionFilter,
            { field: 'instanceName', value: instance },
            { field: 'component', value: training ? 'Training' : 'Hosting' },
          ],
        },
        wanted: [{ key: p.key, usageType: training ? p.key : `Host:${p.key}`, unit: 'Hrs' }],
      };
    }
  }
  if (!p.usageType) return undefined;
  return {
    query: {
      serviceCode: p.service,
      filters: [regionFilter, { field: 'usagetype', value: p.usageType, type: 'CONTAINS' }],
    },
    wanted: [{ key: p.key, usageType: p.usageType, unit: p.unit }],
  };
}

interface Merged {
  /** Per refreshed region: the new prices by id (old prices of untouched services included). */
  readonly byRegion: Map<string, Map<string, CatalogPrice>>;
  readonly coverage: GroupCoverage[];
  readonly summary: Pick<
    RefreshSummary,
    'changed' | 'unchanged' | 'added' | 'removed' | 'kept' | 'ambiguous'
  >;
}

function mergeResults(
  old: Catalog,
  plan: RefreshPlan,
  outcomes: readonly ParseOutcome[],
  today: string,
  source: string,
): Merged {
  const byRegion = new Map<string, Map<string, CatalogPrice>>();
  const coverage = new Map<string, { region: string; service: string; wanted: number; lost: number }>();
  const changed: PriceChange[] = [];
  const added: PriceRef[] = [];
  const removed: PriceRef[] = [];
  const kept: PriceRef[] = [];
  const ambiguous: string[] = [];
  let unchanged = 0;

  plan.queries.forEach((q, i) => {
    if (!byRegion.has(q.region)) {
      const own = old.regions.find((r) => r.region === q.region)?.prices ?? [];
      byRegion.set(q.region, new Map(own.map((p) => [priceId(p.service, p.key), p])));
    }
    const prices = byRegion.get(q.region)!;
    const templates = plan.templates.get(q.region)!;
    const outcome = outcomes[i];
    const cov = coverage.get(groupOf(q)) ?? { region: q.region, service: q.service, wanted: 0, lost: 0 };
    coverage.set(groupOf(q), cov);
    for (const w of q.wanted) {
      const id = priceId(q.service, w.key);
      const before = prices.get(id);
      if (before) cov.wanted++;
      const ref = (p: CatalogPrice): PriceRef => ({
        region: q.region,
        service: p.service,
        key: p.key,
        unit: p.unit,
        value: p.value,
      });
      const got = outcome.prices.get(w.key);
      if (got) {
        const template = before ?? templates.get(id)!;
        const next: CatalogPrice = {
          service: q.service,
          key: w.key,
          unit: template.unit,
          value: got.value,
          usageType: w.usageType,
          source,
          capturedAt: today,
          ...typeFacts(got, template),
          // Spot facts are per region: only this region's old entry may lend them.
          ...(before?.spotRatio !== undefined ? { spotRatio: before.spotRatio } : {}),
          ...(before?.interruptionBucket !== undefined
            ? { interruptionBucket: before.interruptionBucket }
            : {}),
        };
        prices.set(id, next);
        if (!before) added.push(ref(next));
        else if (before.value !== next.value)
          changed.push({ ...ref(next), oldValue: before.value, newValue: next.value });
        else unchanged++;
      } else if (outcome.ambiguous.includes(w.key)) {
        ambiguous.push(`${q.region} ${q.service}/${w.key}`);
      } else if (before) {
        if (isInstanceKey(before)) {
          prices.delete(id);
          removed.push(ref(before));
          cov.lost++;
        } else {
          kept.push(ref(before));
        }
      }
    }
  });
  return {
    byRegion,
    coverage: [...coverage.values()],
    summary: { changed, unchanged, added, removed, kept, ambiguous },
  };
}

async function refreshSpotRatios(
  prices: Map<string, CatalogPrice>,
  region: string,
  options: RefreshOptions,
  retry: RetryPolicy,
  now: Date,
): Promise<{ updated: number; note: string }> {
  const instances = [...prices.values()].filter(
    (p) => p.service === 'AmazonEC2' && isInstanceKey(p) && p.source === PRICE_LIST_SOURCE,
  );
  if (!options.credentials) return { updated: 0, note: `${region}: spot ratios untouched (no credentials)` };
  if (instances.length === 0)
    return { updated: 0, note: `${region}: no refreshed EC2 prices, spot ratios untouched` };
  let medians: Map<string, number>;
  try {
    medians = await fetchSpotMedians({
      region,
      instanceTypes: instances.map((p) => p.key),
      credentials: options.credentials,
      endpoint: options.ec2Endpoint,
      retry,
      sleep: options.sleep,
      random: options.random,
      now,
    });
  } catch (err) {
    const e = err as { name?: string; code?: string; message?: string };
    return {
      updated: 0,
      note: `${region}: spot ratios kept from the catalog, DescribeSpotPriceHistory failed (${e.name ?? e.code ?? 'error'}: ${(e.message ?? '').split('\n')[0]})`,
    };
  }
  let updated = 0;
  for (const p of instances) {
    const m = medians.get(p.key);
    if (m === undefined) continue;
    prices.set(priceId(p.service, p.key), { ...p, spotRatio: roundRatio(m / p.value) });
    updated++;
  }
  const kept = instances.length - updated;
  return {
    updated,
    note: `${region}: spot ratios of ${updated} EC2 types from DescribeSpotPriceHistory${kept > 0 ? `, ${kept} kept from the catalog (no spot offer)` : ''}`,
  };
}

function mergedRegions(old: Catalog, byRegion: ReadonlyMap<string, Map<string, CatalogPrice>>) {
  const regions = old.regions.map((r) => {
    const refreshed = byRegion.get(r.region);
    return refreshed ? { region: r.region, prices: [...refreshed.values()] } : r;
  });
  for (const [region, prices] of byRegion) {
    if (!old.regions.some((r) => r.region === region)) regions.push({ region, prices: [...prices.values()] });
  }
  return regions;
}

/** vCPUs, memory and GPUs: the API's attributes when present, else the template's (facts about the type, not the region). */
function typeFacts(got: { vcpus?: number; memoryGiB?: number; gpus?: number }, template: CatalogPrice) {
  const out: { vcpus?: number; memoryGiB?: number; gpus?: number } = {};
  const vcpus = got.vcpus ?? template.vcpus;
  const memoryGiB = got.memoryGiB ?? template.memoryGiB;
  const gpus = got.gpus !== undefined && got.gpus > 0 ? got.gpus : template.gpus;
  if (vcpus !== undefined && vcpus > 0) out.vcpus = vcpus;
  if (memoryGiB !== undefined && memoryGiB > 0) out.memoryGiB = memoryGiB;
  if (gpus !== undefined && gpus > 0) out.gpus = gpus;
  return out;
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

function isInstanceKey(p: CatalogPrice): boolean {
  return (
    (p.service === 'AmazonEC2' && INSTANCE_TYPE.test(p.key)) ||
    (p.service === 'AmazonSageMaker' && /^(Train:)?ml\./.test(p.key))
  );
}

function groupOf(q: { region: string; service: string }): string {
  return `${q.region} ${q.service}`;
}

function priceId(service: string, key: string): string {
  return `${service}\u0000${key}`;
}

const SAGEMAKER_INSTANCE = /^ml\.[a-z0-9-]+\.[a-z0-9-]+$/;

/** The summary printed after a successful refresh: what changed, per price. */
export function formatRefreshSummary(s: RefreshSummary): string {
  const lines: string[] = [];
  const usd = (v: number): string => String(v);
  const ref = (p: { region: string; service: string; key: string }): string =>
    `${p.region} ${p.service}/${p.key}`;
  lines.push(
    `prices refresh: wrote ${s.catalogPath} (${s.regions.length} region(s), ${s.services.join(', ')}; ${s.queries} queries, ${s.requests} requests, ${s.retries} retries)`,
  );
  lines.push(
    `changed ${s.changed.length}, added ${s.added.length}, removed ${s.removed.length}, unchanged ${s.unchanged}, kept ${s.kept.length + s.ambiguous.length + s.notRefreshable}`,
  );
  if (s.changed.length > 0) {
    lines.push('changed:');
    for (const c of s.changed)
      lines.push(`  ${ref(c)}: ${usd(c.oldValue)} → ${usd(c.newValue)} USD/${c.unit}`);
  }
  if (s.added.length > 0) {
    lines.push('added:');
    for (const a of s.added) lines.push(`  ${ref(a)}: ${usd(a.value)} USD/${a.unit}`);
  }
  if (s.removed.length > 0) {
    lines.push('removed (no longer returned by the Price List API):');
    for (const r of s.removed) lines.push(`  ${ref(r)}: was ${usd(r.value)} USD/${r.unit}`);
  }
  if (s.kept.length > 0) {
    lines.push('kept with their old source (not returned by the Price List API):');
    for (const k of s.kept) lines.push(`  ${ref(k)}: ${usd(k.value)} USD/${k.unit}`);
  }
  if (s.ambiguous.length > 0) {
    lines.push('kept with their old source (products disagree on the price):');
    for (const a of s.ambiguous) lines.push(`  ${a}`);
  }
  if (s.notRefreshable > 0) lines.push(`kept: ${s.notRefreshable} price(s) without a usage type to ask for`);
  if (s.malformed > 0 || s.zeroPlaceholders > 0) {
    lines.push(
      `skipped: ${s.malformed} malformed PriceList entries, ${s.zeroPlaceholders} zero-price placeholders`,
    );
  }
  for (const n of s.spot) lines.push(`spot: ${n}`);
  return `${lines.join('\n')}\n`;
}
