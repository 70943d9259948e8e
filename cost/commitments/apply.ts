/**
 * Applies existing commitments (cost/commitments/file.ts) to an estimate the way AWS bills them
 * (Savings Plans User Guide, "Understanding how Savings Plans apply to your AWS usage"):
 * "Savings Plans apply to your usage after the Amazon EC2 Reserved Instances (RI) are applied",
 * "EC2 Instance Savings Plans are applied before Compute Savings Plans", and "Your Savings Plans
 * are applied to your highest savings percentage first. If there are multiple usages with equal
 * savings percentages, Savings Plans are applied to the first usage with the lowest Savings Plans
 * rate." Savings Plans never cover Spot usage; SageMaker Savings Plans cover SageMaker only.
 *
 * The estimate is a month of average hours, so each scenario (min / expected / max) is applied as
 * one hour of its average usage: a line running 365 of 730 h is 0.5 instance per hour. Covered
 * usage is billed at the plan's rate, the rest at the line's own price, and whatever part of a
 * commitment no usage takes is still billed ("unused commitment", added to the report totals).
 * Usage with no sourced rate for a plan cannot be covered by it (listed in `notes`).
 */
import type {
  CommitmentSummary,
  CostLine,
  CostRange,
  CostReport,
  PricingModelName,
  StackEstimate,
} from '../types';
import { COMMITMENT_MODELS, type CommitmentModel } from './models';
import type { CommitmentsFile } from './file';

const HOURS = 730;
const SCENARIOS = ['min', 'expected', 'max'] as const;
type Scenario = (typeof SCENARIOS)[number];

/** One scenario's usage of one line, in instances per hour. */
interface Usage {
  readonly line: CostLine;
  readonly region: string;
  readonly instanceType: string;
  readonly service: string;
  /** On-demand rate of the hours (the line's unit price in this scenario). */
  readonly rate: number;
  remaining: number;
  /** USD per hour billed at commitment rates. */
  committedCost: number;
  coveredBy: Set<string>;
}

interface Plan {
  readonly id: string;
  /**
   * What `applies` and the model depend on: plans with the same signature see the same usage in
   * the same order, so it is filtered and sorted once (see allocate).
   */
  readonly signature: string;
  /** The usage index whose bucket holds every usage the plan can apply to. */
  readonly bucket: { readonly by: 'instanceType' | 'family' | 'service'; readonly key: string };
  readonly model: CommitmentModel;
  /** Reservations: instances; Savings Plans: USD per hour. */
  readonly amount: number;
  readonly kind: 'reservation' | 'savings-plan';
  readonly applies: (u: Usage) => boolean;
  readonly description: string;
}

