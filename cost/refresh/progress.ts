/**
 * Progress of `prices refresh` on stderr: a redrawn bar when stderr is a terminal, a plain
 * line per region and service otherwise (CI logs, pipes), so logs stay readable.
 */

export interface ProgressReporter {
  /** One query finished; `group` is `<region> <service>`. */
  tick(group: string): void;
  /** A region/service is complete. */
  groupDone(group: string, detail: string): void;
  /** A note that must be seen (spot ratios kept, retries). */
  note(text: string): void;
  /** Clears the bar. */
  finish(): void;
}

export function createProgress(options: {
  readonly total: number;
  readonly tty: boolean;
  readonly write: (text: string) => void;
  /** @default 30 */
  readonly width?: number;
}): ProgressReporter {
  const { total, tty, write } = options;
  let done = 0;
  let drawn = false;
  const clear = (): void => {
    if (drawn) write('\r\u001b[2K');
    drawn = false;
  };
  const draw = (group: string): void => {
    write(`\r\u001b[2K${renderBar(done, total, options.width ?? 30)} ${group}`);
    drawn = true;
  };
  return {
    tick(group) {
      done++;
      if (tty) draw(group);
    },
    groupDone(group, detail) {
      if (tty) return;
      write(`prices refresh: ${group}: ${detail}\n`);
    },
    note(text) {
      clear();
      write(`prices refresh: ${text}\n`);
    },
    finish() {
      clear();
    },
  };
}

/** `[##########..........] 12/24` */
export function renderBar(done: number, total: number, width: number): string {
  const filled = total === 0 ? width : Math.round((Math.min(done, total) / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}
