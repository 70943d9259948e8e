/**
 * Prices read from verbatim public excerpts of AWS's own price files (the bulk offer files at
 * pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<service>/<version>/<region>/index.json),
 * kept in scripts/catalog-data/offer-excerpts.json. Each row names the usage type AWS bills,
 * the versioned offer file it comes from (a publication never changes once published) and the
 * public copy it was read from; `capturedAt` is the offer file's publication date (as the
 * price-watcher prices carry AWS's publication date), not the day the row was copied.
 */
import { roundPrice, unitPrice } from '../../cost/catalog/normalise';
import type { CatalogPrice } from '../../cost/types';

export interface OfferExcerptRow {
  readonly region: string;
  readonly service: string;
  readonly key: string;
  readonly unit: string;
  /** The usage type in the offer file, region prefix included (`EU-NatGateway-Hours`). */
  readonly usageType: string;
  readonly value: number;
  /** A key of `sources`. */
  readonly source: string;
  readonly capturedAt: string;
}

export interface OfferExcerpts {
  readonly sources: Readonly<Record<string, unknown>>;
  readonly prices: readonly OfferExcerptRow[];
}

/** Parses offer-excerpts.json; throws on a row that names no known source or is not a price. */
export function parseOfferExcerpts(text: string): OfferExcerpts {
  const o = JSON.parse(text) as Partial<OfferExcerpts>;
  const sources = o.sources ?? {};
  const prices = o.prices ?? [];
  for (const [i, row] of prices.entries()) {
    const at = `offer-excerpts.json prices[${i}] (${row.region} ${row.service}/${row.key})`;
    if (!(typeof row.value === 'number' && row.value > 0))
      throw new Error(`${at}: value is not a positive number`);
    if (!(row.source in sources)) throw new Error(`${at}: source '${row.source}' is not a key of sources`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(row.capturedAt)) throw new Error(`${at}: capturedAt is not an ISO date`);
  }
  return { sources, prices };
}

/** The catalog prices of the excerpts, by region. Keys drop the region prefix, as everywhere. */
export function offerExcerptPrices(e: OfferExcerpts): { region: string; price: CatalogPrice }[] {
  return e.prices.map((row) => ({
    region: row.region,
    price: unitPrice({
      service: row.service,
      key: row.key,
      unit: row.unit,
      value: roundPrice(row.value),
      usageType: row.key,
      source: row.source,
      capturedAt: row.capturedAt,
    }),
  }));
}
