/**
 * Markdown for pull-request comments: the summary first (totals per stack with ranges, unpriced
 * resources, top cost drivers), the details collapsed in `<details>`. GitHub rejects comments of
 * 65,536 characters or more, so the output stays under `MARKDOWN_MAX_CHARS`: when the details do
 * not fit, they are cut row by row with a note saying what was left out and where to find it.
 */
import { beforeAfter, changeReasons, summarizeDiff, type CostDiff } from '../diff';
import {
  allUnpriced,
  costAllocationTagKeys,
  dependsOnUsageText,
  groupByService,
  groupByTag,
  priceSources,
  resourceLabel,
  topDrivers,
  usageDependentLines,
} from '../group';
import { checkBudget } from './budget';
import {
  formatQuantity,
  formatRatio,
  formatTimestamp,
  formatUnitPrice,
  formatUsd,
  formatUsdDelta,
  unitLabel,
  unpricedShare,
} from './numbers';
import { plainQuantity, rankUsageLines, referenceText } from './plain';
import { commitmentSentences, OPTION_COLUMNS, optionRows, savingsSentence } from './commitments';
import type { CostRange, CostReport } from '../types';

/** Markdown output is always shorter than this many characters. */
export const MARKDOWN_MAX_CHARS = 65_000;

/** Marker on the first line, so a CI job can find and update its previous comment. */
export const MARKDOWN_ESTIMATE_MARKER = '<!-- cdk-ml-cost:estimate -->';
export const MARKDOWN_DIFF_MARKER = '<!-- cdk-ml-cost:diff -->';

export interface MarkdownOptions {
  /** Upper bound (exclusive) on the output length. @default MARKDOWN_MAX_CHARS */
  readonly maxChars?: number;
  /** Number of top cost drivers in the summary. @default 5 */
  readonly topDrivers?: number;
}

/** Renders a cost report as pull-request Markdown. */
export function renderMarkdown(report: CostReport, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? MARKDOWN_MAX_CHARS;
  const summary = estimateSummary(report, options.topDrivers ?? 5);
  const details = estimateDetails(report);
  return assemble(summary, details, footer(report), maxChars);
}