/** The report with commitments applied: lines, stack totals and report totals updated. */
export function applyCommitments(report: CostReport, file: CommitmentsFile): CostReport {
  const plans = orderedPlans(file);
  const notes = new Set<string>();
  const perScenario = SCENARIOS.map((s) => allocate(report, plans, s, notes));
  // Rebuild lines with the scenario costs.
  const byLine = new Map<CostLine, { cost: CostRange; coveredHours: number; coveredBy: Set<string> }>();
  for (const [i, s] of SCENARIOS.entries()) {
    for (const u of perScenario[i].usages) {
      const entry = byLine.get(u.line) ?? {
        cost: { ...u.line.monthly },
        coveredHours: 0,
        coveredBy: new Set<string>(),
      };
      const covered = u.committedCost > 0 || u.remaining < usageOf(u.line, s);
      if (covered) {
        (entry.cost as { [k in Scenario]: number })[s] = round(
          (u.committedCost + u.remaining * u.rate) * HOURS,
        );
        if (s === 'expected') {
          entry.coveredHours = round((usageOf(u.line, s) - u.remaining) * HOURS);
          for (const id of u.coveredBy) entry.coveredBy.add(id);
        }
      }
      byLine.set(u.line, entry);
    }
  }
  const stacks: StackEstimate[] = report.stacks.map((stack) => {
    const lines = stack.lines.map((line): CostLine => {
      const e = byLine.get(line);
      if (!e || (e.coveredBy.size === 0 && sameRange(e.cost, line.monthly))) return line;
      return {
        ...line,
        monthly: ordered(e.cost),
        commitment: {
          listExpected: line.monthly.expected,
          coveredHours: e.coveredHours,
          coveredBy: [...e.coveredBy].sort(),
        },
      };
    });
    const totals = sum(lines.filter((l) => l.inTotals).map((l) => l.monthly));
    return {
      ...stack,
      lines,
      totals,
      ...(stack.budget
        ? { budget: { ...stack.budget, coversExpected: stack.budget.amount >= totals.expected } }
        : {}),
    };
  });
  const unused = rangeOf(
    (s) => perScenario[SCENARIOS.indexOf(s)].plans.reduce((a, p) => a + p.unused, 0) * HOURS,
  );
  const stackTotals = sum(stacks.map((s) => s.totals));
  const totals = {
    min: round(stackTotals.min + unused.min),
    expected: round(stackTotals.expected + unused.expected),
    max: round(stackTotals.max + unused.max),
  };
  const expectedPlans = perScenario[1].plans;
  const eligible = perScenario[1].usages;
  const eligibleOnDemand = eligible.reduce((a, u) => a + usageOf(u.line, 'expected') * u.rate, 0) * HOURS;
  const coveredOnDemand =
    eligible.reduce((a, u) => a + (usageOf(u.line, 'expected') - u.remaining) * u.rate, 0) * HOURS;
  const summary: CommitmentSummary = {
    file: file.path,
    plans: plans.map((p, i) => ({
      id: p.id,
      description: p.description,
      monthlyCommitment: round(expectedPlans[i].fee * HOURS),
      usedExpected: round((expectedPlans[i].fee - expectedPlans[i].unused) * HOURS),
      utilisation: expectedPlans[i].fee > 0 ? round4(1 - expectedPlans[i].unused / expectedPlans[i].fee) : 0,
    })),
    unused,
    listTotals: report.totals,
    coverage: eligibleOnDemand > 0 ? round4(coveredOnDemand / eligibleOnDemand) : 0,
    coveredOnDemandExpected: round(coveredOnDemand),
    savingsExpected: round(report.totals.expected - totals.expected),
    ...(notes.size > 0 ? { notes: [...notes].sort() } : {}),
  };
  return { ...report, stacks, totals, commitments: summary };
}

interface PlanState {
  /** USD per hour billed for the plan, used or not. */
  fee: number;
  unused: number;
}

function allocate(
  report: CostReport,
  plans: readonly Plan[],
  scenario: Scenario,
  notes: Set<string>,
): { usages: Usage[]; plans: PlanState[] } {
  const usages: Usage[] = [];
  for (const stack of report.stacks) {
    for (const line of stack.lines) {
      const u = usageItem(line, stack.region, scenario);
      if (u) usages.push(u);
    }
  }
  // Each plan used to filter and sort every usage: 20,000 plans over 20,000 lines were minutes.
  // Usage is indexed by instance type, family and service once; plans with one signature share
  // one filtered, sorted list and skip what earlier plans used up (remaining only decreases).
  const index = indexUsages(usages);
  const groups = new Map<string, Group>();
  const states: PlanState[] = [];
  for (const plan of plans) {
    let group = groups.get(plan.signature);
    if (group === undefined) {
      group = groupOf(plan, index);
      groups.set(plan.signature, group);
    }
    for (const [where, unpriced] of group.unpriced) {
      while (unpriced.start < unpriced.usages.length && unpriced.usages[unpriced.start].remaining <= 0)
        unpriced.start++;
      if (unpriced.start < unpriced.usages.length)
        notes.add(`${plan.id}: no sourced ${plan.model} rate for ${where}; its usage stays at its own price`);
    }
    const { priced } = group;
    while (group.start < priced.length && priced[group.start].u.remaining <= 0) group.start++;
    let left = plan.amount;
    if (plan.kind === 'reservation') {
      // A Reserved Instance is billed every hour at its rate and covers one instance-hour an hour.
      const rate = priced[group.start]?.rate ?? group.anyRate;
      for (let k = group.start; k < priced.length && left > 0; k++) {
        const { u } = priced[k];
        const take = Math.min(u.remaining, left);
        if (take <= 0) continue;
        u.remaining -= take;
        u.committedCost += take * (rate ?? 0);
        u.coveredBy.add(plan.id);
        left -= take;
      }
      if (rate === undefined) {
        notes.add(
          `${plan.id}: no sourced ${plan.model} rate for it in the regions estimated; its fee is not counted`,
        );
        states.push({ fee: 0, unused: 0 });
      } else states.push({ fee: plan.amount * rate, unused: left * rate });
      continue;
    }
    for (let k = group.start; k < priced.length && left > 0; k++) {
      const { u, rate } = priced[k];
      if (u.remaining <= 0) continue;
      const take = Math.min(u.remaining, left / rate);
      u.remaining -= take;
      u.committedCost += take * rate;
      u.coveredBy.add(plan.id);
      left -= take * rate;
    }
    states.push({ fee: plan.amount, unused: Math.max(0, left) });
  }
  return { usages, plans: states };
}

