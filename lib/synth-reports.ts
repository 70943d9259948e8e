import { join } from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { compliancePacksOf } from '../constructs/core/compliance';
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

/** Region that prices environment-agnostic stacks when nothing else names one. */
export const FALLBACK_REGION = 'us-east-1';

export interface SynthReportsOptions {
  /**
   * Region of environment-agnostic stacks (a stack's own region always wins); the summary notes
   * each stack priced this way.
   * @default - the app's default region: `CDK_DEFAULT_REGION` (set by the CDK CLI), else `AWS_REGION`, else us-east-1
   */
  readonly defaultRegion?: string;
  /**
   * A usage file (YAML or JSON) whose assumptions override the constructs' usage metadata.
   * @default - the usage metadata of the constructs only
   */
  readonly usage?: string;
}

export interface SynthReports {
  readonly costReport?: CostReport;
  /** Why the cost step produced no report, when it failed (synth itself succeeded). */
  readonly costError?: string;
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
export function writeSynthReports(
  app: App,
  assembly: CloudAssembly,
  packs: readonly string[],
  options: SynthReportsOptions = {},
): SynthReports {
  const compliance = summarizeCompliance(app, packs);
  const compliancePath = join(assembly.directory, COMPLIANCE_SUMMARY_FILE);
  writeFileAtomic(compliancePath, `${JSON.stringify({ packs: compliance }, null, 2)}\n`);
  const complianceLine =
    compliance.length === 0
      ? `Compliance: no pack registered (applyCompliancePacks) — ${COMPLIANCE_SUMMARY_FILE}\n`
      : `Compliance: ${compliance.map((p) => `${p.pack} 0 findings (${p.acknowledged} acknowledged)`).join(', ')}` +
        ` — ${COMPLIANCE_SUMMARY_FILE}\n`;

  const enabled = app.node.tryGetContext(COST_REPORT_CONTEXT_KEY);
  if (enabled === false || enabled === 'false') {
    return { compliance, files: [compliancePath], summary: complianceLine };
  }
  // The cost step is a report, not a gate: whatever goes wrong in it (an unreadable usage file, a
  // template the estimator cannot read, a full disk) becomes one line, and synth still succeeds.
  let costReport: CostReport;
  let files: readonly string[];
  try {
    ({ report: costReport, files } = writeCostReports(assembly.directory, {
      defaultRegion: options.defaultRegion ?? appDefaultRegion(),
      ...(options.usage !== undefined ? { usage: options.usage } : {}),
    }));
  } catch (error) {
    const costError = oneLine(error);
    return {
      compliance,
      costError,
      files: [compliancePath],
      summary: `${complianceLine}Cost reports: not written, the cost step failed: ${costError}\n`,
    };
  }
  const assumed = costReport.stacks
    .filter((s) => s.regionSource === 'default')
    .map(
      (s) =>
        `Note: ${s.stackName} is environment-agnostic; it is priced in ${s.region}, the app's default region.\n`,
    )
    .join('');
  const written = `Cost reports: ${files.map((f) => f.slice(assembly.directory.length + 1)).join(', ')} in ${assembly.directory}\n`;
  return {
    costReport,
    compliance,
    files: [compliancePath, ...files],
    summary: complianceLine + summarize(costReport) + assumed + written,
  };
}

/**
 * The reference app's synth step, for any app, in one line: use it in place of `app.synth()`.
 * It synthesizes the app (every registered compliance pack runs, and synth fails on any
 * unacknowledged finding as usual), then writes `compliance-summary.json` for the packs registered
 * with `applyCompliancePacks` and prices the assembly offline into `cost-report.{json,md,csv,html}`,
 * and prints the one-screen summary. The cost step never fails the synth.
 *
 * `-c cdk-ml-platform:costReport=false` turns the cost step off.
 */
export function synthWithReports(app: App, options: SynthReportsOptions = {}): SynthReports {
  const assembly = app.synth();
  const reports = writeSynthReports(app, assembly, compliancePacksOf(app), options);
  process.stdout.write(reports.summary);
  return reports;
}

/** The region the CDK CLI resolved for the app (`CDK_DEFAULT_REGION`), else `AWS_REGION`, else us-east-1. */
export function appDefaultRegion(env: NodeJS.ProcessEnv = process.env): string {
  return env.CDK_DEFAULT_REGION || env.AWS_REGION || env.AWS_DEFAULT_REGION || FALLBACK_REGION;
}

/** The first line of an error's message, without a stack trace. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim() || 'unknown error';
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
