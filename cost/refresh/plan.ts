/**
 * What a refresh asks for: in every refreshed region, every price the catalog holds for the
 * refreshed services in any region (so a refresh fills gaps and adds regions), plus the SageMaker
 * training price of every SageMaker instance type the catalog hosts; one Price List query per price.
 * Both paths (the Price List API and the offer files) answer the same plan.
 */
import type { CatalogPrice, Catalog } from '../types';
import { PRICE_LIST_SOURCE } from './catalog-sources';
import { INSTANCE_TYPE, type ParseOutcome, type WantedPrice } from './parse-products';
import type { PriceListFilter, PriceListQuery } from './pricing-client';

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

/** What one path answered: an outcome per planned query, in order, and what it took. */
export interface PathAnswers {
  readonly outcomes: ParseOutcome[];
  readonly requests: number;
  readonly retries: number;
  /** Where the prices came from (endpoint or offer-file host), for the catalog's `sources`. */
  readonly endpointDescription: string;
  /** Offer files only: `<service>/<region>` → the file's publicationDate. */
  readonly files?: Readonly<Record<string, string>>;
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

/** The progress and coverage group of a query: `<region> <service>`. */
export function groupOf(q: { region: string; service: string }): string {
  return `${q.region} ${q.service}`;
}

/** The id of a catalog price within one region. */
export function priceId(service: string, key: string): string {
  return `${service}\u0000${key}`;
}

const SAGEMAKER_INSTANCE = /^ml\.[a-z0-9-]+\.[a-z0-9-]+$/;
