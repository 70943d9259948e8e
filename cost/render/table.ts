/**
 * The terminal table: per stack, one row per line (resource, component, quantity, unit price,
 * min / expected / max per month), usage-based lines without assumptions shown with their unit
 * price as "depends on usage", then totals, unpriced resources (loudly) and the free count.
 */
import type { CostLine, CostRange, CostReport, StackEstimate } from '../types';

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
  out.push(
    `Prices: catalog ${report.catalog.version} (captured ${report.catalog.capturedAt}); 730 h per month; USD.`,
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
  if (stack.budget) {
    out.push(
      `Budget: ${money(stack.budget.amount)} per month, ${stack.budget.coversExpected ? 'covers' : 'does NOT cover'} the expected total`,
    );
  }
  const outOfTotals = stack.lines.filter((l) => !l.inTotals).length;
  if (outOfTotals > 0)
    out.push(`${outOfTotals} usage-based line(s) without usage assumptions are not in the totals.`);
  if (stack.unpriced.length > 0) {
    out.push(`UNPRICED: ${stack.unpriced.length} resource(s) are not in the totals:`);
    for (const u of stack.unpriced) out.push(`  ! ${u.logicalId} (${u.resourceType}): ${u.reason}`);
  }
  if (stack.free.length > 0) out.push(`Free: ${stack.free.length} resource(s) with no charge of their own.`);
  return out.join('\n');
}

function row(l: CostLine): string[] {
  const component = truncate(`${l.component}${l.conditional ? ' [conditional]' : ''}`, MAX_COMPONENT_WIDTH);
  if (!l.inTotals) {
    return [l.logicalId, component, '-', `${unitPrice(l.unitPrice)}/${l.unit}`, 'depends on usage', '', ''];
  }
  return [
    l.logicalId,
    component,
    `${quantity(l.quantity)} ${l.unit}`,
    unitPrice(l.unitPrice),
    money(l.monthly.min),
    money(l.monthly.expected),
    money(l.monthly.max),
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
  return `${money(r.min)} / ${money(r.expected)} / ${money(r.max)}`;
}

/** `$1,234.56`. */
export function money(n: number): string {
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Unit prices to 3 significant digits below a cent (`$0.0000002` per request), never in exponent form. */
function unitPrice(n: number): string {
  if (n >= 0.01 || n <= 0) return `$${Number(n.toFixed(4))}`;
  const digits = Math.min(20, 2 - Math.floor(Math.log10(n)));
  return `$${n.toFixed(digits).replace(/0+$/, '')}`;
}

function quantity(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function truncate(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, width - 1)}…`;
}
