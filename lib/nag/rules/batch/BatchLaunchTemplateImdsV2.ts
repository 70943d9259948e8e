import type { CfnResource } from 'aws-cdk-lib';
import { CfnLaunchTemplate } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance, NagRules, type NagRuleResult } from 'cdk-nag';
import { isUsedByBatchComputeEnvironment } from '../../private/batch-launch-templates';
import { resolveStruct } from '../../private/resolve';

/**
 * Launch templates used by a Batch compute environment require IMDSv2
 * (`LaunchTemplateData.MetadataOptions.HttpTokens: required`).
 * Launch templates no Batch compute environment in the stack uses: not applicable.
 * @param node the CfnResource to check
 */
export function BatchLaunchTemplateImdsV2(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnLaunchTemplate) || !isUsedByBatchComputeEnvironment(node)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const data = resolveStruct(node, node.launchTemplateData);
  const metadataOptions = resolveStruct(node, data?.metadataOptions);
  const httpTokens: unknown = NagRules.resolveIfPrimitive(node, metadataOptions?.httpTokens);
  return httpTokens === 'required' ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