/** Renders a diff (base → head) as pull-request Markdown. */
export function renderDiffMarkdown(diff: CostDiff, options: Pick<MarkdownOptions, 'maxChars'> = {}): string {
  const maxChars = options.maxChars ?? MARKDOWN_MAX_CHARS;
  const out: string[] = [MARKDOWN_DIFF_MARKER];
  const d = diff.totals.delta.expected;
  const direction = round(d) > 0 ? 'increase' : round(d) < 0 ? 'decrease' : 'no change';
  out.push(`### Cost change: ${formatUsdDelta(d)} per month expected (${direction})`, '');
  if (diff.guardrail) {
    out.push(
      diff.guardrail.tripped
        ? `> [!CAUTION]\n> **Guardrail tripped**: ${esc(diff.guardrail.message)}`
        : `> [!NOTE]\n> **Guardrail held**: ${esc(diff.guardrail.message)}`,
      '',
    );
  }
  out.push(esc(summarizeDiff(diff)), '');
  out.push(
    table(
      ['', 'Before', 'After', 'Change'],
      (['min', 'expected', 'max'] as const).map((k) => [
        SCENARIO_LABEL[k],
        formatUsd(diff.totals.before[k]),
        formatUsd(diff.totals.after[k]),
        formatUsdDelta(diff.totals.delta[k]),
      ]),
      [false, true, true, true],
    ),
  );
  out.push('');
  out.push(
    table(
      ['Stack', 'Status', 'Before (expected)', 'After (expected)', 'Change', 'After: min – max'],
      diff.stacks.map((s) => [
        esc(s.stackName),
        s.kind,
        s.before ? formatUsd(s.before.expected) : '–',
        s.after ? formatUsd(s.after.expected) : '–',
        formatUsdDelta(s.delta.expected),
        s.after ? `${formatUsd(s.after.min)} – ${formatUsd(s.after.max)}` : '–',
      ]),
      [false, false, true, true, true, true],
    ),
  );
  out.push('');
  if (diff.unpriced.added.length > 0) {
    out.push('> [!WARNING]');
    out.push(`> **${diff.unpriced.added.length} new resource(s) not priced**, not in the totals above:`);
    for (const u of diff.unpriced.added.slice(0, 10)) {
      out.push(
        `> - ${esc(u.stackName)} / ${esc(resourceLabel(u, u.stackName))} (${esc(u.resourceType)}): ${esc(u.reason)}${u.pricedBy ? ` — priced by \`${u.pricedBy.replace(/`/g, '')}\`` : ''}`,
      );
    }
    if (diff.unpriced.added.length > 10) out.push(`> - … and ${diff.unpriced.added.length - 10} more`);
    out.push('');
  }
  const counts = (['added', 'removed', 'changed'] as const)
    .map((k) => `${diff.resources.filter((r) => r.kind === k).length} ${k}`)
    .join(' · ');
  out.push(`**Resources:** ${counts}`, '');
  const summary = out.join('\n');

  const sections: Section[] = [];
  if (diff.resources.length > 0) {
    sections.push({
      title: `Resource changes (${diff.resources.length})`,
      open: true,
      header: ['Change', 'Stack', 'Resource', 'What changed', 'Min', 'Expected', 'Max'],
      right: [false, false, false, false, true, true, true],
      rows: lazy(diff.resources, (r) => [
        r.kind,
        esc(r.stackName),
        `${esc(resourceLabel(r, r.stackName))}<br><sub>${esc(r.resourceType)}</sub>`,
        changeReasons(r).map(esc).join('<br>') || '–',
        beforeAfter(r, 'min'),
        `**${beforeAfter(r, 'expected')}**`,
        beforeAfter(r, 'max'),
      ]),
    });
  }
  const foot =
    `<sub>Monthly list prices in USD before tax, credits and discounts; a month is 730 hours. ` +
    `Base catalog ${esc(diff.base.catalog.version)} (${esc(formatTimestamp(diff.base.catalog.capturedAt))}), ` +
    `head catalog ${esc(diff.head.catalog.version)} (${esc(formatTimestamp(diff.head.catalog.capturedAt))}). Generated by cdk-ml-cost.</sub>\n`;
  return assemble(summary, sections, foot, maxChars);
}

function estimateSummary(report: CostReport, driverCount: number): string {
  const out: string[] = [MARKDOWN_ESTIMATE_MARKER];
  out.push(`### Cost estimate: ${formatUsd(report.totals.expected)} per month expected`, '');
  out.push(
    `Range ${formatUsd(report.totals.min)} (idle floor) – ${formatUsd(report.totals.max)} (at configured maxima) · ` +
      `${report.stacks.length} stack(s) · list prices, catalog ${esc(report.catalog.version)} captured ${esc(formatTimestamp(report.catalog.capturedAt))}`,
    '',
  );
  const shownStacks = report.stacks.slice(0, MAX_SUMMARY_STACKS);
  const rows = shownStacks.map((s) => [
    esc(s.stackName),
    `${esc(s.region)}${s.regionSource === 'environment' ? '' : ` (${s.regionSource})`}`,
    formatUsd(s.totals.min),
    `**${formatUsd(s.totals.expected)}**`,
    formatUsd(s.totals.max),
    String(s.unpriced.length),
    s.budget ? budgetCell(s.budget.amount, s.totals) : '–',
  ]);
  rows.push([
    '**Total**',
    '',
    `**${formatUsd(report.totals.min)}**`,
    `**${formatUsd(report.totals.expected)}**`,
    `**${formatUsd(report.totals.max)}**`,
    String(allUnpriced(report).length),
    '',
  ]);
  out.push(
    table(['Stack', 'Region', 'Min', 'Expected', 'Max', 'Unpriced', 'Budget'], rows, [
      false,
      false,
      true,
      true,
      true,
      true,
      false,
    ]),
  );
  if (report.stacks.length > shownStacks.length) {
    out.push(
      '',
      `_${report.stacks.length - shownStacks.length} more stacks are in the HTML and CSV reports._`,
    );
  }
  out.push('');

  const unpriced = allUnpriced(report);
  if (unpriced.length > 0) {
    out.push('> [!WARNING]');
    out.push(
      `> **${unpriced.length} resource(s) not priced** (${unpricedShare(report.stacks)}) and not in the totals: the catalog has no price for them.`,
    );
    for (const u of unpriced.slice(0, MAX_SUMMARY_UNPRICED)) {
      out.push(
        `> - ${esc(u.stackName)} / ${esc(resourceLabel(u, u.stackName))} (${esc(u.resourceType)}): ${esc(u.reason)}${u.pricedBy ? ` — priced by \`${u.pricedBy.replace(/`/g, '')}\`` : ''}`,
      );
    }
    if (unpriced.length > MAX_SUMMARY_UNPRICED) {
      out.push(`> - … and ${unpriced.length - MAX_SUMMARY_UNPRICED} more (see "Unpriced resources" below)`);
    }
    out.push('');
  }

  const usage = rankUsageLines(usageDependentLines(report));
  if (usage.length > 0) {
    out.push(
      `**Depends on usage** (${usage.length} charge(s) without usage assumptions, not in the totals; largest at a reference volume first): ` +
        usage
          .slice(0, 3)
          .map(
            (l) =>
              `${esc(l.line.component)} on ${esc(resourceLabel(l.line, l.stack.stackName))}: ${esc(dependsOnUsageText(l.line))} (${esc(referenceText(l))})`,
          )
          .join('; ') +
        (usage.length > 3 ? '; …' : ''),
      '',
    );
  }

  const commitments = commitmentSentences(report);
  if (commitments.length > 0) {
    out.push(`**${esc(commitments[0])}**`, '');
    for (const c of commitments.slice(1)) out.push(`- ${esc(c.trim())}`);
    if (commitments.length > 1) out.push('');
  }
  const savings = savingsSentence(report);
  if (savings !== undefined) out.push(esc(savings), '');

  const drivers = topDrivers(report, driverCount);
  if (drivers.length > 0) {
    out.push(`**Top ${drivers.length} cost drivers**`, '');
    out.push(
      table(
        ['#', 'Stack', 'Resource', 'Charge', 'Quantity', 'Min', 'Expected', 'Max'],
        drivers.map(({ stack, line }, i) => [
          String(i + 1),
          esc(stack.stackName),
          esc(resourceLabel(line, stack.stackName)),
          esc(line.component),
          esc(plainQuantity(line)),
          formatUsd(line.monthly.min),
          `**${formatUsd(line.monthly.expected)}**`,
          formatUsd(line.monthly.max),
        ]),
        [true, false, false, false, false, true, true, true],
      ),
    );
    out.push('');
  }
  return out.join('\n');
}

function estimateDetails(report: CostReport): Section[] {
  const sections: Section[] = [];
  sections.push({
    title: 'Cost by service',
    header: ['Service', ...report.stacks.map((s) => esc(s.stackName)), 'All stacks (expected)', 'Min – max'],
    right: [false, ...report.stacks.map(() => true), true, true],
    rows: lazy(groupByService(report), (g) => [
      esc(g.label),
      ...report.stacks.map((s) => {
        const inStack = groupByService(report, s.stackName).find((x) => x.key === g.key);
        return inStack ? formatUsd(inStack.monthly.expected) : '–';
      }),
      formatUsd(g.monthly.expected),
      rangeText(g.monthly),
    ]),
  });
  for (const key of costAllocationTagKeys(report)) {
    sections.push({
      title: `Cost by tag \`${key.replace(/`/g, '')}\``,
      header: [esc(key), 'Lines', 'Min', 'Expected', 'Max'],
      right: [false, true, true, true, true],
      rows: lazy(groupByTag(report, key), (g) => [
        esc(g.label),
        String(g.lineCount),
        formatUsd(g.monthly.min),
        formatUsd(g.monthly.expected),
        formatUsd(g.monthly.max),
      ]),
    });
  }
  for (const s of report.stacks) {
    sections.push({
      title: `${esc(s.stackName)}: ${s.lines.length} cost line(s), ${formatUsd(s.totals.expected)} expected`,
      header: ['Resource', 'Component', 'Quantity', 'Unit price', 'Min', 'Expected', 'Max', 'Usage from'],
      right: [false, false, false, true, true, true, true, false],
      rows: lazy(s.lines, (l) => [
        esc(resourceLabel(l, s.stackName)) + (l.conditional ? ' _(conditional)_' : ''),
        esc(l.component) + (l.notes && l.notes.length > 0 ? `<br><sub>${esc(l.notes.join('; '))}</sub>` : ''),
        esc(l.quantityFormula),
        `${formatUnitPrice(l.unitPrice)} / ${esc(unitLabel(l.unit))}`,
        ...(l.inTotals
          ? [formatUsd(l.monthly.min), formatUsd(l.monthly.expected), formatUsd(l.monthly.max)]
          : ['', `_${esc(dependsOnUsageText(l))}_`, '']),
        l.usageSource,
      ]),
    });
  }
  const assumptions = report.stacks.flatMap((s) => s.assumptions.map((a) => ({ stack: s.stackName, ...a })));
  if (assumptions.length > 0) {
    sections.push({
      title: `Usage assumptions (${assumptions.length})`,
      header: ['Stack', 'Resource', 'Usage', 'Value', 'Source', 'Set by'],
      right: [false, false, false, true, false, false],
      rows: lazy(assumptions, (a) => [
        esc(a.stack),
        esc(a.logicalId),
        esc(a.key),
        formatQuantity(a.value),
        a.source,
        esc(a.origin ?? ''),
      ]),
    });
  }
  const options = optionRows(report);
  if (options.length > 0) {
    sections.push({
      title: `Pricing options (${options.length} compute line(s))`,
      header: [...OPTION_COLUMNS],
      right: [false, false, false, true, false, true, false, false],
      rows: lazy(options, (o) => [
        esc(o.stackName),
        esc(o.logicalId),
        esc(o.component),
        o.expected,
        esc(o.cheapest),
        o.saving,
        esc(o.breakEven),
        esc(o.options),
      ]),
    });
  }
  const unpriced = allUnpriced(report);
  if (unpriced.length > 0) {
    sections.push({
      title: `Unpriced resources (${unpriced.length})`,
      header: ['Stack', 'Resource', 'Type', 'Reason'],
      right: [false, false, false, false],
      rows: lazy(unpriced, (u) => [
        esc(u.stackName),
        esc(resourceLabel(u)),
        esc(u.resourceType),
        esc(u.reason),
      ]),
    });
  }
  const free = report.stacks.flatMap((s) => s.free.map((f) => ({ stack: s.stackName, ...f })));
  if (free.length > 0) {
    sections.push({
      title: `Free resources (${free.length})`,
      header: ['Stack', 'Resource', 'Type'],
      right: [false, false, false],
      rows: lazy(free, (f) => [esc(f.stack), esc(resourceLabel(f)), esc(f.resourceType)]),
    });
  }
  const sources = priceSources(report);
  if (sources.length > 0) {
    sections.push({
      title: 'Price sources',
      header: ['Source', 'What it is', 'Lines', 'Captured'],
      right: [false, false, true, false],
      rows: lazy(sources, (p) => {
        const d = report.catalog.sources?.[p.source];
        return [
          d?.url ? `[${esc(p.source)}](${d.url.replace(/[()\s]/g, encodeURIComponent)})` : esc(p.source),
          esc(d?.description ?? 'not described in the catalog'),
          String(p.lineCount),
          esc(p.capturedAt.map(formatTimestamp).join(', ')),
        ];
      }),
    });
  }
  return sections;
}

