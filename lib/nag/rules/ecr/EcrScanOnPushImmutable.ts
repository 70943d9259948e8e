import type { CfnResource } from 'aws-cdk-lib';
import { CfnRepository } from 'aws-cdk-lib/aws-ecr';
import { NagRuleCompliance, NagRules, type NagRuleResult } from 'cdk-nag';
import { resolveStruct } from '../../private/resolve';

/**
 * ECR repositories scan images on push (`ImageScanningConfiguration.ScanOnPush: true`) and keep
 * tags immutable (`ImageTagMutability: IMMUTABLE`).
 * @param node the CfnResource to check
 */
export function EcrScanOnPushImmutable(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnRepository)) return NagRuleCompliance.NOT_APPLICABLE;
  const scanning = resolveStruct(node, node.imageScanningConfiguration);
  const scanOnPush: unknown = NagRules.resolveIfPrimitive(node, scanning?.scanOnPush);
  const mutability: unknown = NagRules.resolveIfPrimitive(node, node.imageTagMutability);
  return scanOnPush === true && mutability === 'IMMUTABLE'
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
