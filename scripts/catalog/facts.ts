/**
 * Reading price-facts.json (/work/shared/data): the fact lookup every catalog section uses.
 */

/** Parsed JSON, read defensively. */
export type Json = unknown;

/** A positive price with the source it is quoted from. */
export interface FactValue {
  readonly value: number;
  readonly source: string;
}

/** A fact's `source`: the string, or the first of a list. */
export function firstSource(s: Json): string | undefined {
  if (typeof s === 'string') return s;
  if (Array.isArray(s) && typeof s[0] === 'string') return s[0];
  return undefined;
}

/**
 * Reads `path` (dot-separated; `|` separates alternatives, first hit wins) from a region's
 * `unit_prices` block (a block's numbers may sit under `values`). A leaf is a number, or `{ v, source }`. The source is the leaf's own,
 * else the nearest enclosing block's `source`. Null, zero and negative values are skipped:
 * a free dimension is not a price.
 */
export function readFact(block: Json, path: string): FactValue | undefined {
  for (const alternative of path.split('|')) {
    let node: Json = block;
    let source: string | undefined;
    for (const part of alternative.split('.')) {
      if (typeof node !== 'object' || node === null) {
        node = undefined;
        break;
      }
      const o = node as Record<string, Json>;
      source = firstSource(o.source) ?? source;
      // Facts keep their numbers under `values`; `a.b` reads `a.b` or `a.values.b`.
      const values = o.values as Record<string, Json> | undefined;
      node = part in o ? o[part] : typeof values === 'object' && values !== null ? values[part] : undefined;
    }
    if (typeof node === 'object' && node !== null && 'v' in node) {
      source = firstSource((node as Record<string, Json>).source) ?? source;
      node = (node as Record<string, Json>).v;
    }
    if (typeof node === 'number' && Number.isFinite(node) && node > 0 && source)
      return { value: node, source };
  }
  return undefined;
}
