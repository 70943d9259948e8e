import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { isSet } from '../../../nag/private/resolve';
import { hasLocalNvmeStorage } from '../../../../constructs/inference/instance-type';
import { variantsOf } from '../../private/sagemaker';
import { member, prop } from '../../private/stack-index';

/**
 * SageMaker endpoint configurations set no `KmsKeyId` when a variant runs on an instance type with
 * local NVMe storage. CreateEndpointConfig, KmsKeyId: "You can't request a KmsKeyId when using an
 * instance type with local storage. [...] If you specify a value for KmsKeyId when using any
 * nitro-based instances with local storage, the call to CreateEndpointConfig fails." The local
 * volumes are encrypted by a hardware module on the instance instead.
 * Configurations without KmsKeyId: not applicable. Findings name the variant and its instance type.
 * @param node the CfnResource to check
 */
export function SageMakerKmsOnLocalNvme(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnEndpointConfig) || !isSet(node, prop(node, 'KmsKeyId', node.kmsKeyId)))
    return NagRuleCompliance.NOT_APPLICABLE;
  const findings = variantsOf(node).flatMap((variant) => {
    const instanceType: unknown = Stack.of(node).resolve(member(variant.props, 'instanceType'));
    if (typeof instanceType !== 'string' || !hasLocalNvmeStorage(instanceType)) return [];
    return [`${variant.name}::${instanceType}`];
  });
  return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
}
