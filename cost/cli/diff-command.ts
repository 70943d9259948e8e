/**
 * `cdk-ml-cost diff <base> <head> [--format table|json|md|html] [--fail-on-increase USD|PCT%] [--out FILE]
 *   [--region R] [--usage FILE]`
 *
 * base and head are each a JSON cost report (`cost-report.json`), a cloud assembly directory
 * (its `cost-report.json` when `cdk synth` wrote one, otherwise estimated now) or a template
 * (estimated now; `--region` and `--usage` apply to what is estimated). Exit 0 when the guardrail
 * holds or none is set, 1 when the expected monthly cost rose above `--fail-on-increase` (never on
 * a decrease), 2 on bad input.
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { estimate, estimateStacks } from '../index';
import { loadUsageFile } from '../usage';
import { loadInput } from '../template/load';
import { diffReports, summarizeDiff } from '../diff';
import { CostInputError, EXIT_GUARDRAIL, EXIT_OK } from '../errors';
import { describeFsError, readInputFile, resolveOutputPath, writeFileAtomic } from '../fs';
import { checkNestingDepth } from '../limits';
import { reportShapeProblem } from '../report-shape';
import { checkIncrease, parseIncreaseThreshold, type IncreaseThreshold } from '../guardrails';
import { DIFF_FORMATS, renderDiff, type DiffFormat } from '../render';
import type { CostReport } from '../types';
import { parseArgs } from './args';
import type { CliCommand } from './io';

export const DIFF_USAGE =
  'usage: cdk-ml-cost diff <base> <head> [--format table|json|md|html] [--fail-on-increase USD|PCT%] [--out FILE] [--region R] [--usage FILE]\n' +
  '  <base>, <head>  cost-report.json files, cloud assemblies (cdk.out) or templates\n' +
  '  --fail-on-increase  exit 1 when the expected monthly cost rises by more than USD or PCT% (never on a decrease)\n' +
  '  --region, --usage   used for inputs that are estimated here (templates, cdk.out without cost-report.json)\n';

/** The report file `cdk synth` writes into the cloud assembly. */
export const REPORT_FILE_NAME = 'cost-report.json';

interface DiffArgs {
  readonly base: string;
  readonly head: string;
  readonly format: DiffFormat;
  readonly failOnIncrease?: IncreaseThreshold;
  readonly out?: string;
  readonly region?: string;
  readonly usage?: string;
}

export const runDiff: CliCommand = async (argv, io) => {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(DIFF_USAGE);
    return EXIT_OK;
  }
  const args = parseDiffArgs(argv);
  const estimateOptions = {
    ...(args.region !== undefined ? { region: args.region } : {}),
    ...(args.usage !== undefined ? { usage: resolve(io.cwd, args.usage) } : {}),
  };
  const base = loadReport(resolve(io.cwd, args.base), 'base', estimateOptions);
  const head = loadReport(resolve(io.cwd, args.head), 'head', estimateOptions);
  const compared = diffReports(pairSingleTemplates(base, head), head.report);
  // The verdict goes into the report too (the PR comment), not only to stderr.
  const verdict = args.failOnIncrease ? checkIncrease(compared, args.failOnIncrease) : undefined;
  const diff = verdict ? { ...compared, guardrail: verdict } : compared;
  const output = renderDiff(diff, args.format);
  if (args.out !== undefined) {
    const outPath = resolveOutputPath(io.cwd, args.out, '--out');
    writeFileAtomic(outPath, output, { inputs: [...base.files, ...head.files], what: '--out' });
    io.stdout(`${summarizeDiff(diff)}\nwrote ${outPath}\n`);
  } else {
    io.stdout(output);
  }
  if (verdict?.tripped) {
    io.stderr(`cdk-ml-cost: guardrail: ${verdict.message}\n`);
    return EXIT_GUARDRAIL;
  }
  return EXIT_OK;
};

