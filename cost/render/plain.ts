/**
 * Plain-language text shared by the HTML and Markdown reports: quantities a reader understands
 * ("0 when idle, 2.36 on average, up to 6 instances" rather than `⌈0 vCPU / 8⌉ × 730 h`), and the
 * ranking of "depends on usage" lines by a plausible size, so a reviewer reads dataset storage
 * before SNS publishes at $0.0000005.
 */
import { resourceLabel, type StackLine } from '../group';
import type { CostLine } from '../types';
import { formatQuantity, formatQuantityWithUnit, formatUsd, unitLabel } from './numbers';

const HOURS_PER_MONTH = 730;

/**
 * The line's quantity per scenario in words. Hourly lines read as a count running all month
 * (`3 running all month`; `0 when idle, 2.36 on average, up to 6`); others as amounts
 * (`200 GB-months`). Falls back to the engine's arithmetic when the report has no per-scenario data.
 */
export function plainQuantity(line: CostLine): string {
  if (!line.inTotals) return 'depends on usage';
  const s = line.scenarios;
  if (!s) return line.quantityFormula;
  const hourly = line.unit === 'Hrs';
  const noun = hourly && /^Instance usage/.test(line.component) ? ' instances' : '';
  const count = (q: number): string => formatQuantity(round2(q / HOURS_PER_MONTH));
  const amount = (q: number): string => (hourly ? count(q) : formatQuantityWithUnit(round2(q), line.unit));
  const [min, expected, max] = [s.min.quantity, s.expected.quantity, s.max.quantity];
  if (min === expected && expected === max) {
    const n = count(expected);
    return hourly ? `${n}${n === '1' ? noun.replace(/s$/, '') : noun} all month` : amount(expected);
  }
  const average = expected !== min && expected !== max ? `, ${amount(expected)} on average` : '';
  const atMin = expected === min ? ', expected at the minimum' : '';
  const atMax = expected === max ? ', expected at the maximum' : '';
  if (min === 0) {
    const idle = expected === 0 ? ', none expected' : average || atMax;
    return `0 when idle${idle}, up to ${amount(max)}${hourly ? noun : ''}`;
  }
  return `${amount(min)} to ${amount(max)}${hourly ? noun : ''}${average || atMin || atMax}`;
}

/**
 * A plausible monthly volume per unit, to size a usage-based charge nobody gave an assumption for.
 * Illustrative only (the report says so); never added to totals.
 */
export const REFERENCE_VOLUMES: Readonly<Record<string, number>> = {
  'GB-Mo': 500,
  GB: 100,
  Requests: 1_000_000,
  'GB-Second': 1_000_000,
  'GB-Hrs': 10_000,
  Hrs: 730,
};
const DEFAULT_REFERENCE_VOLUME = 1000;

export interface SizedUsageLine extends StackLine {
  /** Cost at the reference volume: the ranking key. */
  readonly atReference: number;
  readonly referenceVolume: number;
}

/** Usage lines sized at a reference volume, largest first (then by stack, resource, component). */
export function rankUsageLines(lines: readonly StackLine[]): SizedUsageLine[] {
  return lines
    .map((l) => {
      const referenceVolume = REFERENCE_VOLUMES[l.line.unit] ?? DEFAULT_REFERENCE_VOLUME;
      return { ...l, referenceVolume, atReference: l.line.unitPrice * referenceVolume };
    })
    .sort(
      (a, b) =>
        b.atReference - a.atReference ||
        cmp(a.stack.stackName, b.stack.stackName) ||
        cmp(resourceLabel(a.line), resourceLabel(b.line)) ||
        cmp(a.line.component, b.line.component),
    );
}

/** `$23.00 at 1,000 GB-months`. */
export function referenceText(l: SizedUsageLine): string {
  return `${formatUsd(l.atReference)} at ${formatQuantityWithUnit(l.referenceVolume, l.line.unit)}`;
}

/** `$0.045 per GB` without the "depends on usage" prefix. */
export function perUnit(unitPrice: string, unit: string): string {
  return `${unitPrice} per ${unitLabel(unit)}`;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
