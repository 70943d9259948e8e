/**
 * The production and shadow variants of an `InferenceEndpoint`'s endpoint configuration.
 */
import type { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import type { InferenceAutoScalingOptions } from '../autoscaling';
import type { VariantInstanceFloor } from '../deployment';
import type {
  InferenceEndpointProps,
  InferenceMode,
  InferenceVariantOptions,
} from '../inference-endpoint-props';
import type { InferenceModel } from '../model';

/** What the variants are built from: the props with the constructor's defaults applied, and the models. */
export interface VariantSources {
  readonly props: InferenceEndpointProps;
  readonly mode: InferenceMode;
  readonly primaryName: string;
  readonly primaryModel: InferenceModel;
  readonly autoScaling?: InferenceAutoScalingOptions;
  readonly variants: readonly InferenceVariantOptions[];
  /** The model of each of `variants`, in the same order. */
  readonly variantModels: readonly InferenceModel[];
}

/**
 * The production variants for the mode: one serverless variant; one variant with managed
 * instance scaling and no model for scale-to-zero (the inference component names the model);
 * otherwise the primary and the weighted A/B variants.
 */
export function productionVariants(s: VariantSources): CfnEndpointConfig.ProductionVariantProperty[] {
  const { props, mode, primaryName, primaryModel, autoScaling, variants, variantModels } = s;
  const initialCount = (count: number | undefined, scaling: InferenceAutoScalingOptions | undefined) =>
    count ?? Math.max(1, scaling?.minCapacity ?? 1);
  if (mode === 'serverless') {
    return [
      {
        variantName: primaryName,
        modelName: primaryModel.modelName,
        serverlessConfig: {
          memorySizeInMb: props.serverless!.memorySize.toMebibytes(),
          maxConcurrency: props.serverless!.maxConcurrency,
          provisionedConcurrency: props.serverless!.provisionedConcurrency,
        },
      },
    ];
  }
  if (mode === 'scale-to-zero') {
    return [
      {
        variantName: primaryName,
        instanceType: props.instanceType!.toString(),
        // Instances follow the component's copies; at least one is needed to place the first copy.
        initialInstanceCount: props.initialInstanceCount ?? 1,
        managedInstanceScaling: {
          status: 'ENABLED',
          minInstanceCount: 0,
          maxInstanceCount: autoScaling!.maxCapacity,
        },
        routingConfig: { routingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
      },
    ];
  }
  return [
    {
      variantName: primaryName,
      modelName: primaryModel.modelName,
      instanceType: props.instanceType!.toString(),
      initialInstanceCount: initialCount(props.initialInstanceCount, autoScaling),
      initialVariantWeight: props.variantWeight ?? 1,
    },
    ...variants.map((x, i) => ({
      variantName: x.variantName,
      modelName: variantModels[i].modelName,
      instanceType: x.instanceType.toString(),
      initialInstanceCount: initialCount(x.initialInstanceCount, x.autoScaling),
      initialVariantWeight: x.weight,
    })),
  ];
}

/** The shadow variant, weighted so it receives `samplingPercentage` of the primary's traffic. */
export function shadowProductionVariants(
  props: InferenceEndpointProps,
  shadowName: string,
  shadowModel: InferenceModel | undefined,
): CfnEndpointConfig.ProductionVariantProperty[] | undefined {
  const shadow = props.shadowVariant;
  return shadow && shadowModel
    ? [
        {
          variantName: shadowName,
          modelName: shadowModel.modelName,
          instanceType: shadow.instanceType.toString(),
          initialInstanceCount: shadow.initialInstanceCount ?? 1,
          initialVariantWeight: ((props.variantWeight ?? 1) * (shadow.samplingPercentage ?? 100)) / 100,
        },
      ]
    : undefined;
}

/**
 * The fewest instances each production variant may run when an update starts: the autoscaling
 * minimum of an autoscaled variant (its count drifts between that and the maximum), else its
 * initial instance count. Empty for serverless and scale-to-zero endpoints, which shift no
 * instance capacity.
 */
export function variantInstanceFloors(
  props: InferenceEndpointProps,
  mode: InferenceMode,
  primaryName: string,
  autoScaling: InferenceAutoScalingOptions | undefined,
): VariantInstanceFloor[] {
  if (mode === 'serverless' || mode === 'scale-to-zero') return [];
  const floor = (
    variantName: string,
    count: number | undefined,
    scaling: InferenceAutoScalingOptions | undefined,
  ): VariantInstanceFloor =>
    scaling
      ? {
          variantName,
          instances: scaling.minCapacity ?? (mode === 'real-time' ? 1 : 0),
          source: 'autoScaling.minCapacity',
        }
      : { variantName, instances: count ?? 1, source: 'initialInstanceCount' };
  return [
    floor(primaryName, props.initialInstanceCount, autoScaling),
    ...(props.variants ?? []).map((x) => floor(x.variantName, x.initialInstanceCount, x.autoScaling)),
  ];
}
