/**
 * The catalog's canonical shape, shared by the build from the price facts (build-catalog.ts)
 * and the live refresh (cost/refresh): one function per kind of price, the sort order and the
 * serialisation. Plain Node, no dependencies, safe to bundle.
 */
import type { Catalog, CatalogPrice, RegionCatalog } from '../types';

/** CSV source ids (ec2-prices.csv `source`) → the source ids of price-facts.json `_meta.sources`. */
export const CSV_SOURCE_IDS: Readonly<Record<string, string>> = {
  'skypilot-catalog@00148f2': 'skypilot_v8',
  'karpenter@6fc13b5': 'karpenter_2026_07',
  'spotinfo@5eedf20': 'spotinfo_advisor',
};

/**
 * us-east-1 types where skypilot and karpenter disagree (data README): the row's value is
 * skypilot's, so it must not be attributed to karpenter.
 */
const KARPENTER_DISAGREES = new Set(['c7i.metal-24xl', 'm7i.metal-24xl']);

/** Accelerators that are GPUs (Inferentia, Trainium and Gaudi are not counted as `gpus`). */
const GPU_ACCELERATORS = new Set([
  'T4',
  'T4g',
  'A10G',
  'L4',
  'L40S',
  'V100',
  'V100-32GB',
  'A100',
  'A100-80GB',
  'H100',
  'H200',
  'B200',
]);

/** One row of ec2-prices.csv. */
export interface Ec2PriceRow {
  readonly region: string;
  readonly instanceType: string;
  readonly vcpus: string;
  readonly memoryGiB: string;
  readonly acceleratorName: string;
  readonly acceleratorCount: string;
  readonly onDemandUsdPerHour: string;
  readonly spotMedianUsdPerHour: string;
  readonly interruptionBucket: string;
  readonly source: string;
  readonly capturedAt: string;
}

/** Rounds to 6 decimals (spot ratios): enough for a ratio, stable across platforms. */
export function roundRatio(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * The catalog entry of one EC2 instance type in one region (Linux, shared tenancy, on-demand),
 * or undefined when the row has no on-demand price.
 */
export function ec2InstancePrice(row: Ec2PriceRow): CatalogPrice | undefined {
  const onDemand = Number(row.onDemandUsdPerHour);
  if (row.onDemandUsdPerHour.trim() === '' || !Number.isFinite(onDemand) || onDemand <= 0) return undefined;
  const ids = row.source.split(';').map((s) => s.trim());
  const useKarpenter =
    row.region === 'us-east-1' &&
    ids.includes('karpenter@6fc13b5') &&
    !KARPENTER_DISAGREES.has(row.instanceType);
  const source = useKarpenter ? CSV_SOURCE_IDS['karpenter@6fc13b5'] : (CSV_SOURCE_IDS[ids[0]] ?? ids[0]);
  const spot = Number(row.spotMedianUsdPerHour);
  const hasSpot =
    row.spotMedianUsdPerHour.trim() !== '' && Number.isFinite(spot) && spot > 0 && spot <= onDemand;
  const gpuCount = Number(row.acceleratorCount);
  const isGpu = GPU_ACCELERATORS.has(row.acceleratorName) && gpuCount > 0;
  return {
    service: 'AmazonEC2',
    key: row.instanceType,
    unit: 'Hrs',
    value: onDemand,
    usageType: `BoxUsage:${row.instanceType}`,
    source,
    capturedAt: row.capturedAt,
    vcpus: Number(row.vcpus),
    memoryGiB: Number(row.memoryGiB),
    ...(isGpu ? { gpus: gpuCount } : {}),
    ...(hasSpot ? { spotRatio: roundRatio(spot / onDemand) } : {}),
    ...(row.interruptionBucket.trim() !== '' ? { interruptionBucket: row.interruptionBucket.trim() } : {}),
  };
}

/** Removes floating-point noise of divisions (0.005 / 1000 → 0.000005), keeping 12 significant digits. */
export function roundPrice(x: number): number {
  return Number(x.toPrecision(12));
}

/** A unit price (not an instance type). `value` is USD per ONE `unit`. */
export function unitPrice(p: {
  service: string;
  key: string;
  unit: string;
  value: number;
  source: string;
  capturedAt: string;
  usageType?: string;
}): CatalogPrice {
  return {
    service: p.service,
    key: p.key,
    unit: p.unit,
    value: p.value,
    usageType: p.usageType ?? p.key,
    source: p.source,
    capturedAt: p.capturedAt,
  };
}

function comparePrices(a: CatalogPrice, b: CatalogPrice): number {
  if (a.service !== b.service) return a.service < b.service ? -1 : 1;
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  return 0;
}

/**
 * Sorts regions and prices, drops duplicate (service, key) pairs (first wins) and sets
 * `capturedAt` to the newest price date: the canonical form that `serializeCatalog` writes.
 */
export function normaliseCatalog(c: {
  version: string;
  sources: Record<string, unknown>;
  regions: readonly RegionCatalog[];
}): Catalog {
  const regions = [...c.regions]
    .map((r) => {
      const seen = new Set<string>();
      const prices = r.prices.filter((p) => {
        const id = `${p.service}\u0000${p.key}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      return { region: r.region, prices: [...prices].sort(comparePrices) };
    })
    .filter((r) => r.prices.length > 0)
    .sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
  const capturedAt = regions
    .flatMap((r) => r.prices.map((p) => p.capturedAt))
    .reduce((max, d) => (d > max ? d : max), '');
  const sources: Record<string, unknown> = {};
  for (const id of Object.keys(c.sources).sort()) sources[id] = c.sources[id];
  return { version: c.version, capturedAt, sources, regions };
}

/**
 * JSON with one price per line and a trailing newline, keys in the order `normaliseCatalog`
 * produced: tens of thousands of prices stay a few MB (2-space JSON would be three times that)
 * and a price change is still a one-line diff.
 */
export function serializeCatalog(catalog: Catalog): string {
  const regions = catalog.regions
    .map((r) => {
      const prices = r.prices.map((p) => `        ${JSON.stringify(p)}`).join(',\n');
      return `    {\n      "region": ${JSON.stringify(r.region)},\n      "prices": [\n${prices}\n      ]\n    }`;
    })
    .join(',\n');
  const sources = JSON.stringify(catalog.sources, null, 2).replace(/\n/g, '\n  ');
  return (
    `{\n  "version": ${JSON.stringify(catalog.version)},\n  "capturedAt": ${JSON.stringify(catalog.capturedAt)},\n` +
    `  "sources": ${sources},\n  "regions": [\n${regions}\n  ]\n}\n`
  );
}

/**
 * Parses CSV text with a header row into records (RFC 4180: quoted fields, doubled quotes,
 * CRLF or LF). Cells are trimmed; blank lines are skipped.
 */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  const nonBlank = rows.filter((r) => r.some((c) => c.trim() !== ''));
  const [head, ...body] = nonBlank;
  if (!head) return [];
  const columns = head.map((c) => c.trim());
  return body.map((r) => Object.fromEntries(columns.map((c, j) => [c, (r[j] ?? '').trim()])));
}
