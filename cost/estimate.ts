/**
 * Estimate assembly: resolve each stack, price each resource with its module, merge usage
 * (usage file over metadata), and build the report (cost-model.md). Pure over its inputs:
 * the only clock read is `generatedAt`, and that can be pinned.
 */
import { isMissingPrice, serviceCodeOf } from './pricing/service-codes';
import { catalogRegions, createPriceBook, loadCatalog } from './catalog';
import { CostInputError } from './errors';
import { lookupType } from './pricing/registry';
import { CAPACITY_BLOCK_FEE_SOURCE } from './pricing/reservation';
import { describeSources } from './sources';
import type { LineDraft, PriceBook, PricingModule, PricingResult, ResolvedResource } from './pricing/types';
import { isComputePrice, pricingOptions } from './commitments/models';
import { applyCommitments } from './commitments/apply';
import type { CommitmentsFile } from './commitments/file';
import { savingsPotential } from './commitments/potential';
import { resolveTemplate, type ResolvedTemplate } from './template/resolve';
import type { LoadedStack } from './template/load';
import { asNumber, asRecord, asString } from './template/values';
import type {
  Assumption,
  Catalog,
  CostLine,
  CostRange,
  CostReport,
  FreeResource,
  ScenarioCharge,
  StackEstimate,
  UnpricedResource,
} from './types';
import { resourceUsage, unmatchedUsageKeys, unmatchedUsageStacks, type UsageFile } from './usage';
import { validateResourceCounts } from './validate-properties';
import type { UsageNumberKey } from './usage-metadata';

/** Sources of prices that come from the template rather than the catalog. */
const REPORT_ONLY_SOURCES: Readonly<Record<string, unknown>> = {
  [CAPACITY_BLOCK_FEE_SOURCE]: {
    what: 'The Capacity Block price quoted at purchase, recorded in the usage metadata (reservation.upfrontFeeUsd)',
  },
};

export interface EstimateOptions {
  /** Region for environment-agnostic stacks and template files. A stack's own environment wins. */
  readonly region?: string;
  /** Region used when neither the stack nor `region` names one (the app's default). */
  readonly defaultRegion?: string;
  /** Template parameter values; override the usage file's `parameters`. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Parsed usage file (see cost/usage.ts). */
  readonly usage?: UsageFile;
  /** Availability zones assumed for `Fn::GetAZs` and per-AZ resources. @default 2 */
  readonly azCount?: number;
  /** @default the bundled catalog */
  readonly catalog?: Catalog;
  /** ISO timestamp to write as `generatedAt` (pin it for golden tests). @default now */
  readonly generatedAt?: string;
  /** Existing Savings Plans and Reserved Instances to bill covered usage with (`--commitments`). */
  readonly commitments?: CommitmentsFile;
  /** Modules by type, for tests. @default the registry */
  readonly modules?: Readonly<Record<string, PricingModule>>;
}

/** Prices loaded stacks into one report. Throws CostInputError on bad input. */
export function estimateStacks(stacks: readonly LoadedStack[], options: EstimateOptions = {}): CostReport {
  const catalog = options.catalog ?? loadCatalog();
  if (
    options.azCount !== undefined &&
    !(Number.isInteger(options.azCount) && options.azCount >= 1 && options.azCount <= 26)
  ) {
    throw new CostInputError(`az count must be an integer from 1 to 26, got ${options.azCount}`);
  }
  checkParameterNames(stacks, options.parameters);
  if (options.usage) {
    const unknown = unmatchedUsageStacks(
      options.usage,
      stacks.map((s) => s.stackName),
    );
    if (unknown.length > 0) {
      throw new CostInputError(
        `usage file ${options.usage.path}: stack ${JSON.stringify(unknown[0])} is not among the stacks estimated (${stacks.map((s) => s.stackName).join(', ')})`,
      );
    }
  }
  const estimates = stacks.map((s) => estimateStack(s, catalog, options));
  const totals = sumRanges(estimates.map((e) => e.totals));
  checkFiniteTotals(totals, 'the estimate');
  const list: CostReport = {
    schemaVersion: 1,
    currency: 'USD',
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    catalog: {
      version: catalog.version,
      capturedAt: catalog.capturedAt,
      regions: catalogRegions(catalog),
      sources: describeSources(
        { ...catalog.sources, ...REPORT_ONLY_SOURCES },
        estimates.flatMap((e) => e.lines.map((l) => l.priceSource)),
      ),
    },
    stacks: estimates,
    totals,
  };
  const potential = savingsPotential(list);
  const withPotential = potential ? { ...list, savingsPotential: potential } : list;
  if (!options.commitments) return withPotential;
  const committed = applyCommitments(withPotential, options.commitments);
  checkFiniteTotals(committed.totals, 'the estimate with commitments');
  return committed;
}