function footer(report: CostReport): string {
  return (
    `<sub>Monthly list prices in USD before tax, credits, free tier and discounts; a month is 730 hours. ` +
    `Min is the idle floor, expected follows the usage assumptions, max is the exposure at configured maxima. ` +
    `Catalog ${esc(report.catalog.version)} captured ${esc(formatTimestamp(report.catalog.capturedAt))} ` +
    `(${esc(report.catalog.regions.join(', '))}). Generated by cdk-ml-cost.</sub>\n`
  );
}

interface Section {
  readonly title: string;
  readonly header: readonly string[];
  readonly right: readonly boolean[];
  readonly rows: LazyRows;
  readonly open?: boolean;
}

/**
 * Summary, then as many detail rows as fit, then the footer. Every cut is announced: a section
 * cut short says how many rows it left out; sections left out entirely are listed at the end.
 */
function assemble(summary: string, sections: readonly Section[], foot: string, maxChars: number): string {
  const omittedSections: string[] = [];
  const parts: string[] = [summary];
  let used = summary.length + foot.length + RESERVED_FOR_NOTES;
  for (const section of sections) {
    const open = `<details${section.open ? ' open' : ''}><summary>${section.title}</summary>\n\n`;
    const head = table(section.header, [], section.right);
    const close = '\n</details>\n\n';
    const fixed = open.length + head.length + close.length + TRUNCATION_NOTE_CHARS;
    if (used + fixed > maxChars) {
      omittedSections.push(section.title);
      continue;
    }
    let body = head;
    let shown = 0;
    for (let i = 0; i < section.rows.count; i++) {
      const r = '\n' + tableRow(section.rows.at(i));
      if (used + fixed + body.length - head.length + r.length > maxChars) break;
      body += r;
      shown++;
    }
    const cut = section.rows.count - shown;
    const note =
      cut > 0
        ? `\n\n_${cut} of ${section.rows.count} rows left out to fit a pull-request comment; the HTML and CSV reports have them all._`
        : '';
    const text = open + body + note + close;
    parts.push(text);
    used += text.length;
  }
  if (omittedSections.length > 0) {
    parts.push(
      `_Left out to fit a pull-request comment: ${omittedSections.length} section(s) (${omittedSections
        .slice(0, 5)
        .join(
          '; ',
        )}${omittedSections.length > 5 ? '; …' : ''}). The HTML and CSV reports have everything._\n\n`,
    );
  }
  parts.push(foot);
  const result = parts.join('\n');
  // The reserve covers the closing notes; this guards the contract if a title is unusually long.
  return result.length < maxChars ? result : summary.slice(0, maxChars - 200) + '\n\n_Report cut to fit._\n';
}

