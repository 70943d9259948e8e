/**
 * SageMaker hosting. Models and endpoints are free; the `AWS::SageMaker::EndpointConfig` carries
 * the instances, priced once per endpoint that uses it (cost-model.md, "SageMaker endpoint"):
 * - every ProductionVariant and ShadowProductionVariant at the `ml.*` hosting price;
 * - instance counts from the `AWS::ApplicationAutoScaling::ScalableTarget` whose ResourceId
 *   resolves to `endpoint/<endpoint>/variant/<variant>` (min = MinCapacity, max = MaxCapacity),
 *   else ManagedInstanceScaling (MinInstanceCount / MaxInstanceCount), else InitialInstanceCount
 *   (1 when absent; an unresolved count makes the variant unpriced);
 *   expected = usage `averageInstanceCount` (on the endpoint config) within [min, max], else min;
 *   a variant whose count is fixed (min = max) keeps it, and its line's usage source is `template`;
 * - the ML storage volume (`VolumeSizeInGB`) per instance at `Host:VolumeUsage.gp2`;
 * - serverless variants: provisioned concurrency is the fixed part; compute per second is
 *   usage-based (monthlyRequests × averageDurationMs), capped by MaxConcurrency for max;
 * - async inference is priced at the variant's instance rate; min 0 when it scales to zero.
 * Inference components add no line of their own: their copies run on the endpoint's instances,
 * which the endpoint config's variant (ManagedInstanceScaling) prices; the variant line names them.
 */
import { groupBy, memoOnView, resourcesOfType } from './view-index';
import { asArray, asNumber, asRecord, asString, isUnknownValue, partsOf } from '../template/values';
import type { PerScenario } from './launch-template';
import { fmt, perUsage, priceLines } from './unit-price-helpers';
import {
  HOURS_PER_MONTH,
  type LineDraft,
  type PricingInput,
  type PricingModule,
  type ResolvedResource,
  type TemplateView,
} from './types';

const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

export const priceSageMakerEndpointConfig: PricingModule = (input) => {
  const { resource, template } = input;
  const endpoints = endpointsUsing(template, resource);
  if (endpoints.length === 0) return { kind: 'free' };
  const variants = [
    ...(asArray(resource.properties.ProductionVariants) ?? []).map((v) => ({
      v: asRecord(v) ?? {},
      shadow: false,
    })),
    ...(asArray(resource.properties.ShadowProductionVariants) ?? []).map((v) => ({
      v: asRecord(v) ?? {},
      shadow: true,
    })),
  ];
  if (variants.length === 0)
    return { kind: 'unpriced', reason: 'ProductionVariants is not known before deployment' };
  const async = asRecord(resource.properties.AsyncInferenceConfig) !== undefined;
  const lines: LineDraft[] = [];
  const unpriced: string[] = [];
  for (const endpoint of endpoints) {
    const label = endpoints.length > 1 ? `, endpoint ${endpoint.logicalId}` : '';
    for (const { v, shadow } of variants) {
      const r = asRecord(v.ServerlessConfig)
        ? priceServerless(input, v, shadow, label)
        : priceInstanceVariant(input, endpoint, v, shadow, async, label);
      lines.push(...r.lines);
      unpriced.push(...r.unpriced);
    }
  }
  if (lines.length === 0) return { kind: 'unpriced', reason: unpriced.join('; ') };
  const data = priceDataProcessed(input, endpoints.length, variants, async);
  return {
    kind: 'priced',
    lines: [...lines, ...data.lines],
    unpriced: [...unpriced, ...data.unpriced],
  };
};

/**
 * Data processed through the endpoint(s): "Data Processing IN" and "Data Processing OUT" are
 * billed per GB for real-time and asynchronous inference, and serverless inference is billed for
 * "the amount of data processed" (SageMaker pricing, Inference). AWS lists the same per-GB rate
 * in and out, so one usage-based line prices `monthlyDataGb` (GB in + out, on the endpoint config)
 * at the IN rate; a region whose OUT rate differs says so in a note. Without usage the line shows
 * its rate as "depends on usage" and stays out of the totals; a missing rate is a note, not an
 * unpriced resource (the instances are priced).
 */
