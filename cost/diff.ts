/**
 * The difference between two cost reports (base → head), for pull-request reviews and the
 * `diff` guardrail. Resources are paired by stack name and logical id; a resource's cost is the
 * sum of its lines that count in totals. Pure: no I/O.
 */
import { compareText, resourceLabel, sumLines } from './group';
import {
  formatPercent,
  formatQuantity,
  formatUsd,
  formatUsdDelta,
  roundCents,
  unitLabel,
} from './render/numbers';
import type { CostLine, CostRange, CostReport, StackEstimate, UnpricedResource } from './types';

export type ChangeKind = 'added' | 'removed' | 'changed';

/** One resource whose cost or priced components differ between base and head. */
export interface ResourceChange {
  readonly kind: ChangeKind;
  readonly stackName: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly constructPath?: string;
  readonly before: CostRange;
  readonly after: CostRange;
  /** after − before in cents of the rounded figures. */
  readonly delta: CostRange;
  /** Variable parts of component labels that changed, e.g. `ml.g5.xlarge → ml.g5.2xlarge`. */
  readonly labelChanges: readonly string[];
  /** Components priced in head (or in base for a removed resource), for context. */
  readonly components: readonly string[];
  /**
   * What drove the change, in the template's words: driving properties (`MinCapacity 2 → 3`) and
   * usage assumptions (`averageInstanceCount 2.36 → 3 (usage)`) that differ between base and head.
   */
  readonly propertyChanges: readonly string[];
  /** Quantity changes per component: `Instance usage: 2 to 6 → 3 to 6 instances, expected 2.36 → 3`. */
  readonly quantityChanges: readonly string[];
}

export interface StackChange {
  readonly kind: ChangeKind | 'unchanged';
  readonly stackName: string;
  readonly before?: CostRange;
  readonly after?: CostRange;
  readonly delta: CostRange;
}

export interface UnpricedChange extends UnpricedResource {
  readonly stackName: string;
}

/** The JSON shape of `cdk-ml-cost diff --format json`. */
export interface CostDiff {
  readonly kind: 'cdk-ml-cost-diff';
  readonly schemaVersion: 1;
  readonly currency: 'USD';
  readonly base: { readonly generatedAt: string; readonly catalog: CostReport['catalog'] };
  readonly head: { readonly generatedAt: string; readonly catalog: CostReport['catalog'] };
  readonly totals: { readonly before: CostRange; readonly after: CostRange; readonly delta: CostRange };
  readonly stacks: readonly StackChange[];
  /** Changed resources, largest absolute change in expected cost first. */
  readonly resources: readonly ResourceChange[];
  /** Unpriced resources new in head (they may hide cost) and those no longer unpriced. */
  readonly unpriced: {
    readonly added: readonly UnpricedChange[];
    readonly removed: readonly UnpricedChange[];
  };
  /** The `--fail-on-increase` verdict, when one was asked for: rendered into the Markdown and HTML. */
  readonly guardrail?: { readonly tripped: boolean; readonly message: string };
}

/** Compares two reports: base (before) → head (after). */
export function diffReports(base: CostReport, head: CostReport): CostDiff {
  const baseStacks = new Map(base.stacks.map((s) => [s.stackName, s]));
  const headStacks = new Map(head.stacks.map((s) => [s.stackName, s]));
  const stackNames = unique([...base.stacks.map((s) => s.stackName), ...head.stacks.map((s) => s.stackName)]);

  const stacks: StackChange[] = stackNames.map((name) => {
    const b = baseStacks.get(name);
    const h = headStacks.get(name);
    const before = b?.totals;
    const after = h?.totals;
    const delta = centDelta(after ?? ZERO, before ?? ZERO);
    const kind = !b ? 'added' : !h ? 'removed' : isZero(delta) ? 'unchanged' : 'changed';
    return { kind, stackName: name, before, after, delta };
  });

  const resources: ResourceChange[] = [];
  for (const name of stackNames) {
    resources.push(...diffStack(name, baseStacks.get(name), headStacks.get(name)));
  }
  resources.sort(
    (a, b) =>
      Math.abs(b.delta.expected) - Math.abs(a.delta.expected) ||
      Math.abs(b.delta.max) - Math.abs(a.delta.max) ||
      compareText(a.stackName, b.stackName) ||
      compareText(a.logicalId, b.logicalId),
  );

  const unpricedKey = (u: UnpricedChange): string => `${u.stackName}\u0000${u.logicalId}`;
  const baseUnpriced = base.stacks.flatMap((s) => s.unpriced.map((u) => ({ stackName: s.stackName, ...u })));
  const headUnpriced = head.stacks.flatMap((s) => s.unpriced.map((u) => ({ stackName: s.stackName, ...u })));
  const baseUnpricedKeys = new Set(baseUnpriced.map(unpricedKey));
  const headUnpricedKeys = new Set(headUnpriced.map(unpricedKey));

  return {
    kind: 'cdk-ml-cost-diff',
    schemaVersion: 1,
    currency: 'USD',
    base: { generatedAt: base.generatedAt, catalog: base.catalog },
    head: { generatedAt: head.generatedAt, catalog: head.catalog },
    totals: { before: base.totals, after: head.totals, delta: centDelta(head.totals, base.totals) },
    stacks,
    resources,
    unpriced: {
      added: headUnpriced.filter((u) => !baseUnpricedKeys.has(unpricedKey(u))),
      removed: baseUnpriced.filter((u) => !headUnpricedKeys.has(unpricedKey(u))),
    },
  };
}

