/**
 * The terminal table: per stack, one row per line (resource, component, quantity, unit price,
 * min / expected / max per month), usage-based lines without assumptions shown with their unit
 * price as "depends on usage", then totals, unpriced resources (loudly) and the free count.
 */
import type { CostLine, CostRange, CostReport, StackEstimate } from '../types';
import { budgetSummary } from './budget';
import { commitmentSentences, optionRows, savingsSentence } from './commitments';
import { resourceLabel } from '../group';
import {
  formatQuantityWithUnit,
  formatUnitPrice,
  formatUsd,
  formatTimestamp,
  unitLabel,
  unpricedShare,
} from './numbers';

const HEADERS = [
  'Resource',
  'Component',
  'Quantity',
  'Unit price',
  'Min/mo',
  'Expected/mo',
  'Max/mo',
] as const;
const RIGHT_ALIGNED = new Set([2, 3, 4, 5, 6]);
const MAX_COMPONENT_WIDTH = 70;

export function renderTable(report: CostReport): string {
  const out: string[] = [];
  for (const stack of report.stacks) out.push(renderStack(stack), '');
  if (report.stacks.length > 1) out.push(`All stacks: ${range(report.totals)} per month`, '');
  const commitments = commitmentSentences(report);
  if (commitments.length > 0) out.push(...commitments, '');
  const savings = savingsSentence(report);
  if (savings !== undefined) {
    out.push(savings);
    for (const r of optionRows(report))
      out.push(
        `  ${r.logicalId}: ${r.expected} now; cheapest ${r.cheapest}; ` +
          (r.breakEven.startsWith('no ')
            ? `${r.breakEven}`
            : `a 1-year commitment breaks even at ${r.breakEven} utilisation`),
      );
    out.push('');
  }
  out.push(
    `Prices: catalog ${report.catalog.version} (captured ${formatTimestamp(report.catalog.capturedAt)}); 730 h per month; USD.`,
  );
  return `${out.join('\n')}\n`;
}

function renderStack(stack: StackEstimate): string {
  const regionNote = {
    environment: 'from the stack environment',
    option: 'from --region',
    default: 'default region',
  }[stack.regionSource];
  const out = [`Stack ${stack.stackName} (${stack.region}, ${regionNote})`];
  const rows = stack.lines.map(row);
  out.push(...grid(rows));
  out.push(`Total: ${range(stack.totals)} per month (min / expected / max)`);
  if (stack.budget) out.push(budgetSummary(stack.budget.amount, stack.totals));
  const outOfTotals = stack.lines.filter((l) => !l.inTotals).length;
  if (outOfTotals > 0)
    out.push(`${outOfTotals} usage-based line(s) without usage assumptions are not in the totals.`);
  if (stack.unpriced.length > 0) {
    out.push(
      `UNPRICED: ${stack.unpriced.length} resource(s) are not in the totals (${unpricedShare([stack])}):`,
    );
    for (const u of stack.unpriced)
      out.push(`  ! ${resourceLabel(u, stack.stackName)} (${u.resourceType}): ${u.reason}`);
  }
  if (stack.free.length > 0) out.push(`Free: ${stack.free.length} resource(s) with no charge of their own.`);
  return out.join('\n');
}

function row(l: CostLine): string[] {
  const component = truncate(`${l.component}${l.conditional ? ' [conditional]' : ''}`, MAX_COMPONENT_WIDTH);
  if (!l.inTotals) {
    return [
      l.logicalId,
      component,
      '-',
      `${formatUnitPrice(l.unitPrice)} per ${unitLabel(l.unit)}`,
      'depends on usage',
      '',
      '',
    ];
  }
  return [
    resourceLabel(l, l.stackName),
    component,
    formatQuantityWithUnit(l.quantity, l.unit),
    formatUnitPrice(l.unitPrice),
    formatUsd(l.monthly.min),
    formatUsd(l.monthly.expected),
    formatUsd(l.monthly.max),
  ];
}

function grid(rows: readonly string[][]): string[] {
  if (rows.length === 0) return ['  (no priced lines)'];
  const all = [HEADERS as readonly string[], ...rows];
  const widths = HEADERS.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const fmtRow = (r: readonly string[]): string =>
    r
      .map((cell, i) => (RIGHT_ALIGNED.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [fmtRow(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmtRow)];
}

function range(r: CostRange): string {
  return `${formatUsd(r.min)} / ${formatUsd(r.expected)} / ${formatUsd(r.max)}`;
}

function truncate(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, width - 1)}…`;
}
