/**
 * The sections of the HTML report: totals, unpriced resources, comparisons, drivers, tags, usage,
 * every cost line, assumptions, free resources and the price catalog.
 */
import {
  allUnpriced,
  costAllocationTagKeys,
  dependsOnUsageText,
  groupByService,
  groupByTag,
  priceSources,
  resourceLabel,
  serviceInfo,
  topDrivers,
  usageDependentLines,
} from '../group';
import { formatQuantity, formatUnitPrice, formatUsd, unitLabel } from './numbers';
import type { CostLine, CostRange, CostReport, StackEstimate } from '../types';
import { esc, table, type Cell } from './html-page';

export function summarySection(report: CostReport): string {
  const figures = (['min', 'expected', 'max'] as const)
    .map(
      (k) =>
        `<div class="figure${k === 'expected' ? ' main' : ''}"><div class="label">${SCENARIO_LABEL[k]}</div>` +
        `<div class="value" data-total="${k}">${esc(formatUsd(report.totals[k]))}</div>` +
        `<div class="sub">${SCENARIO_HINT[k]}</div></div>`,
    )
    .join('');
  const cards = report.stacks.map((s) => stackCard(s)).join('\n');
  return (
    `<section aria-labelledby="summary-h"><h2 id="summary-h">Total per month, all stacks</h2>` +
    `<div class="figures" data-scope="all">${figures}</div>` +
    `<h2>Stacks side by side</h2><div class="stacks">${cards}</div></section>`
  );
}

function stackCard(s: StackEstimate): string {
  const regionNote = {
    environment: 'from the stack environment',
    option: 'from --region',
    default: 'default region',
  }[s.regionSource];
  const budget = s.budget
    ? `<p class="${s.budget.coversExpected ? 'ok' : 'bad'}">Budget ${esc(formatUsd(s.budget.amount))}: ` +
      `${s.budget.coversExpected ? 'covers the expected cost' : 'below the expected cost'}</p>`
    : '';
  const unpriced =
    s.unpriced.length > 0
      ? `<p class="bad"><strong>${s.unpriced.length} resource(s) not priced</strong>, not in these totals</p>`
      : '<p class="ok">Every resource with a cost is priced</p>';
  return (
    `<article class="stack" data-stack="${esc(s.stackName)}">` +
    `<h3>${esc(s.stackName)}</h3>` +
    `<p class="region">${esc(s.region)} <span class="muted">(${regionNote})</span></p>` +
    `<dl>` +
    (['min', 'expected', 'max'] as const)
      .map(
        (k) =>
          `<div class="${k === 'expected' ? 'main' : ''}"><dt>${SCENARIO_LABEL[k]}</dt><dd data-total="${k}">${esc(formatUsd(s.totals[k]))}</dd></div>`,
      )
      .join('') +
    `</dl>` +
    `<p class="muted">${s.lines.length} cost line(s) · ${s.free.length} free resource(s)</p>` +
    unpriced +
    budget +
    `</article>`
  );
}

export function unpricedSection(report: CostReport): string {
  const unpriced = allUnpriced(report);
  if (unpriced.length === 0) {
    return `<section class="box ok-box" aria-labelledby="unpriced-h"><h2 id="unpriced-h">Unpriced resources: none</h2><p>The catalog priced every resource that has a cost.</p></section>`;
  }
  return (
    `<section class="box warn" id="unpriced" aria-labelledby="unpriced-h">` +
    `<h2 id="unpriced-h">${unpriced.length} resource(s) not priced: their cost is NOT in the totals</h2>` +
    `<p>The price catalog has no price for these resources. The totals above leave them out; they are not $0.</p>` +
    table(
      'Resources the estimate could not price',
      ['Stack', 'Resource', 'Type', 'Reason'],
      unpriced.map((u) => [
        { text: u.stackName, cls: 'nowrap' },
        { text: resourceLabel(u), header: true },
        { text: u.resourceType, cls: 'type' },
        { text: u.reason },
      ]),
    ) +
    `</section>`
  );
}

