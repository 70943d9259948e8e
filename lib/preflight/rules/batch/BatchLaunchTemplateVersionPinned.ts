import type { CfnResource } from 'aws-cdk-lib';
import { CfnComputeEnvironment } from 'aws-cdk-lib/aws-batch';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { launchTemplateUses } from '../../private/batch';

/**
 * Batch compute environments pin their launch template to a version that changes with the template
 * (a version number, or `Fn::GetAtt LaunchTemplate.LatestVersionNumber` as CDK's
 * `launchTemplate.latestVersionNumber` renders it), never `$Latest` or `$Default` (the default when
 * `Version` is omitted). Batch LaunchTemplateSpecification: "When updating a compute environment,
 * changing the launch template requires an infrastructure update of the compute environment." With
 * `$Latest`, a template change leaves the compute environment's properties unchanged, CloudFormation
 * updates nothing, and new instances keep launching from the old version.
 * Findings name the specification and the version: `LaunchTemplate::$Latest`.
 * @param node the CfnResource to check
 */
export function BatchLaunchTemplateVersionPinned(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnComputeEnvironment)) return NagRuleCompliance.NOT_APPLICABLE;
  const uses = launchTemplateUses(node);
  if (uses.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = uses.flatMap((use) => {
    const version = use.version ?? '$Default';
    return version === '$Latest' || version === '$Default' ? [`${use.where}::${version}`] : [];
  });
  return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
}
