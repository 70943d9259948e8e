import { describe, expect, test } from 'vitest';
import { diffReports } from '../../cost/diff';
import { CostInputError } from '../../cost/errors';
import { checkFailAbove, checkIncrease, parseIncreaseThreshold, parseUsdAmount } from '../../cost/guardrails';
import type { CostReport } from '../../cost/types';
import { devProdHeadReport, devProdReport } from './fixtures/reports';

// expected totals: base $4,205.46, head $4,443.51 (+$238.05, +5.66%)
const increase = diffReports(devProdReport, devProdHeadReport);
const decrease = diffReports(devProdHeadReport, devProdReport);
const unchanged = diffReports(devProdReport, devProdReport);

describe('parsing thresholds', () => {
  test.each([
    ['500', 500],
    ['1250.50', 1250.5],
    ['$75', 75],
    [' 0 ', 0],
  ])('parseUsdAmount(%j) = %d', (text, value) => {
    expect(parseUsdAmount(text)).toBe(value);
  });

  test.each(['', 'abc', '-5', '10%', '1,000', '1e3', '$', '5 USD'])('parseUsdAmount rejects %j', (text) => {
    expect(() => parseUsdAmount(text)).toThrow(CostInputError);
    expect(() => parseUsdAmount(text)).toThrow(
      `--fail-above expects a monthly amount in USD, a number such as 500 or 1250.50; got ${JSON.stringify(text)}`,
    );
  });

  test.each([
    ['100', { kind: 'usd', amount: 100 }],
    ['$12.5', { kind: 'usd', amount: 12.5 }],
    ['10%', { kind: 'percent', percent: 10 }],
    ['2.5%', { kind: 'percent', percent: 2.5 }],
    ['0%', { kind: 'percent', percent: 0 }],
  ])('parseIncreaseThreshold(%j)', (text, threshold) => {
    expect(parseIncreaseThreshold(text)).toEqual(threshold);
  });

  test.each(['', 'ten', '-1', '-5%', '%', '10 %', '$10%', '5pct'])(
    'parseIncreaseThreshold rejects %j',
    (text) => {
      expect(() => parseIncreaseThreshold(text)).toThrow(CostInputError);
      expect(() => parseIncreaseThreshold(text)).toThrow(
        `--fail-on-increase expects an amount in USD (e.g. 100) or a percentage (e.g. 10%); got ${JSON.stringify(text)}`,
      );
    },
  );
});

describe('checkFailAbove (estimate --fail-above)', () => {
  test.each([
    [4000, true],
    [4205.45, true],
    [4205.46, false],
    [4205.464, false],
    [5000, false],
  ])('expected $4,205.46 with --fail-above %d trips: %s', (threshold, tripped) => {
    expect(checkFailAbove(devProdReport, threshold).tripped).toBe(tripped);
  });

  test('messages', () => {
    expect(checkFailAbove(devProdReport, 4000).message).toBe(
      'expected monthly cost $4,205.46 is above --fail-above $4,000.00',
    );
    expect(checkFailAbove(devProdReport, 5000).message).toBe(
      'expected monthly cost $4,205.46 is within --fail-above $5,000.00',
    );
  });

  test('only the expected total counts, not max', () => {
    // max is $15,206.45
    expect(checkFailAbove(devProdReport, 10_000).tripped).toBe(false);
  });
});

describe('checkIncrease (diff --fail-on-increase)', () => {
  test.each([
    ['1', true],
    ['238.04', true],
    ['238.05', false],
    ['1000', false],
    ['5%', true],
    ['5.66%', true],
    ['5.67%', false],
    ['0%', true],
  ])('increase of $238.05 (5.66%%) with %s trips: %s', (threshold, tripped) => {
    expect(checkIncrease(increase, parseIncreaseThreshold(threshold)).tripped).toBe(tripped);
  });

  test.each(['0', '1', '0%', '1%'])('a decrease never trips (%s)', (threshold) => {
    const result = checkIncrease(decrease, parseIncreaseThreshold(threshold));
    expect(result.tripped).toBe(false);
    expect(result.message).toBe(
      'expected monthly cost did not increase: $4,443.51 → $4,205.46 (-$238.05, -5.4%)',
    );
  });

  test.each(['0', '0%'])('no change never trips (%s)', (threshold) => {
    expect(checkIncrease(unchanged, parseIncreaseThreshold(threshold)).tripped).toBe(false);
  });

  test('from a $0 base any increase is above every percentage', () => {
    const empty: CostReport = { ...devProdReport, stacks: [], totals: { min: 0, expected: 0, max: 0 } };
    const fromZero = diffReports(empty, devProdReport);
    expect(checkIncrease(fromZero, { kind: 'percent', percent: 1000 }).tripped).toBe(true);
    expect(checkIncrease(fromZero, { kind: 'usd', amount: 5000 }).tripped).toBe(false);
  });

  test('messages name the threshold and the change', () => {
    expect(checkIncrease(increase, { kind: 'usd', amount: 1 }).message).toBe(
      'expected monthly cost increased above --fail-on-increase $1.00: $4,205.46 → $4,443.51 (+$238.05, +5.7%)',
    );
    expect(checkIncrease(increase, { kind: 'percent', percent: 10 }).message).toBe(
      'expected monthly cost increased within --fail-on-increase 10%: $4,205.46 → $4,443.51 (+$238.05, +5.7%)',
    );
  });
});
