/**
 * Text the CLI prints comes partly from its input: resource types, logical ids, paths, tag
 * values. A template can put raw control characters there (ESC sequences that move the cursor,
 * rewrite the title bar or hide text; CR that overwrites a line; bidi overrides that reorder what
 * a reviewer reads). Before anything reaches the terminal, each such character becomes a visible
 * `\uXXXX` escape. In JSON output that is the same string (JSON reads `\u009b` as the character),
 * so the report stays valid and equal; files written with `--out` keep the data as it is.
 */

/** C0 controls except tab and newline, DEL, C1 controls, line/paragraph separators, bidi controls. */
const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/** `text` with every unsafe character replaced by its `\uXXXX` escape. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What the refresh progress bar writes to redraw its line: carriage return, then "erase line". */
export const REDRAW_LINE = '\r\u001b[2K';

/**
 * terminalSafe for stderr, except the progress bar's own redraw prefix at the start of a write
 * (cost/refresh/progress.ts); what follows it is escaped like everything else.
 */
export function terminalSafeStderr(text: string): string {
  return text.startsWith(REDRAW_LINE)
    ? REDRAW_LINE + terminalSafe(text.slice(REDRAW_LINE.length))
    : terminalSafe(text);
}
