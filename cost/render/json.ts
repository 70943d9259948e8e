/**
 * The JSON report (architecture.md, "The JSON report"): 2-space indented, trailing newline.
 * Deterministic: keys are written in a fixed order (the report's own, recursively sorted for
 * free-form objects such as tags), so equal reports give byte-identical text.
 */
import type { CostReport } from '../types';

export function renderJson(report: CostReport): string {
  return `${JSON.stringify(report, stableReplacer, 2)}\n`;
}

/** Sorts the keys of tag maps so that their order never depends on the template's. */
function stableReplacer(key: string, value: unknown): unknown {
  if (key === 'tags' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  }
  return value;
}
