/**
 * EC2 capacity: `AWS::EC2::Instance` (one instance, 730 h) and `AWS::AutoScaling::AutoScalingGroup`
 * (MinSize / expected / MaxSize instances through its launch template, launch configuration or
 * mixed instances policy, spot share at the catalog's spot ratio). Launch templates and launch
 * configurations themselves are free: they are priced through what uses them.
 */
import type { CatalogPrice } from '../types';
import { asArray, asNumber, asRecord, asString, isUnknownValue, refTarget } from '../template/values';
import { ebsLines, findLaunchTemplate, launchTemplateData, type PerScenario } from './launch-template';
import { fmt } from './unit-price-helpers';
import { HOURS_PER_MONTH, type LineDraft, type PricingModule, type PricingResult } from './types';

/** CloudFormation's default when an instance names no type. */
const DEFAULT_INSTANCE_TYPE = 'm1.small';
const DEFAULT_EBS_VOLUME_TYPE = 'gp2';

export const priceEc2Instance: PricingModule = ({ resource, prices, template }) => {
  const lt = findLaunchTemplate(template, resource.properties.LaunchTemplate);
  const ltData = launchTemplateData(lt);
  const rawType = resource.properties.InstanceType ?? ltData.InstanceType;
  if (rawType !== undefined && isUnknownValue(rawType)) {
    return {
      kind: 'unpriced',
      reason: 'InstanceType is not known before deployment (unresolved parameter or reference)',
    };
  }
  const instanceType = asString(rawType) ?? DEFAULT_INSTANCE_TYPE;
  const price = prices.price('AmazonEC2', instanceType);
  if (!price)
    return {
      kind: 'unpriced',
      reason: `instance type ${instanceType} has no AmazonEC2 price in ${prices.region}`,
    };
  const hours = { min: HOURS_PER_MONTH, expected: HOURS_PER_MONTH, max: HOURS_PER_MONTH };
  const lines: LineDraft[] = [
    {
      service: 'AmazonEC2',
      component: `Instance usage (${instanceType}, on-demand)`,
      unit: 'Hrs',
      quantity: hours,
      quantityFormula: '1 instance × 730 h',
      price,
      pricingCategory: 'Standard',
      usageBased: false,
      hasUsage: true,
      usageSource: 'template',
      ...(rawType === undefined
        ? { notes: [`no InstanceType: CloudFormation's default ${DEFAULT_INSTANCE_TYPE}`] }
        : {}),
    },
  ];
  const ebs = ebsLines(
    resource.properties.BlockDeviceMappings ?? ltData.BlockDeviceMappings,
    hours,
    prices,
    DEFAULT_EBS_VOLUME_TYPE,
  );
  return withNotes({ kind: 'priced', lines: [...lines, ...ebs.lines], unpriced: ebs.unpriced }, ebs.notes);
};

