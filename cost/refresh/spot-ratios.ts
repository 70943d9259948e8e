/**
 * Spot ratios of a refresh: after the Price List API path has refreshed EC2 on-demand prices, each
 * refreshed region's ratios come from DescribeSpotPriceHistory (`fetchSpotMedians`); otherwise
 * they are kept from the catalog, and a note says why.
 */
import { roundRatio } from '../catalog/normalise';
import type { CatalogPrice } from '../types';
import { PRICE_LIST_SOURCE } from './catalog-sources';
import { isInstanceKey } from './merge';
import type { RefreshOptions } from './options';
import { priceId } from './plan';
import type { RetryPolicy } from './pricing-client';
import { fetchSpotMedians } from './spot';

/** What the spot step did: one note per decision or region, and whether any ratio changed. */
export interface SpotRefresh {
  readonly notes: string[];
  readonly used: boolean;
}

/** Refreshes the spot ratios of the merged prices in place (`byRegion`), when the refresh can. */
export async function refreshSpot(
  byRegion: ReadonlyMap<string, Map<string, CatalogPrice>>,
  options: RefreshOptions,
  ctx: {
    readonly regions: readonly string[];
    readonly services: readonly string[];
    readonly retry: RetryPolicy;
    readonly now: Date;
  },
): Promise<SpotRefresh> {
  const { regions, services, retry, now } = ctx;
  const notes =
    options.spot === false
      ? ['spot ratios kept from the catalog (--no-spot)']
      : options.offerFiles && services.includes('AmazonEC2')
        ? [
            'spot ratios kept from the catalog: offer files carry no spot prices (spot history needs credentials)',
          ]
        : [];
  let used = false;
  if (options.spot !== false && !options.offerFiles && services.includes('AmazonEC2')) {
    if (options.endpoint !== undefined && options.ec2Endpoint === undefined) {
      notes.push(
        'spot ratios kept from the catalog: a Price List endpoint was given without an EC2 endpoint',
      );
    } else {
      for (const region of regions) {
        const r = await refreshSpotRatios(byRegion.get(region) ?? new Map(), region, options, retry, now);
        notes.push(r.note);
        used ||= r.updated > 0;
      }
    }
  }
  return { notes, used };
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
