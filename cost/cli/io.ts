/** What a CLI command may touch, so tests can run commands in-process and read their output. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A CLI subcommand: parses its own arguments, returns the exit code (0 ok, 1 guardrail, 2 bad input). */
export type CliCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

/**
 * The real process's streams. A reader that goes away early (`cdk-ml-cost estimate ... | head`)
 * closes the pipe: Node then emits EPIPE on stdout, which unhandled is a stack trace and exit 1
 * (the guardrail's code). The rest of the output has nobody to read it, so it is dropped and the
 * run keeps its own exit code; any other stdout failure is one line on stderr and exit 2
 * (`stdoutFailed` tells the entry point).
 */
export function processIo(): CliIo & { readonly stdoutFailed: () => boolean } {
  let closed = false;
  let failed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    if (e.code === 'EPIPE') return;
    failed = true;
    process.stderr.write(`cdk-ml-cost: cannot write to stdout (${e.code ?? e.message})\n`);
  });
  return {
    stdout: (t) => {
      if (!closed) process.stdout.write(t);
    },
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    stdoutFailed: () => failed,
  };
}
