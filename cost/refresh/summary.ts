/** What a refresh reports: every price it changed, added, removed or kept, and the printed summary. */

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
