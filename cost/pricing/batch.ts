/**
 * `AWS::Batch::ComputeEnvironment`: Batch itself is free; the EC2 capacity underneath is priced
 * (cost-model.md, "Batch compute environment"):
 * - min = ⌈MinvCpus / vCPUs⌉ instances × 730 h (usually 0; an unresolved MinvCpus is unpriced);
 * - expected = usage `monthlyInstanceHours` (or `monthlyGpuHours` ÷ GPUs per instance), at the
 *   spot price (on-demand × the catalog's spot ratio, capped by BidPercentage) for SPOT or at
 *   on-demand for EC2, within [min, max]; without usage, expected = min;
 * - max = ⌊MaxvCpus / vCPUs⌋ instances × 730 h at on-demand (spot can cost up to on-demand).
 * With several instance types, min assumes the cheapest per vCPU and max the dearest per vCPU
 * (or, when the vCPU cap fits too few of it, the type whose fill costs most); expected assumes
 * the cheapest per vCPU for instance-hours, and for GPU-hours the type with the lowest
 * spot-adjusted price per GPU-hour (on-demand price × spot ratio ÷ GPUs).
 * EBS volumes of the launch template are pro-rated by instance-hours.
 */
import type { CatalogPrice } from '../types';
import { asArray, asNumber, asRecord, asString, isUnknownValue } from '../template/values';
import { ebsLines, findLaunchTemplate, launchTemplateData, type PerScenario } from './launch-template';
import { withReservation } from './reservation';
import { fmt } from './unit-price-helpers';
import { HOURS_PER_MONTH, type LineDraft, type PricingModule } from './types';

const DEFAULT_EBS_VOLUME_TYPE = 'gp2';

interface TypePrice {
  readonly type: string;
  readonly price: CatalogPrice;
  readonly vcpus: number;
}

export const priceBatchComputeEnvironment: PricingModule = (input) =>
  withReservation(input, priceBatchCapacity(input));