function priceDataProcessed(
  { prices, usage }: PricingInput,
  endpointCount: number,
  variants: readonly { v: Readonly<Record<string, unknown>> }[],
  async: boolean,
): VariantResult {
  const serverless = variants.every(({ v }) => asRecord(v.ServerlessConfig) !== undefined);
  const key = serverless ? 'ServerlessInf:Data-Bytes' : 'Host:Data-Bytes-In';
  const out = serverless ? undefined : prices.price('AmazonSageMaker', 'Host:Data-Bytes-Out');
  const inRate = prices.price('AmazonSageMaker', key);
  const mode = serverless ? 'serverless' : async ? 'async inference' : 'real-time hosting';
  const result = priceLines(prices, usage, [
    {
      service: 'AmazonSageMaker',
      key,
      component: `Data processed in and out (${mode})`,
      quantity: perUsage(
        'monthlyDataGb',
        `GB${endpointCount > 1 ? ` over ${endpointCount} endpoints` : ''}`,
        true,
      ),
      notes:
        out && inRate && out.value !== inRate.value
          ? [`data out is billed at ${out.value} $/GB here (Host:Data-Bytes-Out); the line uses the IN rate`]
          : [],
    },
  ]);
  if (result.kind === 'priced') return { lines: [...result.lines], unpriced: [...(result.unpriced ?? [])] };
  // No rate for the region and no usage set: nothing is missing from the totals.
  return {
    lines: [],
    unpriced: result.kind === 'unpriced' && usage.values.monthlyDataGb !== undefined ? [result.reason] : [],
  };
}

/** Inference components are priced through the instances of their endpoint (see the file comment). */
export const priceSageMakerInferenceComponent: PricingModule = () => ({ kind: 'free' });

interface VariantResult {
  lines: LineDraft[];
  unpriced: string[];
}

