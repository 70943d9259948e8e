/**
 * `cdk-ml-cost estimate <cdk.out | template> [--region R] [--parameter K=V]... [--usage FILE]
 *   [--commitments FILE] [--format table|json|md|csv|html] [--out FILE] [--fail-above USD] [--az-count N]`
 *
 * Everything is validated before anything is written: bad input exits 2 with one line on stderr
 * and no file. The report is written (or printed) before the guardrail is checked, so a tripped
 * guardrail (exit 1) still leaves the report for the reviewer.
 */
import { join, resolve } from 'node:path';
import { CostInputError, EXIT_GUARDRAIL, EXIT_OK } from '../errors';
import { estimateStacks } from '../estimate';
import { resolveOutputPath, writeFileAtomic } from '../fs';
import { checkFailAbove, parseUsdAmount } from '../guardrails';
import { CSV_SCENARIOS, REPORT_FORMATS, type CsvScenario, type ReportFormat } from '../render/formats';
import { renderJson } from '../render/json';
import { renderTable } from '../render/table';
import { loadInput } from '../template/load';
import { loadUsageFile } from '../usage';
import { loadCommitmentsFile } from '../commitments/file';
import type { CostReport } from '../types';
import { parseArgs } from './args';
import type { CliCommand } from './io';

export const ESTIMATE_USAGE =
  'usage: cdk-ml-cost estimate <cdk.out | template.json|yaml> [--region R] [--parameter K=V]... [--usage FILE] ' +
  '[--commitments FILE] [--format table|json|md|csv|html] [--scenario expected|min|max|all] [--out FILE] [--fail-above USD] [--az-count N]';

export interface EstimateArgs {
  readonly input: string;
  readonly region?: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly usage?: string;
  /** Savings Plans and Reserved Instances file (cost/commitments/file.ts). */
  readonly commitments?: string;
  readonly format: ReportFormat;
  /** CSV only: which scenario's rows (default expected, so the cost column sums to the expected total). */
  readonly scenario?: CsvScenario;
  readonly out?: string;
  readonly failAbove?: number;
  readonly azCount?: number;
}

/** Parses `estimate` arguments; throws CostInputError naming the flag. */
export function parseEstimateArgs(argv: readonly string[]): EstimateArgs {
  const args = parseArgs(argv, {
    command: 'estimate',
    values: [
      '--region',
      '--parameter',
      '--usage',
      '--commitments',
      '--format',
      '--scenario',
      '--out',
      '--fail-above',
      '--az-count',
    ],
    repeatable: ['--parameter'],
  });
  const positional = args.positional;
  const single = Object.fromEntries(args.values) as Record<string, string>;
  const parameters: Record<string, string> = {};
  for (const value of args.lists.get('--parameter') ?? []) {
    const m = /^([A-Za-z0-9]+)=(.*)$/s.exec(value);
    if (!m)
      throw new CostInputError(`estimate: --parameter expects NAME=VALUE, got ${JSON.stringify(value)}`);
    parameters[m[1]] = m[2];
  }
  if (positional.length !== 1) {
    throw new CostInputError(
      positional.length === 0
        ? `estimate: missing <cdk.out | template>; ${ESTIMATE_USAGE}`
        : `estimate: one input expected, got ${positional.join(' ')}`,
    );
  }
  const format = (single['--format'] ?? 'table') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) {
    throw new CostInputError(
      `estimate: --format must be one of ${REPORT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`,
    );
  }
  const scenario = single['--scenario'] as CsvScenario | undefined;
  if (scenario !== undefined && format !== 'csv') {
    throw new CostInputError(
      `estimate: --scenario applies to --format csv only (the other formats show min, expected and max together)`,
    );
  }
  if (scenario !== undefined && !CSV_SCENARIOS.includes(scenario)) {
    throw new CostInputError(
      `estimate: --scenario must be one of ${CSV_SCENARIOS.join(', ')}, got ${JSON.stringify(scenario)}`,
    );
  }
  let azCount: number | undefined;
  if (single['--az-count'] !== undefined) {
    azCount = Number(single['--az-count']);
    if (!/^\d+$/.test(single['--az-count']) || azCount < 1 || azCount > 26) {
      throw new CostInputError(
        `estimate: --az-count must be an integer from 1 to 26, got ${JSON.stringify(single['--az-count'])}`,
      );
    }
  }
  const region = single['--region'];
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new CostInputError(
      `estimate: --region must be an AWS region such as us-east-1, got ${JSON.stringify(region)}`,
    );
  }
  return {
    input: positional[0],
    ...(region !== undefined ? { region } : {}),
    parameters,
    ...(single['--usage'] !== undefined ? { usage: single['--usage'] } : {}),
    ...(single['--commitments'] !== undefined ? { commitments: single['--commitments'] } : {}),
    format,
    ...(scenario !== undefined ? { scenario } : {}),
    ...(single['--out'] !== undefined ? { out: single['--out'] } : {}),
    ...(single['--fail-above'] !== undefined ? { failAbove: parseUsdAmount(single['--fail-above']) } : {}),
    ...(azCount !== undefined ? { azCount } : {}),
  };
}

