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
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { estimate } from '../index';
import { diffReports, summarizeDiff } from '../diff';
import { CostInputError, EXIT_GUARDRAIL, EXIT_OK } from '../errors';
import { writeFileAtomic } from '../fs';
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
  const diff = diffReports(pairSingleTemplates(base, head), head.report);
  const output = renderDiff(diff, args.format);
  if (args.out !== undefined) {
    const outPath = resolve(io.cwd, args.out);
    writeFileAtomic(outPath, output);
    io.stdout(`${summarizeDiff(diff)}\nwrote ${outPath}\n`);
  } else {
    io.stdout(output);
  }
  if (args.failOnIncrease) {
    const result = checkIncrease(diff, args.failOnIncrease);
    if (result.tripped) {
      io.stderr(`cdk-ml-cost: guardrail: ${result.message}\n`);
      return EXIT_GUARDRAIL;
    }
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
  if (!existsSync(path)) throw new CostInputError(`diff: ${role} ${path} does not exist`);
  let file = path;
  if (statSync(path).isDirectory()) {
    file = join(path, REPORT_FILE_NAME);
    if (!existsSync(file)) return { kind: 'estimated', report: estimate(path, estimateOptions) };
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Not JSON: a YAML template, or not a template at all (the estimator says which).
    return { kind: 'template', report: estimate(file, estimateOptions) };
  }
  if (isObject(data) && 'Resources' in data)
    return { kind: 'template', report: estimate(file, estimateOptions) };
  const problem = reportShapeProblem(data);
  if (problem !== undefined) {
    throw new CostInputError(
      `diff: ${role} ${file} is not a cdk-ml-cost JSON report (schemaVersion 1): ${problem}`,
    );
  }
  return { kind: 'report', report: data as CostReport };
}

export interface LoadedReport {
  /** `report`: a JSON report read as is; `estimated`: a cloud assembly priced now; `template`: one template priced now. */
  readonly kind: 'report' | 'estimated' | 'template';
  readonly report: CostReport;
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

/** The first thing that keeps `data` from being a `CostReport`, or undefined. */
export function reportShapeProblem(data: unknown): string | undefined {
  if (!isObject(data)) return 'not a JSON object';
  if (data.schemaVersion !== 1) return `schemaVersion is ${JSON.stringify(data.schemaVersion)}, expected 1`;
  if (!isRange(data.totals)) return 'totals must have numeric min, expected and max';
  if (!isObject(data.catalog) || typeof data.catalog.version !== 'string')
    return 'catalog.version is missing';
  if (typeof data.generatedAt !== 'string') return 'generatedAt is missing';
  if (!Array.isArray(data.stacks)) return 'stacks must be an array';
  for (const [i, s] of data.stacks.entries()) {
    if (!isObject(s) || typeof s.stackName !== 'string') return `stacks[${i}].stackName is missing`;
    if (!isRange(s.totals)) return `stacks[${i}].totals must have numeric min, expected and max`;
    for (const key of ['lines', 'unpriced', 'free', 'assumptions']) {
      if (!Array.isArray(s[key])) return `stacks[${i}].${key} must be an array`;
    }
    for (const [j, l] of (s.lines as unknown[]).entries()) {
      if (
        !isObject(l) ||
        typeof l.logicalId !== 'string' ||
        typeof l.component !== 'string' ||
        !isRange(l.monthly)
      ) {
        return `stacks[${i}].lines[${j}] needs logicalId, component and monthly {min, expected, max}`;
      }
    }
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRange(v: unknown): boolean {
  return (
    isObject(v) && ['min', 'expected', 'max'].every((k) => typeof v[k] === 'number' && Number.isFinite(v[k]))
  );
}
