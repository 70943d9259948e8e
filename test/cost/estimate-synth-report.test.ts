import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { estimate, summarize, writeCostReports } from '../../cost/index';
import { renderJson } from '../../cost/render/json';
import type { CostReport } from '../../cost/types';
import { CATALOG, PINNED } from './fixtures/engine';

// us-east-1 m5.large 0.096 $/h, NAT gateway 0.045 $/h; eu-west-1 m5.large 0.107 $/h (bundled catalog)

const dir = mkdtempSync(join(tmpdir(), 'synth-report-'));
let result: { report: CostReport; files: readonly string[] };

beforeAll(() => {
  const vm = {
    Resources: {
      Vm: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'm5.large' } },
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} },
    },
  };
  const mystery = {
    Resources: {
      Vm: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'm5.large' } },
      X: { Type: 'AWS::Mystery::Thing', Properties: {} },
    },
  };
  writeFileSync(join(dir, 'Dev.template.json'), JSON.stringify(vm));
  writeFileSync(join(dir, 'Prod.template.json'), JSON.stringify(mystery));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      version: '48.0.0',
      artifacts: {
        Dev: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://unknown-account/unknown-region',
          properties: { templateFile: 'Dev.template.json' },
        },
        Prod: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://unknown-account/eu-west-1',
          properties: { templateFile: 'Prod.template.json' },
        },
      },
    }),
  );
  result = writeCostReports(dir, { defaultRegion: 'us-east-1', catalog: CATALOG, generatedAt: PINNED });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeCostReports', () => {
  test('writes cost-report.json, .md, .csv and .html next to the assembly, and nothing else', () => {
    // THEN
    expect(result.files.map((f) => f.slice(dir.length + 1))).toEqual([
      'cost-report.json',
      'cost-report.md',
      'cost-report.csv',
      'cost-report.html',
    ]);
    expect(readdirSync(dir).filter((f) => f.startsWith('.') || f.endsWith('.tmp'))).toEqual([]);
  });

  test('the JSON file is the estimate of the assembly, one entry per stack, ordered ranges', () => {
    // WHEN
    const again = estimate(dir, { defaultRegion: 'us-east-1', catalog: CATALOG, generatedAt: PINNED });
    // THEN
    expect(readFileSync(join(dir, 'cost-report.json'), 'utf8')).toBe(renderJson(again));
    expect(result.report.stacks.map((s) => [s.stackName, s.region, s.regionSource])).toEqual([
      ['Dev', 'us-east-1', 'default'],
      ['Prod', 'eu-west-1', 'environment'],
    ]);
    for (const s of result.report.stacks)
      expect(s.totals.min <= s.totals.expected && s.totals.expected <= s.totals.max).toBe(true);
    expect(result.report.totals.expected).toBeCloseTo(730 * (0.096 + 0.045) + 730 * 0.107, 6);
  });

  test('only the formats asked for', () => {
    // GIVEN / WHEN
    const { files } = writeCostReports(dir, {
      defaultRegion: 'us-east-1',
      catalog: CATALOG,
      formats: ['json'],
    });
    // THEN
    expect(files).toEqual([join(dir, 'cost-report.json')]);
  });
});

describe('summarize', () => {
  test('one screen: per stack totals, top drivers, unpriced count', () => {
    // WHEN
    const text = summarize(result.report);
    // THEN
    expect(text).toBe(
      [
        'Estimated monthly cost (min / expected / max, USD, 730 h month):',
        '  Dev (us-east-1): $102.93 / $102.93 / $102.93',
        '    top: Vm $70.08, Nat $32.85',
        '  Prod (eu-west-1): $78.11 / $78.11 / $78.11',
        '    top: Vm $78.11',
        '    UNPRICED: 1 resource(s), see the report',
        '  all stacks: $181.04 / $181.04 / $181.04',
        '',
      ].join('\n'),
    );
  });
});