export function comparisonSection(report: CostReport): string {
  const services = groupByService(report);
  const perStack = report.stacks.map(
    (s) => new Map(groupByService(report, s.stackName).map((g) => [g.key, g])),
  );
  const rows = services.map((g) => [
    { text: g.label, header: true },
    ...perStack.map((m) => ({
      text: m.has(g.key) ? formatUsd(m.get(g.key)!.monthly.expected) : '–',
      num: true,
    })),
    { text: formatUsd(g.monthly.expected), num: true },
    { text: serviceInfo(g.key).category },
  ]);
  const foot = [
    { text: 'Total (expected)', header: true },
    ...report.stacks.map((s) => ({ text: formatUsd(s.totals.expected), num: true })),
    { text: formatUsd(report.totals.expected), num: true },
    { text: '' },
  ];
  const range = [
    { text: 'Range (min – max)', header: true },
    ...report.stacks.map((s) => ({ text: rangeText(s.totals), num: true })),
    { text: rangeText(report.totals), num: true },
    { text: '' },
  ];
  return (
    `<section aria-labelledby="compare-h"><h2 id="compare-h">Stacks compared by service</h2>` +
    table(
      'Expected monthly cost by service and stack',
      ['Service', ...report.stacks.map((s) => s.stackName), 'All stacks', 'Category'],
      rows,
      [foot, range],
    ) +
    `</section>`
  );
}

export function driversSection(report: CostReport, count: number): string {
  const drivers = topDrivers(report, count);
  if (drivers.length === 0) return '';
  return (
    `<section aria-labelledby="drivers-h"><h2 id="drivers-h">Top ${drivers.length} cost drivers</h2>` +
    table(
      'The cost lines with the highest expected monthly cost',
      ['#', 'Stack', 'Resource', 'Component', 'Quantity', 'Expected', 'Min', 'Max'],
      drivers.map(({ stack, line }, i) => [
        { text: String(i + 1), num: true },
        { text: stack.stackName, cls: 'nowrap' },
        { text: resourceLabel(line), header: true },
        { text: line.component },
        { text: line.quantityFormula },
        { text: formatUsd(line.monthly.expected), num: true },
        { text: formatUsd(line.monthly.min), num: true },
        { text: formatUsd(line.monthly.max), num: true },
      ]),
    ) +
    `</section>`
  );
}

export function tagSections(report: CostReport): string {
  const keys = costAllocationTagKeys(report);
  if (keys.length === 0) return '';
  const tables = keys
    .map((key) =>
      table(
        `Monthly cost by cost-allocation tag "${key}"`,
        [key, 'Lines', 'Expected', 'Min', 'Max'],
        groupByTag(report, key).map((g) => [
          { text: g.label, header: true },
          { text: String(g.lineCount), num: true },
          { text: formatUsd(g.monthly.expected), num: true },
          { text: formatUsd(g.monthly.min), num: true },
          { text: formatUsd(g.monthly.max), num: true },
        ]),
      ),
    )
    .join('');
  return `<section aria-labelledby="tags-h"><h2 id="tags-h">By cost-allocation tag</h2><div class="side">${tables}</div></section>`;
}

export function usageSection(report: CostReport): string {
  const lines = usageDependentLines(report);
  if (lines.length === 0) return '';
  return (
    `<section aria-labelledby="usage-h"><h2 id="usage-h">Depends on usage (not in the totals)</h2>` +
    `<p>These charges depend on traffic or volume and no usage assumption was given for them. ` +
    `Add one (construct props or a usage file) to include them in the totals.</p>` +
    table(
      'Usage-based charges without usage assumptions',
      ['Stack', 'Resource', 'Component', 'Price'],
      lines.map(({ stack, line }) => [
        { text: stack.stackName, cls: 'nowrap' },
        { text: resourceLabel(line), header: true },
        { text: line.component },
        { text: dependsOnUsageText(line), cls: 'usage' },
      ]),
    ) +
    `</section>`
  );
}

export function stackDetailSection(s: StackEstimate, index: number): string {
  const id = `stack-${index}`;
  const rows = s.lines.map((l) => lineRow(l));
  const total = [
    { text: 'Stack total', header: true },
    { text: '' },
    { text: '' },
    { text: '' },
    { text: formatUsd(s.totals.min), num: true },
    { text: formatUsd(s.totals.expected), num: true },
    { text: formatUsd(s.totals.max), num: true },
    { text: '' },
  ];
  return (
    `<section class="lines" aria-labelledby="${id}"><h2 id="${id}">Stack ${esc(s.stackName)}: every cost line</h2>` +
    (s.lines.length === 0
      ? '<p>No cost lines.</p>'
      : table(
          `Cost lines of ${s.stackName} (${s.region}), USD per month`,
          ['Resource', 'Component', 'Quantity', 'Unit price', 'Min', 'Expected', 'Max', 'Usage from'],
          rows,
          [total],
        )) +
    `</section>`
  );
}