/**
 * The label changes between two sets of component names of one resource, e.g.
 * `Instance usage (ml.g5.xlarge, on-demand)` → `Instance usage (ml.g5.2xlarge, on-demand)`
 * gives `ml.g5.xlarge → ml.g5.2xlarge`. Components are paired by the text before the brackets.
 */
export function labelChanges(before: readonly string[], after: readonly string[]): string[] {
  const byStem = (names: readonly string[]): Map<string, string[]> => {
    const m = new Map<string, string[]>();
    for (const n of names) {
      const { stem, variable } = splitComponent(n);
      m.set(stem, [...(m.get(stem) ?? []), variable]);
    }
    return m;
  };
  const b = byStem(before);
  const a = byStem(after);
  const changes: string[] = [];
  for (const [stem, beforeVars] of b) {
    const afterVars = a.get(stem);
    if (!afterVars) continue;
    const n = Math.min(beforeVars.length, afterVars.length);
    for (let i = 0; i < n; i++) {
      const bv = beforeVars[i];
      const av = afterVars[i];
      if (bv === av) continue;
      const bParts = bv.split(/,\s*/);
      const aParts = av.split(/,\s*/);
      if (bParts.length === aParts.length && bv !== '' && av !== '') {
        bParts.forEach((p, j) => {
          if (p !== aParts[j]) changes.push(`${p} → ${aParts[j]}`);
        });
      } else {
        changes.push(`${bv || '(none)'} → ${av || '(none)'}`);
      }
    }
  }
  return unique(changes);
}

/** `(ml.g5.xlarge → ml.g5.2xlarge)`, or `''` when no label changed. */
export function formatLabelChanges(change: Pick<ResourceChange, 'labelChanges'>): string {
  return change.labelChanges.length === 0 ? '' : `(${change.labelChanges.join(', ')})`;
}

/** Everything that says why a resource's cost moved: label, property, usage and quantity changes. */
export function changeReasons(r: ResourceChange): string[] {
  return [...r.labelChanges, ...r.propertyChanges, ...r.quantityChanges];
}

/** `$2,056.26 → $3,084.39 (+$1,028.13)` for a changed figure, `$32.85` when it did not move. */
export function beforeAfter(
  r: Pick<ResourceChange, 'before' | 'after' | 'delta'>,
  k: keyof CostRange,
): string {
  if (roundCents(r.delta[k]) === 0) return formatUsd(r.after[k]);
  return `${formatUsd(r.before[k])} → ${formatUsd(r.after[k])} (${formatUsdDelta(r.delta[k])})`;
}

/** Relative change of the expected total; `undefined` when base is $0 (any increase is infinite). */
export function expectedChangeRatio(diff: CostDiff): number | undefined {
  const before = roundCents(diff.totals.before.expected);
  return before === 0 ? undefined : roundCents(diff.totals.delta.expected) / before;
}

/** One line for terminals and CI logs: `Monthly cost (expected): $100.00 → $150.00 (+$50.00, +50.0%)`. */
export function summarizeDiff(diff: CostDiff): string {
  const ratio = expectedChangeRatio(diff);
  const pct = ratio === undefined ? '' : `, ${formatPercent(ratio, true)}`;
  return (
    `Monthly cost (expected): ${formatUsd(diff.totals.before.expected)} → ${formatUsd(diff.totals.after.expected)} ` +
    `(${formatUsdDelta(diff.totals.delta.expected)}${pct})`
  );
}

