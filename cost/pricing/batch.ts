/**
 * `AWS::Batch::ComputeEnvironment`: Batch itself is free; the EC2 capacity underneath is priced
 * (cost-model.md, "Batch compute environment"):
 * - min = ⌈MinvCpus / vCPUs⌉ instances × 730 h (usually 0);
 * - expected = usage `monthlyInstanceHours` (or `monthlyGpuHours` ÷ GPUs per instance), at the
 *   spot price (on-demand × the catalog's spot ratio, capped by BidPercentage) for SPOT or at
 *   on-demand for EC2, within [min, max]; without usage, expected = min;
 * - max = ⌊MaxvCpus / vCPUs⌋ instances × 730 h at on-demand (spot can cost up to on-demand).
 * With several instance types, min and expected assume the cheapest per vCPU, max the dearest.
 * EBS volumes of the launch template are pro-rated by instance-hours.
 */
import type { CatalogPrice } from '../types';
import { asArray, asNumber, asRecord, asString, isUnknownValue } from '../template/values';
import { ebsLines, findLaunchTemplate, fmt, launchTemplateData, type PerScenario } from './launch-template';
import { HOURS_PER_MONTH, type LineDraft, type PricingModule } from './types';

const DEFAULT_EBS_VOLUME_TYPE = 'gp2';

interface TypePrice {
  readonly type: string;
  readonly price: CatalogPrice;
  readonly vcpus: number;
}

