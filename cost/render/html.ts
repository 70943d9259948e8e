/**
 * The HTML report finance reviewers open from disk or an e-mail: one self-contained file with
 * inline CSS and inline SVG charts, no scripts, no external styles, fonts or images (a Content
 * Security Policy in the page forbids loading any). Every text from the report is HTML-escaped.
 * Tables have captions and header scopes; charts have a title, a description and a table twin.
 */
import { changeReasons, summarizeDiff, type CostDiff, type ResourceChange } from '../diff';
import { groupByService, resourceLabel } from '../group';
import { formatTimestamp, formatUsd, formatUsdDelta, roundCents } from './numbers';
import type { CostRange, CostReport } from '../types';
import { chartsSection, serviceColors } from './html-charts';
import { esc, page, table, type Cell } from './html-page';
import {
  SCENARIO_LABEL,
  assumptionsSection,
  catalogSection,
  commitmentsSection,
  comparisonSection,
  driversSection,
  freeSection,
  methodNote,
  stackDetailSection,
  summarySection,
  tagSections,
  unpricedSection,
  usageSection,
} from './html-sections';

export { esc } from './html-page';

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
    `<p class="meta">Monthly list prices in USD, estimated before deployment · generated <time datetime="${esc(report.generatedAt)}">${esc(formatTimestamp(report.generatedAt))}</time> · ` +
      `price catalog ${esc(report.catalog.version)} captured <time data-catalog-date datetime="${esc(report.catalog.capturedAt)}">${esc(formatTimestamp(report.catalog.capturedAt))}</time></p>`,
    `</header>`,
    `<main>`,
    summarySection(report),
    unpricedSection(report),
    chartsSection(report, services, colors),
    comparisonSection(report),
    driversSection(report, options.topDrivers ?? 10),
    ...[commitmentsSection(report)].filter((section) => section !== ''),
    tagSections(report),
    usageSection(report),
    assumptionsSection(report),
    catalogSection(report),
    `<p class="print-only muted">The full line list of every stack is in the CSV and JSON reports (and on screen, collapsed).</p>`,
    ...report.stacks.map((s, i) => stackDetailSection(s, i)),
    freeSection(report),
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
          'Resources added, removed or changed, largest change first: what changed, and each figure before → after',
          ['Change', 'Resource', 'What changed', 'Min', 'Expected', 'Max'],
          diff.resources.map((r) => {
            const reasons = changeReasons(r);
            return [
              { text: r.kind },
              {
                html:
                  `${esc(resourceLabel(r, r.stackName)).replace(/\//g, '/<wbr>')}` +
                  `<span class="id">${esc(r.stackName)} · ${esc(r.logicalId)}</span><span class="id">${esc(r.resourceType)}</span>`,
                header: true,
                cls: 'res',
              },
              {
                html:
                  reasons.length === 0
                    ? '<span class="muted">–</span>'
                    : `<ul class="changes">${reasons.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>`,
              },
              ...(['min', 'expected', 'max'] as const).map((k) => diffCell(r, k)),
            ];
          }),
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
            { text: resourceLabel(u, u.stackName), header: true },
            { text: u.resourceType, cls: 'type' },
            { text: u.reason },
          ]),
        ) +
        `</section>`;
  const verdict = diff.guardrail
    ? `<p class="verdict ${diff.guardrail.tripped ? 'tripped' : 'held'}" data-guardrail="${diff.guardrail.tripped ? 'tripped' : 'held'}">` +
      `${diff.guardrail.tripped ? 'Guardrail tripped' : 'Guardrail held'}: ${esc(diff.guardrail.message)}</p>`
    : '';
  const body = [
    `<header><h1>${esc(title)}</h1><p class="meta">${esc(summarizeDiff(diff))}</p>${verdict}</header>`,
    `<main>`,
    `<section aria-labelledby="totals-h"><h2 id="totals-h">Change in monthly cost</h2><div class="figures">${figures}</div></section>`,
    unpriced,
    `<section aria-labelledby="stacks-h"><h2 id="stacks-h">Stacks</h2>${stacks}</section>`,
    `<section aria-labelledby="resources-h"><h2 id="resources-h">Resources</h2>${resources}</section>`,
    `<section aria-labelledby="catalog-h"><h2 id="catalog-h">Catalogs</h2><p>Base: catalog ${esc(diff.base.catalog.version)} captured ${esc(formatTimestamp(diff.base.catalog.capturedAt))}, report generated ${esc(formatTimestamp(diff.base.generatedAt))}. ` +
      `Head: catalog ${esc(diff.head.catalog.version)} captured ${esc(formatTimestamp(diff.head.catalog.capturedAt))}, report generated ${esc(formatTimestamp(diff.head.generatedAt))}.</p>${methodNote()}</section>`,
    `</main>`,
  ].join('\n');
  return page(`${title}: ${formatUsdDelta(t.delta.expected)} per month expected`, body);
}

/** A figure before → after with its change below, coloured by direction. */
function diffCell(r: Pick<ResourceChange, 'before' | 'after' | 'delta'>, k: keyof CostRange): Cell {
  if (roundCents(r.delta[k]) === 0) return { text: formatUsd(r.after[k]), num: true };
  return {
    html:
      `${esc(formatUsd(r.before[k]))} → ${esc(formatUsd(r.after[k]))}` +
      `<div class="${deltaClass(r.delta[k])}">${esc(formatUsdDelta(r.delta[k]))}</div>`,
    num: true,
  };
}

function deltaClass(v: number): string {
  return Math.round(v * 100) > 0 ? 'up' : Math.round(v * 100) < 0 ? 'down' : '';
}
