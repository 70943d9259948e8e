/**
 * Plausibility checks a refreshed catalog must pass before it replaces the bundled one.
 * A Price List answer can be wrong in ways that parse fine (a placeholder SKU, a per-second
 * rate, a filter that no longer matches); these checks catch the ones that would make an
 * estimate silently wrong, and the refresh writes nothing when any fails.
 *
 * The catalog's own rules (positive prices, 0.001–200 $/h per instance, spot ratio in (0, 1],
 * known sources, ISO dates, every default instance type priced) are `validateCatalog` in
 * ../catalog; this adds what only a refresh can get wrong.
 */
import { validateCatalog } from '../catalog';
import type { Catalog } from '../types';

/** What one region/service's queries returned, for the coverage check. */
export interface GroupCoverage {
  readonly region: string;
  readonly service: string;
  /** Prices asked for. */
  readonly wanted: number;
  /** Prices asked for that the catalog had before and the API no longer returns. */
  readonly lost: number;
}

/**
 * Share of a region/service's existing prices the API may stop returning in one refresh.
 * More than this looks like a filter that stopped matching, not AWS retiring instance types.
 */
export const MAX_LOST_SHARE = 0.2;

/** Problems with the refreshed catalog, one line each; empty means it may be written. */
export function validateRefresh(next: Catalog, coverage: readonly GroupCoverage[] = []): string[] {
  const problems = validateCatalog(next);
  for (const region of next.regions) {
    const seen = new Set<string>();
    for (const p of region.prices) {
      const id = `${p.service}\u0000${p.key}`;
      if (seen.has(id)) problems.push(`${region.region} ${p.service}/${p.key}: listed twice`);
      seen.add(id);
    }
  }
  for (const g of coverage) {
    if (g.wanted > 0 && g.lost / g.wanted > MAX_LOST_SHARE) {
      problems.push(
        `${g.region} ${g.service}: the API returned no price for ${g.lost} of ${g.wanted} catalog prices (more than ${MAX_LOST_SHARE * 100}%); the filters may no longer match`,
      );
    }
  }
  return problems;
}
