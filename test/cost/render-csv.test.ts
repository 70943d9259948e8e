import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import { CostInputError } from '../../cost/errors';
import { beforeAll } from 'vitest';
import { CSV_COLUMNS, chargePeriod, renderCsv } from '../../cost/render/csv';
import type { CostReport } from '../../cost/types';
import { devProdReport } from './fixtures/reports';
import { platformReport } from './fixtures/platform';

type Row = Record<string, string>;

const FOCUS_COLUMNS = [
  'ListCost',
  'ListUnitPrice',
  'PricingQuantity',
  'PricingUnit',
  'PricingCategory',
  'ChargeCategory',
  'ChargeFrequency',
  'ChargeDescription',
  'ServiceName',
  'ServiceCategory',
  'RegionId',
  'ResourceName',
  'ResourceType',
  'SkuMeter',
  'BillingCurrency',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'Tags',
];
const X_COLUMNS = [
  'x_Scenario',
  'x_UsageSource',
  'x_LogicalId',
  'x_ConstructPath',
  'x_StackName',
  'x_PriceSource',
  'x_CatalogDate',
  'x_ServiceCode',
];

const csv = renderCsv(devProdReport);
const expectedRows: Row[] = parse(csv, { columns: true, skip_empty_lines: true });
// All three scenarios stacked: the field-by-field checks below run on every scenario.
const rows: Row[] = parse(renderCsv(devProdReport, { scenario: 'all' }), {
  columns: true,
  skip_empty_lines: true,
});