const priceBatchCapacity: PricingModule = ({ resource, prices, template, usage }) => {
  const p = resource.properties;
  if (asString(p.Type)?.toUpperCase() === 'UNMANAGED') return { kind: 'free' };
  const cr = asRecord(p.ComputeResources);
  if (!cr) return { kind: 'unpriced', reason: 'managed compute environment without ComputeResources' };
  const crType = asString(cr.Type)?.toUpperCase();
  if (crType === undefined)
    return { kind: 'unpriced', reason: 'ComputeResources.Type is not known before deployment' };
  if (crType === 'FARGATE' || crType === 'FARGATE_SPOT') {
    return {
      kind: 'unpriced',
      reason: `${crType} compute environments are billed per job vCPU/GB-hour: not priced yet`,
    };
  }
  const spot = crType === 'SPOT';

  const rawTypes = asArray(cr.InstanceTypes) ?? [];
  if (rawTypes.length === 0 || rawTypes.some(isUnknownValue)) {
    return { kind: 'unpriced', reason: 'InstanceTypes is not known before deployment' };
  }
  const names = rawTypes.map((t) => String(t));
  const families = names.filter((n) => !n.includes('.'));
  const exact = names.filter((n) => n.includes('.'));
  const available: TypePrice[] = [];
  const missing: string[] = [];
  for (const type of exact) {
    const price = prices.price('AmazonEC2', type);
    if (price?.vcpus) available.push({ type, price, vcpus: price.vcpus });
    else missing.push(type);
  }
  const problems: string[] = [];
  if (missing.length > 0)
    problems.push(`instance type ${missing.join(', ')} has no AmazonEC2 price in ${prices.region}`);
  if (families.length > 0) {
    problems.push(
      `instance families ${families.join(', ')} (Batch picks sizes at run time): list exact types to price them`,
    );
  }
  if (available.length === 0) return { kind: 'unpriced', reason: problems.join('; ') };

  const minRaw = cr.MinvCpus;
  const minVcpus = minRaw === undefined ? 0 : asNumber(minRaw);
  if (minVcpus === undefined) return { kind: 'unpriced', reason: 'MinvCpus is not known before deployment' };
  const maxVcpus = asNumber(cr.MaxvCpus);
  if (maxVcpus === undefined) return { kind: 'unpriced', reason: 'MaxvCpus is not known before deployment' };

  // Spot price factor of a type: the catalog spot ratio, capped by BidPercentage; 1 for EC2.
  const bid = asNumber(cr.BidPercentage);
  const bidRatio = bid !== undefined && bid > 0 && bid <= 100 ? bid / 100 : undefined;
  const spotFactor = (t: TypePrice): number | undefined => {
    if (!spot) return 1;
    const ratio = t.price.spotRatio;
    return ratio !== undefined ? Math.min(ratio, bidRatio ?? 1) : bidRatio;
  };
  const unitPrice = (t: TypePrice): number => t.price.value * (spotFactor(t) ?? 1);

  const perVcpu = (t: TypePrice): number => t.price.value / t.vcpus;
  const cheapest = available.reduce((a, b) => (perVcpu(b) < perVcpu(a) ? b : a));
  const dearest = available.reduce((a, b) => (perVcpu(b) > perVcpu(a) ? b : a));

  const minInstances = Math.ceil(minVcpus / cheapest.vcpus);
  const minHours = minInstances * HOURS_PER_MONTH;
  // Batch may exceed MaxvCpus by part of an instance to honour MinvCpus: never cap below the floor.
  const instancesAtCap = (t: TypePrice): number =>
    t === cheapest ? Math.max(minInstances, Math.floor(maxVcpus / t.vcpus)) : Math.floor(maxVcpus / t.vcpus);

  // Expected: GPU-hours run on the type with the lowest spot-adjusted price per GPU-hour (among
  // those of which one instance fits under MaxvCpus); instance-hours on the cheapest per vCPU.
  const notes: string[] = [];
  let expectedType = cheapest;
  let expectedHours = minHours;
  let usageSource = usage.sources.monthlyInstanceHours;
  const gpuHours = usage.values.monthlyGpuHours;
  const gpuTypes = available.filter((t) => (t.price.gpus ?? 0) > 0 && instancesAtCap(t) > 0);
  const perGpu = (t: TypePrice): number => unitPrice(t) / (t.price.gpus ?? 1);
  if (usage.values.monthlyInstanceHours !== undefined) {
    expectedHours = usage.values.monthlyInstanceHours;
    if (gpuHours !== undefined) notes.push('monthlyInstanceHours used; monthlyGpuHours ignored');
  } else if (gpuHours !== undefined && gpuTypes.length > 0) {
    expectedType = gpuTypes.reduce((a, b) => (perGpu(b) < perGpu(a) ? b : a));
    const gpus = expectedType.price.gpus ?? 1;
    expectedHours = gpuHours / gpus;
    usageSource = usage.sources.monthlyGpuHours;
    notes.push(`${fmt(gpuHours)} GPU-h ÷ ${gpus} GPU per ${expectedType.type}`);
  } else {
    if (gpuHours !== undefined)
      notes.push(`${cheapest.type} has no GPU count in the catalog: monthlyGpuHours not usable`);
    usageSource = undefined;
    notes.push('no usage assumption: expected = min');
  }
  const capHours = instancesAtCap(expectedType) * HOURS_PER_MONTH;
  if (expectedHours > capHours)
    notes.push(`usage capped at MaxvCpus: ${fmt(expectedHours)} h → ${fmt(capHours)} h`);
  expectedHours = Math.min(expectedHours, capHours);
  if (expectedType === cheapest) {
    expectedHours = Math.max(expectedHours, minHours);
  } else if (expectedHours * unitPrice(expectedType) < minHours * unitPrice(cheapest)) {
    // The MinvCpus floor runs all month anyway and costs more than the usage would: expected = min.
    notes.push(
      `usage on ${expectedType.type} costs less than the MinvCpus floor of ${minInstances} × ${cheapest.type}: expected = min`,
    );
    expectedType = cheapest;
    expectedHours = minHours;
  }

  // Max: the dearest type per vCPU, unless the vCPU cap fits so few of it that another type's
  // fill (the cheapest per vCPU with the floor, or the type expected runs on) costs more; the
  // max scenario is the exposure, so take the largest.
  const fillCost = (t: TypePrice): number => instancesAtCap(t) * t.price.value;
  const maxType = [cheapest, expectedType].reduce((a, b) => (fillCost(b) > fillCost(a) ? b : a), dearest);
  const maxInstances = instancesAtCap(maxType);
  const maxHours = maxInstances * HOURS_PER_MONTH;

  const expectedFactor = spotFactor(expectedType);
  if (spot) {
    const ratio = expectedType.price.spotRatio;
    if (expectedFactor === undefined) {
      notes.push(`no spot ratio for ${expectedType.type} in ${prices.region}: spot priced at on-demand`);
    } else {
      notes.push(
        ratio !== undefined && (bidRatio === undefined || ratio <= bidRatio)
          ? `spot = on-demand × ${ratio} (catalog spot ratio${expectedType.price.interruptionBucket ? `, interruption ${expectedType.price.interruptionBucket}` : ''})`
          : `spot = on-demand × ${expectedFactor} (capped by BidPercentage ${bid})`,
      );
    }
    notes.push('max priced at on-demand (spot can cost up to on-demand)');
  }
  if (available.length > 1) {
    const all = available.map((t) => t.type).join(', ');
    const minNote =
      expectedType === cheapest
        ? `min/expected assume ${cheapest.type} (cheapest per vCPU of ${all})`
        : `min assumes ${cheapest.type} (cheapest per vCPU of ${all}); expected assumes ${expectedType.type} (lowest ${spot ? 'spot-adjusted ' : ''}price per GPU-hour)`;
    const maxNote =
      maxType === dearest
        ? `max assumes ${dearest.type} (dearest per vCPU)`
        : `max assumes ${maxType.type} (${dearest.type}, dearest per vCPU, would cost less at the vCPU cap)`;
    notes.push(`${minNote}; ${maxNote}`);
  }
  if (maxInstances === 0 && maxVcpus > 0)
    notes.push(`MaxvCpus ${maxVcpus} is below one ${dearest.type} (${dearest.vcpus} vCPUs)`);

  const hours: PerScenario<number> = { min: minHours, expected: expectedHours, max: maxHours };
  const ofType = (t: TypePrice): string => (t === expectedType ? '' : ` (${t.type})`);
  const lines: LineDraft[] = [
    {
      service: 'AmazonEC2',
      component: `Instance usage (${expectedType.type}, ${spot ? 'spot' : 'on-demand'})`,
      unit: 'Hrs',
      quantity: hours,
      quantityFormula:
        `min ⌈${fmt(minVcpus)} vCPU / ${cheapest.vcpus}${ofType(cheapest)}⌉ × 730 h; expected ${fmt(expectedHours)} h; ` +
        (maxType === dearest
          ? `max ⌊${fmt(maxVcpus)} vCPU / ${dearest.vcpus}${ofType(dearest)}⌋ × 730 h`
          : `max ${maxInstances} × ${maxType.type} × 730 h`),
      price: expectedType.price,
      unitPrice: { min: unitPrice(cheapest), expected: unitPrice(expectedType), max: maxType.price.value },
      pricingCategory: spot ? 'Dynamic' : 'Standard',
      ...(spot ? { maxPricingCategory: 'Standard' as const } : {}),
      usageBased: false,
      hasUsage: true,
      usageSource: usageSource ?? 'template',
      notes,
      drivers: {
        'ComputeResources.Type': crType,
        'ComputeResources.MinvCpus': minVcpus,
        'ComputeResources.MaxvCpus': maxVcpus,
        'ComputeResources.InstanceTypes': available.map((t) => t.type),
        ...(bid !== undefined ? { 'ComputeResources.BidPercentage': bid } : {}),
      },
    },
  ];
  const lt = findLaunchTemplate(template, cr.LaunchTemplate);
  // A volume per running instance: the floor's volumes exist all month whatever the usage, and
  // the max scenario covers whichever count is larger.
  const ebsHours = {
    min: hours.min,
    expected: Math.max(hours.expected, hours.min),
    max: Math.max(hours.max, hours.expected, hours.min),
  };
  const ebs = ebsLines(launchTemplateData(lt).BlockDeviceMappings, ebsHours, prices, DEFAULT_EBS_VOLUME_TYPE);
  if (ebs.lines.length === 0 && ebs.unpriced.length === 0)
    ebs.notes.push('root volume: the AMI default, not priced');
  lines[0] = { ...lines[0], notes: [...notes, ...ebs.notes] };
  return { kind: 'priced', lines: [...lines, ...ebs.lines], unpriced: [...problems, ...ebs.unpriced] };
};
