/**
 * Counts and sizes checked before pricing. A parameter default of `-1000` for an Auto Scaling
 * group's MinSize used to be priced as −1000 instances: a negative total that no `--fail-above`
 * guardrail could trip. CloudFormation would refuse such a stack at deploy time, so the estimator
 * refuses it now, naming the property: counts and sizes must be finite and non-negative, and a
 * minimum may not exceed its maximum.
 *
 * Only values known before deployment are checked (an unresolved parameter stays unknown and the
 * pricing module says so). The estimate's line check (estimate.ts) is the safety net for anything
 * a module derives.
 */
import { CostInputError } from './errors';
import type { ResolvedResource } from './pricing/types';
import { asArray, asNumber, asRecord, isUnknownValue } from './template/values';

/** A property path under Properties: `MinSize`, `ComputeResources.MaxvCpus`, `ProductionVariants[].X`. */
type PropertyPath = string;

interface Rule {
  /** Properties that must be non-negative numbers when known. */
  readonly nonNegative: readonly PropertyPath[];
  /** [min, max] pairs (same parent object): min ≤ max when both are known. */
  readonly ordered?: readonly (readonly [PropertyPath, PropertyPath])[];
}

// Every property here is a count (instances, vCPUs, shards, days, seconds) or a size (GB, MB,
// IOPS, MB/s); none has a meaning below zero. The ordered pairs are each resource's minimum and
// maximum, e.g. the Auto Scaling group's "minimum size of the group" and "maximum size of the group"
// (MinSize, MaxSize in the CreateAutoScalingGroup API reference).
const RULES: Readonly<Record<string, Rule>> = {
  'AWS::AutoScaling::AutoScalingGroup': {
    nonNegative: [
      'MinSize',
      'MaxSize',
      'DesiredCapacity',
      'MixedInstancesPolicy.InstancesDistribution.OnDemandBaseCapacity',
      'MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity',
    ],
    ordered: [
      ['MinSize', 'MaxSize'],
      ['MinSize', 'DesiredCapacity'],
      ['DesiredCapacity', 'MaxSize'],
    ],
  },
  'AWS::ApplicationAutoScaling::ScalableTarget': {
    nonNegative: ['MinCapacity', 'MaxCapacity'],
    ordered: [['MinCapacity', 'MaxCapacity']],
  },
  'AWS::Batch::ComputeEnvironment': {
    nonNegative: [
      'ComputeResources.MinvCpus',
      'ComputeResources.MaxvCpus',
      'ComputeResources.DesiredvCpus',
      'ComputeResources.BidPercentage',
    ],
    ordered: [['ComputeResources.MinvCpus', 'ComputeResources.MaxvCpus']],
  },
  'AWS::SageMaker::EndpointConfig': {
    nonNegative: [
      'ProductionVariants[].InitialInstanceCount',
      'ProductionVariants[].VolumeSizeInGB',
      'ProductionVariants[].ServerlessConfig.MemorySizeInMB',
      'ProductionVariants[].ServerlessConfig.MaxConcurrency',
      'ProductionVariants[].ServerlessConfig.ProvisionedConcurrency',
      'ProductionVariants[].ManagedInstanceScaling.MinInstanceCount',
      'ProductionVariants[].ManagedInstanceScaling.MaxInstanceCount',
      'ShadowProductionVariants[].InitialInstanceCount',
      'ShadowProductionVariants[].VolumeSizeInGB',
    ],
    ordered: [
      [
        'ProductionVariants[].ManagedInstanceScaling.MinInstanceCount',
        'ProductionVariants[].ManagedInstanceScaling.MaxInstanceCount',
      ],
    ],
  },
  'AWS::EC2::Volume': { nonNegative: ['Size', 'Iops', 'Throughput'] },
  'AWS::FSx::FileSystem': {
    nonNegative: ['StorageCapacity', 'LustreConfiguration.PerUnitStorageThroughput'],
  },
  'AWS::Lambda::Function': { nonNegative: ['MemorySize', 'EphemeralStorage.Size'] },
  'AWS::Kinesis::Stream': { nonNegative: ['ShardCount', 'RetentionPeriodHours'] },
  'AWS::Logs::LogGroup': { nonNegative: ['RetentionInDays'] },
  'AWS::CloudWatch::Alarm': { nonNegative: ['Period', 'EvaluationPeriods'] },
  'AWS::EC2::LaunchTemplate': {
    nonNegative: [
      'LaunchTemplateData.BlockDeviceMappings[].Ebs.VolumeSize',
      'LaunchTemplateData.BlockDeviceMappings[].Ebs.Iops',
      'LaunchTemplateData.BlockDeviceMappings[].Ebs.Throughput',
    ],
  },
};

