/**
 * Prop validation of `InferenceEndpoint`: every check runs, then one error lists all problems,
 * in the order below (the order of the messages users see).
 */
import { SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { PropValidator } from '../../core/errors';
import { type InferenceAutoScalingOptions, validateAutoScaling } from '../autoscaling';
import { type InferenceDeploymentOptions, rollbackAlarmsPerVariant, validateDeployment } from '../deployment';
import type {
  InferenceEndpointAttributes,
  InferenceEndpointProps,
  InferenceExpectedUsage,
  InferenceMode,
  InferenceVariantOptions,
  ScaleToZeroOptions,
  ShadowVariantOptions,
} from '../inference-endpoint-props';
import type { InferenceInstanceType } from '../instance-type';
import { variantInstanceFloors } from './variants';

/** The props with the constructor's defaults applied, as validation needs them. */
export interface ResolvedEndpointProps {
  readonly mode: InferenceMode;
  readonly primaryName: string;
  readonly variants: readonly InferenceVariantOptions[];
  readonly shadow?: ShadowVariantOptions;
  readonly captureEnabled: boolean;
  readonly autoScaling?: InferenceAutoScalingOptions;
  readonly deployment: InferenceDeploymentOptions;
  readonly autoRollback: boolean;
}

/** Checks the props of an `InferenceEndpoint`; throws one `MlPlatformValidationError` listing every problem. */
export function validateEndpointProps(
  scope: IConstruct,
  props: InferenceEndpointProps,
  resolved: ResolvedEndpointProps,
): void {
  const { mode, variants, autoRollback } = resolved;
  const variantCount = 1 + variants.length;
  const v = new PropValidator('InferenceEndpoint', scope);
  validateModeOptions(v, props, mode);
  validateVariants(v, props, resolved);
  if (mode !== 'serverless') validateCapacity(v, props, resolved);
  validateDataCapture(v, props, resolved);
  validateAsync(v, props);
  if (props.scaleToZero) validateScaleToZero(v, props.scaleToZero);
  if (props.endpointName !== undefined && !Token.isUnresolved(props.endpointName)) {
    v.check(ENDPOINT_NAME.test(props.endpointName), 'endpointName', props.endpointName, ENDPOINT_NAME_RULE);
  }
  validateExpectedUsage(v, props.expectedUsage ?? {});
  validateDeployment(
    v,
    resolved.deployment,
    autoRollback ? (mode === 'scale-to-zero' ? 3 : rollbackAlarmsPerVariant(mode) * variantCount) : 0,
    variantInstanceFloors(props, mode, resolved.primaryName, resolved.autoScaling),
  );
  v.throwIfAny();
}

/** Checks the attributes of an imported endpoint; `path` is where the import would sit. */
export function validateEndpointAttributes(path: string, attrs: InferenceEndpointAttributes): void {
  const v = new PropValidator('InferenceEndpoint.fromEndpointAttributes', path);
  if (!Token.isUnresolved(attrs.endpointName))
    v.check(ENDPOINT_NAME.test(attrs.endpointName), 'endpointName', attrs.endpointName, ENDPOINT_NAME_RULE);
  v.check(
    (attrs.variantNames ?? ['x']).length > 0,
    'variantNames',
    attrs.variantNames,
    'at least one variant name',
  );
  v.throwIfAny();
}

/** The mode, the options each mode needs or forbids, and what serverless endpoints leave out. */
function validateModeOptions(v: PropValidator, props: InferenceEndpointProps, mode: InferenceMode): void {
  const shadow = props.shadowVariant;
  v.oneOf('mode', mode, MODES);
  v.check(
    props.async === undefined || mode === 'async',
    'async',
    'set',
    `left out unless mode is 'async' (mode is '${mode}')`,
  );
  v.check(
    mode !== 'async' || props.async !== undefined,
    'async',
    undefined,
    `the async options (outputBucket, ...) when mode is 'async'`,
  );
  v.check(
    props.serverless === undefined || mode === 'serverless',
    'serverless',
    'set',
    `left out unless mode is 'serverless' (mode is '${mode}')`,
  );
  v.check(
    mode !== 'serverless' || props.serverless !== undefined,
    'serverless',
    undefined,
    `the serverless options (memorySize, maxConcurrency) when mode is 'serverless'`,
  );
  v.check(
    props.scaleToZero === undefined || mode === 'scale-to-zero',
    'scaleToZero',
    'set',
    `left out unless mode is 'scale-to-zero' (mode is '${mode}')`,
  );
  if (mode === 'serverless') {
    for (const [prop, value] of [
      ['instanceType', props.instanceType?.toString()],
      ['initialInstanceCount', props.initialInstanceCount],
      ['autoScaling', props.autoScaling ? 'set' : undefined],
      ['variants', props.variants ? 'set' : undefined],
      ['shadowVariant', shadow ? 'set' : undefined],
      ['networkIsolation', props.networkIsolation ? true : undefined],
      ['vpcSubnets', props.vpcSubnets ? 'set' : undefined],
      ['securityGroups', props.securityGroups ? 'set' : undefined],
    ] as const) {
      v.check(
        value === undefined,
        prop,
        value,
        'left out for serverless endpoints (SageMaker sizes, scales and networks them itself)',
      );
    }
    const s = props.serverless;
    if (s) {
      const mib = s.memorySize.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
      v.check(
        Number.isInteger(mib) && mib >= 1024 && mib <= 6144 && mib % 1024 === 0,
        'serverless.memorySize (MiB)',
        mib,
        'one of 1024, 2048, 3072, 4096, 5120, 6144',
      );
      v.range('serverless.maxConcurrency', s.maxConcurrency, 1, 200);
      v.range(
        'serverless.provisionedConcurrency',
        s.provisionedConcurrency,
        1,
        Math.max(1, s.maxConcurrency),
      );
    }
  } else {
    v.check(
      props.instanceType !== undefined,
      'instanceType',
      undefined,
      `an InferenceInstanceType (required for ${mode} endpoints)`,
    );
  }
  if (mode === 'async' || mode === 'scale-to-zero') {
    v.check(
      props.variants === undefined,
      'variants',
      'set',
      `left out for ${mode} endpoints (one production variant only)`,
    );
    v.check(shadow === undefined, 'shadowVariant', 'set', `left out for ${mode} endpoints`);
  }
}

/** Variant count, names, weights and the shadow's sampling. */
function validateVariants(v: PropValidator, props: InferenceEndpointProps, r: ResolvedEndpointProps): void {
  const { primaryName, variants, shadow } = r;
  const variantCount = 1 + variants.length;
  v.check(
    !(shadow && variants.length > 0),
    'shadowVariant',
    'set with variants',
    'used with a single production variant (leave variants out)',
  );
  v.range('variants (count including the primary)', variantCount, 1, 10);
  const names = [
    primaryName,
    ...variants.map((x) => x.variantName),
    ...(shadow ? [shadow.variantName ?? 'Shadow'] : []),
  ];
  names.forEach((n, i) => {
    v.check(
      VARIANT_NAME.test(n),
      i === 0 ? 'variantName' : `variants[${i - 1}].variantName`,
      n,
      'letters, digits and hyphens, 1–63 characters, starting and ending with a letter or digit',
    );
    v.check(
      names.indexOf(n) === i,
      'variant names',
      n,
      'unique across the primary, variants and shadowVariant',
    );
  });
  const weights = [props.variantWeight ?? 1, ...variants.map((x) => x.weight)];
  weights.forEach((w, i) =>
    v.range(i === 0 ? 'variantWeight' : `variants[${i - 1}].weight`, w, 0, 1_000_000, { integer: false }),
  );
  v.check(
    weights.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) > 0,
    'variant weights',
    weights,
    'weights whose sum is above 0',
  );
  if (shadow) v.range('shadowVariant.samplingPercentage', shadow.samplingPercentage, 1, 100);
}