export const priceAutoScalingGroup: PricingModule = ({ resource, prices, template, usage }) => {
  const p = resource.properties;
  const mixed = asRecord(p.MixedInstancesPolicy);
  const mixedLt = asRecord(mixed?.LaunchTemplate);
  const lt = findLaunchTemplate(template, mixedLt?.LaunchTemplateSpecification ?? p.LaunchTemplate);
  const ltData = launchTemplateData(lt);
  const lcId = refTarget(p.LaunchConfigurationName);
  const lc = lcId ? template.resource(lcId) : undefined;

  const overrides = (asArray(mixedLt?.Overrides) ?? [])
    .map((o) => asString(asRecord(o)?.InstanceType))
    .filter((t): t is string => t !== undefined);
  const singleType = ltData.InstanceType ?? lc?.properties.InstanceType;
  const types = overrides.length > 0 ? overrides : singleType !== undefined ? [singleType] : [];
  if (types.length === 0 || types.some(isUnknownValue)) {
    return {
      kind: 'unpriced',
      reason:
        'instance type not known before deployment (no launch template/configuration type, or unresolved)',
    };
  }
  const typeNames = types as string[];
  const priced = typeNames.map((t) => ({ type: t, price: prices.price('AmazonEC2', t) }));
  const available = priced.filter((x): x is { type: string; price: CatalogPrice } => x.price !== undefined);
  const missing = priced.filter((x) => !x.price).map((x) => x.type);
  if (available.length === 0) {
    return {
      kind: 'unpriced',
      reason: `instance type ${missing.join(', ')} has no AmazonEC2 price in ${prices.region}`,
    };
  }
  const cheapest = available.reduce((a, b) => (b.price.value < a.price.value ? b : a));
  const dearest = available.reduce((a, b) => (b.price.value > a.price.value ? b : a));

  const minSize = asNumber(p.MinSize);
  const maxSize = asNumber(p.MaxSize);
  if (minSize === undefined || maxSize === undefined) {
    return { kind: 'unpriced', reason: 'MinSize or MaxSize is not known before deployment' };
  }
  const desired = asNumber(p.DesiredCapacity);
  const avg = usage.values.averageInstanceCount;
  const expectedCount = clamp(avg ?? desired ?? minSize, minSize, maxSize);
  const expectedSource =
    avg !== undefined ? (usage.sources.averageInstanceCount ?? 'usage-metadata') : 'template';
  const counts: PerScenario<number> = { min: minSize, expected: expectedCount, max: maxSize };

  const dist = asRecord(mixed?.InstancesDistribution);
  const base = asNumber(dist?.OnDemandBaseCapacity) ?? 0;
  const pct = asNumber(dist?.OnDemandPercentageAboveBaseCapacity) ?? 100;
  const ratio = cheapest.price.spotRatio;
  const od = cheapest.price.value;
  // Blended hourly price of n instances: the base and the on-demand share at on-demand, the rest at spot.
  const blended = (n: number): number => {
    if (n === 0 || pct >= 100) return od;
    const onDemand = Math.min(n, base) + Math.max(0, n - base) * (pct / 100);
    return (onDemand * od + (n - onDemand) * od * (ratio ?? 1)) / n;
  };
  const spotShare = pct < 100;

  const notes: string[] = [];
  if (available.length > 1) {
    notes.push(
      `min/expected assume ${cheapest.type} (cheapest of ${typeNames.join(', ')}); max assumes ${dearest.type}`,
    );
  }
  if (avg === undefined)
    notes.push(
      `expected = ${desired !== undefined ? 'DesiredCapacity' : 'MinSize'} (no averageInstanceCount usage)`,
    );
  if (spotShare) {
    notes.push(
      `${fmt(base)} on-demand base + ${fmt(pct)}% on-demand above it; the rest spot at ` +
        (ratio !== undefined
          ? `on-demand × ${ratio} (catalog spot ratio)`
          : `on-demand (no spot ratio in ${prices.region})`),
      'max priced at on-demand (spot can cost up to on-demand)',
    );
  }
  const hoursOf = (c: PerScenario<number>): PerScenario<number> => ({
    min: c.min * HOURS_PER_MONTH,
    expected: c.expected * HOURS_PER_MONTH,
    max: c.max * HOURS_PER_MONTH,
  });
  const lines: LineDraft[] = [
    {
      service: 'AmazonEC2',
      component: `Instance usage (${cheapest.type}, ${spotShare ? 'on-demand + spot' : 'on-demand'})`,
      unit: 'Hrs',
      quantity: hoursOf(counts),
      quantityFormula: `min ${fmt(counts.min)} / expected ${fmt(counts.expected)} / max ${fmt(counts.max)} instances × 730 h`,
      price: cheapest.price,
      unitPrice: { min: blended(counts.min), expected: blended(counts.expected), max: dearest.price.value },
      pricingCategory: spotShare ? 'Dynamic' : 'Standard',
      ...(spotShare ? { maxPricingCategory: 'Standard' as const } : {}),
      usageBased: false,
      hasUsage: true,
      usageSource: expectedSource,
      notes,
      drivers: {
        MinSize: minSize,
        MaxSize: maxSize,
        ...(desired !== undefined ? { DesiredCapacity: desired } : {}),
        InstanceTypes: typeNames,
      },
    },
  ];
  const instanceHours = hoursOf(counts);
  const ebs = ebsLines(
    ltData.BlockDeviceMappings ?? lc?.properties.BlockDeviceMappings,
    instanceHours,
    prices,
    DEFAULT_EBS_VOLUME_TYPE,
  );
  const unpriced = [...ebs.unpriced];
  if (missing.length > 0)
    unpriced.push(`instance type ${missing.join(', ')} has no AmazonEC2 price in ${prices.region}`);
  return withNotes({ kind: 'priced', lines: [...lines, ...ebs.lines], unpriced }, ebs.notes);
};

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(Math.max(n, lo), hi);
}

/** Adds notes to the first line of a priced result. */
export function withNotes(result: PricingResult, notes: readonly string[]): PricingResult {
  if (result.kind !== 'priced' || notes.length === 0 || result.lines.length === 0) return result;
  const [first, ...rest] = result.lines;
  return { ...result, lines: [{ ...first, notes: [...(first.notes ?? []), ...notes] }, ...rest] };
}
