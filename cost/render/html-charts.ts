/**
 * The report's inline SVG charts: cost by service, by stack split by service, and the range per stack.
 */
import { groupByService, groupByStack, serviceInfo, type CostGroup } from '../group';
import { formatUsd } from './numbers';
import type { CostRange, CostReport } from '../types';
import { esc } from './html-page';

export function chartsSection(
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
export function serviceColors(services: readonly CostGroup[]): Map<string, string> {
  const charted = chartServices(services).filter((g) => g.key !== OTHER_KEY);
  return new Map(charted.map((g, i) => [g.key, PALETTE[i % PALETTE.length]]));
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