/**
 * A `--parameter` no template declares is a typo, not a value to ignore: pricing the default
 * instead would report the wrong type with no warning (issue 14: 119 vs 3,195 $/month). The
 * message lists what the templates do declare. (Usage-file parameters may name several apps'
 * stacks and are not checked here.)
 */
function checkParameterNames(
  stacks: readonly LoadedStack[],
  parameters: Readonly<Record<string, string>> | undefined,
): void {
  const given = Object.keys(parameters ?? {});
  if (given.length === 0) return;
  const declared = new Set<string>();
  for (const s of stacks) {
    const ps = (s.template as { Parameters?: unknown }).Parameters;
    if (typeof ps === 'object' && ps !== null && !Array.isArray(ps))
      for (const k of Object.keys(ps)) declared.add(k);
  }
  const unknownName = given.find((k) => !declared.has(k));
  if (unknownName === undefined) return;
  const names = [...declared].filter((k) => k !== 'BootstrapVersion').sort();
  throw new CostInputError(
    `--parameter ${unknownName}: no template declares it (${names.length > 0 ? `parameters: ${names.join(', ')}` : 'the templates declare no parameters'})`,
  );
}

function chooseRegion(
  stack: LoadedStack,
  options: EstimateOptions,
): Pick<StackEstimate, 'region' | 'regionSource'> {
  if (stack.region) return { region: stack.region, regionSource: 'environment' };
  if (options.region) return { region: options.region, regionSource: 'option' };
  if (options.defaultRegion) return { region: options.defaultRegion, regionSource: 'default' };
  throw new CostInputError(`stack ${stack.stackName} is environment-agnostic: pass --region`);
}