/** The usage one plan signature applies to, filtered and sorted once. */
interface Group {
  /** Usage with a rate for the plan's model, highest savings percentage first, then lowest rate. */
  readonly priced: readonly { readonly u: Usage; readonly rate: number }[];
  /** Before this index every priced usage is used up. */
  start: number;
  /**
   * Usage without a rate for the model, by `<type> in <region>` (a note names each while some of
   * it is left), with the index before which all of it is used up.
   */
  readonly unpriced: ReadonlyMap<string, { readonly usages: readonly Usage[]; start: number }>;
  /** The RI rate from any usage of the reserved type (even with no usage left to cover). */
  readonly anyRate: number | undefined;
}

interface UsageIndex {
  readonly instanceType: ReadonlyMap<string, Usage[]>;
  readonly family: ReadonlyMap<string, Usage[]>;
  readonly service: ReadonlyMap<string, Usage[]>;
}

function indexUsages(usages: readonly Usage[]): UsageIndex {
  const instanceType = new Map<string, Usage[]>();
  const family = new Map<string, Usage[]>();
  const service = new Map<string, Usage[]>();
  const add = (m: Map<string, Usage[]>, k: string, u: Usage): void => {
    const list = m.get(k);
    if (list) list.push(u);
    else m.set(k, [u]);
  };
  for (const u of usages) {
    add(instanceType, u.instanceType, u);
    add(family, u.instanceType.split('.')[0], u);
    add(service, u.service, u);
  }
  return { instanceType, family, service };
}

function groupOf(plan: Plan, index: UsageIndex): Group {
  const applicable = (index[plan.bucket.by].get(plan.bucket.key) ?? []).filter(plan.applies);
  const priced: { u: Usage; rate: number }[] = [];
  const unpriced = new Map<string, { usages: Usage[]; start: number }>();
  for (const u of applicable) {
    const rate = rateOf(u.line, plan.model);
    if (rate !== undefined) {
      priced.push({ u, rate });
      continue;
    }
    const where = `${u.instanceType} in ${u.region}`;
    const entry = unpriced.get(where);
    if (entry) entry.usages.push(u);
    else unpriced.set(where, { usages: [u], start: 0 });
  }
  // The RI's rate when no usage is left to cover: the first applicable usage's (as before).
  const anyRate = applicable.length > 0 ? rateOf(applicable[0].line, plan.model) : undefined;
  // Stable sort: equal keys keep the usages' order, as when each plan sorted its own list.
  priced.sort((a, b) => b.u.rate / b.rate - a.u.rate / a.rate || a.rate - b.rate);
  return { priced, start: 0, unpriced, anyRate };
}

