/**
 * The HTML report finance reviewers open from disk or an e-mail: one self-contained file with
 * inline CSS and inline SVG charts, no scripts, no external styles, fonts or images (a Content
 * Security Policy in the page forbids loading any). Every text from the report is HTML-escaped.
 * Tables have captions and header scopes; charts have a title, a description and a table twin.
 */
import { formatLabelChanges, summarizeDiff, type CostDiff } from '../diff';
import {
  allUnpriced,
  costAllocationTagKeys,
  dependsOnUsageText,
  formatQuantity,
  formatUnitPrice,
  formatUsd,
  formatUsdDelta,
  groupByService,
  groupByStack,
  groupByTag,
  priceSources,
  resourceLabel,
  serviceInfo,
  topDrivers,
  unitLabel,
  usageDependentLines,
  type CostGroup,
} from '../group';
import type { CostLine, CostRange, CostReport, StackEstimate } from '../types';

export interface HtmlOptions {
  /** Page title and heading. @default 'Cloud cost estimate' */
  readonly title?: string;
  /** Number of rows in the top cost drivers table. @default 10 */
  readonly topDrivers?: number;
}

/** Renders a cost report as one self-contained HTML page. */
export function renderHtml(report: CostReport, options: HtmlOptions = {}): string {
  const title = options.title ?? 'Cloud cost estimate';
  const services = groupByService(report);
  const colors = serviceColors(services);
  const body = [
    `<header>`,
    `<h1>${esc(title)}</h1>`,
    `<p class="meta">Monthly list prices in USD, estimated before deployment · generated ${esc(report.generatedAt)} · ` +
      `price catalog ${esc(report.catalog.version)} captured <span data-catalog-date>${esc(report.catalog.capturedAt)}</span></p>`,
    `</header>`,
    `<main>`,
    summarySection(report),
    unpricedSection(report),
    chartsSection(report, services, colors),
    comparisonSection(report),
    driversSection(report, options.topDrivers ?? 10),
    tagSections(report),
    usageSection(report),
    ...report.stacks.map((s, i) => stackDetailSection(s, i)),
    assumptionsSection(report),
    freeSection(report),
    catalogSection(report),
    `</main>`,
  ].join('\n');
  return page(`${title}: ${formatUsd(report.totals.expected)} per month expected`, body);
}

