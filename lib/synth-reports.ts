import { join } from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { writeFileAtomic } from '../cost/fs';
import { summarize, writeCostReports } from '../cost/synth-report';
import type { CostReport } from '../cost/types';

/** Context key that turns the synth-time cost step off (`-c cdk-ml-platform:costReport=false`). */
export const COST_REPORT_CONTEXT_KEY = 'cdk-ml-platform:costReport';

/** File written next to the templates: which packs ran, and what was acknowledged in each. */
export const COMPLIANCE_SUMMARY_FILE = 'compliance-summary.json';

export interface PackSummary {
  readonly pack: string;
  /** Always 0: synth fails on any unacknowledged finding before this file is written. */
  readonly unacknowledgedFindings: 0;
  /** Findings acknowledged with a reason (docs/compliance.md lists each one). */
  readonly acknowledged: number;
}

export interface SynthReports {
  readonly costReport?: CostReport;
  readonly compliance: readonly PackSummary[];
  readonly files: readonly string[];
  /** The one-screen summary printed after synth. */
  readonly summary: string;
}

/**
 * Runs after `app.synth()`. Synth has already passed every validation pack (it fails on any
 * unacknowledged finding), but CDK's `validation-report.json` lists failing plugins only, so this
 * writes `compliance-summary.json` naming each pack with its acknowledgment count. Then it prices
 * the fresh assembly offline from the bundled catalog into `cost-report.{json,md,csv,html}`.
 */
export function writeSynthReports(app: App, assembly: CloudAssembly, packs: readonly string[]): SynthReports {
  const compliance = summarizeCompliance(app, packs);
  const compliancePath = join(assembly.directory, COMPLIANCE_SUMMARY_FILE);
  writeFileAtomic(compliancePath, `${JSON.stringify({ packs: compliance }, null, 2)}\n`);
  const complianceLine =
    `Compliance: ${compliance.map((p) => `${p.pack} 0 findings (${p.acknowledged} acknowledged)`).join(', ')}` +
    ` — ${COMPLIANCE_SUMMARY_FILE}\n`;

  const enabled = app.node.tryGetContext(COST_REPORT_CONTEXT_KEY);
  if (enabled === false || enabled === 'false') {
    return { compliance, files: [compliancePath], summary: complianceLine };
  }
  const { report, files } = writeCostReports(assembly.directory);
  const written = `Cost reports: ${files.map((f) => f.slice(assembly.directory.length + 1)).join(', ')} in ${assembly.directory}\n`;
  return {
    costReport: report,
    compliance,
    files: [compliancePath, ...files],
    summary: complianceLine + summarize(report) + written,
  };
}

/** Counts acknowledged findings per pack from the construct tree's acknowledgment metadata. */
export function summarizeCompliance(app: App, packs: readonly string[]): PackSummary[] {
  const counts = new Map<string, number>(packs.map((p) => [p, 0]));
  for (const construct of app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const rule of Object.keys(entry.data as Record<string, string>)) {
        const id = rule.replace(/^[^:]+::/, '');
        const pack = packs.find((p) => id.startsWith(`${p}-`));
        if (pack) counts.set(pack, (counts.get(pack) ?? 0) + 1);
      }
    }
  }
  return packs.map((pack) => ({ pack, unacknowledgedFindings: 0, acknowledged: counts.get(pack) ?? 0 }));
}