/** Plain-text rendering of a diff for terminals (`--format table`). */
export function renderDiffTable(diff: CostDiff): string {
  const out: string[] = [];
  out.push(summarizeDiff(diff));
  out.push(
    `Range: min ${formatUsd(diff.totals.before.min)} → ${formatUsd(diff.totals.after.min)}, ` +
      `max ${formatUsd(diff.totals.before.max)} → ${formatUsd(diff.totals.after.max)}`,
  );
  out.push('');
  out.push(
    textTable(
      ['Stack', 'Change', 'Before (expected)', 'After (expected)', 'Delta', 'After range (min - max)'],
      diff.stacks.map((s) => [
        s.stackName,
        s.kind,
        s.before ? formatUsd(s.before.expected) : '-',
        s.after ? formatUsd(s.after.expected) : '-',
        formatUsdDelta(s.delta.expected),
        s.after ? `${formatUsd(s.after.min)} - ${formatUsd(s.after.max)}` : '-',
      ]),
      [false, false, true, true, true, true],
    ),
  );
  out.push('');
  if (diff.resources.length === 0) {
    out.push('No resource cost changes.');
  } else {
    out.push(
      textTable(
        ['Change', 'Stack', 'Resource', 'Min', 'Expected', 'Max'],
        diff.resources.map((r) => [
          r.kind,
          r.stackName,
          resourceLabel(r, r.stackName),
          beforeAfter(r, 'min'),
          beforeAfter(r, 'expected'),
          beforeAfter(r, 'max'),
        ]),
        [false, false, false, true, true, true],
      ),
    );
    for (const r of diff.resources) {
      const reasons = changeReasons(r);
      if (reasons.length > 0) out.push(`  ${resourceLabel(r, r.stackName)}: ${reasons.join('; ')}`);
    }
  }
  for (const u of diff.unpriced.added) {
    out.push(
      `New unpriced resource (not in totals): ${u.stackName}/${u.logicalId} (${u.resourceType}): ${u.reason}`,
    );
  }
  return out.join('\n') + '\n';
}

function diffStack(stackName: string, base?: StackEstimate, head?: StackEstimate): ResourceChange[] {
  const before = resourcesOf(base);
  const after = resourcesOf(head);
  const ids = unique([...before.keys(), ...after.keys()]);
  const changes: ResourceChange[] = [];
  for (const id of ids) {
    const b = before.get(id);
    const a = after.get(id);
    const bLines = b?.lines ?? [];
    const aLines = a?.lines ?? [];
    // Resources without cost lines on either side are free or unpriced: the unpriced list covers them.
    if (bLines.length === 0 && aLines.length === 0) continue;
    const costBefore = sumLines(bLines);
    const costAfter = sumLines(aLines);
    const delta = centDelta(costAfter, costBefore);
    const bComponents = bLines.map((l) => l.component);
    const aComponents = aLines.map((l) => l.component);
    const kind: ChangeKind = !b ? 'added' : !a ? 'removed' : 'changed';
    const propertyChanges =
      kind === 'changed'
        ? [
            ...driverChanges(bLines, aLines),
            ...assumptionChanges(base?.assumptions ?? [], head?.assumptions ?? [], id),
          ]
        : [];
    const quantityChanges = kind === 'changed' ? lineQuantityChanges(bLines, aLines) : [];
    if (
      kind === 'changed' &&
      isZero(delta) &&
      sameLines(bLines, aLines) &&
      propertyChanges.length === 0 &&
      quantityChanges.length === 0
    )
      continue;
    const ref = a ?? b;
    changes.push({
      kind,
      stackName,
      logicalId: id,
      resourceType: ref!.resourceType,
      ...(ref!.constructPath !== undefined ? { constructPath: ref!.constructPath } : {}),
      before: costBefore,
      after: costAfter,
      delta,
      labelChanges: kind === 'changed' ? labelChanges(bComponents, aComponents) : [],
      components: kind === 'removed' ? bComponents : aComponents,
      propertyChanges,
      quantityChanges,
    });
  }
  return changes;
}

interface ResourceView {
  readonly resourceType: string;
  readonly constructPath?: string;
  readonly lines: CostLine[];
}

function resourcesOf(stack?: StackEstimate): Map<string, ResourceView> {
  const m = new Map<string, ResourceView>();
  if (!stack) return m;
  const touch = (logicalId: string, resourceType: string, constructPath?: string): ResourceView => {
    const existing = m.get(logicalId);
    if (existing) return existing;
    const created: ResourceView = { resourceType, constructPath, lines: [] };
    m.set(logicalId, created);
    return created;
  };
  for (const l of stack.lines) touch(l.logicalId, l.resourceType, l.constructPath).lines.push(l);
  for (const u of stack.unpriced) touch(u.logicalId, u.resourceType, u.constructPath);
  for (const f of stack.free) touch(f.logicalId, f.resourceType, f.constructPath);
  return m;
}

/** Same components, unit prices and usage-based state: nothing a reviewer would want to see. */
function sameLines(a: readonly CostLine[], b: readonly CostLine[]): boolean {
  const sig = (l: CostLine): string =>
    `${l.component}|${l.unit}|${l.unitPrice}|${l.inTotals}|${l.quantityFormula}`;
  const as = a.map(sig).sort();
  const bs = b.map(sig).sort();
  return as.length === bs.length && as.every((s, i) => s === bs[i]);
}

