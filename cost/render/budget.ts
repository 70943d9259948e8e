/**
 * A stack's budget read against the estimate: does it cover the expected cost, and the exposure
 * at configured maxima? A budget that covers the expected month but not the max is the case a
 * finance reviewer must see (scaling to the configured maxima would overrun it).
 */
import type { CostRange } from '../types';
import { formatPercent, formatRatio, formatUsd, roundCents } from './numbers';

export interface BudgetCheck {
  readonly amount: number;
  readonly coversExpected: boolean;
  readonly coversMax: boolean;
  /** expected ÷ budget (0.13 = the expected month uses 13% of the budget). */
  readonly expectedShare: number;
  /** max ÷ budget (2.3 = the max is 2.3× the budget). */
  readonly maxRatio: number;
}

/** Compares in cents, as the figures are shown. A $0 budget covers only a $0 month. */
export function checkBudget(amount: number, totals: CostRange): BudgetCheck {
  const budget = roundCents(amount);
  const expected = roundCents(totals.expected);
  const max = roundCents(totals.max);
  return {
    amount,
    coversExpected: expected <= budget,
    coversMax: max <= budget,
    expectedShare: budget > 0 ? expected / budget : expected > 0 ? Infinity : 0,
    maxRatio: budget > 0 ? max / budget : max > 0 ? Infinity : 0,
  };
}

/** `covers the expected cost (13% of it)`, `does NOT cover the expected cost ($5,013.23)`. */
export function budgetExpectedText(b: BudgetCheck, totals: CostRange): string {
  return b.coversExpected
    ? `covers the expected ${formatUsd(totals.expected)}${roundCents(b.amount) > 0 ? ` (${formatPercent(b.expectedShare)} of it)` : ''}`
    : `does NOT cover the expected ${formatUsd(totals.expected)}`;
}

/** `covers the max too`, `the max $93,227.44 is 2.3× the budget`. */
export function budgetMaxText(b: BudgetCheck, totals: CostRange): string {
  if (b.coversMax) return `covers the max ${formatUsd(totals.max)} too`;
  return Number.isFinite(b.maxRatio)
    ? `the max ${formatUsd(totals.max)} is ${formatRatio(b.maxRatio)} the budget`
    : `the max ${formatUsd(totals.max)} is above a $0 budget`;
}

/** One line: `Budget $40,000.00/month: covers the expected $5,013.23 (12.5% of it); the max $93,227.44 is 2.3× the budget`. */
export function budgetSummary(amount: number, totals: CostRange): string {
  const b = checkBudget(amount, totals);
  return `Budget ${formatUsd(amount)}/month: ${budgetExpectedText(b, totals)}; ${budgetMaxText(b, totals)}`;
}
