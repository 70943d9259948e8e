import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { hasLocalNvmeStorage } from '../../../../constructs/inference/instance-type';
import { isSet, resolveList, resolveStruct } from '../../private/resolve';

/**
 * SageMaker endpoint configurations with instance-backed variants (production or shadow) set `KmsKeyId`
 * for the instances' storage volumes. Not applicable where no key can be set: serverless-only
 * configurations, and configurations with a variant on an instance type with local NVMe storage
 * (CreateEndpointConfig, KmsKeyId: "You can't request a KmsKeyId when using an instance type with
 * local storage"; the instance encrypts those volumes in hardware).
 * @param node the CfnResource to check
 */
export function SageMakerEndpointConfigKms(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnEndpointConfig)) return NagRuleCompliance.NOT_APPLICABLE;
  const variants = [
    ...resolveList(node, node.productionVariants),
    ...resolveList(node, node.shadowProductionVariants),
  ].map((variant) => resolveStruct(node, variant));
  const instanceBacked = variants.filter(
    (variant) => variant !== undefined && variant.serverlessConfig === undefined,
  );
  if (instanceBacked.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const localStorage = instanceBacked.some((variant) => {
    const instanceType: unknown = Stack.of(node).resolve(variant?.instanceType);
    return typeof instanceType === 'string' && hasLocalNvmeStorage(instanceType);
  });
  if (localStorage) return NagRuleCompliance.NOT_APPLICABLE;
  return isSet(node, node.kmsKeyId) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