function estimateStack(stack: LoadedStack, catalog: Catalog, options: EstimateOptions): StackEstimate {
  const { region, regionSource } = chooseRegion(stack, options);
  const prices = createPriceBook(catalog, region);
  let resolved: ResolvedTemplate;
  try {
    resolved = resolveTemplate(stack.template, {
      stackName: stack.stackName,
      region,
      ...(stack.account ? { account: stack.account } : {}),
      parameters: { ...(options.usage?.parameters ?? {}), ...(options.parameters ?? {}) },
      ...(options.azCount !== undefined ? { azCount: options.azCount } : {}),
    });
  } catch (e) {
    if (e instanceof CostInputError) throw new CostInputError(`${stack.templatePath}: ${e.message}`);
    throw e;
  }
  if (options.usage) {
    const all = [...resolved.resources, ...resolved.excluded.map((x) => ({ logicalId: x.logicalId }))];
    const unmatched = unmatchedUsageKeys(options.usage, stack.stackName, all);
    if (unmatched.length > 0) {
      throw new CostInputError(
        `usage file ${options.usage.path}: ${stack.stackName}.${unmatched[0]} matches no logical id or construct path of stack ${stack.stackName}`,
      );
    }
  }

  const lines: CostLine[] = [];
  const pricedIds = new Set<string>();
  const unpriced: UnpricedResource[] = [];
  const free: FreeResource[] = [];
  const assumptions: Assumption[] = [];
  for (const resource of resolved.resources) {
    validateResourceCounts(stack.stackName, resource);
    const alt = resolved.alternatives.get(resource.logicalId);
    if (alt) validateResourceCounts(stack.stackName, alt);
  }
  for (const resource of resolved.resources) {
    const path = resource.constructPath !== undefined ? { constructPath: resource.constructPath } : {};
    const registration = lookupType(resource.type, options.modules);
    if (registration === undefined) {
      unpriced.push({
        logicalId: resource.logicalId,
        resourceType: resource.type,
        reason: `no pricing module for ${resource.type}`,
        ...path,
      });
      continue;
    }
    if (registration.kind === 'free') {
      free.push({ logicalId: resource.logicalId, resourceType: resource.type, ...path });
      continue;
    }
    const usage = resourceUsage(stack.stackName, resource, options.usage);
    const run = (r: ResolvedResource): PricingResult => {
      try {
        return registration.module({ resource: r, usage, prices, template: resolved.view });
      } catch (e) {
        if (e instanceof CostInputError) throw e;
        return { kind: 'unpriced', reason: `pricing failed: ${(e as Error).message}` };
      }
    };
    const primary = run(resource);
    const alternative = resolved.alternatives.get(resource.logicalId);
    const results = alternative ? [primary, run(alternative)] : [primary];

    const branchLines = results.map((r) =>
      r.kind === 'priced' ? r.lines.map((d) => toLine(stack.stackName, resource, d, prices)) : [],
    );
    const reasons = [
      ...new Set(
        results.flatMap((r) =>
          r.kind === 'unpriced' ? [r.reason] : r.kind === 'priced' ? [...(r.unpriced ?? [])] : [],
        ),
      ),
    ];
    const merged = alternative ? mergeBranches(branchLines[0], branchLines[1]) : branchLines[0];
    const finalLines = resource.condition === 'undecided' ? merged.map(undecidedResource) : merged;
    lines.push(...finalLines);
    const service = serviceCodeOf(resource.type);
    for (const reason of reasons) {
      unpriced.push({
        logicalId: resource.logicalId,
        resourceType: resource.type,
        reason,
        ...path,
        ...(service !== undefined && isMissingPrice(reason)
          ? { pricedBy: `cdk-ml-cost prices refresh --services ${service} --regions ${region}` }
          : {}),
      });
    }
    if (finalLines.length > 0) pricedIds.add(resource.logicalId);
    if (finalLines.length === 0 && reasons.length === 0) {
      free.push({ logicalId: resource.logicalId, resourceType: resource.type, ...path });
    }
    if (finalLines.length > 0) {
      for (const [key, value] of Object.entries(usage.values) as [UsageNumberKey, number][]) {
        const source = usage.sources[key] ?? 'usage-metadata';
        const origin = usage.origins[key];
        assumptions.push({
          logicalId: resource.logicalId,
          key,
          value,
          source,
          ...(origin !== undefined ? { origin } : {}),
        });
      }
    }
  }

  const byId = (a: { logicalId: string }, b: { logicalId: string }): number => cmp(a.logicalId, b.logicalId);
  const sortedLines = stableSort(lines, byId);
  const totals = sumRanges(sortedLines.filter((l) => l.inTotals).map((l) => l.monthly));
  checkFiniteTotals(totals, `stack ${stack.stackName}`);
  const budget = stackBudget(resolved);
  const unpricedIds = new Set(unpriced.map((u) => u.logicalId).filter((id) => !pricedIds.has(id)));
  const resourceCount = pricedIds.size + free.length + unpricedIds.size;
  const coverage = {
    resources: resourceCount,
    priced: pricedIds.size,
    free: free.length,
    unpriced: unpricedIds.size,
    unpricedShare: resourceCount === 0 ? 0 : Math.round((unpricedIds.size / resourceCount) * 1e4) / 1e4,
  };
  return {
    stackName: stack.stackName,
    region,
    regionSource,
    totals,
    lines: sortedLines,
    unpriced: stableSort(unpriced, byId),
    free: stableSort(free, byId),
    assumptions: stableSort(assumptions, byId),
    ...(budget !== undefined
      ? { budget: { amount: budget, coversExpected: budget >= totals.expected } }
      : {}),
    coverage,
  };
}

