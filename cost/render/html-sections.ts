/**
 * The sections of the HTML report. Screen and print read the same page: the summary a reviewer
 * signs off (totals, stacks with budgets, unpriced, charts, services, top drivers, usage-based
 * charges ranked by size, assumptions, sources) prints in a few A4 pages; the full line lists
 * and free resources are collapsed on screen and left out of print (the CSV and JSON have them).
 * Resources are named by construct path, with the logical id as secondary text.
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
import { commitmentSentences, OPTION_COLUMNS, optionRows, savingsSentence } from './commitments';
import type { CostLine, CostRange, CostReport, StackEstimate } from '../types';
import { budgetExpectedText, budgetMaxText, checkBudget } from './budget';
import { esc, table, type Cell } from './html-page';
import { formatQuantity, formatTimestamp, formatUnitPrice, formatUsd, unitLabel } from './numbers';
import { plainQuantity, rankUsageLines, referenceText } from './plain';

/** Usage-based lines shown before the rest are collapsed. */
const USAGE_SHOWN = 8;

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
  let budget = '<p class="muted">No budget in this stack.</p>';
  if (s.budget) {
    const b = checkBudget(s.budget.amount, s.totals);
    budget =
      `<div class="budget" data-budget>` +
      `<p><strong>Budget ${esc(formatUsd(s.budget.amount))}</strong> a month</p>` +
      `<p class="${b.coversExpected ? 'ok' : 'bad'}">${b.coversExpected ? '✓' : '✗'} ${esc(budgetExpectedText(b, s.totals))}</p>` +
      `<p class="${b.coversMax ? 'ok' : 'warn-text'}">${b.coversMax ? '✓' : '!'} ${esc(budgetMaxText(b, s.totals))}</p>` +
      `</div>`;
  }
  const resources = s.lines.length === 0 ? 0 : new Set(s.lines.map((l) => l.logicalId)).size;
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
    budget +
    `<p class="muted">${resources} priced resource(s), ${s.lines.length} cost line(s) · ${s.free.length} free resource(s)</p>` +
    unpriced +
    `</article>`
  );
}

