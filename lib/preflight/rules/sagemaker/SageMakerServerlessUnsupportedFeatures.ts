import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance, NagRules, type NagRuleResult } from 'cdk-nag';
import { resolveStruct } from '../../../nag/private/resolve';
import { variantsOf } from '../../private/sagemaker';
import { member, prop } from '../../private/stack-index';

/**
 * Serverless variants use no feature Serverless Inference lacks. SageMaker "Serverless Inference",
 * feature exclusions: features of real-time inference not supported for serverless inference include
 * "VPC configuration, network isolation, data capture, multiple production variants". Checked: the
 * variant's model (same stack) has no `VpcConfig` and no `EnableNetworkIsolation: true`, and the
 * configuration has no enabled `DataCaptureConfig`.
 * Configurations without serverless variants: not applicable. Findings name the variant and the
 * feature: `Serverless::VpcConfig`.
 * @param node the CfnResource to check
 */
export function SageMakerServerlessUnsupportedFeatures(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnEndpointConfig)) return NagRuleCompliance.NOT_APPLICABLE;
  const serverless = variantsOf(node).filter((v) => v.serverless);
  if (serverless.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const stack = Stack.of(node);
  const capture = resolveStruct(node, prop(node, 'DataCaptureConfig', node.dataCaptureConfig));
  const captureOn =
    capture !== undefined && NagRules.resolveIfPrimitive(node, member(capture, 'enableCapture')) !== false;
  const findings = serverless.flatMap((variant) => {
    const found: string[] = [];
    if (
      variant.model &&
      stack.resolve(prop(variant.model, 'VpcConfig', variant.model.vpcConfig)) !== undefined
    )
      found.push('VpcConfig');
    if (
      variant.model &&
      NagRules.resolveIfPrimitive(
        variant.model,
        prop(variant.model, 'EnableNetworkIsolation', variant.model.enableNetworkIsolation),
      ) === true
    ) {
      found.push('EnableNetworkIsolation');
    }
    if (captureOn) found.push('DataCaptureConfig');
    return found.map((feature) => `${variant.name}::${feature}`);
  });
  return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
}
