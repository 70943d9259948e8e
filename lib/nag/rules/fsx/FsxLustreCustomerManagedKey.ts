import type { CfnResource } from 'aws-cdk-lib';
import { CfnFileSystem } from 'aws-cdk-lib/aws-fsx';
import { NagRuleCompliance, NagRules, type NagRuleResult } from 'cdk-nag';
import { isSet } from '../../private/resolve';

/**
 * FSx for Lustre file systems are encrypted with a customer managed key (`KmsKeyId`).
 * Other FSx file system types: not applicable.
 * @param node the CfnResource to check
 */
export function FsxLustreCustomerManagedKey(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnFileSystem)) return NagRuleCompliance.NOT_APPLICABLE;
  const type: unknown = NagRules.resolveIfPrimitive(node, node.fileSystemType);
  if (type !== 'LUSTRE') return NagRuleCompliance.NOT_APPLICABLE;
  return isSet(node, node.kmsKeyId) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
