/**
 * FOCUS-aligned estimate as CSV: FinOps Open Cost and Usage Specification 1.2 column names, so
 * finance teams can load the estimate next to their bills, plus `x_` columns for the estimate's
 * own fields. Not a conformant FOCUS dataset: nothing is deployed yet, so there is no ResourceId,
 * billing account or billed cost; ListCost is the list-price estimate for one month.
 *
 * By default one row per cost line at the expected scenario, so a plain SUM(ListCost) is the
 * expected monthly total; `scenario: 'min' | 'max'` gives that scenario's rows instead, `'all'`
 * all three stacked (then filter on x_Scenario before summing). Each row carries the quantity,
 * unit price and FOCUS PricingCategory of the price that scenario actually uses (a spot line's
 * max is priced on-demand: `Standard`). One row per unpriced resource with an empty ListCost
 * (unknown is not $0). Usage-based lines without usage assumptions have an empty ListCost and
 * PricingQuantity but carry their ListUnitPrice.
 */
import { stringify } from 'csv-stringify/sync';
import { CostInputError } from '../errors';
import { dependsOnUsageText, resourceLabel, serviceInfo } from '../group';
import type { CostLine, CostReport, StackEstimate, UnpricedResource } from '../types';
import { CSV_SCENARIOS, type CsvScenario } from './formats';

export { CSV_SCENARIOS, type CsvScenario } from './formats';

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
/** Columns holding plain decimals (never negative: the estimate refuses negative amounts). */
const NUMERIC_COLUMNS: ReadonlySet<CsvColumn> = new Set<CsvColumn>([
  'ListCost',
  'ListUnitPrice',
  'PricingQuantity',
]);
export type Scenario = 'min' | 'expected' | 'max';
export const SCENARIOS: readonly Scenario[] = ['min', 'expected', 'max'];

export interface CsvOptions {
  /** Which scenario's rows to write. @default 'expected' (a plain sum of ListCost is the expected total) */
  readonly scenario?: CsvScenario;
}

/** Renders the report as a FOCUS-aligned CSV (header row, LF line ends, RFC 4180 quoting). */
export function renderCsv(report: CostReport, options: CsvOptions = {}): string {
  const chosen = options.scenario ?? 'expected';
  if (!CSV_SCENARIOS.includes(chosen)) {
    throw new CostInputError(
      `--scenario must be one of ${CSV_SCENARIOS.join(', ')}; got ${JSON.stringify(chosen)}`,
    );
  }
  const scenarios = chosen === 'all' ? SCENARIOS : [chosen];
  const period = chargePeriod(report.generatedAt);
  const rows: Record<CsvColumn, string>[] = [];
  for (const scenario of scenarios) {
    for (const stack of report.stacks) {
      for (const line of stack.lines) rows.push(lineRow(report, stack, line, scenario, period));
      for (const u of stack.unpriced) rows.push(unpricedRow(report, stack, u, scenario, period));
    }
  }
  // Every text cell is guarded, whatever its column: a resource type or unit from a hostile
  // template reaches the sheet as much as a construct path does (issue 15: `=HYPERLINK(...)` as Type).
  return stringify(
    rows.map((r) => CSV_COLUMNS.map((c) => (NUMERIC_COLUMNS.has(c) ? r[c] : text(r[c])))),
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
  const charge = scenarioCharge(line, scenario);
  // ListCost is the list price: a line covered by `--commitments` is shown before them (its
  // scenario charge), so the column stays list cost; the JSON report holds the committed figures.
  const listOfCommitted =
    line.commitment && charge.quantity !== undefined && charge.unitPrice !== undefined
      ? Math.round(charge.quantity * charge.unitPrice * 1e6) / 1e6
      : undefined;
  const cost = line.inTotals ? (listOfCommitted ?? line.monthly[scenario]) : undefined;
  const description = [
    line.component,
    line.inTotals ? '' : `: ${dependsOnUsageText(line)} (not in totals)`,
    line.conditional ? ' [conditional resource]' : '',
  ].join('');
  return {
    ListCost: num(cost),
    ListUnitPrice: num(charge.unitPrice),
    PricingQuantity: num(charge.quantity),
    PricingUnit: line.unit,
    PricingCategory: charge.pricingCategory,
    ChargeCategory: 'Usage',
    ChargeFrequency: line.chargeFrequency ?? (line.usageBased ? 'Usage-Based' : 'Recurring'),
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

/**
 * The scenario's quantity, unit price and pricing category: from the line's `scenarios` when the
 * report has them; otherwise (older reports, merged condition branches) only where the line
 * determines them: the expected scenario, a scenario costing the same, or one costing nothing.
 */
function scenarioCharge(
  line: CostLine,
  scenario: Scenario,
): { quantity?: number; unitPrice?: number; pricingCategory: string } {
  if (!line.inTotals) return { unitPrice: line.unitPrice, pricingCategory: line.pricingCategory };
  const own = line.scenarios?.[scenario];
  if (own) return own;
  if (scenario === 'expected' || line.monthly[scenario] === line.monthly.expected)
    return { quantity: line.quantity, unitPrice: line.unitPrice, pricingCategory: line.pricingCategory };
  if (line.monthly[scenario] === 0)
    return { quantity: 0, unitPrice: line.unitPrice, pricingCategory: line.pricingCategory };
  // Another price was used (e.g. on-demand for a spot line's max) and the report does not say which.
  return { pricingCategory: '' };
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
