import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import { diffReports } from '../../cost/diff';
import { CostInputError } from '../../cost/errors';
import {
  DIFF_FORMATS,
  REPORT_FILE_EXTENSIONS,
  REPORT_FORMATS,
  renderDiff,
  renderReport,
  type DiffFormat,
  type ReportFormat,
} from '../../cost/render';
import { renderJson } from '../../cost/render/json';
import { renderTable } from '../../cost/render/table';
import { devProdHeadReport, devProdReport } from './fixtures/reports';

describe('renderReport', () => {
  test('json and table are the engine renderers', () => {
    expect(renderReport(devProdReport, 'json')).toBe(renderJson(devProdReport));
    expect(JSON.parse(renderReport(devProdReport, 'json'))).toEqual(devProdReport);
    expect(renderReport(devProdReport, 'table')).toBe(renderTable(devProdReport));
  });

  test.each([
    ['md', /^<!-- cdk-ml-cost:estimate -->\n### Cost estimate: \$4,205\.46 per month expected/],
    ['html', /^<!DOCTYPE html>\n<html lang="en">/],
    ['csv', /^ListCost,ListUnitPrice,PricingQuantity,/],
  ] as const)('%s', (format, start) => {
    expect(renderReport(devProdReport, format)).toMatch(start);
  });

  test('every format is deterministic and names every stack', () => {
    for (const format of REPORT_FORMATS) {
      const out = renderReport(devProdReport, format);
      expect(renderReport(devProdReport, format), format).toBe(out);
      for (const s of devProdReport.stacks) expect(out, format).toContain(s.stackName);
    }
  });

  test('csv rows parse back with the FOCUS header', () => {
    const rows = parse(renderReport(devProdReport, 'csv'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]).slice(0, 3)).toEqual(['ListCost', 'ListUnitPrice', 'PricingQuantity']);
  });

  test('file extensions for cdk.out/cost-report.<ext>', () => {
    expect(REPORT_FORMATS.map((f) => REPORT_FILE_EXTENSIONS[f])).toEqual([
      'txt',
      'json',
      'md',
      'csv',
      'html',
    ]);
  });

  test('a report without stacks renders in every format', () => {
    const empty = { ...devProdReport, stacks: [], totals: { min: 0, expected: 0, max: 0 } };
    for (const format of REPORT_FORMATS) expect(() => renderReport(empty, format), format).not.toThrow();
    expect(renderReport(empty, 'md')).toContain('### Cost estimate: $0.00 per month expected');
    expect(renderReport(empty, 'html')).toContain('<div class="value" data-total="expected">$0.00</div>');
    expect(renderReport(empty, 'csv').trim().split('\n')).toHaveLength(1);
  });

  test('an unknown format is bad input', () => {
    expect(() => renderReport(devProdReport, 'pdf' as ReportFormat)).toThrow(CostInputError);
    expect(() => renderReport(devProdReport, 'pdf' as ReportFormat)).toThrow(
      '--format must be one of table, json, md, csv, html; got "pdf"',
    );
  });
});

describe('renderDiff', () => {
  const diff = diffReports(devProdReport, devProdHeadReport);

  test.each([
    ['table', /^Monthly cost \(expected\): \$4,205\.46 → \$4,443\.51/],
    ['md', /^<!-- cdk-ml-cost:diff -->/],
    ['html', /^<!DOCTYPE html>/],
    ['json', /^\{\n {2}"kind": "cdk-ml-cost-diff",\n {2}"schemaVersion": 1,/],
  ] as const)('%s', (format, start) => {
    expect(renderDiff(diff, format)).toMatch(start);
  });

  test('json round-trips and ends with a newline', () => {
    const text = renderDiff(diff, 'json');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(diff)));
  });

  test('an unknown format is bad input', () => {
    expect(DIFF_FORMATS).toEqual(['table', 'json', 'md', 'html']);
    expect(() => renderDiff(diff, 'csv' as DiffFormat)).toThrow(
      '--format must be one of table, json, md, html; got "csv"',
    );
  });
});