function priceInstanceVariant(
  { prices, template, usage }: PricingInput,
  endpoint: ResolvedResource,
  v: Readonly<Record<string, unknown>>,
  shadow: boolean,
  async: boolean,
  label: string,
): VariantResult {
  const variantName = asString(v.VariantName) ?? '?';
  const kind = shadow ? 'shadow variant' : 'variant';
  const rawType = v.InstanceType;
  if (rawType === undefined || isUnknownValue(rawType)) {
    return { lines: [], unpriced: [`${kind} ${variantName}: InstanceType is not known before deployment`] };
  }
  const instanceType = String(rawType);
  const price = prices.price('AmazonSageMaker', instanceType);
  if (!price) {
    return {
      lines: [],
      unpriced: [
        `${kind} ${variantName}: ${instanceType} has no AmazonSageMaker hosting price in ${prices.region}`,
      ],
    };
  }
  const notes: string[] = [];
  const drivers: Record<string, string | number> = { InstanceType: instanceType };
  if (v.InitialInstanceCount !== undefined) drivers.InitialInstanceCount = String(v.InitialInstanceCount);
  // InitialInstanceCount is 1 when absent; when present but unresolved it is unknown, never 1.
  const initial = v.InitialInstanceCount === undefined ? 1 : asNumber(v.InitialInstanceCount);
  let min = initial;
  let max = initial;
  const target = scalableTargetFor(template, endpoint, variantName);
  const managed = asRecord(v.ManagedInstanceScaling);
  if (target) {
    const tMin = asNumber(target.properties.MinCapacity);
    const tMax = asNumber(target.properties.MaxCapacity);
    if (tMin !== undefined && tMax !== undefined) {
      min = tMin;
      drivers.MinCapacity = tMin;
      drivers.MaxCapacity = tMax;
      // CloudFormation refuses MaxCapacity below MinCapacity: never report a max under the min.
      max = Math.max(tMax, tMin);
      notes.push(`autoscaling ${target.logicalId}: ${fmt(tMin)}–${fmt(tMax)} instances`);
    } else {
      notes.push(
        `autoscaling ${target.logicalId}: capacity unknown before deployment, InitialInstanceCount used`,
      );
    }
  } else if (managed && asString(managed.Status) !== 'DISABLED') {
    const mMin = asNumber(managed.MinInstanceCount);
    const mMax = asNumber(managed.MaxInstanceCount);
    if (mMin !== undefined) min = drivers['ManagedInstanceScaling.MinInstanceCount'] = mMin;
    if (mMax !== undefined) drivers['ManagedInstanceScaling.MaxInstanceCount'] = mMax;
    if (mMax !== undefined && min !== undefined) max = Math.max(mMax, min);
    if (min !== undefined && max !== undefined)
      notes.push(`managed instance scaling: ${fmt(min)}–${fmt(max)} instances`);
  }
  if (min === undefined || max === undefined) {
    return {
      lines: [],
      unpriced: [`${kind} ${variantName}: InitialInstanceCount is not known before deployment`],
    };
  }
  const avg = usage.values.averageInstanceCount;
  const expected = avg !== undefined ? Math.min(Math.max(avg, min), max) : min;
  if (avg === undefined && min !== max) notes.push('no averageInstanceCount usage: expected = min');
  // A clamped assumption is said, never applied silently (the assumptions table shows the raw value).
  if (avg !== undefined && min !== max && expected !== avg)
    notes.push(
      `averageInstanceCount ${fmt(avg)} clamped to ${fmt(expected)}: the ${avg < min ? 'minimum' : 'maximum'} capacity is ${fmt(expected)}`,
    );
  if (min === 0) notes.push('scales to zero: min = 0');
  if (async) notes.push('async inference: priced at the instance hosting rate');
  const components = inferenceComponentsOn(template, endpoint);
  if (components.length > 0) notes.push(`hosts inference components ${components.join(', ')} (priced here)`);

  const counts: PerScenario<number> = { min, expected, max };
  const hours = scale(counts, HOURS_PER_MONTH);
  // A count fixed by the template (min = max) is the template's, whatever the usage says.
  if (avg !== undefined && min === max && avg !== min)
    notes.push(`averageInstanceCount ${fmt(avg)} not used: ${kind} ${variantName} has a fixed ${fmt(min)}`);
  const usageSource =
    avg !== undefined && min !== max ? (usage.sources.averageInstanceCount ?? 'usage-metadata') : 'template';
  const lines: LineDraft[] = [
    {
      service: 'AmazonSageMaker',
      component: `Instance usage (${instanceType}, ${async ? 'async inference' : 'real-time hosting'}, ${kind} ${variantName}${label})`,
      unit: 'Hrs',
      quantity: hours,
      quantityFormula: `min ${fmt(min)} / expected ${fmt(expected)} / max ${fmt(max)} instances × 730 h`,
      price,
      pricingCategory: 'Standard',
      usageBased: false,
      hasUsage: true,
      usageSource,
      notes,
      drivers,
    },
  ];
  const unpriced: string[] = [];
  const volume = asNumber(v.VolumeSizeInGB);
  if (volume !== undefined) {
    const storage = prices.price('AmazonSageMaker', 'Host:VolumeUsage.gp2');
    if (storage) {
      lines.push({
        service: 'AmazonSageMaker',
        component: `ML storage (${kind} ${variantName}${label}, ${fmt(volume)} GB per instance)`,
        unit: 'GB-Mo',
        quantity: scale(counts, volume),
        quantityFormula: `${fmt(volume)} GB × ${fmt(expected)} instances`,
        price: storage,
        pricingCategory: 'Standard',
        usageBased: false,
        hasUsage: true,
        usageSource,
        drivers: { ...drivers, VolumeSizeInGB: volume },
      });
    } else {
      unpriced.push(
        `${kind} ${variantName}: ML storage has no Host:VolumeUsage.gp2 price in ${prices.region}`,
      );
    }
  }
  return { lines, unpriced };
}

