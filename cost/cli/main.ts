/**
 * `cdk-ml-cost` entry: dispatches `estimate`, `diff` and `prices`. Exit codes: 0 ok,
 * 1 guardrail tripped, 2 bad input (one line on stderr: `cdk-ml-cost: <message>`, no stack
 * trace). An unexpected internal error also prints one line and exits 3.
 */
import { CostInputError, EXIT_BAD_INPUT, EXIT_OK } from '../errors';
import { ESTIMATE_USAGE, runEstimate } from './estimate-command';
import type { CliCommand, CliIo } from './io';
import { terminalSafe, terminalSafeStderr } from './terminal';

/** Exit code for a bug rather than bad input. */
export const EXIT_INTERNAL = 3;

// `diff` and `prices` load on use: an `estimate` run does not initialise them (CLI cold start).
const COMMANDS: Readonly<Record<string, CliCommand>> = {
  estimate: runEstimate,
  diff: async (argv, io) => (await import('./diff-command')).runDiff(argv, io),
  prices: async (argv, io) => (await import('./prices-command')).runPrices(argv, io),
};

export const USAGE = `usage: cdk-ml-cost <command> [options]

commands:
  estimate   price a cloud assembly (cdk.out) or a template before deployment
             ${ESTIMATE_USAGE.replace('usage: cdk-ml-cost ', '')}
  diff       compare two estimates (cost-report.json or cdk.out)
  prices     show or refresh the bundled price catalog

exit codes: 0 ok, 1 guardrail tripped, 2 bad input, 3 internal error
`;

export async function main(argv: readonly string[], rawIo: CliIo): Promise<number> {
  // Everything printed passes through terminalSafe: input-derived text never carries raw controls.
  const io: CliIo = {
    ...rawIo,
    stdout: (t) => rawIo.stdout(terminalSafe(t)),
    stderr: (t) => rawIo.stderr(terminalSafeStderr(t)),
  };
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr(`cdk-ml-cost: missing command (estimate, diff or prices); run cdk-ml-cost --help\n`);
    return EXIT_BAD_INPUT;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  const run = Object.prototype.hasOwnProperty.call(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    io.stderr(
      `cdk-ml-cost: unknown command ${JSON.stringify(command)} (expected estimate, diff or prices)\n`,
    );
    return EXIT_BAD_INPUT;
  }
  try {
    return await run(rest, io);
  } catch (e) {
    if (e instanceof CostInputError) {
      io.stderr(`cdk-ml-cost: ${oneLine(e.message)}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(`cdk-ml-cost: internal error: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
    return EXIT_INTERNAL;
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}
