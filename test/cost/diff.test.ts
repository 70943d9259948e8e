import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  diffReports,
  expectedChangeRatio,
  formatLabelChanges,
  labelChanges,
  renderDiffTable,
  summarizeDiff,
} from '../../cost/diff';
import type { CostReport } from '../../cost/types';
import { devProdHeadReport, devProdReport } from './fixtures/reports';

const diff = diffReports(devProdReport, devProdHeadReport);

describe('diffReports', () => {
  test('totals before → after with ranges; the change in whole cents of the shown figures', () => {
    expect(diff.totals.before).toEqual(devProdReport.totals);
    expect(diff.totals.after).toEqual(devProdHeadReport.totals);
    // shown: $3,259.80 → $3,415.33, $4,205.46 → $4,443.51, $15,206.45 → $16,986.38
    expect(diff.totals.delta).toEqual({ min: 155.53, expected: 238.05, max: 1779.93 });
    expect(expectedChangeRatio(diff)).toBeCloseTo(238.05 / 4205.46, 12);
  });

  test('stacks paired by name', () => {
    expect(diff.stacks).toEqual([
      {
        kind: 'changed',
        stackName: 'MlPlatform-dev',
        before: devProdReport.stacks[0].totals,
        after: devProdHeadReport.stacks[0].totals,
        delta: { min: -0.1, expected: -0.1, max: -0.1 },
      },
      {
        kind: 'changed',
        stackName: 'MlPlatform-prod',
        before: devProdReport.stacks[1].totals,
        after: devProdHeadReport.stacks[1].totals,
        delta: { min: 155.64, expected: 238.15, max: 1780.03 },
      },
    ]);
  });

  test('resources paired by stack + logical id: added, removed, changed with the label change', () => {
    expect(
      diff.resources.map((r) => [r.kind, r.stackName, r.logicalId, formatLabelChanges(r), r.delta.expected]),
    ).toEqual([
      [
        'changed',
        'MlPlatform-prod',
        'InferenceEndpointConfig3B4C5D6E',
        '(ml.g5.xlarge → ml.g5.2xlarge)',
        194.55,
      ],
      ['added', 'MlPlatform-prod', 'EvaluationComputeEnvironment6F7A8B9C', '', 43.6],
      ['removed', 'MlPlatform-dev', 'EndpointLatencyAlarm7A8B9C0D', '', -0.1],
    ]);
    const endpoint = diff.resources[0];
    // instance hours plus ML storage, before and after
    expect(endpoint.before.expected).toBeCloseTo(2570.33 + 10.5, 9);
    expect(endpoint.after.expected).toBeCloseTo(2764.875 + 10.5, 9);
    expect(endpoint.resourceType).toBe('AWS::SageMaker::EndpointConfig');
    expect(endpoint.constructPath).toBe('MlPlatform-prod/Inference/EndpointConfig');
  });

  test('the same logical id in two stacks is two resources', () => {
    // dev and prod both have InferenceEndpointConfig3B4C5D6E; only prod's changed
    expect(diff.resources.filter((r) => r.logicalId === 'InferenceEndpointConfig3B4C5D6E')).toHaveLength(1);
  });

  test('unpriced resources new in head are listed (they may hide cost)', () => {
    expect(diff.unpriced.added.map((u) => `${u.stackName}/${u.logicalId}`)).toEqual([
      'MlPlatform-prod/EvaluationFileSystem7A8B9C0D',
    ]);
    expect(diff.unpriced.removed).toEqual([]);
  });

  test('identical reports: no changes, zero delta, stacks unchanged', () => {
    const same = diffReports(devProdReport, devProdReport);
    expect(same.resources).toEqual([]);
    expect(same.totals.delta).toEqual({ min: 0, expected: 0, max: 0 });
    expect(same.stacks.map((s) => s.kind)).toEqual(['unchanged', 'unchanged']);
  });

  test('a price change with the same cost is still a change (unit price differs)', () => {
    // GIVEN a head whose KMS line has another unit price but the same monthly figure
    const head: CostReport = {
      ...devProdReport,
      stacks: [
        {
          ...devProdReport.stacks[0],
          lines: devProdReport.stacks[0].lines.map((l) =>
            l.logicalId === 'DataKey1E2F3A4B' ? { ...l, unitPrice: 1.0000001 } : l,
          ),
        },
        devProdReport.stacks[1],
      ],
    };
    // THEN
    expect(diffReports(devProdReport, head).resources.map((r) => r.logicalId)).toEqual(['DataKey1E2F3A4B']);
  });

  test('stacks added and removed', () => {
    const onlyDev: CostReport = {
      ...devProdReport,
      stacks: [devProdReport.stacks[0]],
      totals: devProdReport.stacks[0].totals,
    };
    const grown = diffReports(onlyDev, devProdReport);
    expect(grown.stacks.map((s) => [s.stackName, s.kind])).toEqual([
      ['MlPlatform-dev', 'unchanged'],
      ['MlPlatform-prod', 'added'],
    ]);
    expect(grown.resources.every((r) => r.kind === 'added' && r.stackName === 'MlPlatform-prod')).toBe(true);
    expect(grown.resources).toHaveLength(9);
    const shrunk = diffReports(devProdReport, onlyDev);
    expect(shrunk.stacks[1]).toMatchObject({
      stackName: 'MlPlatform-prod',
      kind: 'removed',
      after: undefined,
    });
    expect(shrunk.totals.delta.expected).toBe(-2992.63);
  });
});