function lineRow(l: CostLine): Cell[] {
  const badges = [
    l.conditional ? '<span class="badge">conditional</span>' : '',
    l.pricingCategory !== 'Standard' ? `<span class="badge">${esc(l.pricingCategory)}</span>` : '',
  ].join('');
  const notes =
    l.notes && l.notes.length > 0 ? `<div class="notes">${l.notes.map(esc).join('<br>')}</div>` : '';
  const resource: Cell = {
    html: `${esc(l.logicalId)}${l.constructPath ? `<div class="path">${esc(l.constructPath)}</div>` : ''}`,
    header: true,
  };
  const component: Cell = { html: `${esc(l.component)} ${badges}${notes}` };
  const costs: Cell[] = l.inTotals
    ? [
        { text: formatUsd(l.monthly.min), num: true },
        { text: formatUsd(l.monthly.expected), num: true },
        { text: formatUsd(l.monthly.max), num: true },
      ]
    : [{ text: dependsOnUsageText(l), cls: 'usage', colspan: 3 }];
  return [
    resource,
    component,
    { text: l.quantityFormula },
    { text: `${formatUnitPrice(l.unitPrice)} / ${unitLabel(l.unit)}`, num: true, cls: 'price' },
    ...costs,
    { text: l.usageSource },
  ];
}

export function assumptionsSection(report: CostReport): string {
  const rows = report.stacks.flatMap((s) =>
    s.assumptions.map((a) => [
      { text: s.stackName, cls: 'nowrap' },
      { text: a.logicalId, header: true },
      { text: a.key },
      { text: formatQuantity(a.value), num: true },
      { text: a.source },
      { text: a.origin ?? '' },
    ]),
  );
  return (
    `<section aria-labelledby="assumptions-h"><h2 id="assumptions-h">Usage assumptions</h2>` +
    (rows.length === 0
      ? '<p>No usage assumptions: every figure comes from the templates.</p>'
      : table(
          'Every usage number used by the estimate and where it came from',
          ['Stack', 'Resource', 'Usage', 'Value', 'Source', 'Set by'],
          rows,
        )) +
    `</section>`
  );
}

export function freeSection(report: CostReport): string {
  const rows = report.stacks
    .filter((s) => s.free.length > 0)
    .map((s) => {
      const counts = new Map<string, number>();
      for (const f of s.free) counts.set(f.resourceType, (counts.get(f.resourceType) ?? 0) + 1);
      return [
        { text: s.stackName, header: true },
        { text: String(s.free.length), num: true },
        {
          text: [...counts.entries()]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([t, n]) => `${t} × ${n}`)
            .join(', '),
        },
      ];
    });
  if (rows.length === 0) return '';
  return (
    `<section aria-labelledby="free-h"><h2 id="free-h">Free resources</h2>` +
    table('Resources that cost nothing by themselves, by type', ['Stack', 'Count', 'Types'], rows) +
    `</section>`
  );
}

export function catalogSection(report: CostReport): string {
  const sources = priceSources(report);
  return (
    `<section aria-labelledby="catalog-h"><h2 id="catalog-h">Price catalog and sources</h2>` +
    `<p>Catalog ${esc(report.catalog.version)}, captured ${esc(report.catalog.capturedAt)}, regions ${esc(report.catalog.regions.join(', '))}. ` +
    `Prices are read from the bundled catalog: nothing was fetched to make this report.</p>` +
    (sources.length === 0
      ? ''
      : table(
          'Where the prices in this report come from',
          ['Source', 'Lines', 'Captured'],
          sources.map((p) => [
            { text: p.source, header: true },
            { text: String(p.lineCount), num: true },
            { text: p.capturedAt.join(', ') },
          ]),
        )) +
    methodNote() +
    `</section>`
  );
}

export function methodNote(): string {
  return (
    `<p class="muted">List prices in USD before tax, credits, free tier and discounts (Savings Plans, reserved capacity); ` +
    `a month is 730 hours. Min is the idle floor (autoscaling minimums, scale to zero), expected follows the usage assumptions, ` +
    `max is the exposure at configured maxima priced on-demand. This is an estimate made before deployment, not a bill.</p>`
  );
}

function rangeText(r: CostRange): string {
  return `${formatUsd(r.min)} – ${formatUsd(r.max)}`;
}

export const SCENARIO_LABEL = { min: 'Min', expected: 'Expected', max: 'Max' } as const;
const SCENARIO_HINT = {
  min: 'idle floor: autoscaling minimums, scale to zero',
  expected: 'from the usage assumptions',
  max: 'at configured maxima, on-demand',
} as const;
