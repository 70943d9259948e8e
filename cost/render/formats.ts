/**
 * The report formats and their file extensions, apart from the renderers: the CLI checks
 * `--format` without loading the HTML, Markdown and CSV renderers it may not need.
 */
export type ReportFormat = 'json' | 'table' | 'md' | 'csv' | 'html';
export type DiffFormat = 'json' | 'table' | 'md' | 'html';

export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'json', 'md', 'csv', 'html'];
export const DIFF_FORMATS: readonly DiffFormat[] = ['table', 'json', 'md', 'html'];

/** CSV `--scenario`: one scenario's rows (expected by default, so the cost column sums to the expected total), or all stacked. */
export type CsvScenario = 'expected' | 'min' | 'max' | 'all';
export const CSV_SCENARIOS: readonly CsvScenario[] = ['expected', 'min', 'max', 'all'];

/** File name suffix for each format, as written next to the cloud assembly (`cost-report.<ext>`). */
export const REPORT_FILE_EXTENSIONS: Readonly<Record<ReportFormat, string>> = {
  json: 'json',
  table: 'txt',
  md: 'md',
  csv: 'csv',
  html: 'html',
};