/** Renders a diff (base → head) as one self-contained HTML page. */
export function renderDiffHtml(diff: CostDiff, options: Pick<HtmlOptions, 'title'> = {}): string {
  const title = options.title ?? 'Cloud cost change';
  const t = diff.totals;
  const figures = (['min', 'expected', 'max'] as const)
    .map(
      (k) =>
        `<div class="figure${k === 'expected' ? ' main' : ''}"><div class="label">${SCENARIO_LABEL[k]}</div>` +
        `<div class="value" data-delta="${k}">${esc(formatUsdDelta(t.delta[k]))}</div>` +
        `<div class="sub">${esc(formatUsd(t.before[k]))} → ${esc(formatUsd(t.after[k]))}</div></div>`,
    )
    .join('');
  const stacks = table(
    'Expected monthly cost per stack, before and after',
    ['Stack', 'Status', 'Before', 'After', 'Change', 'After: min', 'After: max'],
    diff.stacks.map((s) => [
      { text: s.stackName, header: true },
      { text: s.kind },
      { text: s.before ? formatUsd(s.before.expected) : '–', num: true },
      { text: s.after ? formatUsd(s.after.expected) : '–', num: true },
      { text: formatUsdDelta(s.delta.expected), num: true, cls: deltaClass(s.delta.expected) },
      { text: s.after ? formatUsd(s.after.min) : '–', num: true },
      { text: s.after ? formatUsd(s.after.max) : '–', num: true },
    ]),
  );
  const resources =
    diff.resources.length === 0
      ? '<p>No resource cost changes.</p>'
      : table(
          'Resources added, removed or changed, largest change first (expected monthly cost)',
          ['Status', 'Stack', 'Resource', 'Type', 'Before', 'After', 'Change'],
          diff.resources.map((r) => [
            { text: r.kind },
            { text: r.stackName, cls: 'nowrap' },
            { text: [resourceLabel(r), formatLabelChanges(r)].filter(Boolean).join(' '), header: true },
            { text: r.resourceType, cls: 'type' },
            { text: formatUsd(r.before.expected), num: true },
            { text: formatUsd(r.after.expected), num: true },
            { text: formatUsdDelta(r.delta.expected), num: true, cls: deltaClass(r.delta.expected) },
          ]),
        );
  const unpriced =
    diff.unpriced.added.length === 0
      ? ''
      : `<section class="box warn" aria-labelledby="new-unpriced"><h2 id="new-unpriced">New resources not priced (${diff.unpriced.added.length})</h2>` +
        `<p>They are not in the totals; their cost is unknown.</p>` +
        table(
          'Unpriced resources new in this change',
          ['Stack', 'Resource', 'Type', 'Reason'],
          diff.unpriced.added.map((u) => [
            { text: u.stackName, cls: 'nowrap' },
            { text: resourceLabel(u), header: true },
            { text: u.resourceType, cls: 'type' },
            { text: u.reason },
          ]),
        ) +
        `</section>`;
  const body = [
    `<header><h1>${esc(title)}</h1><p class="meta">${esc(summarizeDiff(diff))}</p></header>`,
    `<main>`,
    `<section aria-labelledby="totals-h"><h2 id="totals-h">Change in monthly cost</h2><div class="figures">${figures}</div></section>`,
    unpriced,
    `<section aria-labelledby="stacks-h"><h2 id="stacks-h">Stacks</h2>${stacks}</section>`,
    `<section aria-labelledby="resources-h"><h2 id="resources-h">Resources</h2>${resources}</section>`,
    `<section aria-labelledby="catalog-h"><h2 id="catalog-h">Catalogs</h2><p>Base: catalog ${esc(diff.base.catalog.version)} captured ${esc(diff.base.catalog.capturedAt)}, report generated ${esc(diff.base.generatedAt)}. ` +
      `Head: catalog ${esc(diff.head.catalog.version)} captured ${esc(diff.head.catalog.capturedAt)}, report generated ${esc(diff.head.generatedAt)}.</p>${methodNote()}</section>`,
    `</main>`,
  ].join('\n');
  return page(`${title}: ${formatUsdDelta(t.delta.expected)} per month expected`, body);
}

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function summarySection(report: CostReport): string {
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

function unpricedSection(report: CostReport): string {
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

function chartsSection(
  report: CostReport,
  services: readonly CostGroup[],
  colors: ReadonlyMap<string, string>,
): string {
  return (
    `<section aria-labelledby="charts-h"><h2 id="charts-h">Where the money goes</h2><div class="charts">` +
    `<figure>${serviceChart(services, colors)}<figcaption>Expected monthly cost by service, all stacks. The same figures are in the table "Expected monthly cost by service and stack".</figcaption></figure>` +
    `<figure>${stackChart(report, colors)}<figcaption>Expected monthly cost by stack, split by service.</figcaption></figure>` +
    `<figure>${rangeChart(report)}<figcaption>Range per stack: the bar runs from the idle floor (min) to the exposure at configured maxima (max); the dot is the expected cost.</figcaption></figure>` +
    `</div></section>`
  );
}

function serviceChart(services: readonly CostGroup[], colors: ReadonlyMap<string, string>): string {
  const rows = chartServices(services);
  const maxValue = Math.max(0, ...rows.map((r) => r.monthly.expected));
  const height = PAD * 2 + rows.length * ROW;
  const bars = rows
    .map((r, i) => {
      const y = PAD + i * ROW;
      const w = scale(r.monthly.expected, maxValue, BAR_WIDTH);
      return (
        `<g><title>${esc(r.label)}: ${esc(formatUsd(r.monthly.expected))} per month expected</title>` +
        `<text x="${LABEL_WIDTH - 8}" y="${y + 17}" text-anchor="end">${esc(truncate(r.label, 30))}</text>` +
        `<rect x="${LABEL_WIDTH}" y="${y + 4}" width="${w}" height="${ROW - 8}" fill="${colors.get(r.key) ?? OTHER_COLOR}"/>` +
        `<text x="${LABEL_WIDTH + w + 6}" y="${y + 17}" class="v">${esc(formatUsd(r.monthly.expected))}</text></g>`
      );
    })
    .join('');
  return svg(
    'chart-service',
    'Expected monthly cost by service',
    `${rows.length} services, dearest first`,
    height,
    bars,
  );
}

function stackChart(report: CostReport, colors: ReadonlyMap<string, string>): string {
  const stacks = groupByStack(report);
  const maxValue = Math.max(0, ...stacks.map((s) => s.monthly.expected));
  const height = PAD * 2 + stacks.length * ROW + 8 + LEGEND_ROW * Math.ceil((colors.size + 1) / 2);
  const bars = stacks
    .map((s, i) => {
      const y = PAD + i * ROW;
      let x = LABEL_WIDTH;
      const segments = stackSegments(groupByService(report, s.key), colors)
        .map((g) => {
          const w = scale(g.monthly.expected, maxValue, BAR_WIDTH);
          const rect =
            `<rect x="${round1(x)}" y="${y + 4}" width="${w}" height="${ROW - 8}" fill="${colors.get(g.key) ?? OTHER_COLOR}">` +
            `<title>${esc(s.label)}, ${esc(g.label)}: ${esc(formatUsd(g.monthly.expected))}</title></rect>`;
          x += w;
          return rect;
        })
        .join('');
      return (
        `<g><text x="${LABEL_WIDTH - 8}" y="${y + 17}" text-anchor="end">${esc(truncate(s.label, 30))}</text>${segments}` +
        `<text x="${round1(x + 6)}" y="${y + 17}" class="v">${esc(formatUsd(s.monthly.expected))}</text></g>`
      );
    })
    .join('');
  const legendItems = [...colors.entries()].map(([key, color]) => ({ label: serviceInfo(key).name, color }));
  if (chartServices(groupByService(report)).some((g) => g.key === OTHER_KEY)) {
    legendItems.push({ label: 'Other services', color: OTHER_COLOR });
  }
  const legendTop = PAD + stacks.length * ROW + 8;
  const legend = legendItems
    .map((item, i) => {
      const x = 10 + (i % 2) * 270;
      const y = legendTop + Math.floor(i / 2) * LEGEND_ROW;
      return `<rect x="${x}" y="${y}" width="12" height="12" fill="${item.color}"/><text x="${x + 18}" y="${y + 11}" class="legend">${esc(truncate(item.label, 34))}</text>`;
    })
    .join('');
  return svg(
    'chart-stack',
    'Expected monthly cost by stack',
    `${stacks.length} stacks, split by service`,
    height,
    bars + legend,
  );
}

function rangeChart(report: CostReport): string {
  const stacks = groupByStack(report);
  const maxValue = Math.max(0, ...stacks.map((s) => s.monthly.max));
  const height = PAD * 2 + stacks.length * RANGE_ROW;
  const rows = stacks
    .map((s, i) => {
      const y = PAD + i * RANGE_ROW;
      const x0 = LABEL_WIDTH + scale(s.monthly.min, maxValue, BAR_WIDTH);
      const x1 = LABEL_WIDTH + scale(s.monthly.max, maxValue, BAR_WIDTH);
      const xe = LABEL_WIDTH + scale(s.monthly.expected, maxValue, BAR_WIDTH);
      return (
        `<g><title>${esc(s.label)}: min ${esc(formatUsd(s.monthly.min))}, expected ${esc(formatUsd(s.monthly.expected))}, max ${esc(formatUsd(s.monthly.max))}</title>` +
        `<text x="${LABEL_WIDTH - 8}" y="${y + 16}" text-anchor="end">${esc(truncate(s.label, 30))}</text>` +
        `<line x1="${LABEL_WIDTH}" x2="${LABEL_WIDTH + BAR_WIDTH}" y1="${y + 12}" y2="${y + 12}" class="axis"/>` +
        `<rect x="${round1(x0)}" y="${y + 6}" width="${round1(Math.max(2, x1 - x0))}" height="12" rx="3" class="range"/>` +
        `<circle cx="${round1(xe)}" cy="${y + 12}" r="6" class="expected"/>` +
        `<text x="${LABEL_WIDTH}" y="${y + 34}" class="small">min ${esc(formatUsd(s.monthly.min))} · expected ${esc(formatUsd(s.monthly.expected))} · max ${esc(formatUsd(s.monthly.max))}</text></g>`
      );
    })
    .join('');
  return svg('chart-range', 'Monthly cost range per stack', 'min, expected and max per stack', height, rows);
}

function comparisonSection(report: CostReport): string {
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

function driversSection(report: CostReport, count: number): string {
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

function tagSections(report: CostReport): string {
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

function usageSection(report: CostReport): string {
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

function stackDetailSection(s: StackEstimate, index: number): string {
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

function assumptionsSection(report: CostReport): string {
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

function freeSection(report: CostReport): string {
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

function catalogSection(report: CostReport): string {
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

function methodNote(): string {
  return (
    `<p class="muted">List prices in USD before tax, credits, free tier and discounts (Savings Plans, reserved capacity); ` +
    `a month is 730 hours. Min is the idle floor (autoscaling minimums, scale to zero), expected follows the usage assumptions, ` +
    `max is the exposure at configured maxima priced on-demand. This is an estimate made before deployment, not a bill.</p>`
  );
}

interface Cell {
  readonly text?: string;
  /** Pre-escaped HTML (built with `esc`). */
  readonly html?: string;
  readonly num?: boolean;
  readonly header?: boolean;
  readonly cls?: string;
  readonly colspan?: number;
}

function table(
  caption: string,
  headers: readonly string[],
  rows: readonly Cell[][],
  foot: readonly Cell[][] = [],
): string {
  const renderRow = (cells: readonly Cell[]): string =>
    '<tr>' +
    cells
      .map((c) => {
        const tag = c.header ? 'th' : 'td';
        const classes = [c.num ? 'num' : '', c.cls ?? ''].filter(Boolean).join(' ');
        const attrs =
          (c.header ? ' scope="row"' : '') +
          (classes ? ` class="${classes}"` : '') +
          (c.colspan ? ` colspan="${c.colspan}"` : '');
        return `<${tag}${attrs}>${c.html ?? esc(c.text ?? '')}</${tag}>`;
      })
      .join('') +
    '</tr>';
  return (
    `<div class="table-wrap"><table><caption>${esc(caption)}</caption>` +
    `<thead><tr>${headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map(renderRow).join('')}</tbody>` +
    (foot.length > 0 ? `<tfoot>${foot.map(renderRow).join('')}</tfoot>` : '') +
    `</table></div>`
  );
}

function svg(id: string, title: string, desc: string, height: number, content: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" height="${height}" ` +
    `role="img" aria-labelledby="${id}-t ${id}-d" class="chart">` +
    `<title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(desc)}</desc>${content}</svg>`
  );
}

/** The services drawn in charts: the dearest, then the rest summed as "Other services". */
function chartServices(services: readonly CostGroup[]): CostGroup[] {
  const priced = services.filter((g) => g.monthly.expected > 0 || g.monthly.max > 0);
  if (priced.length <= MAX_CHART_SERVICES) return priced;
  const head = priced.slice(0, MAX_CHART_SERVICES - 1);
  const rest = priced.slice(MAX_CHART_SERVICES - 1);
  const sum = (k: keyof CostRange): number => rest.reduce((acc, g) => acc + g.monthly[k], 0);
  return [
    ...head,
    {
      key: OTHER_KEY,
      label: `Other services (${rest.length})`,
      monthly: { min: sum('min'), expected: sum('expected'), max: sum('max') },
      lineCount: rest.reduce((acc, g) => acc + g.lineCount, 0),
    },
  ];
}

/** A stack's services as chart segments: charted services in their colour, the rest as one "Other services". */
function stackSegments(services: readonly CostGroup[], colors: ReadonlyMap<string, string>): CostGroup[] {
  const priced = services.filter((g) => g.monthly.expected > 0);
  const rest = priced.filter((g) => !colors.has(g.key));
  const segments = priced.filter((g) => colors.has(g.key));
  if (rest.length > 0) {
    const sum = (k: keyof CostRange): number => rest.reduce((acc, g) => acc + g.monthly[k], 0);
    segments.push({
      key: OTHER_KEY,
      label: 'Other services',
      monthly: { min: sum('min'), expected: sum('expected'), max: sum('max') },
      lineCount: rest.reduce((acc, g) => acc + g.lineCount, 0),
    });
  }
  return segments;
}

/** One colour per charted service, in order of cost, shared by the service and stack charts. */
function serviceColors(services: readonly CostGroup[]): Map<string, string> {
  const charted = chartServices(services).filter((g) => g.key !== OTHER_KEY);
  return new Map(charted.map((g, i) => [g.key, PALETTE[i % PALETTE.length]]));
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cdk-ml-cost">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function scale(value: number, max: number, width: number): number {
  return max <= 0 || value <= 0 ? 0 : round1((value / max) * width);
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function rangeText(r: CostRange): string {
  return `${formatUsd(r.min)} – ${formatUsd(r.max)}`;
}

function deltaClass(v: number): string {
  return Math.round(v * 100) > 0 ? 'up' : Math.round(v * 100) < 0 ? 'down' : '';
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const SCENARIO_LABEL = { min: 'Min', expected: 'Expected', max: 'Max' } as const;
const SCENARIO_HINT = {
  min: 'idle floor: autoscaling minimums, scale to zero',
  expected: 'from the usage assumptions',
  max: 'at configured maxima, on-demand',
} as const;

const CHART_WIDTH = 560;
const LABEL_WIDTH = 215;
const BAR_WIDTH = 245;
const ROW = 26;
const RANGE_ROW = 44;
const LEGEND_ROW = 20;
const PAD = 8;
const MAX_CHART_SERVICES = 8;
const OTHER_KEY = '\u0000other';
const OTHER_COLOR = '#9a9a9a';
// Colour-blind-safe categorical palette (Okabe & Ito), darkened yellow for contrast on white.
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#b8a300', '#5b5b9f'];

const CSS = `
:root{--fg:#1b1f24;--muted:#59636e;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--accent:#0b5cad;--bad:#a4000f;--ok:#1a7f37;--warnbg:#fff4e5;--warnline:#c24e00}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header,main{max-width:1180px;margin:0 auto;padding:0 24px}
header{padding-top:24px}
h1{font-size:1.7rem;margin:0 0 4px}
h2{font-size:1.2rem;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{margin:0 0 4px;font-size:1.1rem}
.meta,.muted{color:var(--muted)}
.figures{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:12px}
.figure{border:1px solid var(--line);border-radius:8px;padding:12px 16px;background:var(--soft)}
.figure .label{font-weight:600;color:var(--muted);text-transform:uppercase;font-size:.8rem;letter-spacing:.04em}
.figure .value{font-size:1.6rem;font-weight:700;font-variant-numeric:tabular-nums}
.figure.main{border-color:var(--accent);background:#eef5fc}
.figure.main .value{color:var(--accent);font-size:2rem}
.figure .sub{color:var(--muted);font-size:.85rem}
.stacks{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:12px}
.stack{border:1px solid var(--line);border-radius:8px;padding:14px 16px}
.stack dl{display:grid;grid-template-columns:repeat(3,1fr);gap:6px;margin:8px 0}
.stack dl div{background:var(--soft);border-radius:6px;padding:6px 8px}
.stack dl div.main{background:#eef5fc}
.stack dt{font-size:.75rem;color:var(--muted);text-transform:uppercase}
.stack dd{margin:0;font-weight:700;font-variant-numeric:tabular-nums}
.stack p{margin:4px 0}
.region{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9rem}
.ok{color:var(--ok)}.bad{color:var(--bad)}
.box{border-radius:8px;padding:4px 18px 12px;margin-top:20px}
.box h2{border:0;margin-top:12px}
.warn{background:var(--warnbg);border:2px solid var(--warnline)}
.warn h2{color:var(--bad)}
.ok-box{background:#eefbf1;border:1px solid #9bd3a8}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(540px,1fr));gap:16px}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:10px}
figcaption{color:var(--muted);font-size:.85rem;margin-top:6px}
svg.chart{display:block;max-width:100%;height:auto;font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
svg.chart text{fill:var(--fg)}
svg.chart text.v{font-weight:600;font-variant-numeric:tabular-nums}
svg.chart text.small,svg.chart text.legend{fill:var(--muted);font-size:11px}
svg.chart .axis{stroke:var(--line);stroke-width:1}
svg.chart .range{fill:#9cc3e6}
svg.chart .expected{fill:var(--accent);stroke:#fff;stroke-width:2}
.table-wrap{overflow-x:auto;margin:8px 0 16px}
table{border-collapse:collapse;width:100%;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:4px 0 6px;color:var(--muted)}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
thead th{background:var(--soft);border-bottom:2px solid var(--line);white-space:nowrap}
tbody th{font-weight:600}
tfoot th,tfoot td{font-weight:700;border-top:2px solid var(--line)}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.num.price{white-space:normal}
.nowrap{white-space:nowrap}
.lines table{font-size:.85rem}
.type,.path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8rem}
.path{color:var(--muted);font-weight:400;word-break:break-all}
.notes{color:var(--muted);font-size:.8rem}
.usage{font-style:italic;color:#6e4a00}
.badge{display:inline-block;font-size:.7rem;border:1px solid var(--warnline);color:var(--warnline);border-radius:10px;padding:0 6px;margin-left:4px}
.up{color:var(--bad);font-weight:700}.down{color:var(--ok);font-weight:700}
.side{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}
@media print{
  @page{size:A4 landscape;margin:12mm}
  body{font-size:10pt}
  header,main{max-width:none;padding:0}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  h2{break-after:avoid}
  .figure,.stack,figure,.box,tr{break-inside:avoid}
  thead{display:table-header-group}
  .table-wrap{overflow:visible}
  .charts{grid-template-columns:1fr 1fr}
}
`;
