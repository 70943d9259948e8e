/**
 * Synth integration: after `app.synth()`, estimate the fresh cloud assembly and write
 * `cost-report.json` (+ md, csv, html) next to it, atomically, offline (the bundled catalog).
 * `summarize` gives the one-screen summary printed after synth.
 */
import { join } from 'node:path';
import { estimateStacks, type EstimateOptions } from './estimate';
import { writeFileAtomic } from './fs';
import { REPORT_FILE_EXTENSIONS, renderReport, type ReportFormat } from './render/index';
import { resourceLabel, topDrivers } from './group';
import { budgetSummary } from './render/budget';
import { formatUsd } from './render/numbers';
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

/** `variant AllTraffic` out of `Instance usage (ml.g5.xlarge, real-time hosting, variant AllTraffic)`; else the charge. */
function chargeName(component: string): string {
  return /\bvariant [^,)]+/.exec(component)?.[0] ?? component;
}

/** One screen: per stack the min / expected / max, the top cost drivers and the unpriced count. */
export function summarize(report: CostReport): string {
  const out = ['Estimated monthly cost (min / expected / max, USD, 730 h month):'];
  for (const s of report.stacks) {
    out.push(
      `  ${s.stackName} (${s.region}): ${formatUsd(s.totals.min)} / ${formatUsd(s.totals.expected)} / ${formatUsd(s.totals.max)}`,
    );
    const top = topDrivers(report, TOP_DRIVERS, s.stackName).map(({ line }) => ({
      line,
      label: resourceLabel(line, s.stackName),
    }));
    // One resource may bill several lines (an endpoint config's variants): name the charge then.
    const repeated = (label: string) => top.filter((t) => t.label === label).length > 1;
    if (top.length > 0)
      out.push(
        `    top: ${top
          .map(
            ({ line, label }) =>
              `${repeated(label) ? `${label} (${chargeName(line.component)})` : label} ${formatUsd(line.monthly.expected)}`,
          )
          .join(', ')}`,
      );
    if (s.unpriced.length > 0) out.push(`    UNPRICED: ${s.unpriced.length} resource(s), see the report`);
    if (s.budget) out.push(`    ${budgetSummary(s.budget.amount, s.totals)}`);
  }
  if (report.stacks.length > 1) {
    out.push(
      `  all stacks: ${formatUsd(report.totals.min)} / ${formatUsd(report.totals.expected)} / ${formatUsd(report.totals.max)}`,
    );
  }
  return `${out.join('\n')}\n`;
}
