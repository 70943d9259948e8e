import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnJobDefinition } from 'aws-cdk-lib/aws-batch';
import { CfnTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import { CfnRole } from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { CONFUSED_DEPUTY_SERVICES } from '../../../../constructs/core/service-principals';
import { documentStatements, hasConditionKey, hasSourceCondition } from '../../private/statements';

/**
 * Service principals whose documentation asks for `aws:SourceAccount`/`aws:SourceArn` in the trust
 * policies of the roles they assume (the sentences are in `CONFUSED_DEPUTY_SERVICES`: VPC Flow Logs,
 * SageMaker, ECS tasks, Step Functions, EventBridge rule targets), plus the data plane's EMR Serverless
 * job role and Firehose delivery role and the Capacity Block notices' EventBridge Scheduler role, whose
 * constructs cite their guides. Firehose's guide pins the role with `sts:ExternalId` (the account id),
 * which counts too. Lambda and EC2 document no source condition for the roles they assume (the
 * condition keys are not in their requests): not applicable. Neither does ECS for a task execution
 * role (it documents the keys for the task role; the execution role's page shows a trust policy without
 * them): a role of this stack used only as `ExecutionRoleArn` of ECS task definitions or Batch job
 * definitions is not judged, since the fix this rule asks for could fail every task at start.
 */
export const SOURCE_CONDITIONED_TRUST_SERVICES: readonly string[] = [
  ...Object.keys(CONFUSED_DEPUTY_SERVICES),
  'emr-serverless.amazonaws.com',
  'firehose.amazonaws.com',
  'scheduler.amazonaws.com',
];

/**
 * IAM roles that one of `SOURCE_CONDITIONED_TRUST_SERVICES` may assume carry a confused-deputy
 * condition (`aws:SourceAccount` or `aws:SourceArn`; `sts:ExternalId` for Firehose) on every Allow
 * statement naming that service.
 * @param node the CfnResource to check
 */
export function IamRoleTrustSourceConditions(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnRole)) return NagRuleCompliance.NOT_APPLICABLE;
  const statements = documentStatements(node, node.assumeRolePolicyDocument).filter(
    (s) => s.effect === 'Allow' && s.services.some((p) => SOURCE_CONDITIONED_TRUST_SERVICES.includes(p)),
  );
  if (statements.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  if (usedOnlyAsExecutionRole(node)) return NagRuleCompliance.NOT_APPLICABLE;
  return statements.every((s) => hasSourceCondition(s) || hasConditionKey(s, 'sts:ExternalId'))
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}

/**
 * Whether the stack names `role` (by `Fn::GetAtt [id, Arn]`, `Ref` or its literal name) in task or job
 * definitions, always under an `executionRoleArn` key and never under any other (a task or job role).
 */
function usedOnlyAsExecutionRole(role: CfnRole): boolean {
  const stack = Stack.of(role);
  const id = stack.resolve(role.logicalId) as string;
  const names = new Set<string>();
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v) => visit(v, key));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const o = value as Record<string, unknown>;
    const getAtt = o['Fn::GetAtt'];
    if ((Array.isArray(getAtt) && getAtt[0] === id) || o.Ref === id) {
      names.add(key.toLowerCase());
      return;
    }
    for (const [k, v] of Object.entries(o)) visit(v, k);
  };
  for (const c of stack.node.findAll()) {
    if (c instanceof CfnTaskDefinition) {
      visit(stack.resolve(c.executionRoleArn), 'executionRoleArn');
      visit(stack.resolve(c.taskRoleArn), 'taskRoleArn');
    } else if (c instanceof CfnJobDefinition) {
      for (const [k, v] of Object.entries({
        containerProperties: c.containerProperties,
        ecsProperties: c.ecsProperties,
        nodeProperties: c.nodeProperties,
      }))
        visit(stack.resolve(v), k);
    }
  }
  return names.size > 0 && [...names].every((k) => k === 'executionrolearn');
}
