/**
 * Pricing options, savings potential and applied commitments as a reader sees them: the same
 * sentences and rows for the terminal table, the Markdown and the HTML report.
 */
import type { CostReport, PricingOption } from '../types';
import { formatPercent, formatUnitPrice, formatUsd } from './numbers';

/** `compute-savings-plan-1y` → `Compute Savings Plan, 1 year`. */
export function modelLabel(model: PricingOption['model']): string {
  const term = /-(\d)y$/.exec(model);
  const years = term ? `, ${term[1]} year${term[1] === '1' ? '' : 's'}` : '';
  const base = model.replace(/-\dy$/, '');
  const names: Record<string, string> = {
    'on-demand': 'On-demand',
    spot: 'Spot',
    'compute-savings-plan': 'Compute Savings Plan',
    'ec2-instance-savings-plan': 'EC2 Instance Savings Plan',
    'sagemaker-savings-plan': 'SageMaker Savings Plan',
    reserved: 'Reserved Instance (no upfront)',
  };
  return `${names[base] ?? base}${years}`;
}

/** One row per compute line with a cheaper option: line, now, cheapest option, saving, 1-year break-even. */
export interface OptionRow {
  readonly stackName: string;
  readonly logicalId: string;
  readonly component: string;
  readonly expected: string;
  readonly cheapest: string;
  readonly saving: string;
  readonly breakEven: string;
  readonly options: string;
}

/** The columns every report shows for an `OptionRow` (the HTML report leaves out the last). */
export const OPTION_COLUMNS = [
  'Stack',
  'Resource',
  'Charge',
  'Expected',
  'Cheapest sourced option',
  'Saving',
  '1-year break-even',
  'All options ($/h)',
] as const;

export function optionRows(report: CostReport): OptionRow[] {
  const savings = report.savingsPotential?.lines ?? [];
  if (savings.length === 0) return [];
  // One index of the report's lines: a lookup per savings line would be quadratic at scale.
  const key = (stackName: string, logicalId: string, component: string) =>
    `${stackName}\u0000${logicalId}\u0000${component}`;
  const lines = new Map(
    report.stacks.flatMap((s) =>
      s.lines.map((x) => [key(s.stackName, x.logicalId, x.component), x] as const),
    ),
  );
  return savings.map((l) => {
    const line = lines.get(key(l.stackName, l.logicalId, l.component));
    return {
      stackName: l.stackName,
      logicalId: l.logicalId,
      component: l.component,
      expected: formatUsd(l.expected),
      cheapest: `${modelLabel(l.cheapest.model)}: ${formatUsd(l.cheapest.expected)} (${formatUnitPrice(l.cheapest.unitPrice)}/h)`,
      saving: formatUsd(l.expected - l.cheapest.expected),
      breakEven: l.oneYearBreakEven
        ? `${formatPercent(l.oneYearBreakEven.utilisation)} (${modelLabel(l.oneYearBreakEven.model)})`
        : 'no sourced 1-year commitment rate',
      options: (line?.pricingOptions ?? [])
        .map((o) => `${o.model} ${formatUnitPrice(o.unitPrice)}`)
        .join(', '),
    };
  });
}

/** One sentence on the savings potential, or undefined when there is none. */
export function savingsSentence(report: CostReport): string | undefined {
  const p = report.savingsPotential;
  if (!p) return undefined;
  return (
    `Savings potential: ${formatUsd(p.expected)} per month expected if each compute line used its cheapest sourced option ` +
    `(${p.lines.length} line(s); spot can be interrupted, commitments are billed every hour of a 1- or 3-year term).`
  );
}

/** Sentences on the commitments applied, or [] when none were given. */
export function commitmentSentences(report: CostReport): string[] {
  const c = report.commitments;
  if (!c) return [];
  const out = [
    `Commitments from ${c.file}: expected ${formatUsd(c.listTotals.expected)} at list prices → ${formatUsd(report.totals.expected)} ` +
      `(saving ${formatUsd(c.savingsExpected)} per month); they cover ${formatPercent(c.coverage)} of the expected on-demand compute cost` +
      (c.unused.expected > 0
        ? `; ${formatUsd(c.unused.expected)} of commitment goes unused and is still billed.`
        : '.'),
  ];
  for (const p of c.plans)
    out.push(
      `  ${p.id}: ${p.description}: ${formatUsd(p.monthlyCommitment)} per month, ${formatPercent(p.utilisation)} used by expected usage`,
    );
  for (const n of c.notes ?? []) out.push(`  note: ${n}`);
  return out;
}