function priceServerless(
  { prices, usage }: PricingInput,
  v: Readonly<Record<string, unknown>>,
  shadow: boolean,
  label: string,
): VariantResult {
  const variantName = asString(v.VariantName) ?? '?';
  const kind = shadow ? 'shadow variant' : 'variant';
  const cfg = asRecord(v.ServerlessConfig) ?? {};
  const memoryMb = asNumber(cfg.MemorySizeInMB);
  if (memoryMb === undefined)
    return { lines: [], unpriced: [`${kind} ${variantName}: MemorySizeInMB unknown`] };
  const memoryGb = memoryMb / 1024;
  const lines: LineDraft[] = [];
  const unpriced: string[] = [];
  const provisioned = asNumber(cfg.ProvisionedConcurrency) ?? 0;
  const maxConcurrency = asNumber(cfg.MaxConcurrency);
  if (provisioned > 0) {
    const key = `ProvisionedConcurrency:Usage-${fmt(memoryGb)}GB`;
    const price = prices.price('AmazonSageMaker', key);
    if (price) {
      const seconds = provisioned * SECONDS_PER_MONTH;
      lines.push({
        service: 'AmazonSageMaker',
        component: `Serverless provisioned concurrency (${fmt(memoryGb)} GB, ${kind} ${variantName}${label})`,
        unit: price.unit,
        quantity: { min: seconds, expected: seconds, max: seconds },
        quantityFormula: `${fmt(provisioned)} provisioned × 730 h × 3600 s`,
        price,
        pricingCategory: 'Standard',
        usageBased: false,
        hasUsage: true,
        usageSource: 'template',
        notes: [
          `${key}: the catalog's sources disagree on which provisioned-concurrency rate is the fixed one`,
        ],
      });
    } else {
      unpriced.push(
        `${kind} ${variantName}: provisioned concurrency has no ${key} price in ${prices.region}`,
      );
    }
  }
  const key = `ServerlessInf:Mem-${fmt(memoryGb)}GB`;
  const price = prices.price('AmazonSageMaker', key);
  if (!price) {
    unpriced.push(`${kind} ${variantName}: serverless compute has no ${key} price in ${prices.region}`);
    return { lines, unpriced };
  }
  const requests = usage.values.monthlyRequests;
  const durationMs = usage.values.averageDurationMs;
  const hasUsage = requests !== undefined && durationMs !== undefined;
  const seconds = hasUsage ? (requests * durationMs) / 1000 : 0;
  const maxSeconds = maxConcurrency !== undefined ? maxConcurrency * SECONDS_PER_MONTH : seconds;
  // The exposure is known without any usage: MaxConcurrency invocations of MemorySizeInMB busy
  // for the whole month ("You are billed for the compute capacity used to process inference
  // requests, billed by the millisecond, and the amount of data processed", SageMaker pricing,
  // Serverless Inference). So the line counts in totals with min = expected = 0 and that max.
  const capOnly = !hasUsage && maxConcurrency !== undefined;
  lines.push({
    service: 'AmazonSageMaker',
    component: `Serverless inference compute (${fmt(memoryGb)} GB, ${kind} ${variantName}${label})`,
    unit: price.unit,
    quantity: { min: 0, expected: seconds, max: Math.max(seconds, maxSeconds) },
    quantityFormula: hasUsage
      ? `${fmt(requests)} requests × ${fmt(durationMs)} ms; max ${maxConcurrency ?? '?'} concurrent × 730 h`
      : capOnly
        ? `no usage set (monthlyRequests × averageDurationMs): expected 0; max ${fmt(maxConcurrency)} concurrent × 730 h × 3600 s`
        : 'depends on usage (monthlyRequests × averageDurationMs)',
    price,
    pricingCategory: 'Standard',
    usageBased: true,
    hasUsage: hasUsage || capOnly,
    usageSource: hasUsage
      ? (usage.sources.monthlyRequests ?? 'usage-metadata')
      : capOnly
        ? 'template'
        : 'none',
    notes: [`MaxConcurrency ${maxConcurrency ?? 'unset'} is a cap (max scenario), not a baseline`],
  });
  return { lines, unpriced };
}