/** A line's usage in a scenario, when commitments can apply to it (on-demand compute hours). */
function usageItem(line: CostLine, region: string, scenario: Scenario): Usage | undefined {
  const options = line.pricingOptions;
  const charge = line.scenarios?.[scenario];
  if (!options || !charge || !line.inTotals || line.conditional) return undefined;
  const onDemand = options.find((o) => o.model === 'on-demand');
  // Savings Plans and RIs discount on-demand hours only; a scenario priced as another type
  // (Batch min/max on the cheapest/dearest type) or at spot is left as it is.
  if (!onDemand || charge.pricingCategory !== 'Standard' || charge.unitPrice !== onDemand.unitPrice)
    return undefined;
  const instanceType = (line.usageType ?? '').replace(/^(BoxUsage|Host|Train):/, '');
  return {
    line,
    region,
    instanceType,
    service: line.service,
    rate: onDemand.unitPrice,
    remaining: charge.quantity / HOURS,
    committedCost: 0,
    coveredBy: new Set(),
  };
}

function usageOf(line: CostLine, scenario: Scenario): number {
  return (line.scenarios?.[scenario].quantity ?? 0) / HOURS;
}

function rateOf(line: CostLine, model: PricingModelName): number | undefined {
  return line.pricingOptions?.find((o) => o.model === model)?.unitPrice;
}

/** Reservations first, then EC2 Instance Savings Plans, then Compute and SageMaker Savings Plans. */
function orderedPlans(file: CommitmentsFile): Plan[] {
  const plans: Plan[] = [];
  const regionOk = (region: string | undefined, u: Usage): boolean =>
    region === undefined || region === u.region;
  file.reservations.forEach((r, i) => {
    const model = `reserved-${r.term}` as CommitmentModel;
    plans.push({
      id: `reservations[${i}]`,
      signature: JSON.stringify(['reservation', model, r.instanceType, r.region ?? null]),
      bucket: { by: 'instanceType', key: r.instanceType },
      model,
      amount: r.count,
      kind: 'reservation',
      applies: (u) => u.service === 'AmazonEC2' && u.instanceType === r.instanceType && regionOk(r.region, u),
      description: `${r.count} × ${r.instanceType} Reserved Instance, ${r.term}, no upfront${r.region ? `, ${r.region}` : ''}`,
    });
  });
  const sp = (type: string): void =>
    file.savingsPlans.forEach((p, i) => {
      if (p.type !== type) return;
      const model = `${p.type}-savings-plan-${p.term}` as CommitmentModel;
      const service = COMMITMENT_MODELS[model].service;
      plans.push({
        id: `savingsPlans[${i}]`,
        signature: JSON.stringify(['savings-plan', model, p.region ?? null, p.instanceFamily ?? null]),
        bucket:
          p.instanceFamily !== undefined
            ? { by: 'family', key: p.instanceFamily }
            : { by: 'service', key: service },
        model,
        amount: p.hourlyCommitment,
        kind: 'savings-plan',
        applies: (u) =>
          u.service === service &&
          regionOk(p.region, u) &&
          (p.instanceFamily === undefined || u.instanceType.split('.')[0] === p.instanceFamily),
        description: `${p.type} Savings Plan, ${p.term}, ${p.hourlyCommitment} USD/h${p.instanceFamily ? `, ${p.instanceFamily}` : ''}${p.region ? `, ${p.region}` : ''}`,
      });
    });
  sp('ec2-instance');
  sp('compute');
  sp('sagemaker');
  return plans;
}

function rangeOf(f: (s: Scenario) => number): CostRange {
  return { min: round(f('min')), expected: round(f('expected')), max: round(f('max')) };
}

/** Commitments can make a scenario with more usage cover proportionally less: keep min ≤ expected ≤ max. */
function ordered(r: CostRange): CostRange {
  const expected = Math.max(r.expected, r.min);
  return { min: r.min, expected, max: Math.max(r.max, expected) };
}

function sameRange(a: CostRange, b: CostRange): boolean {
  return a.min === b.min && a.expected === b.expected && a.max === b.max;
}

function sum(ranges: readonly CostRange[]): CostRange {
  return rangeOf((s) => ranges.reduce((a, r) => a + r[s], 0));
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function round4(n: number): number {
  return Math.round(n * 1e4) / 1e4;
}