describe('renderCsv', () => {
  test('golden file', async () => {
    // THEN
    await expect(csv).toMatchFileSnapshot('./__snapshots__/dev-prod.csv');
  });

  test('by default one row per charge at the expected scenario: a plain SUM(ListCost) is the expected total', () => {
    // GIVEN
    const lines = devProdReport.stacks.flatMap((s) => s.lines).length;
    const unpriced = devProdReport.stacks.flatMap((s) => s.unpriced).length;
    // THEN
    expect(expectedRows).toHaveLength(lines + unpriced);
    expect(new Set(expectedRows.map((r) => r.x_Scenario))).toEqual(new Set(['expected']));
    const sum = expectedRows.reduce((acc, r) => acc + Number(r.ListCost || 0), 0);
    expect(sum).toBeCloseTo(devProdReport.totals.expected, 9);
  });

  test.each(['min', 'max'] as const)('scenario %s: its rows only, summing to its total', (scenario) => {
    // WHEN
    const only: Row[] = parse(renderCsv(devProdReport, { scenario }), { columns: true });
    // THEN
    expect(new Set(only.map((r) => r.x_Scenario))).toEqual(new Set([scenario]));
    const sum = only.reduce((acc, r) => acc + Number(r.ListCost || 0), 0);
    expect(sum).toBeCloseTo(devProdReport.totals[scenario], 9);
  });

  test.each(['', 'avg', 'Expected', 'all,min'])('scenario %j is refused naming the allowed values', (bad) => {
    expect(() => renderCsv(devProdReport, { scenario: bad as 'min' })).toThrow(
      `--scenario must be one of expected, min, max, all; got ${JSON.stringify(bad)}`,
    );
  });

  test('the header is the FOCUS 1.2 columns, then the x_ columns, exactly', () => {
    // WHEN
    const header = csv.split('\n')[0].split(',');
    // THEN
    expect(header).toEqual([...FOCUS_COLUMNS, ...X_COLUMNS]);
    expect([...CSV_COLUMNS]).toEqual(header);
  });

  test('scenario all: one row per line per scenario, plus one per unpriced resource per scenario', () => {
    // GIVEN
    const lines = devProdReport.stacks.flatMap((s) => s.lines).length;
    const unpriced = devProdReport.stacks.flatMap((s) => s.unpriced).length;
    // THEN
    expect(rows).toHaveLength(3 * (lines + unpriced));
    expect(rows.filter((r) => r.x_Scenario === 'min')).toHaveLength(lines + unpriced);
    expect(rows.filter((r) => r.x_Scenario === 'expected')).toHaveLength(lines + unpriced);
    expect(rows.filter((r) => r.x_Scenario === 'max')).toHaveLength(lines + unpriced);
  });

  test('parsed back, every line matches the JSON report, field by field', () => {
    for (const stack of devProdReport.stacks) {
      for (const line of stack.lines) {
        for (const scenario of ['min', 'expected', 'max'] as const) {
          // WHEN
          const matches = rows.filter(
            (r) =>
              r.x_StackName === stack.stackName &&
              r.x_LogicalId === line.logicalId &&
              r.x_Scenario === scenario &&
              r.ChargeDescription.startsWith(line.component),
          );
          // THEN
          expect(matches, `${stack.stackName}/${line.logicalId}/${line.component}/${scenario}`).toHaveLength(
            1,
          );
          const row = matches[0];
          expect(row.ListCost === '' ? undefined : Number(row.ListCost)).toBe(
            line.inTotals ? line.monthly[scenario] : undefined,
          );
          expect(row.PricingUnit).toBe(line.unit);
          // Without per-scenario prices in the report, a max priced differently has no category.
          const priced =
            !line.inTotals ||
            line.monthly[scenario] === line.monthly.expected ||
            line.monthly[scenario] === 0;
          expect(row.PricingCategory).toBe(priced ? line.pricingCategory : '');
          expect(row.ChargeCategory).toBe('Usage');
          expect(row.ChargeFrequency).toBe(line.usageBased ? 'Usage-Based' : 'Recurring');
          expect(row.RegionId).toBe(stack.region);
          expect(row.ResourceName).toBe(line.constructPath ?? line.logicalId);
          expect(row.ResourceType).toBe(line.resourceType);
          expect(row.SkuMeter).toBe(line.usageType ?? '');
          expect(row.BillingCurrency).toBe('USD');
          expect(JSON.parse(row.Tags)).toEqual(line.tags ?? {});
          expect(row.x_UsageSource).toBe(line.usageSource);
          expect(row.x_ConstructPath).toBe(line.constructPath ?? '');
          expect(row.x_PriceSource).toBe(line.priceSource);
          expect(row.x_CatalogDate).toBe(devProdReport.catalog.capturedAt);
          expect(row.x_ServiceCode).toBe(line.service);
        }
      }
    }
  });

  test('the expected rows sum to the JSON totals; min and max rows too', () => {
    for (const scenario of ['min', 'expected', 'max'] as const) {
      // WHEN
      const sum = rows
        .filter((r) => r.x_Scenario === scenario && r.ListCost !== '')
        .reduce((acc, r) => acc + Number(r.ListCost), 0);
      // THEN
      expect(sum).toBeCloseTo(devProdReport.totals[scenario], 9);
    }
  });

  test('ListCost = ListUnitPrice × PricingQuantity wherever both are given', () => {
    // WHEN
    const priced = rows.filter(
      (r) => r.ListCost !== '' && r.PricingQuantity !== '' && r.ListUnitPrice !== '',
    );
    // THEN
    expect(priced.length).toBeGreaterThan(40);
    for (const r of priced) {
      expect(Number(r.ListUnitPrice) * Number(r.PricingQuantity), JSON.stringify(r)).toBeCloseTo(
        Number(r.ListCost),
        6,
      );
    }
  });

  test('the expected scenario always has quantity and unit price; a max priced differently has neither', () => {
    // GIVEN the dev training line: expected 300 h at spot, max 4 × 730 h at on-demand
    const training = rows.filter(
      (r) => r.x_LogicalId === 'TrainingComputeEnvironment5F6A7B8C' && r.x_StackName === 'MlPlatform-dev',
    );
    const by = Object.fromEntries(training.map((r) => [r.x_Scenario, r]));
    // THEN
    expect(by.expected).toMatchObject({ ListCost: '130.8', ListUnitPrice: '0.436', PricingQuantity: '300' });
    expect(by.min).toMatchObject({ ListCost: '0', ListUnitPrice: '0.436', PricingQuantity: '0' });
    expect(by.max).toMatchObject({
      ListCost: '2937.52',
      ListUnitPrice: '',
      PricingQuantity: '',
      PricingCategory: '',
    });
  });

  test('usage-based lines without usage: unit price given, cost and quantity empty (unknown, not $0)', () => {
    // WHEN
    const nat = rows.filter((r) => r.SkuMeter === 'NatGateway-Bytes' && r.x_StackName === 'MlPlatform-dev');
    // THEN
    expect(nat).toHaveLength(3);
    expect(nat.map((r) => r.x_Scenario)).toEqual(['min', 'expected', 'max']);
    for (const r of nat) {
      expect(r).toMatchObject({
        ListCost: '',
        PricingQuantity: '',
        ListUnitPrice: '0.045',
        ChargeFrequency: 'Usage-Based',
        ChargeDescription: 'Data processed (NAT gateway): depends on usage: $0.045 per GB (not in totals)',
        x_UsageSource: 'none',
      });
    }
  });

  test('tiny unit prices are plain decimals, never exponents', () => {
    // WHEN
    const requests = rows.find((r) => r.SkuMeter === 'Requests-Tier1');
    // THEN
    expect(requests?.ListUnitPrice).toBe('0.000005');
  });

  test('unpriced resources have rows with an empty cost and the reason', () => {
    // WHEN
    const fsx = rows.filter((r) => r.x_LogicalId === 'SharedScratchFileSystem4D5E6F7A');
    // THEN
    expect(fsx.map((r) => r.x_Scenario)).toEqual(['min', 'expected', 'max']);
    expect(fsx[0]).toMatchObject({
      ListCost: '',
      ChargeDescription: 'Not priced: no catalog price for FSx for Lustre SCRATCH_2 storage in us-east-1',
      ResourceType: 'AWS::FSx::FileSystem',
      ServiceCategory: 'Other',
      x_StackName: 'MlPlatform-prod',
    });
  });

  test.each([
    ['AmazonSageMaker', 'Amazon SageMaker', 'AI and Machine Learning'],
    ['AmazonEC2', 'Amazon Elastic Compute Cloud', 'Compute'],
    ['AmazonS3', 'Amazon Simple Storage Service', 'Storage'],
    ['awskms', 'AWS Key Management Service', 'Security'],
    ['AmazonCloudWatch', 'Amazon CloudWatch', 'Management and Governance'],
    ['AmazonVPC', 'Amazon Virtual Private Cloud', 'Networking'],
  ])('service code %s → ServiceName %s, ServiceCategory %s', (code, name, category) => {
    // WHEN
    const row = rows.find((r) => r.x_ServiceCode === code);
    // THEN
    expect(row).toMatchObject({ ServiceName: name, ServiceCategory: category });
  });

  test('quotes commas, quotes and line breaks; defuses spreadsheet formulas', () => {
    // GIVEN
    const line = devProdReport.stacks[0].lines[0];
    const report: CostReport = {
      ...devProdReport,
      stacks: [
        {
          ...devProdReport.stacks[0],
          lines: [
            {
              ...line,
              component: 'Hours, "quoted"\nand broken',
              constructPath: '=HYPERLINK("http://evil.example")',
              tags: { team: '+cmd|calc', note: 'a,b' },
            },
          ],
          unpriced: [],
        },
      ],
    };
    // WHEN
    const parsed: Row[] = parse(renderCsv(report), { columns: true });
    // THEN
    expect(parsed).toHaveLength(1);
    expect(parsed[0].ChargeDescription).toBe('Hours, "quoted"\nand broken');
    expect(parsed[0].ResourceName).toBe(`'=HYPERLINK("http://evil.example")`);
    expect(parsed[0].x_ConstructPath).toBe(`'=HYPERLINK("http://evil.example")`);
    expect(JSON.parse(parsed[0].Tags)).toEqual({ note: 'a,b', team: '+cmd|calc' });
  });

  test('the charge period is the month after generatedAt', () => {
    // THEN
    const first = rows[0];
    expect(first.ChargePeriodStart).toBe('2026-12-01T00:00:00Z');
    expect(first.ChargePeriodEnd).toBe('2027-01-01T00:00:00Z');
  });

  test.each([
    ['2026-11-27T20:00:00.000Z', '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    ['2026-12-31T23:59:59Z', '2027-01-01T00:00:00Z', '2027-02-01T00:00:00Z'],
    ['2027-01-31T10:00:00+02:00', '2027-02-01T00:00:00Z', '2027-03-01T00:00:00Z'],
    ['2028-01-15T00:00Z', '2028-02-01T00:00:00Z', '2028-03-01T00:00:00Z'],
  ])('chargePeriod(%s) = %s .. %s', (generatedAt, start, end) => {
    expect(chargePeriod(generatedAt)).toEqual({ start, end });
  });

  test.each(['yesterday', '2026-11-27', '', '2026-13-45T00:00:00Z'])('chargePeriod rejects %j', (bad) => {
    expect(() => chargePeriod(bad)).toThrow(CostInputError);
    expect(() => chargePeriod(bad)).toThrow(
      `report generatedAt must be an ISO-8601 date-time; got ${JSON.stringify(bad)}`,
    );
  });
});

describe('renderCsv on the reference platform (dev and prod, synthesized)', () => {
  let report: CostReport;
  const byScenario: Record<string, Row[]> = {};
  beforeAll(async () => {
    report = await platformReport();
    for (const scenario of ['min', 'expected', 'max'] as const) {
      byScenario[scenario] = parse(renderCsv(report, { scenario }), { columns: true });
    }
  }, 180_000);

  test.each(['min', 'expected', 'max'] as const)(
    'a plain sum of ListCost at %s equals the JSON total (not the three scenarios stacked)',
    (scenario) => {
      const sum = byScenario[scenario].reduce((acc, r) => acc + Number(r.ListCost || 0), 0);
      expect(sum).toBeCloseTo(report.totals[scenario], 4);
    },
  );

  test.each(['min', 'expected', 'max'] as const)(
    'every priced row at %s: ListCost = ListUnitPrice × PricingQuantity, with the price that scenario uses',
    (scenario) => {
      const priced = byScenario[scenario].filter((r) => r.ListCost !== '');
      expect(priced.length).toBeGreaterThan(50);
      for (const r of priced) {
        expect(r.ListUnitPrice, JSON.stringify(r)).not.toBe('');
        expect(Number(r.ListUnitPrice) * Number(r.PricingQuantity), JSON.stringify(r)).toBeCloseTo(
          Number(r.ListCost),
          4,
        );
      }
    },
  );

  test('FOCUS PricingCategory is the category of the price the row uses: spot training is Dynamic, its max on-demand Standard', () => {
    // GIVEN the prod spot compute environment (spot expected, max priced at on-demand)
    const spot = (scenario: string) =>
      byScenario[scenario].find(
        (r) =>
          r.x_StackName === 'MlPlatform-prod' &&
          r.x_LogicalId.startsWith('TrainingSpotComputeEnvironment') &&
          r.ChargeDescription.startsWith('Instance usage'),
      )!;
    // THEN
    expect(spot('expected').PricingCategory).toBe('Dynamic');
    expect(spot('max').PricingCategory).toBe('Standard');
    expect(Number(spot('max').ListUnitPrice)).toBeGreaterThan(Number(spot('expected').ListUnitPrice));
  });
});