export const priceBatchComputeEnvironment: PricingModule = ({ resource, prices, template, usage }) => {
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

  const perVcpu = (t: TypePrice): number => t.price.value / t.vcpus;
  const cheapest = available.reduce((a, b) => (perVcpu(b) < perVcpu(a) ? b : a));
  const dearest = available.reduce((a, b) => (perVcpu(b) > perVcpu(a) ? b : a));

  const minVcpus = asNumber(cr.MinvCpus) ?? 0;
  const maxVcpus = asNumber(cr.MaxvCpus);
  if (maxVcpus === undefined) return { kind: 'unpriced', reason: 'MaxvCpus is not known before deployment' };

  const minInstances = Math.ceil(minVcpus / cheapest.vcpus);
  const minHours = minInstances * HOURS_PER_MONTH;
  // Batch may exceed MaxvCpus by part of an instance to honour MinvCpus: never cap below the floor.
  const cheapInstancesAtCap = Math.max(minInstances, Math.floor(maxVcpus / cheapest.vcpus));
  const capHours = cheapInstancesAtCap * HOURS_PER_MONTH;
  // Max: the dearest type per vCPU, unless the vCPU cap fits so few of it that the cheapest type's
  // fill (or the floor) costs more; the max scenario is the exposure, so take the larger.
  const dearestMax = Math.floor(maxVcpus / dearest.vcpus) * dearest.price.value;
  const cheapestMax = cheapInstancesAtCap * cheapest.price.value;
  const maxOnDearest = dearestMax >= cheapestMax;
  const maxType = maxOnDearest ? dearest : cheapest;
  const maxInstances = maxOnDearest ? Math.floor(maxVcpus / dearest.vcpus) : cheapInstancesAtCap;
  const maxHours = maxInstances * HOURS_PER_MONTH;

  const notes: string[] = [];
  let expectedHours = minHours;
  let usageSource = usage.sources.monthlyInstanceHours;
  const gpus = cheapest.price.gpus;
  if (usage.values.monthlyInstanceHours !== undefined) {
    expectedHours = usage.values.monthlyInstanceHours;
    if (usage.values.monthlyGpuHours !== undefined)
      notes.push('monthlyInstanceHours used; monthlyGpuHours ignored');
  } else if (usage.values.monthlyGpuHours !== undefined && gpus) {
    expectedHours = usage.values.monthlyGpuHours / gpus;
    usageSource = usage.sources.monthlyGpuHours;
    notes.push(`${fmt(usage.values.monthlyGpuHours)} GPU-h ÷ ${gpus} GPU per ${cheapest.type}`);
  } else {
    if (usage.values.monthlyGpuHours !== undefined)
      notes.push(`${cheapest.type} has no GPU count in the catalog: monthlyGpuHours not usable`);
    usageSource = undefined;
    notes.push('no usage assumption: expected = min');
  }
  if (expectedHours > capHours)
    notes.push(`usage capped at MaxvCpus: ${fmt(expectedHours)} h → ${fmt(capHours)} h`);
  expectedHours = Math.min(Math.max(expectedHours, minHours), capHours);

  const od = cheapest.price.value;
  let expectedUnit = od;
  if (spot) {
    const ratio = cheapest.price.spotRatio;
    const bid = asNumber(cr.BidPercentage);
    const bidRatio = bid !== undefined && bid > 0 && bid <= 100 ? bid / 100 : undefined;
    const effective = ratio !== undefined ? Math.min(ratio, bidRatio ?? 1) : bidRatio;
    if (effective === undefined) {
      notes.push(`no spot ratio for ${cheapest.type} in ${prices.region}: spot priced at on-demand`);
    } else {
      expectedUnit = od * effective;
      notes.push(
        ratio !== undefined && (bidRatio === undefined || ratio <= bidRatio)
          ? `spot = on-demand × ${ratio} (catalog spot ratio${cheapest.price.interruptionBucket ? `, interruption ${cheapest.price.interruptionBucket}` : ''})`
          : `spot = on-demand × ${effective} (capped by BidPercentage ${bid})`,
      );
    }
    notes.push('max priced at on-demand (spot can cost up to on-demand)');
  }
  if (available.length > 1) {
    notes.push(
      `min/expected assume ${cheapest.type} (cheapest per vCPU of ${available.map((t) => t.type).join(', ')}); ` +
        (maxOnDearest
          ? `max assumes ${dearest.type} (dearest per vCPU)`
          : `max assumes ${cheapest.type} (${dearest.type}, dearest per vCPU, would cost less at the vCPU cap)`),
    );
  }
  if (maxInstances === 0 && maxVcpus > 0)
    notes.push(`MaxvCpus ${maxVcpus} is below one ${dearest.type} (${dearest.vcpus} vCPUs)`);

  const hours: PerScenario<number> = { min: minHours, expected: expectedHours, max: maxHours };
  const lines: LineDraft[] = [
    {
      service: 'AmazonEC2',
      component: `Instance usage (${cheapest.type}, ${spot ? 'spot' : 'on-demand'})`,
      unit: 'Hrs',
      quantity: hours,
      quantityFormula:
        `min ⌈${fmt(minVcpus)} vCPU / ${cheapest.vcpus}⌉ × 730 h; expected ${fmt(expectedHours)} h; ` +
        (maxOnDearest
          ? `max ⌊${fmt(maxVcpus)} vCPU / ${dearest.vcpus}⌋ × 730 h`
          : `max ${maxInstances} × ${cheapest.type} × 730 h`),
      price: cheapest.price,
      unitPrice: { min: expectedUnit, expected: expectedUnit, max: maxType.price.value },
      pricingCategory: spot ? 'Dynamic' : 'Standard',
      usageBased: false,
      hasUsage: true,
      usageSource: usageSource ?? 'template',
      notes,
    },
  ];
  const lt = findLaunchTemplate(template, cr.LaunchTemplate);
  // A volume per running instance: the max scenario covers whichever count is larger.
  const ebsHours = { ...hours, max: Math.max(hours.max, hours.expected) };
  const ebs = ebsLines(launchTemplateData(lt).BlockDeviceMappings, ebsHours, prices, DEFAULT_EBS_VOLUME_TYPE);
  if (ebs.lines.length === 0 && ebs.unpriced.length === 0)
    ebs.notes.push('root volume: the AMI default, not priced');
  lines[0] = { ...lines[0], notes: [...notes, ...ebs.notes] };
  return { kind: 'priced', lines: [...lines, ...ebs.lines], unpriced: [...problems, ...ebs.unpriced] };
};
