import type { CfnResource } from 'aws-cdk-lib';
import { CfnLaunchTemplate } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance, NagRules, type NagRuleResult } from 'cdk-nag';
import { isUsedByBatchComputeEnvironment } from '../../private/batch-launch-templates';
import { isSet, resolveList, resolveStruct } from '../../private/resolve';

/**
 * Launch templates used by a Batch compute environment map their EBS volumes explicitly, and every
 * EBS mapping sets `Encrypted: true` with a `KmsKeyId`. A template without any EBS mapping is
 * non-compliant (the root volume then follows the AMI snapshot), as in cdk-nag's EC2EBSVolumeEncrypted.
 * Instance-store and `NoDevice` mappings are skipped. Launch templates no Batch compute environment
 * in the stack uses: not applicable.
 * @param node the CfnResource to check
 */
export function BatchLaunchTemplateEncryptedVolumes(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnLaunchTemplate) || !isUsedByBatchComputeEnvironment(node)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const data = resolveStruct(node, node.launchTemplateData);
  const volumes = resolveList(node, data?.blockDeviceMappings)
    .map((mapping) => resolveStruct(node, resolveStruct(node, mapping)?.ebs))
    .filter((ebs) => ebs !== undefined);
  if (volumes.length === 0) return NagRuleCompliance.NON_COMPLIANT;
  const allEncrypted = volumes.every(
    (ebs) => NagRules.resolveIfPrimitive(node, ebs.encrypted) === true && isSet(node, ebs.kmsKeyId),
  );
  return allEncrypted ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
