import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnComputeEnvironment } from 'aws-cdk-lib/aws-batch';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { isSet, resolveList, resolveStruct } from '../../../nag/private/resolve';
import { launchTemplateUses } from '../../private/batch';
import { member, prop } from '../../private/stack-index';

/**
 * Batch compute environments whose launch template attaches EFA interfaces set `SecurityGroupIds`.
 * Batch "Compute environment considerations for multi-node parallel jobs": "The elastic network
 * interfaces that are created and attached to an MNP task will use the security groups specified in
 * your compute environment" - groups set only on the launch template's EFA interfaces never reach the
 * task ENIs, so the nodes of a job cannot reach each other through the self-referencing group EFA needs.
 * Compute environments without EFA launch templates of the same stack: not applicable.
 * @param node the CfnResource to check
 */
export function BatchEfaSecurityGroups(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnComputeEnvironment)) return NagRuleCompliance.NOT_APPLICABLE;
  const efa = launchTemplateUses(node).some(({ template }) => {
    if (!template) return false;
    const data = resolveStruct(template, prop(template, 'LaunchTemplateData', template.launchTemplateData));
    return resolveList(template, member(data, 'networkInterfaces')).some((ni) =>
      String(Stack.of(template).resolve(member(ni, 'interfaceType'))).startsWith('efa'),
    );
  });
  if (!efa) return NagRuleCompliance.NOT_APPLICABLE;
  const resources = resolveStruct(node, prop(node, 'ComputeResources', node.computeResources));
  return isSet(node, member(resources, 'securityGroupIds'))
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
