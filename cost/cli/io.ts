/** What a CLI command may touch, so tests can run commands in-process and read their output. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A CLI subcommand: parses its own arguments, returns the exit code (0 ok, 1 guardrail, 2 bad input). */
export type CliCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
  };
}
