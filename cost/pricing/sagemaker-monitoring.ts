/**
 * AWS::SageMaker::MonitoringSchedule. Model Monitor runs each scheduled execution as a processing
 * job, billed per instance-second at the SageMaker Processing rate of its instance type
 * (`Processing:ml.<type>`, SageMaker pricing, "Processing"). The instance type and count are on the
 * schedule's job definition (inline `MonitoringJobDefinition`, or a `*JobDefinition` resource the
 * schedule references); the job definitions themselves are free.
 *
 * min = expected = `monthlyInstanceHours` (runs per month × instance-hours per run, usage metadata);
 * max = every scheduled run lasting its `MaxRuntimeInSeconds` on every instance. Without usage the
 * expected figure is the max.
 */
import { asNumber, asRecord, asString, isUnknownValue } from '../template/values';
import { HOURS_PER_MONTH, type PricingInput, type PricingModule, type ResolvedResource } from './types';
import { fmt, missingPriceReason } from './unit-price-helpers';

const JOB_DEFINITION_TYPES = new Set([
  'AWS::SageMaker::DataQualityJobDefinition',
  'AWS::SageMaker::ModelQualityJobDefinition',
  'AWS::SageMaker::ModelBiasJobDefinition',
  'AWS::SageMaker::ModelExplainabilityJobDefinition',
]);

/** Runs a month of the schedules SageMaker accepts: hourly, or daily at one hour. */
function runsPerMonth(expression: string | undefined): number | undefined {
  if (!expression) return undefined;
  if (/^cron\(0 \* \? \* \* \*\)$/.test(expression.trim())) return HOURS_PER_MONTH;
  if (/^cron\(0 ([01]?\d|2[0-3]) \? \* \* \*\)$/.test(expression.trim())) return HOURS_PER_MONTH / 24;
  return undefined;
}

export const priceMonitoringSchedule: PricingModule = (input) => {
  const config = asRecord(input.resource.properties.MonitoringScheduleConfig);
  const job = jobSpec(input, config);
  if (!job) {
    return { kind: 'unpriced', reason: 'the monitoring job definition is not in this template' };
  }
  const { instanceType, instanceCount, maxRuntimeSeconds } = job;
  if (!instanceType || instanceCount === undefined) {
    return {
      kind: 'unpriced',
      reason: 'the monitoring job instance type or count is not known before deployment',
    };
  }
  const key = `Processing:${instanceType}`;
  const price = input.prices.price('AmazonSageMaker', key);
  if (!price) return { kind: 'unpriced', reason: missingPriceReason(input.prices, key) };

  const expression = asString(asRecord(config?.ScheduleConfig)?.ScheduleExpression);
  const runs = runsPerMonth(expression);
  const maxHours =
    runs !== undefined && maxRuntimeSeconds !== undefined
      ? runs * (maxRuntimeSeconds / 3600) * instanceCount
      : undefined;
  const usageHours = input.usage.values.monthlyInstanceHours;
  if (usageHours === undefined && maxHours === undefined) {
    return {
      kind: 'unpriced',
      reason:
        'no monthlyInstanceHours usage and the schedule or MaxRuntimeInSeconds is not known before deployment',
    };
  }
  const expected = usageHours ?? maxHours!;
  const max = Math.max(maxHours ?? expected, expected);
  const notes = [
    usageHours === undefined
      ? 'no monthlyInstanceHours usage: expected = every run at MaxRuntimeInSeconds'
      : `${fmt(usageHours)} instance-hours a month from usage`,
    ...(runs !== undefined ? [`${fmt(runs)} runs a month (${expression})`] : []),
  ];
  return {
    kind: 'priced',
    lines: [
      {
        service: 'AmazonSageMaker',
        component: `Monitoring job instance usage (${instanceType}, processing)`,
        unit: 'Hrs',
        quantity: { min: expected, expected, max },
        quantityFormula:
          maxHours !== undefined
            ? `expected ${fmt(expected)} h; max ${fmt(runs!)} runs × ${fmt(maxRuntimeSeconds! / 3600)} h × ${fmt(instanceCount)} instance(s)`
            : `${fmt(expected)} instance-hours`,
        price,
        pricingCategory: 'Standard',
        usageBased: false,
        hasUsage: true,
        usageSource:
          usageHours !== undefined
            ? (input.usage.sources.monthlyInstanceHours ?? 'usage-metadata')
            : 'template',
        notes,
        drivers: {
          InstanceType: instanceType,
          InstanceCount: instanceCount,
          ...(expression ? { ScheduleExpression: expression } : {}),
          ...(maxRuntimeSeconds !== undefined ? { MaxRuntimeInSeconds: maxRuntimeSeconds } : {}),
        },
      },
    ],
  };
};

interface JobSpec {
  readonly instanceType?: string;
  readonly instanceCount?: number;
  readonly maxRuntimeSeconds?: number;
}

function jobSpec(
  input: PricingInput,
  config: Readonly<Record<string, unknown>> | undefined,
): JobSpec | undefined {
  const inline = asRecord(config?.MonitoringJobDefinition);
  if (inline) return clusterOf(asRecord(inline.MonitoringResources), asRecord(inline.StoppingCondition));
  const definition = referencedJobDefinition(input, config);
  if (!definition) return undefined;
  const p = definition.properties;
  return clusterOf(asRecord(p.JobResources), asRecord(p.StoppingCondition));
}

function clusterOf(
  resources: Readonly<Record<string, unknown>> | undefined,
  stopping: Readonly<Record<string, unknown>> | undefined,
): JobSpec {
  const cluster = asRecord(resources?.ClusterConfig);
  const type = cluster?.InstanceType;
  return {
    instanceType: type === undefined || isUnknownValue(type) ? undefined : asString(type),
    instanceCount: asNumber(cluster?.InstanceCount),
    // "MaxRuntimeInSeconds ... Default: 3600" (MonitoringStoppingCondition).
    maxRuntimeSeconds: stopping ? asNumber(stopping.MaxRuntimeInSeconds) : 3600,
  };
}

/** The job definition named by the schedule: by literal name, or the one resource it references. */
function referencedJobDefinition(
  { resource, template }: PricingInput,
  config: Readonly<Record<string, unknown>> | undefined,
): ResolvedResource | undefined {
  const candidates = template.resources().filter((r) => JOB_DEFINITION_TYPES.has(r.type));
  const name = asString(config?.MonitoringJobDefinitionName);
  if (name) {
    const byName = candidates.find((r) => asString(r.properties.JobDefinitionName) === name);
    if (byName) return byName;
  }
  return candidates.find((r) => template.referencedBy(r.logicalId).includes(resource.logicalId));
}