/** Table rows built only when they fit: a huge report formats a few thousand cells, not all of them. */
interface LazyRows {
  readonly count: number;
  at(index: number): readonly string[];
}

function lazy<T>(items: readonly T[], cells: (item: T) => readonly string[]): LazyRows {
  return { count: items.length, at: (i) => cells(items[i]) };
}

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly boolean[],
): string {
  const lines = [tableRow(header), tableRow(right.map((r) => (r ? '--:' : '---')))];
  for (const r of rows) lines.push(tableRow(r));
  return lines.join('\n');
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Escapes text for a Markdown table cell: table pipes, HTML, emphasis and link syntax, line breaks. */
export function esc(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([|*_`[\]#~])/g, '\\$1')
    .replace(/[\r\n]+/g, ' ');
}

/** `$40,000.00: covers expected; max 2.3×` — the budget against expected and against max. */
function budgetCell(amount: number, totals: CostRange): string {
  const b = checkBudget(amount, totals);
  return (
    `${formatUsd(amount)}: ${b.coversExpected ? 'covers expected' : '**below expected**'}; ` +
    (b.coversMax
      ? 'covers max'
      : Number.isFinite(b.maxRatio)
        ? `max is ${formatRatio(b.maxRatio)} it`
        : 'max above it')
  );
}

function rangeText(r: CostRange): string {
  return `${formatUsd(r.min)} – ${formatUsd(r.max)}`;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

const SCENARIO_LABEL = { min: 'Min (idle floor)', expected: 'Expected', max: 'Max (at maxima)' } as const;
const MAX_SUMMARY_STACKS = 50;
const MAX_SUMMARY_UNPRICED = 10;
const RESERVED_FOR_NOTES = 600;
const TRUNCATION_NOTE_CHARS = 160;
