import { describe, expect, test } from 'vitest';
import {
  costAllocationTagKeys,
  groupByService,
  groupByStack,
  groupByTag,
  priceSources,
  serviceInfo,
  topDrivers,
  UNTAGGED_LABEL,
  usageDependentLines,
} from '../../cost/group';
import { COST_ALLOCATION_TAGS } from '../../constructs/monitoring/tagging';
import type { CostReport } from '../../cost/types';
import { devProdReport } from './fixtures/reports';

const SCENARIOS = ['min', 'expected', 'max'] as const;

describe('grouping', () => {
  test('by stack: the stacks totals, in report order', () => {
    // WHEN
    const groups = groupByStack(devProdReport);
    // THEN
    expect(groups.map((g) => [g.key, g.monthly])).toEqual([
      ['MlPlatform-dev', { min: 1067.432, expected: 1212.832, max: 5051.884 }],
      ['MlPlatform-prod', { min: 2192.364, expected: 2992.63, max: 10154.568 }],
    ]);
  });

  test('by service: dearest first, sums equal the hand-computed totals, usage-only lines out', () => {
    // WHEN
    const groups = groupByService(devProdReport);
    // THEN
    expect(groups.map((g) => g.key)).toEqual([
      'AmazonSageMaker',
      'AmazonEC2',
      'AmazonS3',
      'AmazonVPC',
      'awskms',
      'AmazonCloudWatch',
    ]);
    expect(groups[0].label).toBe('Amazon SageMaker');
    // SageMaker: dev 1028.132 + 4.2, prod 2570.33 + 10.5
    expect(groups[0].monthly.expected).toBeCloseTo(3613.162, 9);
    // EC2: NAT 32.85 × 3 + NAT data 22.5 + spot 130.8 + 261.6 (dev NAT data counts as a line but is out of totals)
    expect(groups[1].monthly.expected).toBeCloseTo(513.45, 9);
    expect(groups[1].lineCount).toBe(7);
    for (const k of SCENARIOS) {
      expect(groups.reduce((acc, g) => acc + g.monthly[k], 0)).toBeCloseTo(devProdReport.totals[k], 9);
    }
  });

  test('by service within one stack sums to that stack', () => {
    for (const stack of devProdReport.stacks) {
      // WHEN
      const groups = groupByService(devProdReport, stack.stackName);
      // THEN
      for (const k of SCENARIOS) {
        expect(groups.reduce((acc, g) => acc + g.monthly[k], 0)).toBeCloseTo(stack.totals[k], 9);
      }
    }
  });

  test('by tag: values, then (untagged), sums equal the totals', () => {
    // WHEN
    const groups = groupByTag(devProdReport, 'team');
    // THEN
    expect(groups.map((g) => g.label)).toEqual(['inference', 'ml-platform', '(untagged)']);
    expect(groups[2].monthly.expected).toBeCloseTo(0.5, 9);
    for (const k of SCENARIOS) {
      expect(groups.reduce((acc, g) => acc + g.monthly[k], 0)).toBeCloseTo(devProdReport.totals[k], 9);
    }
  });

  test('cost-allocation tag keys: the known ones present, in preference order, spelling kept', () => {
    // GIVEN
    const report: CostReport = {
      ...devProdReport,
      stacks: [
        {
          ...devProdReport.stacks[0],
          lines: devProdReport.stacks[0].lines.map((l, i) =>
            i === 0 ? { ...l, tags: { CostCenter: 'x', Name: 'nat', Team: 'y' } } : l,
          ),
        },
      ],
    };
    // THEN
    expect(costAllocationTagKeys(devProdReport)).toEqual(['team', 'cost-center']);
    expect(costAllocationTagKeys(report)).toEqual(['Team', 'team', 'CostCenter', 'cost-center']);
  });

  test("the library's own cost-allocation tags (applyCostAllocationTags) group as team and cost-center", () => {
    // GIVEN lines tagged as applyCostAllocationTags tags resources
    const tagged = (i: number): Record<string, string> =>
      i % 2 === 0
        ? { [COST_ALLOCATION_TAGS.team]: 'vision', [COST_ALLOCATION_TAGS.costCenter]: 'CC-1' }
        : { [COST_ALLOCATION_TAGS.team]: 'nlp', [COST_ALLOCATION_TAGS.platform]: 'mlp' };
    const report: CostReport = {
      ...devProdReport,
      stacks: devProdReport.stacks.map((s) => ({
        ...s,
        lines: s.lines.map((l, i) => ({ ...l, tags: tagged(i) })),
      })),
    };
    // WHEN
    const keys = costAllocationTagKeys(report);
    // THEN the namespaced keys are recognised, in preference order, spelling kept
    expect(keys).toEqual(['cdk-ml-platform:team', 'cdk-ml-platform:cost-center']);
    expect(
      groupByTag(report, keys[0])
        .map((g) => g.label)
        .sort(),
    ).toEqual(['nlp', 'vision']);
    expect(groupByTag(report, keys[1]).map((g) => g.label)).toContain(UNTAGGED_LABEL);
  });

  test('top drivers: lines in totals by expected cost, across stacks', () => {
    // WHEN
    const top = topDrivers(devProdReport, 3);
    // THEN
    expect(
      top.map(({ stack, line }) => `${stack.stackName} ${line.component} ${line.monthly.expected}`),
    ).toEqual([
      'MlPlatform-prod Instance usage (ml.g5.xlarge, on-demand) 2570.33',
      'MlPlatform-dev Instance usage (ml.g5.xlarge, on-demand) 1028.132',
      'MlPlatform-prod Instance usage (g5.xlarge, spot) 261.6',
    ]);
    expect(topDrivers(devProdReport, 0)).toEqual([]);
  });

  test('usage-dependent lines are exactly the lines out of totals', () => {
    expect(usageDependentLines(devProdReport).map(({ line }) => line.usageType)).toEqual([
      'NatGateway-Bytes',
      'Requests-Tier1',
    ]);
  });

  test('price sources with line counts and capture dates', () => {
    expect(priceSources(devProdReport)).toEqual([
      { source: 'fmbench', lineCount: 2, capturedAt: ['2026-11-27'] },
      { source: 'infracost', lineCount: 17, capturedAt: ['2026-11-27'] },
      { source: 'skypilot-catalog@00148f2', lineCount: 2, capturedAt: ['2026-11-27'] },
    ]);
  });

  test('unknown service codes keep their code and fall in Other', () => {
    expect(serviceInfo('AmazonNewThing')).toEqual({ name: 'AmazonNewThing', category: 'Other' });
  });
});
