/**
 * Merges a path's answers into the catalog: each answered price replaces the old one (keeping its
 * region's spot facts), instance prices no longer returned are removed, unit prices not returned
 * are kept with their old source, and prices products disagree on are kept. Records per
 * region/service coverage for the plausibility checks and what changed for the summary.
 */
import type { Catalog, CatalogPrice } from '../types';
import { INSTANCE_TYPE, type ParseOutcome } from './parse-products';
import { groupOf, priceId, type RefreshPlan } from './plan';
import type { PriceChange, PriceRef, RefreshSummary } from './summary';
import type { GroupCoverage } from './validate';

export interface Merged {
  /** Per refreshed region: the new prices by id (old prices of untouched services included). */
  readonly byRegion: Map<string, Map<string, CatalogPrice>>;
  readonly coverage: GroupCoverage[];
  readonly summary: Pick<
    RefreshSummary,
    'changed' | 'unchanged' | 'added' | 'removed' | 'kept' | 'ambiguous'
  >;
}

export function mergeResults(
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

/** The catalog's regions with the refreshed ones replaced, and new regions appended. */
export function mergedRegions(old: Catalog, byRegion: ReadonlyMap<string, Map<string, CatalogPrice>>) {
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

/** An EC2 or SageMaker instance price (hourly, per instance type). */
export function isInstanceKey(p: CatalogPrice): boolean {
  return (
    (p.service === 'AmazonEC2' && INSTANCE_TYPE.test(p.key)) ||
    (p.service === 'AmazonSageMaker' && /^(Train:)?ml\./.test(p.key))
  );
}
