/**
 * EC2 Reserved Instance rates (1-year Standard, no upfront, Linux, shared tenancy) of GPU and
 * accelerator instance types, from a public generated copy of instances.vantage.sh's data:
 * `tsaol/aws-gpu` (MIT), `data/all_gpu_instances.js`, whose generator keeps, per region, the Linux
 * `ondemand` price and `reserved["yrTerm1Standard.noUpfront"]` (its scripts/utils.py). Those
 * figures are AWS's own: instances.vantage.sh reads them from AWS's EC2 price files. The extract
 * (scripts/catalog-data/commitment-rates.json, written by extract-commitment-rates.ts) keeps both
 * numbers, so the build can tell whether a rate belongs to the same price era as the catalog's
 * on-demand price.
 *
 * A rate is added as `<type>@reserved-1y` only where the catalog has an on-demand price of the
 * type in the region and that price equals the copy's on-demand price: a no-upfront RI rate from
 * one price snapshot next to an on-demand price from another would show a discount that never
 * existed. No other commitment model is sourced (no public copy of AWS's Savings Plans rates was
 * found; docs/prices.md lists what was searched), and none is derived from a typical discount.
 */
import { roundPrice, unitPrice } from '../../cost/catalog/normalise';
import type { CatalogPrice } from '../../cost/types';

/** The extract's shape (scripts/catalog-data/commitment-rates.json). */
export interface CommitmentRatesExtract {
  readonly source: {
    readonly repo: string;
    readonly commit: string;
    /** The commit that last changed `path` (the data's own date). */
    readonly dataCommit: string;
    readonly dataDate: string;
    readonly path: string;
    readonly license: string;
    readonly upstream: string;
    /** Which figure of the upstream data each column is. */
    readonly columns: Readonly<Record<string, string>>;
  };
  /** instance type → region → [on-demand $/h, 1-year Standard no-upfront RI $/h]. */
  readonly rates: Readonly<Record<string, Readonly<Record<string, readonly [number, number]>>>>;
}

export const COMMITMENT_RATES_SOURCE_ID = 'tsaol_gpu_ri_2026_01';

/** `sources` entry of the extract. */
export function commitmentRateSources(e: CommitmentRatesExtract): Record<string, unknown> {
  return {
    [COMMITMENT_RATES_SOURCE_ID]: {
      repo: e.source.repo,
      commit: e.source.commit,
      path: e.source.path,
      data_commit: e.source.dataCommit,
      date: e.source.dataDate,
      license: e.source.license,
      upstream: e.source.upstream,
      what: 'EC2 Reserved Instance, 1-year Standard, no upfront, Linux shared tenancy, hourly rate',
    },
  };
}

/** Parses commitment-rates.json; throws on a rate that is not a positive number. */
export function parseCommitmentRates(text: string): CommitmentRatesExtract {
  const e = JSON.parse(text) as CommitmentRatesExtract;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(e.source?.dataDate ?? ''))
    throw new Error('commitment-rates.json: source.dataDate is not an ISO date');
  for (const [type, byRegion] of Object.entries(e.rates ?? {}))
    for (const [region, pair] of Object.entries(byRegion))
      if (!(Array.isArray(pair) && pair.length === 2 && pair.every((v) => typeof v === 'number' && v > 0)))
        throw new Error(`commitment-rates.json: ${type} in ${region} is not [on-demand, reserved-1y] > 0`);
  return e;
}

/** What `commitmentRatePrices` added and left out, for the build's log and the docs. */
export interface CommitmentRateCounts {
  added: number;
  /** The catalog has no on-demand price of the type in the region. */
  noOnDemand: number;
  /** The catalog's on-demand price differs from the copy's (another price era). */
  otherEra: number;
}

/**
 * The `<type>@reserved-1y` prices of the extract for the regions and types whose catalog
 * on-demand price (`onDemand(region, type)`) equals the copy's.
 */
export function commitmentRatePrices(
  e: CommitmentRatesExtract,
  onDemand: (region: string, type: string) => number | undefined,
  counts: CommitmentRateCounts = { added: 0, noOnDemand: 0, otherEra: 0 },
): { region: string; price: CatalogPrice }[] {
  const out: { region: string; price: CatalogPrice }[] = [];
  for (const type of Object.keys(e.rates).sort()) {
    const byRegion = e.rates[type];
    for (const region of Object.keys(byRegion).sort()) {
      const [copyOnDemand, reserved] = byRegion[region];
      const od = onDemand(region, type);
      if (od === undefined) {
        counts.noOnDemand++;
        continue;
      }
      if (roundPrice(od) !== roundPrice(copyOnDemand)) {
        counts.otherEra++;
        continue;
      }
      counts.added++;
      out.push({
        region,
        price: unitPrice({
          service: 'AmazonEC2',
          key: `${type}@reserved-1y`,
          unit: 'Hrs',
          value: roundPrice(reserved),
          usageType: `BoxUsage:${type}`,
          source: COMMITMENT_RATES_SOURCE_ID,
          capturedAt: e.source.dataDate,
        }),
      });
    }
  }
  return out;
}
