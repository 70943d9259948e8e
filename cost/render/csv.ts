/**
 * FOCUS-aligned estimate as CSV: FinOps Open Cost and Usage Specification 1.2 column names, so
 * finance teams can load the estimate next to their bills, plus `x_` columns for the estimate's
 * own fields. Not a conformant FOCUS dataset: nothing is deployed yet, so there is no ResourceId,
 * billing account or billed cost; ListCost is the list-price estimate for one month.
 *
 * One row per cost line per scenario (min / expected / max), and one row per unpriced resource
 * per scenario with an empty ListCost (unknown is not $0). Usage-based lines without usage
 * assumptions have an empty ListCost and PricingQuantity but carry their ListUnitPrice.
 */
import { stringify } from 'csv-stringify/sync';
import { CostInputError } from '../errors';
import { dependsOnUsageText, resourceLabel, serviceInfo } from '../group';
import type { CostLine, CostReport, StackEstimate, UnpricedResource } from '../types';

/** The header, in order: FOCUS 1.2 columns, then the estimate's `x_` columns. */
export const CSV_COLUMNS = [
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
  'x_Scenario',
  'x_UsageSource',
  'x_LogicalId',
  'x_ConstructPath',
  'x_StackName',
  'x_PriceSource',
  'x_CatalogDate',
  'x_ServiceCode',
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];
export type Scenario = 'min' | 'expected' | 'max';
export const SCENARIOS: readonly Scenario[] = ['min', 'expected', 'max'];

/** Renders the report as a FOCUS-aligned CSV (header row, LF line ends, RFC 4180 quoting). */
export function renderCsv(report: CostReport): string {
  const period = chargePeriod(report.generatedAt);
  const rows: Record<CsvColumn, string>[] = [];
  for (const stack of report.stacks) {
    for (const line of stack.lines) {
      for (const scenario of SCENARIOS) rows.push(lineRow(report, stack, line, scenario, period));
    }
    for (const u of stack.unpriced) {
      for (const scenario of SCENARIOS) rows.push(unpricedRow(report, stack, u, scenario, period));
    }
  }
  return stringify(
    rows.map((r) => CSV_COLUMNS.map((c) => r[c])),
    { header: true, columns: [...CSV_COLUMNS], record_delimiter: 'unix' },
  );
}

/**
 * The month the estimate is for: from the first day of the month after `generatedAt`, 00:00 UTC,
 * to the first day of the month after that (FOCUS periods are start-inclusive, end-exclusive).
 */
export function chargePeriod(generatedAt: string): { start: string; end: string } {
  const t = new Date(generatedAt);
  if (!ISO_DATE.test(generatedAt) || Number.isNaN(t.getTime())) {
    throw new CostInputError(
      `report generatedAt must be an ISO-8601 date-time; got ${JSON.stringify(generatedAt)}`,
    );
  }
  const start = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1));
  const end = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 2, 1));
  return { start: focusDateTime(start), end: focusDateTime(end) };
}

function lineRow(
  report: CostReport,
  stack: StackEstimate,
  line: CostLine,
  scenario: Scenario,
  period: { start: string; end: string },
): Record<CsvColumn, string> {
  const service = serviceInfo(line.service);
  const cost = line.inTotals ? line.monthly[scenario] : undefined;
  const quantity = line.inTotals ? scenarioQuantity(line, scenario) : undefined;
  // The unit price is known per scenario only where the quantity is (the report carries the
  // expected scenario's quantity and unit price; max may use another price, e.g. on-demand for spot).
  const unitPrice = !line.inTotals || quantity !== undefined ? line.unitPrice : undefined;
  const description = [
    line.component,
    line.inTotals ? '' : `: ${dependsOnUsageText(line)} (not in totals)`,
    line.conditional ? ' [conditional resource]' : '',
  ].join('');
  return {
    ListCost: num(cost),
    ListUnitPrice: num(unitPrice),
    PricingQuantity: num(quantity),
    PricingUnit: line.unit,
    PricingCategory: line.pricingCategory,
    ChargeCategory: 'Usage',
    ChargeFrequency: line.usageBased ? 'Usage-Based' : 'Recurring',
    ChargeDescription: text(description),
    ServiceName: service.name,
    ServiceCategory: service.category,
    RegionId: stack.region,
    ResourceName: text(resourceLabel(line)),
    ResourceType: line.resourceType,
    SkuMeter: text(line.usageType ?? ''),
    BillingCurrency: report.currency,
    ChargePeriodStart: period.start,
    ChargePeriodEnd: period.end,
    Tags: JSON.stringify(sortedTags(line.tags)),
    x_Scenario: scenario,
    x_UsageSource: line.usageSource,
    x_LogicalId: text(line.logicalId),
    x_ConstructPath: text(line.constructPath ?? ''),
    x_StackName: text(stack.stackName),
    x_PriceSource: text(line.priceSource),
    x_CatalogDate: report.catalog.capturedAt,
    x_ServiceCode: line.service,
  };
}

function unpricedRow(
  report: CostReport,
  stack: StackEstimate,
  u: UnpricedResource,
  scenario: Scenario,
  period: { start: string; end: string },
): Record<CsvColumn, string> {
  return {
    ListCost: '',
    ListUnitPrice: '',
    PricingQuantity: '',
    PricingUnit: '',
    PricingCategory: '',
    ChargeCategory: 'Usage',
    ChargeFrequency: 'Recurring',
    ChargeDescription: text(`Not priced: ${u.reason}`),
    ServiceName: '',
    ServiceCategory: 'Other',
    RegionId: stack.region,
    ResourceName: text(resourceLabel(u)),
    ResourceType: u.resourceType,
    SkuMeter: '',
    BillingCurrency: report.currency,
    ChargePeriodStart: period.start,
    ChargePeriodEnd: period.end,
    Tags: '{}',
    x_Scenario: scenario,
    x_UsageSource: 'none',
    x_LogicalId: text(u.logicalId),
    x_ConstructPath: text(u.constructPath ?? ''),
    x_StackName: text(stack.stackName),
    x_PriceSource: '',
    x_CatalogDate: report.catalog.capturedAt,
    x_ServiceCode: '',
  };
}

/** The scenario's quantity where the report determines it: expected, equal cost, or zero cost. */
function scenarioQuantity(line: CostLine, scenario: Scenario): number | undefined {
  if (scenario === 'expected' || line.monthly[scenario] === line.monthly.expected) return line.quantity;
  if (line.monthly[scenario] === 0) return 0;
  return undefined;
}

function sortedTags(tags: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(tags ?? {}).sort()) out[k] = tags![k];
  return out;
}

/** Plain decimal (no exponent), full precision, `''` for unknown. */
function num(v: number | undefined): string {
  if (v === undefined) return '';
  if (v !== 0 && Math.abs(v) < 1e-6) return v.toFixed(20).replace(/0+$/, '');
  return String(v);
}

/**
 * Text from templates (construct paths, tags, reasons) may start with characters that spreadsheet
 * programs run as formulas; prefix those with an apostrophe (OWASP CSV injection guidance).
 */
function text(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

function focusDateTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
