import type { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { summarize, writeCostReports } from '../cost/synth-report';
import type { CostReport } from '../cost/types';

/** Context key that turns the synth-time cost step off (`-c cdk-ml-platform:costReport=false`). */
export const COST_REPORT_CONTEXT_KEY = 'cdk-ml-platform:costReport';

export interface SynthReports {
  readonly costReport?: CostReport;
  readonly files: readonly string[];
  /** The one-screen summary printed after synth. */
  readonly summary: string;
}

/**
 * Runs after `app.synth()`: prices the fresh assembly offline from the bundled catalog and writes
 * `cost-report.{json,md,csv,html}` next to the templates. Synth has already passed every compliance
 * pack by then (it fails on any unacknowledged finding), so the summary says so.
 */
export function writeSynthReports(app: App, assembly: CloudAssembly, packs: readonly string[]): SynthReports {
  const compliance = `Compliance: ${packs.join(', ')} — no unacknowledged findings (validation report: ${assembly.directory}/validation-report.json)\n`;
  const enabled = app.node.tryGetContext(COST_REPORT_CONTEXT_KEY);
  if (enabled === false || enabled === 'false') {
    return { files: [], summary: compliance };
  }
  const { report, files } = writeCostReports(assembly.directory);
  const written = `Cost reports: ${files.map((f) => f.slice(assembly.directory.length + 1)).join(', ')} in ${assembly.directory}\n`;
  return { costReport: report, files, summary: compliance + summarize(report) + written };
}
