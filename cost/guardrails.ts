/**
 * Cost guardrails for CI: `estimate --fail-above USD` trips when the expected monthly total is
 * above an amount; `diff --fail-on-increase USD|PCT%` trips only when the expected total rose by
 * more than an amount or a percentage, never on a decrease. A tripped guardrail is exit code 1;
 * a threshold that does not parse is bad input (CostInputError, exit 2).
 */
import { expectedChangeRatio, type CostDiff } from './diff';
import { CostInputError } from './errors';
import { formatPercent, formatUsd, formatUsdDelta, roundCents } from './render/numbers';
import type { CostReport } from './types';

/** An allowed increase: an amount in USD per month, or a percentage of the base expected total. */
export type IncreaseThreshold =
  { readonly kind: 'usd'; readonly amount: number } | { readonly kind: 'percent'; readonly percent: number };

export interface GuardrailResult {
  readonly tripped: boolean;
  /** Why it tripped or why not, one line. */
  readonly message: string;
}

/** Parses a USD amount such as `500`, `1250.50` or `$500`. */
export function parseUsdAmount(text: string, flag = '--fail-above'): number {
  const m = USD_PATTERN.exec(text.trim());
  if (!m) {
    throw new CostInputError(
      `${flag} expects a monthly amount in USD, a number such as 500 or 1250.50; got ${JSON.stringify(text)}`,
    );
  }
  return Number(m[1]);
}

/** Parses `--fail-on-increase`: an amount in USD (`100`, `$100`) or a percentage (`10%`). */
export function parseIncreaseThreshold(text: string, flag = '--fail-on-increase'): IncreaseThreshold {
  const t = text.trim();
  const pct = PERCENT_PATTERN.exec(t);
  if (pct) return { kind: 'percent', percent: Number(pct[1]) };
  const usd = USD_PATTERN.exec(t);
  if (usd) return { kind: 'usd', amount: Number(usd[1]) };
  throw new CostInputError(
    `${flag} expects an amount in USD (e.g. 100) or a percentage (e.g. 10%); got ${JSON.stringify(text)}`,
  );
}

/** Trips when the report's expected monthly total is above `thresholdUsd` (compared in cents). */
export function checkFailAbove(report: CostReport, thresholdUsd: number): GuardrailResult {
  const expected = roundCents(report.totals.expected);
  const tripped = expected > roundCents(thresholdUsd);
  return {
    tripped,
    message: tripped
      ? `expected monthly cost ${formatUsd(expected)} is above --fail-above ${formatUsd(thresholdUsd)}`
      : `expected monthly cost ${formatUsd(expected)} is within --fail-above ${formatUsd(thresholdUsd)}`,
  };
}

/**
 * Trips only when the expected monthly total increased by more than the threshold. A decrease
 * or no change never trips. From a $0 base, any increase is above every percentage.
 */
export function checkIncrease(diff: CostDiff, threshold: IncreaseThreshold): GuardrailResult {
  const delta = roundCents(diff.totals.delta.expected);
  const ratio = expectedChangeRatio(diff);
  const change =
    `${formatUsd(diff.totals.before.expected)} → ${formatUsd(diff.totals.after.expected)} ` +
    `(${formatUsdDelta(delta)}${ratio === undefined ? '' : `, ${formatPercent(ratio, true)}`})`;
  const limit =
    threshold.kind === 'usd'
      ? `--fail-on-increase ${formatUsd(threshold.amount)}`
      : `--fail-on-increase ${threshold.percent}%`;
  if (delta <= 0) {
    return { tripped: false, message: `expected monthly cost did not increase: ${change}` };
  }
  const tripped =
    threshold.kind === 'usd'
      ? delta > roundCents(threshold.amount)
      : ratio === undefined || ratio * 100 > threshold.percent;
  return {
    tripped,
    message: tripped
      ? `expected monthly cost increased above ${limit}: ${change}`
      : `expected monthly cost increased within ${limit}: ${change}`,
  };
}

const USD_PATTERN = /^\$?(\d+(?:\.\d+)?)$/;
const PERCENT_PATTERN = /^(\d+(?:\.\d+)?)%$/;