/**
 * after − before in whole cents of the figures as shown, so a reader who subtracts the rounded
 * before and after amounts gets the change printed next to them.
 */
function centDelta(after: CostRange, before: CostRange): CostRange {
  const d = (k: keyof CostRange): number => roundCents(roundCents(after[k]) - roundCents(before[k]));
  return { min: d('min'), expected: d('expected'), max: d('max') };
}

/** Driving properties of a resource's lines that differ: `MinCapacity 2 → 3`, `InstanceType (none) → ml.g5.xlarge`. */
function driverChanges(before: readonly CostLine[], after: readonly CostLine[]): string[] {
  const merged = (lines: readonly CostLine[]): Map<string, string> => {
    const m = new Map<string, string>();
    for (const l of lines) for (const [k, v] of Object.entries(l.drivers ?? {})) if (!m.has(k)) m.set(k, v);
    return m;
  };
  const b = merged(before);
  const a = merged(after);
  // Reports without drivers (older ones) say nothing rather than "(none) → …" for every key.
  if (b.size === 0 || a.size === 0) return [];
  const keys = unique([...b.keys(), ...a.keys()]).sort(compareText);
  return keys
    .filter((k) => b.get(k) !== a.get(k))
    .map((k) => `${k} ${b.get(k) ?? '(none)'} → ${a.get(k) ?? '(none)'}`);
}

/** Usage assumptions of one resource that differ: `averageInstanceCount 2.36 → 3 (usage)`. */
function assumptionChanges(
  before: StackEstimate['assumptions'],
  after: StackEstimate['assumptions'],
  logicalId: string,
): string[] {
  const of = (list: StackEstimate['assumptions']): Map<string, number> =>
    new Map(list.filter((x) => x.logicalId === logicalId).map((x) => [x.key, x.value]));
  const b = of(before);
  const a = of(after);
  return unique([...b.keys(), ...a.keys()])
    .sort(compareText)
    .filter((k) => b.get(k) !== a.get(k))
    .map((k) => {
      const show = (v: number | undefined): string => (v === undefined ? '(none)' : formatQuantity(v));
      return `${k} ${show(b.get(k))} → ${show(a.get(k))} (usage)`;
    });
}

/**
 * Quantity changes per component, paired by the component name without its bracketed labels and
 * by occurrence: hourly lines as instance counts (`2 to 6 → 3 to 6 instances`), others in units.
 */
function lineQuantityChanges(before: readonly CostLine[], after: readonly CostLine[]): string[] {
  const keyed = (lines: readonly CostLine[]): Map<string, CostLine> => {
    const seen = new Map<string, number>();
    const m = new Map<string, CostLine>();
    for (const l of lines) {
      const stem = l.component.replace(/\s*\([^()]*\)/g, '').trim();
      const n = seen.get(stem) ?? 0;
      seen.set(stem, n + 1);
      m.set(`${stem}#${n}`, l);
    }
    return m;
  };
  const b = keyed(before);
  const a = keyed(after);
  const out: string[] = [];
  for (const [key, lb] of b) {
    const la = a.get(key);
    if (!la?.scenarios || !lb.scenarios || la.unit !== lb.unit) continue;
    const hourly = la.unit === 'Hrs';
    const amount = (q: number): string =>
      hourly ? formatQuantity(Math.round((q / 730) * 100) / 100) : formatQuantity(Math.round(q * 100) / 100);
    const unit = hourly
      ? /^Instance usage/.test(la.component)
        ? ' instances'
        : ' running'
      : ` ${unitLabel(la.unit)}`;
    const range = (s: NonNullable<CostLine['scenarios']>): string =>
      s.min.quantity === s.max.quantity
        ? amount(s.max.quantity)
        : `${amount(s.min.quantity)} to ${amount(s.max.quantity)}`;
    const parts: string[] = [];
    if (range(lb.scenarios) !== range(la.scenarios))
      parts.push(`${range(lb.scenarios)} → ${range(la.scenarios)}${unit}`);
    const eb = amount(lb.scenarios.expected.quantity);
    const ea = amount(la.scenarios.expected.quantity);
    if (eb !== ea) parts.push(`expected ${eb} → ${ea}`);
    if (parts.length > 0) out.push(`${key.replace(/#\d+$/, '')}: ${parts.join(', ')}`);
  }
  return unique(out);
}

function splitComponent(name: string): { stem: string; variable: string } {
  const m = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(name);
  return m ? { stem: m[1], variable: m[2] } : { stem: name, variable: '' };
}

function isZero(r: CostRange): boolean {
  return roundCents(r.min) === 0 && roundCents(r.expected) === 0 && roundCents(r.max) === 0;
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly boolean[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

const ZERO: CostRange = { min: 0, expected: 0, max: 0 };