function toLine(stackName: string, resource: ResolvedResource, d: LineDraft, prices: PriceBook): CostLine {
  const up = d.unitPrice ?? { min: d.price.value, expected: d.price.value, max: d.price.value };
  const inTotals = !d.usageBased || d.hasUsage;
  const where = `stack ${stackName} resource ${resource.logicalId} (${resource.type}): ${d.component}`;
  // Quantities of one line may assume different instance types per scenario (Batch: the cheapest
  // for min, the dearest for max), so only the costs below must be in order.
  checkRange(d.quantity, `${where}: quantity (${d.quantityFormula})`, false);
  checkRange(up, `${where}: unit price`, false);
  const monthly = inTotals
    ? {
        min: roundUsd(d.quantity.min * up.min),
        expected: roundUsd(d.quantity.expected * up.expected),
        max: roundUsd(d.quantity.max * up.max),
      }
    : { min: 0, expected: 0, max: 0 };
  checkRange(monthly, `${where}: monthly cost`);
  return {
    stackName,
    logicalId: resource.logicalId,
    ...(resource.constructPath !== undefined ? { constructPath: resource.constructPath } : {}),
    resourceType: resource.type,
    service: d.service,
    component: d.component,
    unit: d.unit,
    quantity: inTotals ? round(d.quantity.expected) : 0,
    quantityFormula: d.quantityFormula,
    unitPrice: significant(up.expected),
    monthly,
    pricingCategory: d.pricingCategory,
    usageBased: d.usageBased,
    inTotals,
    usageSource: d.usageSource,
    ...(d.price.usageType !== undefined ? { usageType: d.price.usageType } : {}),
    priceSource: d.price.source,
    priceCapturedAt: d.price.capturedAt,
    ...(d.chargeFrequency !== undefined ? { chargeFrequency: d.chargeFrequency } : {}),
    ...(d.notes && d.notes.length > 0 ? { notes: [...d.notes] } : {}),
    ...(Object.keys(resource.tags).length > 0 ? { tags: { ...resource.tags } } : {}),
    ...(inTotals ? { scenarios: scenarioCharges(d, up) } : {}),
    ...(d.drivers && Object.keys(d.drivers).length > 0 ? { drivers: driverText(d.drivers) } : {}),
    ...(inTotals && isComputePrice(d.price)
      ? { pricingOptions: pricingOptions(d.price, d.quantity.expected, prices) }
      : {}),
  };
}

/** Each scenario's own quantity, unit price and pricing category (monthly = quantity × unit price). */
function scenarioCharges(d: LineDraft, up: CostRange): NonNullable<CostLine['scenarios']> {
  const charge = (k: keyof CostRange): ScenarioCharge => ({
    quantity: round(d.quantity[k]),
    unitPrice: significant(up[k]),
    pricingCategory: k === 'max' ? (d.maxPricingCategory ?? d.pricingCategory) : d.pricingCategory,
  });
  return { min: charge('min'), expected: charge('expected'), max: charge('max') };
}

/** Driver values as a reader sees them: numbers plain, lists comma-separated, keys sorted. */
function driverText(drivers: NonNullable<LineDraft['drivers']>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(drivers).sort(cmp)) {
    const v = drivers[key];
    out[key] = Array.isArray(v) ? v.map(String).join(', ') : String(v);
  }
  return out;
}

/** A resource whose Condition is undecided: min excludes it, expected and max include it. */
function undecidedResource(line: CostLine): CostLine {
  return {
    ...line,
    monthly: { ...line.monthly, min: 0 },
    ...(line.scenarios
      ? { scenarios: { ...line.scenarios, min: { ...line.scenarios.min, quantity: 0 } } }
      : {}),
    conditional: true,
    notes: [
      ...(line.notes ?? []),
      'resource condition undecided: min excludes it, expected and max include it',
    ],
  };
}

/**
 * Lines of the two resolutions of a resource with an undecided Fn::If (true branch, false
 * branch), paired by component name without its bracketed label (`Instance usage (g5.12xlarge, …)`
 * pairs with `Instance usage (g5.xlarge, …)`) and by occurrence of that name: min is the lower,
 * max the higher, expected the true branch's (within [min, max]). The true branch's line is kept,
 * with a note naming both labels when they differ. A component only one branch has counts 0 in
 * the other.
 */
function mergeBranches(a: readonly CostLine[], b: readonly CostLine[]): CostLine[] {
  const zero = { min: 0, expected: 0, max: 0 };
  const keysA = pairingKeys(a);
  const keysB = pairingKeys(b);
  const bByKey = new Map(b.map((l, i) => [keysB[i], l]));
  const aKeys = new Set(keysA);
  const pairs: [CostLine | undefined, CostLine | undefined][] = [
    ...a.map((l, i): [CostLine, CostLine | undefined] => [l, bByKey.get(keysA[i])]),
    ...b.filter((_, i) => !aKeys.has(keysB[i])).map((l): [undefined, CostLine] => [undefined, l]),
  ];
  return pairs.map(([la, lb]) => {
    const line = (la ?? lb) as CostLine;
    const ma = la?.monthly ?? zero;
    const mb = lb?.monthly ?? zero;
    const min = Math.min(ma.min, mb.min);
    const max = Math.max(ma.max, mb.max);
    const labels =
      la && lb && la.component !== lb.component
        ? ` (${bracketed(la.component)} → ${bracketed(lb.component)})`
        : '';
    // The merged range mixes two branches' quantities and prices: no single scenario charge holds.
    const rest: CostLine = { ...line };
    delete (rest as { scenarios?: unknown }).scenarios;
    return {
      ...rest,
      monthly: { min, expected: Math.min(Math.max(ma.expected, min), max), max },
      conditional: true,
      notes: [
        ...(line.notes ?? []),
        `Fn::If on an undecided condition: the range covers both branches${labels}`,
      ],
    };
  });
}

