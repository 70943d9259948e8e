/**
 * Helpers shared by the instance-based modules (EC2, Auto Scaling, Batch): finding the launch
 * template a resource uses through the reference graph, and pricing its EBS volumes.
 */
import { memoOnView, resourcesOfType } from './view-index';
import { asArray, asNumber, asRecord, asString, refTarget } from '../template/values';
import {
  HOURS_PER_MONTH,
  type LineDraft,
  type PriceBook,
  type ResolvedResource,
  type TemplateView,
} from './types';
import { fmt } from './unit-price-helpers';

export type Scenario = 'min' | 'expected' | 'max';
export type PerScenario<T> = { readonly min: T; readonly expected: T; readonly max: T };

/**
 * The `AWS::EC2::LaunchTemplate` a `{LaunchTemplateId | LaunchTemplateName}` specification points
 * at: by reference (`Ref`/`GetAtt`) or by a literal name equal to the template's LaunchTemplateName.
 */
export function findLaunchTemplate(view: TemplateView, spec: unknown): ResolvedResource | undefined {
  const s = asRecord(spec);
  if (!s) return undefined;
  for (const key of ['LaunchTemplateId', 'LaunchTemplateName']) {
    const target = refTarget(s[key]);
    if (target) {
      const r = view.resource(target);
      if (r?.type === 'AWS::EC2::LaunchTemplate') return r;
    }
  }
  const name = asString(s.LaunchTemplateName);
  if (name === undefined) return undefined;
  // First launch template of that name in template order, from an index built once per template.
  return memoOnView(view, 'launch-templates-by-name', () => {
    const byName = new Map<string, ResolvedResource>();
    for (const r of resourcesOfType(view, 'AWS::EC2::LaunchTemplate')) {
      const n = asString(r.properties.LaunchTemplateName);
      if (n !== undefined && !byName.has(n)) byName.set(n, r);
    }
    return byName;
  }).get(name);
}

/** LaunchTemplateData of a launch template resource. */
export function launchTemplateData(lt: ResolvedResource | undefined): Readonly<Record<string, unknown>> {
  return asRecord(lt?.properties.LaunchTemplateData) ?? {};
}

/** The EBS storage price key of a volume type: the AWS usage type (cost/catalog/KEYS.md). */
export function ebsPriceKey(volumeType: string): string {
  if (volumeType === 'standard') return 'EBS:VolumeUsage';
  if (volumeType === 'io1') return 'EBS:VolumeUsage.piops';
  return `EBS:VolumeUsage.${volumeType}`;
}

/**
 * EBS storage lines for block device mappings, pro-rated by instance-hours per scenario
 * (a volume exists while its instance does). Returns the lines and the reasons for volumes
 * that could not be priced.
 */
export function ebsLines(
  mappings: unknown,
  instanceHours: PerScenario<number>,
  prices: PriceBook,
  defaultVolumeType: string,
): { lines: LineDraft[]; unpriced: string[]; notes: string[] } {
  const lines: LineDraft[] = [];
  const unpriced: string[] = [];
  const notes: string[] = [];
  for (const raw of asArray(mappings) ?? []) {
    const m = asRecord(raw);
    const ebs = asRecord(m?.Ebs);
    if (!ebs) continue;
    const device = asString(m?.DeviceName) ?? 'volume';
    const size = asNumber(ebs.VolumeSize);
    const type = asString(ebs.VolumeType) ?? defaultVolumeType;
    if (size === undefined) {
      notes.push(`${device}: size comes from the snapshot/AMI, not priced`);
      continue;
    }
    const price = prices.price('AmazonEC2', ebsPriceKey(type));
    if (!price) {
      unpriced.push(
        `EBS ${type} storage (${device}, ${size} GB): no ${ebsPriceKey(type)} price for ${prices.region}`,
      );
      continue;
    }
    const months = (s: Scenario): number => instanceHours[s] / HOURS_PER_MONTH;
    lines.push({
      service: 'AmazonEC2',
      component: `EBS storage (${type}, ${device}, ${size} GB per instance)`,
      unit: 'GB-Mo',
      quantity: { min: size * months('min'), expected: size * months('expected'), max: size * months('max') },
      quantityFormula: `${size} GB × ${fmt(instanceHours.expected)} instance-h / 730 h`,
      price,
      pricingCategory: 'Standard',
      usageBased: false,
      hasUsage: true,
      usageSource: 'template',
    });
  }
  return { lines, unpriced, notes };
}
