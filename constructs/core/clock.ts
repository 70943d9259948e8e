import type { IConstruct } from 'constructs';
import { MlPlatformValidationError } from './errors';

/** Context key that pins "now" for synth-time date checks, as ISO-8601 (tests, reproducible builds). */
export const SYNTH_TIME_CONTEXT_KEY = 'cdk-ml-platform:synthTime';

/**
 * The time synth-time checks compare dates with (e.g. a Capacity Block's end): the context value
 * `cdk-ml-platform:synthTime` (ISO-8601) if set, else `SOURCE_DATE_EPOCH` (seconds; reproducible
 * builds, also honoured by the cost report's `generatedAt`), else the system clock.
 */
export function synthTime(scope: IConstruct): Date {
  const pinned: unknown = scope.node.tryGetContext(SYNTH_TIME_CONTEXT_KEY);
  if (pinned !== undefined) {
    const ms = typeof pinned === 'string' ? parseIsoInstant(pinned) : undefined;
    if (ms === undefined) {
      throw new MlPlatformValidationError('synth clock', scope, [
        {
          prop: `context ${SYNTH_TIME_CONTEXT_KEY}`,
          value: pinned,
          allowed: 'an ISO-8601 date-time with a zone, e.g. 2027-01-01T00:00:00Z',
        },
      ]);
    }
    return new Date(ms);
  }
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d{1,13}$/.test(epoch)) {
      throw new MlPlatformValidationError('synth clock', scope, [
        { prop: 'SOURCE_DATE_EPOCH', value: epoch, allowed: 'a whole number of seconds since 1970' },
      ]);
    }
    return new Date(Number(epoch) * 1000);
  }
  return new Date();
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Milliseconds since 1970 of an ISO-8601 date-time with a zone (`Z` or `±hh:mm`), or undefined when
 * the text is not one or names a day the calendar lacks (JavaScript's own parser turns 30 February
 * into 2 March, and reads a zone-less time in the machine's zone).
 */
export function parseIsoInstant(text: string): number | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const midnight = new Date(Date.UTC(year, month - 1, day));
  if (midnight.getUTCMonth() !== month - 1 || midnight.getUTCDate() !== day) return undefined;
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
