/**
 * The inference component of a scale-to-zero `InferenceEndpoint`: the model placed on the
 * endpoint's variant with its compute requirements, in as many copies as the autoscaling minimum
 * (at least one, to place the first copy).
 */
import { Fn, Size, SizeRoundingBehavior } from 'aws-cdk-lib';
import { CfnInferenceComponent } from 'aws-cdk-lib/aws-sagemaker';
import type { Construct } from 'constructs';
import type { InferenceAutoScalingOptions } from '../autoscaling';
import type { InferenceEndpointProps } from '../inference-endpoint-props';
import type { InferenceModel } from '../model';

/** The component (id `Component` under `scope`) and its name. */
export interface InferenceComponent {
  readonly component: CfnInferenceComponent;
  /** The component's name: the last part of its ARN (`...:inference-component/<name>`). */
  readonly name: string;
}

export function createInferenceComponent(
  scope: Construct,
  props: InferenceEndpointProps,
  target: {
    readonly endpointName: string;
    readonly variantName: string;
    readonly model: InferenceModel;
    readonly autoScaling: InferenceAutoScalingOptions;
  },
): InferenceComponent {
  const s = props.scaleToZero ?? {};
  const accelerators = s.acceleratorDevicesRequired ?? (props.instanceType!.isAccelerated ? 1 : undefined);
  const component = new CfnInferenceComponent(scope, 'Component', {
    endpointName: target.endpointName,
    variantName: target.variantName,
    specification: {
      modelName: target.model.modelName,
      computeResourceRequirements: {
        minMemoryRequiredInMb: (s.memoryRequired ?? Size.gibibytes(1)).toMebibytes({
          rounding: SizeRoundingBehavior.FLOOR,
        }),
        numberOfCpuCoresRequired: s.cpuCoresRequired,
        numberOfAcceleratorDevicesRequired: accelerators,
      },
    },
    runtimeConfig: { copyCount: Math.max(1, target.autoScaling.minCapacity ?? 0) },
  });
  return { component, name: Fn.select(1, Fn.split('/', component.attrInferenceComponentArn)) };
}
