import type { CfnResource } from 'aws-cdk-lib';
import { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { isSet, resolveList, resolveStruct } from '../../private/resolve';

/**
 * SageMaker endpoint configurations with instance-backed variants (production or shadow) set `KmsKeyId`
 * for the instances' storage volumes. Serverless-only configurations cannot take a key: not applicable.
 * @param node the CfnResource to check
 */
export function SageMakerEndpointConfigKms(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnEndpointConfig)) return NagRuleCompliance.NOT_APPLICABLE;
  const variants = [
    ...resolveList(node, node.productionVariants),
    ...resolveList(node, node.shadowProductionVariants),
  ].map((variant) => resolveStruct(node, variant));
  const instanceBacked = variants.filter((variant) => variant?.serverlessConfig === undefined);
  if (instanceBacked.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  return isSet(node, node.kmsKeyId) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