/** `Instance usage (g5.xlarge, spot)` → `Instance usage#0`: the name without labels, plus its occurrence. */
function pairingKeys(lines: readonly CostLine[]): string[] {
  const seen = new Map<string, number>();
  return lines.map((l) => {
    const name = l.component.replace(/\s*\([^()]*\)/g, '').trim();
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return `${name}#${n}`;
  });
}

/** The bracketed label(s) of a component, or the whole component when it has none. */
function bracketed(component: string): string {
  const labels = [...component.matchAll(/\(([^()]*)\)/g)].map((m) => m[1]);
  return labels.length > 0 ? labels.join(', ') : component;
}

/** The stack's monthly USD cost budget (`AWS::Budgets::Budget`), when it has exactly one. */
function stackBudget(resolved: ResolvedTemplate): number | undefined {
  const amounts = resolved.resources
    .filter((r) => r.type === 'AWS::Budgets::Budget')
    .map((r) => asRecord(r.properties.Budget))
    .filter((b) => b !== undefined && asString(b.BudgetType) === 'COST' && asString(b.TimeUnit) === 'MONTHLY')
    .map((b) => asRecord(b?.BudgetLimit))
    .filter((l) => l !== undefined && (asString(l.Unit) ?? 'USD') === 'USD')
    .map((l) => asNumber(l?.Amount));
  return amounts.length === 1 ? amounts[0] : undefined;
}

/**
 * The guard between pricing and the report: every quantity, unit price and cost is a finite,
 * non-negative number (a negative count would lower totals below what any guardrail checks; an
 * Infinity would be written as `null` into the JSON report). Costs also keep min ≤ expected ≤
 * max. Throws CostInputError naming the resource and the line.
 */
function checkRange(r: CostRange, what: string, ordered = true): void {
  for (const k of ['min', 'expected', 'max'] as const) {
    const v = r[k];
    if (!Number.isFinite(v)) throw new CostInputError(`${what}: ${k} is ${v}, not a finite number`);
    if (v < 0)
      throw new CostInputError(`${what}: ${k} is ${v}; counts, sizes and prices must be non-negative`);
  }
  if (ordered && !(r.min <= r.expected && r.expected <= r.max)) {
    throw new CostInputError(
      `${what}: min ${r.min} / expected ${r.expected} / max ${r.max} is out of order (a minimum above a maximum?)`,
    );
  }
}

/** Sums of finite lines can still overflow to Infinity; a report never carries one. */
function checkFiniteTotals(totals: CostRange, what: string): void {
  for (const k of ['min', 'expected', 'max'] as const) {
    if (!Number.isFinite(totals[k])) {
      throw new CostInputError(
        `${what}: the ${k} monthly total overflows (${totals[k]}); check the counts and sizes`,
      );
    }
  }
}

function sumRanges(ranges: readonly CostRange[]): CostRange {
  let min = 0;
  let expected = 0;
  let max = 0;
  for (const r of ranges) {
    min += r.min;
    expected += r.expected;
    max += r.max;
  }
  return { min: roundUsd(min), expected: roundUsd(expected), max: roundUsd(max) };
}

/** Dollar amounts keep 6 decimals: exact enough for unit prices of 1e-5, free of float noise. */
function roundUsd(n: number): number {
  return round(n);
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** Unit prices go down to 1e-8 $ (per request): keep 12 significant digits, drop float noise. */
function significant(n: number): number {
  return Number(n.toPrecision(12));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stableSort<T>(items: readonly T[], compare: (a: T, b: T) => number): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((x, y) => compare(x.item, y.item) || x.i - y.i)
    .map((x) => x.item);
}
