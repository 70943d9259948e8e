import type { CfnResource } from 'aws-cdk-lib';
import { CfnModel } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance, NagRules, type NagRuleResult } from 'cdk-nag';

/**
 * SageMaker models run their containers with network isolation (`EnableNetworkIsolation: true`).
 * @param node the CfnResource to check
 */
export function SageMakerModelNetworkIsolation(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnModel)) return NagRuleCompliance.NOT_APPLICABLE;
  const isolated: unknown = NagRules.resolveIfPrimitive(node, node.enableNetworkIsolation);
  return isolated === true ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