export const runEstimate: CliCommand = async (argv, io) => {
  const args = parseEstimateArgs(argv);
  const at = (p: string): string => resolve(io.cwd, p);
  const generatedAt = pinnedTime(io.env.SOURCE_DATE_EPOCH);
  const stacks = loadInput(at(args.input));
  const usage = args.usage !== undefined ? loadUsageFile(at(args.usage)) : undefined;
  const commitments = args.commitments !== undefined ? loadCommitmentsFile(at(args.commitments)) : undefined;
  const report = estimateStacks(stacks, {
    ...(commitments ? { commitments } : {}),
    ...(args.region !== undefined ? { region: args.region } : {}),
    parameters: args.parameters,
    ...(usage ? { usage } : {}),
    ...(args.azCount !== undefined ? { azCount: args.azCount } : {}),
    ...(generatedAt ?? {}),
  });
  const text = await render(report, args.format, args.scenario);
  if (args.out !== undefined) {
    // Never onto what this run read: the template(s), the assembly's manifest, the usage and commitments files.
    const inputs = [
      at(args.input),
      join(at(args.input), 'manifest.json'),
      ...stacks.map((s) => s.templatePath),
      ...(args.usage !== undefined ? [at(args.usage)] : []),
      ...(args.commitments !== undefined ? [at(args.commitments)] : []),
    ];
    writeFileAtomic(resolveOutputPath(io.cwd, args.out, '--out'), text, { inputs, what: '--out' });
  } else io.stdout(text);
  if (args.failAbove !== undefined) {
    const result = checkFailAbove(report, args.failAbove);
    if (result.tripped) {
      io.stderr(`cdk-ml-cost: guardrail: ${result.message}\n`);
      return EXIT_GUARDRAIL;
    }
  }
  return EXIT_OK;
};

/**
 * `SOURCE_DATE_EPOCH` (reproducible builds) pins `generatedAt`. The specification asks a tool to
 * fail on a malformed value rather than fall back to the clock ("If the value is malformed, the
 * build process SHOULD exit with a non-zero error code", reproducible-builds.org): so it must be
 * an integer count of seconds that a date can hold (JavaScript dates reach year 275760).
 */
export function pinnedTime(epoch: string | undefined): { generatedAt: string } | undefined {
  if (epoch === undefined || epoch === '') return undefined;
  const ms = Number(epoch) * 1000;
  if (!/^\d{1,15}$/.test(epoch) || !Number.isFinite(new Date(ms).getTime())) {
    throw new CostInputError(
      `SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 up to 8640000000000, got ${JSON.stringify(epoch.slice(0, 40))}`,
    );
  }
  return { generatedAt: new Date(ms).toISOString() };
}

/**
 * JSON and the table come with the engine; the other renderers (HTML, Markdown, CSV) load only
 * when asked for, so a JSON or table run does not initialise them (CLI cold start).
 */
async function render(report: CostReport, format: ReportFormat, scenario?: CsvScenario): Promise<string> {
  if (format === 'json') return renderJson(report);
  if (format === 'table') return renderTable(report);
  if (format === 'csv') {
    const { renderCsv } = await import('../render/csv');
    return renderCsv(report, scenario !== undefined ? { scenario } : {});
  }
  const { renderReport } = await import('../render/index');
  return renderReport(report, format);
}
