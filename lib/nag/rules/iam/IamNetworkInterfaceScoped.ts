import type { CfnResource } from 'aws-cdk-lib';
import { CfnManagedPolicy, CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { coversAction, documentStatements, type Statement } from '../../private/statements';

/** The network-interface actions that place or remove interfaces in a VPC. */
const ENI_ACTIONS = ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'];

/**
 * IAM policies that allow creating or deleting network interfaces scope them: to EC2 resource ARNs of
 * an account and region, or with a condition (`ec2:Vpc`, `ec2:Subnet`). On `Resource: *` without a
 * condition the role can place interfaces in any VPC of the account, a way around subnets and
 * security groups meant to isolate a workload. Describe calls have no resource-level permissions and
 * are not judged.
 * @param node the CfnResource to check
 */
export function IamNetworkInterfaceScoped(node: CfnResource): NagRuleResult {
  const documents = policyDocuments(node);
  if (documents === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const statements = documents
    .flatMap((d) => documentStatements(node, d))
    .filter((s) => s.effect === 'Allow' && ENI_ACTIONS.some((a) => explicitlyCovers(s, a)));
  if (statements.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  return statements.every((s) => !s.resources.includes('*') || s.conditions.size > 0)
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}

/** Names the action (an `ec2:*`-style wildcard counts; `*` alone is AwsSolutions-IAM5's business). */
function explicitlyCovers(statement: Statement, action: string): boolean {
  return statement.actions.some((a) => a !== '*') && coversAction(statement, action);
}

function policyDocuments(node: CfnResource): unknown[] | undefined {
  if (node instanceof CfnPolicy || node instanceof CfnManagedPolicy) return [node.policyDocument];
  if (node instanceof CfnRole) {
    const inline = (node.policies ?? []) as Array<{ policyDocument?: unknown }>;
    return Array.isArray(inline) ? inline.map((p) => p.policyDocument) : undefined;
  }
  return undefined;
}
