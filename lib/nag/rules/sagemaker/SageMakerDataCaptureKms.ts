import type { CfnResource } from 'aws-cdk-lib';
import { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance, NagRules, type NagRuleResult } from 'cdk-nag';
import { isSet, resolveStruct } from '../../private/resolve';

/**
 * SageMaker endpoint configurations that capture data encrypt the captured payloads with
 * `DataCaptureConfig.KmsKeyId`. No capture, or `EnableCapture: false`: not applicable.
 * @param node the CfnResource to check
 */
export function SageMakerDataCaptureKms(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnEndpointConfig)) return NagRuleCompliance.NOT_APPLICABLE;
  const capture = resolveStruct(node, node.dataCaptureConfig);
  if (capture === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  // EnableCapture defaults to true when DataCaptureConfig is present.
  const enabled: unknown = NagRules.resolveIfPrimitive(node, capture.enableCapture);
  if (enabled === false) return NagRuleCompliance.NOT_APPLICABLE;
  return isSet(node, capture.kmsKeyId) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