describe('labelChanges', () => {
  test.each([
    [
      ['Instance usage (ml.g5.xlarge, on-demand)'],
      ['Instance usage (ml.g5.2xlarge, on-demand)'],
      ['ml.g5.xlarge → ml.g5.2xlarge'],
    ],
    [
      ['Instance usage (m5.large, on-demand)'],
      ['Instance usage (m5.xlarge, spot)'],
      ['m5.large → m5.xlarge', 'on-demand → spot'],
    ],
    [['Interface endpoint (2 AZ)'], ['Interface endpoint (3 AZ)'], ['2 AZ → 3 AZ']],
    [['Instance usage (g5.xlarge)'], ['Instance usage (g5.xlarge, spot)'], ['g5.xlarge → g5.xlarge, spot']],
    [['NAT gateway'], ['NAT gateway (hours)'], ['(none) → hours']],
    [['Storage (S3 Standard)'], ['Requests (S3 Standard)'], []],
    [['Instance usage (ml.g5.xlarge, on-demand)'], ['Instance usage (ml.g5.xlarge, on-demand)'], []],
  ])('%j → %j gives %j', (before, after, expected) => {
    expect(labelChanges(before, after)).toEqual(expected);
  });

  test('formatted in brackets, nothing when no label changed', () => {
    expect(formatLabelChanges({ labelChanges: ['ml.g5.xlarge → ml.g5.2xlarge'] })).toBe(
      '(ml.g5.xlarge → ml.g5.2xlarge)',
    );
    expect(formatLabelChanges({ labelChanges: [] })).toBe('');
  });
});

describe('renderDiffTable', () => {
  test('golden file', async () => {
    await expect(renderDiffTable(diff)).toMatchFileSnapshot('./__snapshots__/dev-prod.diff.txt');
  });

  test('summary line, ranges, resource rows with label changes', () => {
    const text = renderDiffTable(diff);
    expect(text.split('\n')[0]).toBe('Monthly cost (expected): $4,205.46 → $4,443.51 (+$238.05, +5.7%)');
    expect(text).toContain('Range: min $3,259.80 → $3,415.33, max $15,206.45 → $16,986.38');
    expect(text).toMatch(
      /changed\s+MlPlatform-prod\s+Inference\/EndpointConfig\s+\$2,064\.66 → \$2,220\.30 \(\+\$155\.64\)\s+\$2,580\.83 → \$2,775\.38 \(\+\$194\.55\)/,
    );
    expect(text).toContain('  Inference/EndpointConfig: ml.g5.xlarge → ml.g5.2xlarge');
    expect(text).toContain(
      'New unpriced resource (not in totals): MlPlatform-prod/EvaluationFileSystem7A8B9C0D',
    );
  });

  test('from a $0 base there is no percentage', () => {
    const empty: CostReport = { ...devProdReport, stacks: [], totals: { min: 0, expected: 0, max: 0 } };
    expect(summarizeDiff(diffReports(empty, devProdReport))).toBe(
      'Monthly cost (expected): $0.00 → $4,205.46 (+$4,205.46)',
    );
  });
});

describe('examples/github-actions/cost-diff.yml', () => {
  const path = resolve(__dirname, '../../examples/github-actions/cost-diff.yml');
  const workflow = parseYaml(readFileSync(path, 'utf8')) as {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<
      string,
      { steps: { name?: string; run?: string; uses?: string; with?: Record<string, unknown>; if?: string }[] }
    >;
  };
  const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
  const runs = steps.map((s) => s.run ?? '').join('\n');

  test('runs on pull requests with the least permissions it needs', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
  });

  test('synthesizes base and head, diffs them as Markdown with a guardrail, posts the comment', () => {
    expect(runs).toMatch(/cdk synth[^\n]*--output[^\n]*base/);
    expect(runs).toMatch(/cdk synth[^\n]*--output[^\n]*head/);
    expect(runs).toMatch(/cdk-ml-cost diff [^\n]*base[^\n]*head[^\n]*--format md[^\n]*--out/);
    expect(runs).toContain('--fail-on-increase');
    const comment = steps.find((s) => s.uses?.startsWith('actions/github-script@'));
    expect(String(comment?.with?.script)).toContain('<!-- cdk-ml-cost:diff -->');
    expect(comment?.if).toBe('always()');
  });
});
