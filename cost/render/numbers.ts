/**
 * The one place where numbers become text for every report (terminal table, Markdown, HTML,
 * CSV descriptions, diff, guardrail messages, the synth summary): money, changes, unit prices,
 * quantities, percentages, AWS units and dates. One formatter means a figure reads the same in
 * every format, so a reviewer can match the PR comment against the HTML and the CSV.
 */

/**
 * Rounds to whole cents; `-0` becomes `0` so it never prints as `-$0.00`. Above 2^53 cents a
 * double has no cents to round, and `value * 100` could overflow to Infinity (a $1e308 figure
 * printed as `$∞`): such a value is returned as it is.
 */
export function roundCents(value: number): number {
  if (Math.abs(value) >= Number.MAX_SAFE_INTEGER / 100) return value;
  const r = Math.round(value * 100) / 100;
  return Object.is(r, -0) ? 0 : r;
}

/** `$1,234.56`; `-$3.10` for negatives. Cents, so `-0.001` is `$0.00`. */
export function formatUsd(value: number): string {
  return USD().format(roundCents(value));
}

/** `+$12.00`, `-$3.10`, `$0.00`: for changes. */
export function formatUsdDelta(value: number): string {
  return USD_DELTA().format(roundCents(value));
}

/** `$0.045`, `$1.4084`, `$0.0000166667`: six significant digits, at least two decimals, never an exponent. */
export function formatUnitPrice(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Number(value.toPrecision(6));
  const text = rounded.toString();
  const decimals = text.includes('e')
    ? Math.min(20, Math.max(2, Math.ceil(-Math.log10(Math.abs(rounded))) + 5))
    : (text.split('.')[1]?.length ?? 0);
  return unitPriceFormat(Math.min(20, Math.max(2, decimals))).format(rounded);
}

/** `1,460` or `6.6667`: quantities with up to four decimals. */
export function formatQuantity(value: number): string {
  return QUANTITY().format(value);
}

/** `730 hours`, `1 key-month`, `1,500 GB-months`, `43,800 requests`: a quantity in its unit's words. */
export function formatQuantityWithUnit(value: number, unit: string): string {
  const label = unitLabel(unit);
  const plural = value !== 1 && /[a-z]$/.test(label) ? `${label}s` : label;
  return `${formatQuantity(value)} ${plural}`;
}

/** `12.3%`, `+12.3%` with `signed`. */
export function formatPercent(value: number, signed = false): string {
  return (signed ? PERCENT_SIGNED : PERCENT)().format(value);
}

/** `2.3×`: how many times a figure is of another (max vs budget). */
export function formatRatio(value: number): string {
  return `${RATIO().format(value)}×`;
}

/** AWS price-list units as prose: `Hrs` → `hour`, `GB-Mo` → `GB-month`. */
export function unitLabel(unit: string): string {
  return UNIT_LABELS[unit] ?? unit;
}

/**
 * A reader's date and time in UTC: `5 Dec 2026, 00:12 UTC` for an ISO date-time (seconds and
 * milliseconds dropped), `27 Nov 2026` for a bare date. Text that is not an ISO date is returned
 * unchanged rather than guessed at.
 */
export function formatTimestamp(iso: string): string {
  const m = ISO.exec(iso);
  if (!m) return iso;
  const t = new Date(m[4] === undefined ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(t.getTime())) return iso;
  const date = `${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()}`;
  if (m[4] === undefined) return date;
  const hh = String(t.getUTCHours()).padStart(2, '0');
  const mm = String(t.getUTCMinutes()).padStart(2, '0');
  return `${date}, ${hh}:${mm} UTC`;
}

// Building an Intl.NumberFormat costs far more than using one (the first one also loads ICU's
// locale data, about 25 ms in a cold CLI process): each is built on first use, then kept.
const lazyFormat = (options: Intl.NumberFormatOptions): (() => Intl.NumberFormat) => {
  let f: Intl.NumberFormat | undefined;
  return () => (f ??= new Intl.NumberFormat('en-US', options));
};
const USD = lazyFormat({ style: 'currency', currency: 'USD' });
const USD_DELTA = lazyFormat({ style: 'currency', currency: 'USD', signDisplay: 'exceptZero' });
const QUANTITY = lazyFormat({ maximumFractionDigits: 4 });
const RATIO = lazyFormat({ maximumFractionDigits: 1 });
const PERCENT = lazyFormat({ style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const PERCENT_SIGNED = lazyFormat({
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});

// One unit price format per decimal count.
const UNIT_PRICE_FORMATS = new Map<number, Intl.NumberFormat>();
function unitPriceFormat(decimals: number): Intl.NumberFormat {
  let f = UNIT_PRICE_FORMATS.get(decimals);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: 'USD',
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    UNIT_PRICE_FORMATS.set(decimals, f);
  }
  return f;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const UNIT_LABELS: Readonly<Record<string, string>> = {
  Hrs: 'hour',
  'GB-Mo': 'GB-month',
  GB: 'GB',
  Keys: 'key-month',
  'Key-Mo': 'key-month',
  Alarms: 'alarm-month',
  Requests: 'request',
  'GB-Second': 'GB-second',
  'GB-Hrs': 'GB-hour',
  Dashboards: 'dashboard-month',
  Metrics: 'metric-month',
};

/**
 * How much of the estimate is unpriced, by resource count: `2 of 25 resources, 8%` (issue 14:
 * "the report says how much of the stack is unpriced by resource count"). Uses the engine's
 * coverage; a report without it (older JSON given to `diff`) is counted from its lines, where a
 * resource with lines and an unpriced part counts once in each, so the share is an upper bound.
 */
export function unpricedShare(
  stacks: readonly {
    readonly coverage?: { readonly resources: number; readonly unpriced: number };
    readonly unpriced: readonly { readonly logicalId: string }[];
    readonly free: readonly unknown[];
    readonly lines: readonly { readonly logicalId: string }[];
  }[],
): string {
  let unpriced = 0;
  let resources = 0;
  for (const s of stacks) {
    const ids = new Set(s.unpriced.map((u) => u.logicalId));
    unpriced += s.coverage?.unpriced ?? ids.size;
    resources +=
      s.coverage?.resources ?? ids.size + s.free.length + new Set(s.lines.map((l) => l.logicalId)).size;
  }
  const pct = resources === 0 ? 0 : (100 * unpriced) / resources;
  return `${formatQuantity(unpriced)} of ${formatQuantity(resources)} resources, ${pct > 0 && pct < 1 ? '<1' : Math.round(pct)}%`;
}
