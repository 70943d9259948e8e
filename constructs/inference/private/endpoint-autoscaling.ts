/**
 * Autoscaling of an `InferenceEndpoint`: the inference component's copies (scale-to-zero), or
 * each autoscaled production variant's instances (real-time and async); none for serverless.
 */
import type { Construct } from 'constructs';
import { InferenceAutoScaling, type InferenceAutoScalingOptions } from '../autoscaling';
import type { InferenceMode, InferenceVariantOptions } from '../inference-endpoint-props';

/** What is scaled, with the constructor's defaults applied. */
export interface EndpointScaling {
  readonly mode: InferenceMode;
  readonly endpointName: string;
  readonly primaryName: string;
  /** The primary variant's (or the component's) autoscaling. */
  readonly autoScaling?: InferenceAutoScalingOptions;
  readonly variants: readonly InferenceVariantOptions[];
  /** The inference component's name (scale-to-zero only). */
  readonly inferenceComponentName?: string;
}

/**
 * Adds the autoscaling under `scope` (`AutoScaling` for the primary variant or the component,
 * `AutoScaling-<variant>` for the others); returns it by variant name.
 */
export function addEndpointAutoScaling(
  scope: Construct,
  e: EndpointScaling,
): Record<string, InferenceAutoScaling> {
  const { mode, primaryName, autoScaling, variants } = e;
  const autoScalers: Record<string, InferenceAutoScaling> = {};
  if (mode === 'scale-to-zero') {
    autoScalers[primaryName] = new InferenceAutoScaling(scope, 'AutoScaling', {
      ...autoScaling!,
      scaledResource: {
        mode,
        resourceId: `inference-component/${e.inferenceComponentName}`,
        inferenceComponentName: e.inferenceComponentName,
      },
    });
  } else if (mode !== 'serverless') {
    const scaled: Array<[string, InferenceAutoScalingOptions | undefined]> = [
      [primaryName, autoScaling],
      ...variants.map((x): [string, InferenceAutoScalingOptions | undefined] => [
        x.variantName,
        x.autoScaling,
      ]),
    ];
    for (const [variantName, options] of scaled) {
      if (!options) continue;
      autoScalers[variantName] = new InferenceAutoScaling(
        scope,
        variantName === primaryName ? 'AutoScaling' : `AutoScaling-${variantName}`,
        {
          ...options,
          scaledResource: {
            mode: mode as 'real-time' | 'async',
            resourceId: `endpoint/${e.endpointName}/variant/${variantName}`,
            endpointName: e.endpointName,
          },
        },
      );
    }
  }
  return autoScalers;
}