/**
 * The largest count or size accepted: every property checked here is an Integer in its service's
 * API (e.g. CreateAutoScalingGroup's MinSize and MaxSize, Batch's ComputeResource maxvCpus,
 * SageMaker's ProductionVariant InitialInstanceCount: "Type: Integer"), a 32-bit signed number.
 * A MaxSize of 1e200 priced as 1e200 instances (a $4e204 maximum) is refused instead, and so is
 * a fraction, which the service would refuse at deployment.
 */
export const MAX_INTEGER_PROPERTY = 2_147_483_647;

/** Throws CostInputError when a known count or size of `resource` is negative, not finite, or out of order. */
export function validateResourceCounts(stackName: string, resource: ResolvedResource): void {
  const rule = Object.prototype.hasOwnProperty.call(RULES, resource.type) ? RULES[resource.type] : undefined;
  if (rule === undefined) return;
  const where = `stack ${stackName} resource ${resource.logicalId} (${resource.type})`;
  for (const path of rule.nonNegative) {
    for (const { value, at } of valuesAt(resource.properties, path)) {
      if (value === undefined || isUnknownValue(value)) continue;
      const n = asNumber(value);
      if (n === undefined || n < 0) {
        throw new CostInputError(
          `${where}: ${at} must be a non-negative number, got ${n !== undefined ? String(n) : (JSON.stringify(value) ?? String(value))}`,
        );
      }
      if (!Number.isInteger(n) || n > MAX_INTEGER_PROPERTY) {
        throw new CostInputError(
          `${where}: ${at} must be a whole number from 0 to ${MAX_INTEGER_PROPERTY} (an Integer in the service's API), got ${String(n)}`,
        );
      }
    }
  }
  for (const [minPath, maxPath] of rule.ordered ?? []) {
    // Pair values under the same parent object (one pair per variant).
    const maxes = new Map(valuesAt(resource.properties, maxPath).map((v) => [parentOf(v.at), v]));
    for (const min of valuesAt(resource.properties, minPath)) {
      const max = maxes.get(parentOf(min.at));
      const a = asNumber(min.value);
      const b = asNumber(max?.value);
      if (max !== undefined && a !== undefined && b !== undefined && a > b) {
        throw new CostInputError(`${where}: ${min.at} ${a} is above ${max.at} ${b}`);
      }
    }
  }
}

function parentOf(at: string): string {
  const i = at.lastIndexOf('.');
  return i < 0 ? '' : at.slice(0, i);
}

/** The values at a path, `[]` stepping into every element of an array (its index goes into `at`). */
function valuesAt(
  properties: Readonly<Record<string, unknown>>,
  path: PropertyPath,
): { value: unknown; at: string }[] {
  let current: { value: unknown; at: string }[] = [{ value: properties, at: '' }];
  for (const segment of path.split('.')) {
    const many = segment.endsWith('[]');
    const key = many ? segment.slice(0, -2) : segment;
    const next: { value: unknown; at: string }[] = [];
    for (const c of current) {
      const rec = asRecord(c.value);
      if (rec === undefined || !Object.prototype.hasOwnProperty.call(rec, key)) continue;
      const v = rec[key];
      const at = c.at === '' ? key : `${c.at}.${key}`;
      if (many) (asArray(v) ?? []).forEach((item, i) => next.push({ value: item, at: `${at}[${i}]` }));
      else next.push({ value: v, at });
    }
    current = next;
  }
  return current;
}