/** Autoscaling and instances of every variant (endpoints on instances only). */
function validateCapacity(v: PropValidator, props: InferenceEndpointProps, r: ResolvedEndpointProps): void {
  const { mode, autoScaling, variants, shadow } = r;
  validateAutoScaling(v, 'autoScaling', mode, autoScaling);
  checkInstances(v, '', props.instanceType, props.initialInstanceCount, autoScaling, mode);
  variants.forEach((x, i) => {
    validateAutoScaling(v, `variants[${i}].autoScaling`, mode, x.autoScaling);
    checkInstances(v, `variants[${i}].`, x.instanceType, x.initialInstanceCount, x.autoScaling, mode);
  });
  if (shadow) v.range('shadowVariant.initialInstanceCount', shadow.initialInstanceCount, 1, 100);
}

/** Data capture: supported by the mode, the sampling share. */
function validateDataCapture(
  v: PropValidator,
  props: InferenceEndpointProps,
  r: ResolvedEndpointProps,
): void {
  const { mode, captureEnabled } = r;
  const capture = props.dataCapture;
  v.check(
    !(captureEnabled && (mode === 'serverless' || mode === 'scale-to-zero')),
    'dataCapture.enabled',
    true,
    `false or left out for ${mode} endpoints (SageMaker does not capture their data)`,
  );
  v.range('dataCapture.samplingPercentage', capture?.samplingPercentage, 0, 100);
}

