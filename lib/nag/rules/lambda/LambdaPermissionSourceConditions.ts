import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { isSet } from '../../private/resolve';

/**
 * Lambda permissions that let an AWS service invoke a function name the invoking resource
 * (`SourceArn`) or account (`SourceAccount`). Lambda Developer Guide: "The aws:SourceArn condition key
 * applies only to policies where your Lambda function is the target resource, and helps define which
 * other AWS services and resources can invoke that function." Without it, any rule, bucket or topic of
 * any account that the service serves can invoke the function. Permissions for accounts or roles
 * (not `*.amazonaws.com`): not applicable.
 * @param node the CfnResource to check
 */
export function LambdaPermissionSourceConditions(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnPermission)) return NagRuleCompliance.NOT_APPLICABLE;
  const principal: unknown = Stack.of(node).resolve(node.principal);
  if (typeof principal !== 'string' || !principal.endsWith('.amazonaws.com')) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return isSet(node, node.sourceArn) || isSet(node, node.sourceAccount)
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
