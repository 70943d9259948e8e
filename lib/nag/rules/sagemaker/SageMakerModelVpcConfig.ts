import type { CfnResource } from 'aws-cdk-lib';
import { CfnModel } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { isSet, resolveStruct } from '../../private/resolve';

/**
 * SageMaker models are attached to a VPC: `VpcConfig` with at least one subnet and one security group.
 * @param node the CfnResource to check
 */
export function SageMakerModelVpcConfig(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnModel)) return NagRuleCompliance.NOT_APPLICABLE;
  const vpcConfig = resolveStruct(node, node.vpcConfig);
  if (vpcConfig === undefined) return NagRuleCompliance.NON_COMPLIANT;
  return isSet(node, vpcConfig.subnets) && isSet(node, vpcConfig.securityGroupIds)
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