/** S3 key prefixes (data capture's and async's) and the async concurrency. */
function validateAsync(v: PropValidator, props: InferenceEndpointProps): void {
  for (const [prop, value] of [
    ['dataCapture.prefix', props.dataCapture?.prefix],
    ['async.outputPrefix', props.async?.outputPrefix],
    ['async.failurePrefix', props.async?.failurePrefix],
    ['async.inputPrefix', props.async?.inputPrefix],
  ] as const) {
    if (value !== undefined && !Token.isUnresolved(value)) {
      v.check(
        PREFIX.test(value),
        prop,
        value,
        'an S3 key prefix of letters, digits, -, _, . and / without a leading or trailing slash',
      );
    }
  }
  v.range(
    'async.maxConcurrentInvocationsPerInstance',
    props.async?.maxConcurrentInvocationsPerInstance,
    1,
    1000,
  );
}

function validateScaleToZero(v: PropValidator, s: ScaleToZeroOptions): void {
  if (s.memoryRequired)
    v.range(
      'scaleToZero.memoryRequired (MiB)',
      s.memoryRequired.toMebibytes({ rounding: SizeRoundingBehavior.FLOOR }),
      128,
      2_000_000,
    );
  v.range('scaleToZero.cpuCoresRequired', s.cpuCoresRequired, 1, 192, { integer: false });
  v.range('scaleToZero.acceleratorDevicesRequired', s.acceleratorDevicesRequired, 1, 16);
}

function validateExpectedUsage(v: PropValidator, usage: InferenceExpectedUsage): void {
  v.range('expectedUsage.averageInstanceCount', usage.averageInstanceCount, 0, 10_000, { integer: false });
  v.range('expectedUsage.monthlyRequests', usage.monthlyRequests, 0, 1e13, { integer: false });
  v.range('expectedUsage.averageDurationMs', usage.averageDurationMs, 0, 3_600_000, { integer: false });
}

function checkInstances(
  v: PropValidator,
  prefix: string,
  type: InferenceInstanceType | undefined,
  initial: number | undefined,
  scaling: InferenceAutoScalingOptions | undefined,
  mode: InferenceMode,
): void {
  v.range(`${prefix}initialInstanceCount`, initial, 1, 100);
  if (!type) return;
  v.check(
    !(scaling && type.isBurstable),
    `${prefix}instanceType`,
    type.toString(),
    'a non-burstable type when autoscaling (burstable ml.t* instances run out of CPU credits under load)',
  );
  if (scaling && initial !== undefined && mode !== 'scale-to-zero') {
    const min = scaling.minCapacity ?? (mode === 'real-time' ? 1 : 0);
    v.check(
      initial >= min && initial <= scaling.maxCapacity,
      `${prefix}initialInstanceCount`,
      initial,
      `within autoScaling min..max (${min}..${scaling.maxCapacity})`,
    );
  }
}

const MODES = ['real-time', 'async', 'serverless', 'scale-to-zero'] as const;
const VARIANT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const ENDPOINT_NAME_RULE =
  'letters, digits and hyphens, 1–63 characters, starting and ending with a letter or digit';
const PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;