export function unpricedSection(report: CostReport): string {
  const unpriced = allUnpriced(report);
  if (unpriced.length === 0) {
    return `<section class="box ok-box" aria-labelledby="unpriced-h"><h2 id="unpriced-h">Unpriced resources: none</h2><p>The catalog priced every resource that has a cost.</p></section>`;
  }
  // The engine's coverage when the report has it; otherwise counted here (a resource may have
  // lines and an unpriced part, so this count is an upper bound).
  const counted = report.stacks.reduce(
    (n, s) =>
      n +
      (s.coverage?.resources ??
        s.unpriced.length + s.free.length + new Set(s.lines.map((l) => l.logicalId)).size),
    0,
  );
  return (
    `<section class="box warn" id="unpriced" aria-labelledby="unpriced-h">` +
    `<h2 id="unpriced-h">${unpriced.length} resource(s) not priced: their cost is NOT in the totals</h2>` +
    `<p>${unpriced.length} of ${counted} resources (${Math.round((unpriced.length / Math.max(1, counted)) * 100)}%) have no price in the catalog. ` +
    `The totals leave them out; they are not $0. The reason says what price is missing.</p>` +
    table(
      'Resources the estimate could not price',
      ['Stack', 'Resource', 'Type', 'Reason'],
      unpriced.map((u) => [
        { text: u.stackName, cls: 'nowrap' },
        resourceCell(u, u.stackName),
        { text: u.resourceType, cls: 'type' },
        {
          html:
            esc(u.reason) +
            (u.pricedBy ? `<div class="notes">Priced by: <code>${esc(u.pricedBy)}</code></div>` : ''),
        },
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
    ...perStack.map((m) => {
      const inStack = m.get(g.key);
      return { text: !inStack ? '–' : serviceFigure(inStack.monthly.expected, inStack.lineCount), num: true };
    }),
    { text: serviceFigure(g.monthly.expected, g.lineCount), num: true },
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
      'Expected monthly cost by service and stack ("usage only": every line of the service depends on usage)',
      ['Service', ...report.stacks.map((s) => s.stackName), 'All stacks', 'Category'],
      rows,
      [foot, range],
    ) +
    `</section>`
  );
}

/** A service whose lines all wait for usage assumptions is not "$0.00": it is unknown. */
function serviceFigure(expected: number, lineCount: number): string {
  return expected === 0 && lineCount > 0 ? 'usage only' : formatUsd(expected);
}

export function driversSection(report: CostReport, count: number): string {
  const drivers = topDrivers(report, count);
  if (drivers.length === 0) return '';
  return (
    `<section aria-labelledby="drivers-h"><h2 id="drivers-h">Top ${drivers.length} cost drivers</h2>` +
    table(
      'The cost lines with the highest expected monthly cost',
      ['#', 'Stack', 'Resource', 'Charge', 'Quantity', 'Min', 'Expected', 'Max'],
      drivers.map(({ stack, line }, i) => [
        { text: String(i + 1), num: true },
        { text: stack.stackName, cls: 'nowrap' },
        resourceCell(line, stack.stackName),
        { text: line.component },
        { html: `<span title="${esc(line.quantityFormula)}">${esc(plainQuantity(line))}</span>` },
        ...rangeCells(line.monthly),
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
        [key, 'Lines', 'Min', 'Expected', 'Max'],
        groupByTag(report, key).map((g) => [
          { text: g.label, header: true },
          { text: String(g.lineCount), num: true },
          ...rangeCells(g.monthly),
        ]),
      ),
    )
    .join('');
  return `<section aria-labelledby="tags-h"><h2 id="tags-h">By cost-allocation tag</h2><div class="side">${tables}</div></section>`;
}

export function usageSection(report: CostReport): string {
  const ranked = rankUsageLines(usageDependentLines(report));
  if (ranked.length === 0) return '';
  const rows = (items: typeof ranked, offset: number): Cell[][] =>
    items.map((l, i) => [
      { text: String(offset + i + 1), num: true },
      { text: l.stack.stackName, cls: 'nowrap' },
      resourceCell(l.line, l.stack.stackName),
      { text: l.line.component },
      { text: `${formatUnitPrice(l.line.unitPrice)} per ${unitLabel(l.line.unit)}`, num: true, cls: 'price' },
      { text: referenceText(l), num: true, cls: 'price' },
    ]);
  const headers = ['#', 'Stack', 'Resource', 'Charge', 'Price', 'Size at a reference volume'];
  const shown = ranked.slice(0, USAGE_SHOWN);
  const tail = ranked.slice(USAGE_SHOWN);
  return (
    `<section aria-labelledby="usage-h"><h2 id="usage-h">Depends on usage: ${ranked.length} charge(s) not in the totals</h2>` +
    `<p>No usage assumption was given for these charges, so they are left out of the totals. They are ranked by what ` +
    `they would cost at a reference volume (illustrative, not an estimate). Give an assumption (construct props or a usage file) ` +
    `for the large ones to include them.</p>` +
    table('Usage-based charges without assumptions, largest first', headers, rows(shown, 0)) +
    (tail.length === 0
      ? ''
      : `<details class="tail screen-only"><summary>${tail.length} smaller usage-based charge(s)</summary>` +
        table('Smaller usage-based charges without assumptions', headers, rows(tail, shown.length)) +
        `</details><p class="print-only muted">${tail.length} smaller usage-based charge(s) are listed in the CSV and JSON reports.</p>`) +
    `</section>`
  );
}

export function stackDetailSection(s: StackEstimate, index: number): string {
  const id = `stack-${index}`;
  const rows = s.lines.map((l) => lineRow(l, s.stackName));
  const total = [
    { text: 'Stack total', header: true },
    { text: '' },
    { text: '' },
    { text: '' },
    ...rangeCells(s.totals),
    { text: '' },
  ];
  return (
    `<section class="lines screen-only" aria-labelledby="${id}">` +
    `<details><summary><h2 id="${id}">Stack ${esc(s.stackName)}: all ${s.lines.length} cost line(s)</h2></summary>` +
    (s.lines.length === 0
      ? '<p>No cost lines.</p>'
      : table(
          `Cost lines of ${s.stackName} (${s.region}), USD per month`,
          ['Resource', 'Charge', 'Quantity', 'Unit price', 'Min', 'Expected', 'Max', 'Usage from'],
          rows,
          [total],
        )) +
    `</details></section>`
  );
}

function lineRow(l: CostLine, stackName: string): Cell[] {
  const badges = [
    l.conditional ? '<span class="badge">conditional</span>' : '',
    l.pricingCategory !== 'Standard' ? `<span class="badge">${esc(l.pricingCategory)}</span>` : '',
  ].join('');
  const notes =
    l.notes && l.notes.length > 0 ? `<div class="notes">${l.notes.map(esc).join('<br>')}</div>` : '';
  const component: Cell = { html: `${esc(l.component)} ${badges}${notes}` };
  const costs: Cell[] = l.inTotals
    ? rangeCells(l.monthly)
    : [{ text: dependsOnUsageText(l), cls: 'usage', colspan: 3 }];
  return [
    resourceCell(l, stackName),
    component,
    {
      html: `${esc(plainQuantity(l))}${l.inTotals && plainQuantity(l) !== l.quantityFormula ? `<div class="notes">${esc(l.quantityFormula)}</div>` : ''}`,
    },
    { text: `${formatUnitPrice(l.unitPrice)} / ${unitLabel(l.unit)}`, num: true, cls: 'price' },
    ...costs,
    { text: l.usageSource },
  ];
}

export function assumptionsSection(report: CostReport): string {
  const rows = report.stacks.flatMap((s) =>
    s.assumptions.map((a) => {
      const lines = s.lines.filter((l) => l.logicalId === a.logicalId);
      const clamped = lines.flatMap((l) => l.notes ?? []).find((n) => n.startsWith(`${a.key} `));
      const path = lines.find((l) => l.constructPath)?.constructPath;
      return [
        { text: s.stackName, cls: 'nowrap' },
        resourceCell({ logicalId: a.logicalId, constructPath: path }, s.stackName),
        { text: a.key },
        { text: formatQuantity(a.value), num: true },
        clamped ? { text: clamped, cls: 'warn-text' } : { text: 'as given' },
        { text: a.source },
        { text: a.origin ?? '' },
      ];
    }),
  );
  return (
    `<section aria-labelledby="assumptions-h"><h2 id="assumptions-h">Usage assumptions</h2>` +
    (rows.length === 0
      ? '<p>No usage assumptions: every figure comes from the templates.</p>'
      : table(
          'Every usage number used by the estimate, how it was applied and where it came from',
          ['Stack', 'Resource', 'Usage', 'Value', 'Applied', 'Source', 'Set by'],
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
    `<section class="screen-only" aria-labelledby="free-h"><details><summary><h2 id="free-h">Free resources</h2></summary>` +
    table('Resources that cost nothing by themselves, by type', ['Stack', 'Count', 'Types'], rows) +
    `</details></section>`
  );
}

export function catalogSection(report: CostReport): string {
  const sources = priceSources(report);
  const described = report.catalog.sources ?? {};
  return (
    `<section aria-labelledby="catalog-h"><h2 id="catalog-h">Price catalog and sources</h2>` +
    `<p>Catalog ${esc(report.catalog.version)}, captured ${esc(formatTimestamp(report.catalog.capturedAt))}, ` +
    `${report.catalog.regions.length} regions. Prices are read from the bundled catalog: nothing was fetched to make this report.</p>` +
    (sources.length === 0
      ? ''
      : table(
          'Where the prices in this report come from',
          ['Source', 'What it is', 'Lines', 'Captured'],
          sources.map((p) => {
            const d = described[p.source];
            return [
              {
                html: d?.url
                  ? `<a href="${esc(d.url)}" data-source="${esc(p.source)}">${esc(p.source)}</a>`
                  : `<span data-source="${esc(p.source)}">${esc(p.source)}</span>`,
                header: true,
              },
              { text: d?.description ?? 'not described in the catalog', cls: 'desc' },
              { text: String(p.lineCount), num: true },
              { text: p.capturedAt.map(formatTimestamp).join(', '), cls: 'nowrap' },
            ];
          }),
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

/** The one naming scheme: construct path (relative to the stack), logical id as secondary text. */
export function resourceCell(r: { logicalId: string; constructPath?: string }, stackName: string): Cell {
  const label = resourceLabel(r, stackName);
  return {
    // <wbr> after each `/` lets a long path wrap between its parts, never inside a name.
    html:
      `<span title="${esc(r.constructPath ?? r.logicalId)}">${esc(label).replace(/\//g, '/<wbr>')}</span>` +
      (label !== r.logicalId ? `<span class="id">${esc(r.logicalId)}</span>` : ''),
    header: true,
    cls: 'res',
  };
}

/** Min, Expected, Max: the one column order of every table. */
export function rangeCells(r: CostRange): Cell[] {
  return [
    { text: formatUsd(r.min), num: true },
    { text: formatUsd(r.expected), num: true, cls: 'exp' },
    { text: formatUsd(r.max), num: true },
  ];
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

/** Commitments applied, savings potential and each compute line's cheapest sourced option. */
export function commitmentsSection(report: CostReport): string {
  const sentences = commitmentSentences(report);
  const savings = savingsSentence(report);
  const rows = optionRows(report);
  if (sentences.length === 0 && savings === undefined) return '';
  return (
    `<section aria-labelledby="options-h"><h2 id="options-h">Pricing options and commitments</h2>` +
    (sentences.length > 0
      ? `<p>${esc(sentences[0])}</p>` +
        (sentences.length > 1
          ? `<ul>${sentences
              .slice(1)
              .map((t) => `<li>${esc(t.trim())}</li>`)
              .join('')}</ul>`
          : '')
      : '') +
    (savings !== undefined ? `<p>${esc(savings)}</p>` : '') +
    (rows.length === 0
      ? ''
      : table(
          'Cheapest sourced option per compute line',
          OPTION_COLUMNS.slice(0, -1),
          rows.map((r) => [
            { text: r.stackName },
            { text: r.logicalId, header: true },
            { text: r.component, cls: 'desc' },
            { text: r.expected, num: true },
            { text: r.cheapest },
            { text: r.saving, num: true },
            { text: r.breakEven },
          ]),
        )) +
    `</section>`
  );
}
