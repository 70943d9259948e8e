/**
 * Synth integration: after `app.synth()`, estimate the fresh cloud assembly and write
 * `cost-report.json` (+ md, csv, html) next to it, atomically, offline (the bundled catalog).
 * `summarize` gives the one-screen summary printed after synth.
 */
import { join } from 'node:path';
import { estimateStacks, type EstimateOptions } from './estimate';
import { writeFileAtomic } from './fs';
import { REPORT_FILE_EXTENSIONS, renderReport, type ReportFormat } from './render/index';
import { money } from './render/table';
import { loadAssembly } from './template/load';
import type { CostReport } from './types';
import { loadUsageFile, type UsageFile } from './usage';

export interface CostReportOptions extends Omit<EstimateOptions, 'usage'> {
  /** A usage file path, or a parsed usage file. @default - metadata only */
  readonly usage?: string | UsageFile;
  /** Formats to write as `cost-report.<ext>`. @default json, md, csv and html */
  readonly formats?: readonly ReportFormat[];
}

export const DEFAULT_SYNTH_FORMATS: readonly ReportFormat[] = ['json', 'md', 'csv', 'html'];

/** Estimates the assembly in `assemblyDir` and writes the reports; returns the report and the files written. */
export function writeCostReports(
  assemblyDir: string,
  options: CostReportOptions = {},
): { readonly report: CostReport; readonly files: readonly string[] } {
  const { usage, formats = DEFAULT_SYNTH_FORMATS, ...estimateOptions } = options;
  const usageFile = typeof usage === 'string' ? loadUsageFile(usage) : usage;
  const report = estimateStacks(loadAssembly(assemblyDir), {
    ...estimateOptions,
    ...(usageFile ? { usage: usageFile } : {}),
  });
  // Render everything before writing anything: a renderer failure leaves no partial set.
  const rendered = formats.map((f) => ({
    path: join(assemblyDir, `cost-report.${REPORT_FILE_EXTENSIONS[f]}`),
    text: renderReport(report, f),
  }));
  for (const { path, text } of rendered) writeFileAtomic(path, text);
  return { report, files: rendered.map((r) => r.path) };
}

const TOP_DRIVERS = 3;

/** One screen: per stack the min / expected / max, the top cost drivers and the unpriced count. */
export function summarize(report: CostReport): string {
  const out = ['Estimated monthly cost (min / expected / max, USD, 730 h month):'];
  for (const s of report.stacks) {
    out.push(
      `  ${s.stackName} (${s.region}): ${money(s.totals.min)} / ${money(s.totals.expected)} / ${money(s.totals.max)}`,
    );
    const byResource = new Map<string, number>();
    for (const l of s.lines)
      if (l.inTotals) byResource.set(l.logicalId, (byResource.get(l.logicalId) ?? 0) + l.monthly.expected);
    const top = [...byResource.entries()]
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, TOP_DRIVERS);
    if (top.length > 0) out.push(`    top: ${top.map(([id, v]) => `${id} ${money(v)}`).join(', ')}`);
    if (s.unpriced.length > 0) out.push(`    UNPRICED: ${s.unpriced.length} resource(s), see the report`);
    if (s.budget && !s.budget.coversExpected)
      out.push(`    budget ${money(s.budget.amount)} does NOT cover the expected cost`);
  }
  if (report.stacks.length > 1) {
    out.push(
      `  all stacks: ${money(report.totals.min)} / ${money(report.totals.expected)} / ${money(report.totals.max)}`,
    );
  }
  return `${out.join('\n')}\n`;
}
