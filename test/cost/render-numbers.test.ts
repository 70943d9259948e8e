/**
 * The one number formatter every report uses (cost/render/numbers.ts) and the budget reading
 * (cost/render/budget.ts): the same figure must read the same in the table, Markdown, HTML and CSV.
 */
import { describe, expect, test } from 'vitest';
import { budgetSummary, checkBudget } from '../../cost/render/budget';
import {
  formatPercent,
  formatQuantity,
  formatQuantityWithUnit,
  formatRatio,
  formatTimestamp,
  formatUnitPrice,
  formatUsd,
  formatUsdDelta,
  roundCents,
  unitLabel,
  unpricedShare,
} from '../../cost/render/numbers';

describe('formatting', () => {
  test.each([
    [0, '$0.00'],
    [1212.832, '$1,212.83'],
    [15206.452, '$15,206.45'],
    [0.004, '$0.00'],
    [-0.004, '$0.00'],
    [-3.1, '-$3.10'],
    [1234567.891, '$1,234,567.89'],
    // cents × 100 would overflow to Infinity ('$∞' in a diff of a 1e308 report)
    [1e308, `$1${'0'.repeat(308).replace(/(?=(\d{3})+$)/g, ',')}.00`],
  ])('formatUsd(%d) = %s', (v, s) => {
    expect(formatUsd(v)).toBe(s);
  });

  test.each([
    [238.045, '+$238.05'],
    [-0.1, '-$0.10'],
    [0.001, '$0.00'],
  ])('formatUsdDelta(%d) = %s', (v, s) => {
    expect(formatUsdDelta(v)).toBe(s);
  });

  test.each([
    [0.045, '$0.045'],
    [1.4084, '$1.4084'],
    [1, '$1.00'],
    [0.000005, '$0.000005'],
    [0.0000166667, '$0.0000166667'],
    [25.2512883, '$25.2513'],
    [1460, '$1,460.00'],
  ])('formatUnitPrice(%d) = %s', (v, s) => {
    expect(formatUnitPrice(v)).toBe(s);
  });

  test('quantities and percentages', () => {
    expect(formatQuantity(1825)).toBe('1,825');
    expect(formatQuantity(6.66666)).toBe('6.6667');
    expect(formatPercent(0.0566, true)).toBe('+5.7%');
    expect(formatPercent(-0.1)).toBe('-10.0%');
  });
});

describe('dates, ratios and units', () => {
  test.each([
    ['2026-12-05T00:12:28.805Z', '5 Dec 2026, 00:12 UTC'],
    ['2026-01-31T23:59:59Z', '31 Jan 2026, 23:59 UTC'],
    ['2026-06-01T02:00:00+02:00', '1 Jun 2026, 00:00 UTC'],
    ['2026-11-27', '27 Nov 2026'],
    ['not a date', 'not a date'],
    ['2026-13-45', '2026-13-45'],
  ])('formatTimestamp(%s) = %s', (v, s) => {
    expect(formatTimestamp(v)).toBe(s);
  });

  test('ratios, cents and units', () => {
    expect(formatRatio(2.3256)).toBe('2.3×');
    expect(roundCents(-0.001)).toBe(0);
    expect(Object.is(roundCents(-0.001), -0)).toBe(false);
    expect(unitLabel('GB-Mo')).toBe('GB-month');
    expect(unitLabel('Widgets')).toBe('Widgets');
    expect(formatQuantityWithUnit(730, 'Hrs')).toBe('730 hours');
    expect(formatQuantityWithUnit(1, 'Keys')).toBe('1 key-month');
    expect(formatQuantityWithUnit(1500, 'GB')).toBe('1,500 GB');
    expect(formatQuantityWithUnit(43800, 'Requests')).toBe('43,800 requests');
  });
});

describe('budget against expected and max', () => {
  test.each([
    // amount, min, expected, max → covers expected, covers max, text
    [
      40000,
      { min: 3431.05, expected: 5013.23, max: 93227.44 },
      true,
      false,
      'Budget $40,000.00/month: covers the expected $5,013.23 (12.5% of it); the max $93,227.44 is 2.3× the budget',
    ],
    [
      100,
      { min: 10, expected: 50, max: 100 },
      true,
      true,
      'Budget $100.00/month: covers the expected $50.00 (50.0% of it); covers the max $100.00 too',
    ],
    [
      10,
      { min: 10, expected: 50, max: 100 },
      false,
      false,
      'Budget $10.00/month: does NOT cover the expected $50.00; the max $100.00 is 10× the budget',
    ],
    [
      0,
      { min: 0, expected: 0, max: 5 },
      true,
      false,
      'Budget $0.00/month: covers the expected $0.00; the max $5.00 is above a $0 budget',
    ],
  ])('budget %d', (amount, totals, coversExpected, coversMax, text) => {
    const b = checkBudget(amount, totals);
    expect([b.coversExpected, b.coversMax]).toEqual([coversExpected, coversMax]);
    expect(budgetSummary(amount, totals)).toBe(text);
  });
});

describe('unpricedShare (issue 14: the report says how much is unpriced by resource count)', () => {
  const stack = (coverage: { resources: number; unpriced: number } | undefined, unpriced: string[] = []) => ({
    ...(coverage ? { coverage } : {}),
    unpriced: unpriced.map((logicalId) => ({ logicalId })),
    free: [1, 2],
    lines: [{ logicalId: 'A' }, { logicalId: 'A' }, { logicalId: 'B' }],
  });
  test.each([
    ['the engine coverage of one stack', [stack({ resources: 25, unpriced: 2 })], '2 of 25 resources, 8%'],
    [
      'summed over stacks',
      [stack({ resources: 3, unpriced: 1 }), stack({ resources: 1, unpriced: 0 })],
      '1 of 4 resources, 25%',
    ],
    [
      'a share under 1% is not rounded to 0',
      [stack({ resources: 1000, unpriced: 1 })],
      '1 of 1,000 resources, <1%',
    ],
    ['nothing to price', [stack({ resources: 0, unpriced: 0 })], '0 of 0 resources, 0%'],
    // without coverage (an older JSON report): unpriced ids + free + priced ids (A, B) = 1 + 2 + 2
    ['counted from the lines without coverage', [stack(undefined, ['C', 'C'])], '1 of 5 resources, 20%'],
  ])('%s: %s', (_what, stacks, text) => {
    expect(unpricedShare(stacks)).toBe(text);
  });
});
