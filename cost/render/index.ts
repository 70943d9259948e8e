/**
 * One door to every report format: `renderReport` for estimates, `renderDiff` for diffs.
 * JSON and the terminal table are the engine's renderers; HTML, Markdown and CSV are here.
 */
import { renderDiffTable, type CostDiff } from '../diff';
import { CostInputError } from '../errors';
import type { CostReport } from '../types';
import { DIFF_FORMATS, REPORT_FORMATS, type DiffFormat, type ReportFormat } from './formats';
import { renderCsv } from './csv';
import { renderDiffHtml, renderHtml } from './html';
import { renderJson } from './json';
import { renderDiffMarkdown, renderMarkdown } from './markdown';
import { renderTable } from './table';

export { DIFF_FORMATS, REPORT_FILE_EXTENSIONS, REPORT_FORMATS } from './formats';
export type { DiffFormat, ReportFormat } from './formats';

export function renderReport(report: CostReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'table':
      return renderTable(report);
    case 'md':
      return renderMarkdown(report);
    case 'csv':
      return renderCsv(report);
    case 'html':
      return renderHtml(report);
    default:
      throw new CostInputError(
        `--format must be one of ${REPORT_FORMATS.join(', ')}; got ${JSON.stringify(format)}`,
      );
  }
}

export function renderDiff(diff: CostDiff, format: DiffFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(diff, null, 2) + '\n';
    case 'table':
      return renderDiffTable(diff);
    case 'md':
      return renderDiffMarkdown(diff);
    case 'html':
      return renderDiffHtml(diff);
    default:
      throw new CostInputError(
        `--format must be one of ${DIFF_FORMATS.join(', ')}; got ${JSON.stringify(format)}`,
      );
  }
}

export { renderCsv } from './csv';
export { renderDiffHtml, renderHtml } from './html';
export { renderDiffMarkdown, renderMarkdown } from './markdown';