/** Endpoints whose EndpointConfigName refers to the config (by reference or by literal name), by logical id. */
function endpointsUsing(view: TemplateView, config: ResolvedResource): ResolvedResource[] {
  // Each endpoint names its config one way: by a reference to it, or by a literal name.
  const index = memoOnView(view, 'sagemaker:endpoints-by-config', () =>
    groupBy(resourcesOfType(view, 'AWS::SageMaker::Endpoint'), (r) => {
      const ref = r.properties.EndpointConfigName;
      const parts = partsOf(ref);
      if (parts.length === 1 && typeof parts[0] === 'object' && 'ref' in parts[0])
        return [`ref:${parts[0].ref}`];
      const literal = asString(ref);
      return literal !== undefined ? [`name:${literal}`] : [];
    }),
  );
  const name = asString(config.properties.EndpointConfigName);
  return [
    ...(index.get(`ref:${config.logicalId}`) ?? []),
    ...(name !== undefined ? (index.get(`name:${name}`) ?? []) : []),
  ].sort((a, b) => a.logicalId.localeCompare(b.logicalId));
}

/** The scalable target of `endpoint/<endpoint>/variant/<variant>`, joined through the reference graph. */
function scalableTargetFor(
  view: TemplateView,
  endpoint: ResolvedResource,
  variant: string,
): ResolvedResource | undefined {
  // endpoint spelling + NUL + variant → the first such target in template order, with its position.
  const index = memoOnView(view, 'sagemaker:targets-by-variant', () => {
    const map = new Map<string, { target: ResolvedResource; order: number }>();
    resourcesOfType(view, 'AWS::ApplicationAutoScaling::ScalableTarget').forEach((r, order) => {
      if (
        asString(r.properties.ServiceNamespace) !== 'sagemaker' ||
        asString(r.properties.ScalableDimension) !== 'sagemaker:variant:DesiredInstanceCount'
      )
        return;
      const m = /^endpoint\/(.+)\/variant\/(.+)$/.exec(flatten(r.properties.ResourceId));
      if (m === null) return;
      const key = `${m[1]}\u0000${m[2]}`;
      if (!map.has(key)) map.set(key, { target: r, order });
    });
    return map;
  });
  let best: { target: ResolvedResource; order: number } | undefined;
  for (const name of names(endpoint)) {
    const hit = index.get(`${name}\u0000${variant}`);
    if (hit && (best === undefined || hit.order < best.order)) best = hit;
  }
  return best?.target;
}

/** Inference components placed on an endpoint, by logical id. */
function inferenceComponentsOn(view: TemplateView, endpoint: ResolvedResource): string[] {
  const index = memoOnView(view, 'sagemaker:components-by-endpoint', () =>
    groupBy(resourcesOfType(view, 'AWS::SageMaker::InferenceComponent'), (r) => [
      flatten(r.properties.EndpointName),
    ]),
  );
  const ids = new Set<string>();
  for (const name of names(endpoint)) for (const r of index.get(name) ?? []) ids.add(r.logicalId);
  return [...ids].sort();
}

/**
 * The ways a template can spell an endpoint's name: a reference to it, its literal EndpointName,
 * or the references its EndpointName is built from. AWS samples name the endpoint after its
 * config (`EndpointName: !GetAtt EndpointConfig.EndpointConfigName`) and then address the
 * scalable target as `endpoint/${EndpointConfig.EndpointConfigName}/variant/AllTraffic`.
 */
function names(endpoint: ResolvedResource): string[] {
  const out = [`\u0001${endpoint.logicalId}\u0001`];
  const literal = asString(endpoint.properties.EndpointName);
  if (literal !== undefined) out.push(literal);
  else if (endpoint.properties.EndpointName !== undefined) {
    const built = flatten(endpoint.properties.EndpointName);
    if (!built.includes('\u0002')) out.push(built);
  }
  return out;
}

/** A value as a string in which each reference is `\u0001<logicalId>\u0001` and anything unknown `\u0002`. */
function flatten(value: unknown): string {
  return partsOf(value)
    .map((p) => (typeof p === 'string' ? p : 'ref' in p ? `\u0001${p.ref}\u0001` : '\u0002'))
    .join('');
}

function scale(c: PerScenario<number>, k: number): PerScenario<number> {
  return { min: c.min * k, expected: c.expected * k, max: c.max * k };
}