/** Parses the diff arguments; `--flag value` and `--flag=value` both work. */
export function parseDiffArgs(argv: readonly string[]): DiffArgs {
  const { positional, values: flags } = parseArgs(argv, {
    command: 'diff',
    values: ['--format', '--fail-on-increase', '--out', '--region', '--usage'],
  });
  if (positional.length !== 2) {
    throw new CostInputError(
      `diff needs exactly two inputs, <base> and <head> (cost-report.json files or cdk.out directories); got ${positional.length}`,
    );
  }
  const format = flags.get('--format') ?? 'table';
  if (!(DIFF_FORMATS as readonly string[]).includes(format)) {
    throw new CostInputError(
      `diff: --format must be one of ${DIFF_FORMATS.join(', ')}; got ${JSON.stringify(format)}`,
    );
  }
  const threshold = flags.get('--fail-on-increase');
  return {
    base: positional[0],
    head: positional[1],
    format: format as DiffFormat,
    ...(threshold !== undefined ? { failOnIncrease: parseIncreaseThreshold(threshold) } : {}),
    ...(flags.has('--out') ? { out: flags.get('--out') } : {}),
    ...(flags.has('--region') ? { region: flags.get('--region') } : {}),
    ...(flags.has('--usage') ? { usage: flags.get('--usage') } : {}),
  };
}

/**
 * The report for one side of the diff: a JSON cost report as is; a cloud assembly's
 * `cost-report.json` when it has one; otherwise the assembly or template estimated now.
 */
export function loadReport(
  path: string,
  role: 'base' | 'head',
  estimateOptions: { readonly region?: string; readonly usage?: string } = {},
): LoadedReport {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    const why = describeFsError(e);
    throw new CostInputError(
      `diff: ${role} ${path} ${why === 'no such file or directory' ? 'does not exist' : `cannot be read (${why})`}`,
    );
  }
  let file = path;
  if (isDir) {
    file = join(path, REPORT_FILE_NAME);
    let hasReport = false;
    try {
      hasReport = statSync(file).isFile();
    } catch {
      // no report: estimate the assembly
    }
    if (!hasReport) {
      const stacks = loadInput(path);
      const usage = estimateOptions.usage !== undefined ? loadUsageFile(estimateOptions.usage) : undefined;
      const report = estimateStacks(stacks, {
        ...(estimateOptions.region !== undefined ? { region: estimateOptions.region } : {}),
        ...(usage ? { usage } : {}),
      });
      return {
        kind: 'estimated',
        report,
        files: [
          join(path, 'manifest.json'),
          ...stacks.map((s) => s.templatePath),
          ...usageFiles(estimateOptions),
        ],
      };
    }
  }
  const text = readInputFile(file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // Not JSON: a YAML template, or not a template at all (the estimator says which).
    return {
      kind: 'template',
      report: estimate(file, estimateOptions),
      files: [file, ...usageFiles(estimateOptions)],
    };
  }
  if (isObject(data) && 'Resources' in data)
    return {
      kind: 'template',
      report: estimate(file, estimateOptions),
      files: [file, ...usageFiles(estimateOptions)],
    };
  checkNestingDepth(data, `diff: ${role} ${file}`);
  const problem = reportShapeProblem(data);
  if (problem !== undefined) {
    throw new CostInputError(
      `diff: ${role} ${file} is not a cdk-ml-cost JSON report (schemaVersion 1): ${problem}`,
    );
  }
  return { kind: 'report', report: data as CostReport, files: [file] };
}

function usageFiles(options: { readonly usage?: string }): string[] {
  return options.usage !== undefined ? [options.usage] : [];
}

export interface LoadedReport {
  /** `report`: a JSON report read as is; `estimated`: a cloud assembly priced now; `template`: one template priced now. */
  readonly kind: 'report' | 'estimated' | 'template';
  readonly report: CostReport;
  /** Files read for this side: `--out` may not overwrite them. */
  readonly files: readonly string[];
}

/**
 * A template's stack is named after its file, so `base/app.json` and `head/main.json` would never
 * pair: when both sides are single templates, the base takes the head's stack name.
 */
function pairSingleTemplates(base: LoadedReport, head: LoadedReport): CostReport {
  const b = base.report;
  const h = head.report;
  if (base.kind !== 'template' || head.kind !== 'template' || b.stacks.length !== 1 || h.stacks.length !== 1)
    return b;
  const stackName = h.stacks[0].stackName;
  const stack = b.stacks[0];
  return {
    ...b,
    stacks: [{ ...stack, stackName, lines: stack.lines.map((l) => ({ ...l, stackName })) }],
  };
}

export { reportShapeProblem } from '../report-shape';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
