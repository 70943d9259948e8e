/**
 * Catalog prices from the price-watcher extract (scripts/catalog-data/aws-price-watcher.json):
 * each price cites the repository, the commit, the processed file and AWS's publication date.
 */
import type { CatalogPrice } from '../../cost/types';
import { HOURLY_INSTANCE_PRICE_RANGE } from '../../cost/catalog/index';
import { roundPrice, unitPrice } from '../../cost/catalog/normalise';
import type { PriceWatcherExtract, PriceWatcherFile } from './extract-price-watcher';
import { PRICE_WATCHER_INSTANCE_SPECS, PRICE_WATCHER_UNIT_SPECS } from './price-watcher-specs';

/** The source id of one processed file: `apw:<svc>`. */
export function priceWatcherSourceId(file: string): string {
  return `apw:${file}`;
}

/** The date a file's prices are dated by: AWS's publication date, else the commit that last changed it. */
function fileDate(f: PriceWatcherFile): string {
  return (f.published ?? f.lastChanged.date).slice(0, 10);
}

/** `sources` entries for every file of the extract. */
export function priceWatcherSources(e: PriceWatcherExtract): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(e.files)) {
    out[priceWatcherSourceId(name)] = {
      repo: e.repo,
      commit: e.commit,
      commit_date: e.commitDate,
      path: f.path,
      file_last_changed: f.lastChanged,
      ...(f.published ? { published: f.published } : {}),
      license: e.license,
      what: "AWS's pricing-page data file for the service (the numbers aws.amazon.com/<service>/pricing renders), snapshot by the repository",
    };
  }
  return out;
}

/** Every catalog price the extract gives, by region. */
export function priceWatcherPrices(
  e: PriceWatcherExtract,
  ec2Specs: ReadonlyMap<string, Pick<CatalogPrice, 'vcpus' | 'memoryGiB' | 'gpus'>>,
): { region: string; price: CatalogPrice }[] {
  const out: { region: string; price: CatalogPrice }[] = [];
  for (const spec of PRICE_WATCHER_UNIT_SPECS) {
    const f = e.files[spec.file];
    const byRegion = f?.dimensions[spec.dimension];
    if (!byRegion) continue;
    for (const region of Object.keys(byRegion)) {
      out.push({
        region,
        price: unitPrice({
          service: spec.service,
          key: spec.key,
          unit: spec.unit,
          value: roundPrice(byRegion[region] / (spec.per ?? 1)),
          source: priceWatcherSourceId(spec.file),
          capturedAt: fileDate(f),
        }),
      });
    }
  }
  for (const spec of PRICE_WATCHER_INSTANCE_SPECS) {
    const f = e.files[spec.file];
    if (!f) continue;
    for (const dimension of Object.keys(f.dimensions)) {
      const m = spec.pattern.exec(dimension);
      if (!m) continue;
      const key = spec.key(m);
      const specs = spec.service === 'AmazonEC2' ? ec2Specs.get(key) : undefined;
      for (const [region, value] of Object.entries(f.dimensions[dimension])) {
        // The catalog's guard refuses hourly prices outside 0.001–200 $/h; the only types above
        // it are the SAP HANA high-memory u-*/u7i* instances (218–361 $/h), out of scope here.
        if (value < HOURLY_INSTANCE_PRICE_RANGE.min || value > HOURLY_INSTANCE_PRICE_RANGE.max) continue;
        out.push({
          region,
          price: {
            service: spec.service,
            key,
            unit: 'Hrs',
            value,
            usageType: spec.usageType(m),
            source: priceWatcherSourceId(spec.file),
            capturedAt: fileDate(f),
            ...(specs ?? {}),
          },
        });
      }
    }
  }
  return out;
}
