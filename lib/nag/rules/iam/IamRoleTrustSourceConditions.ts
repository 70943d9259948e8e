import type { CfnResource } from 'aws-cdk-lib';
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
 * condition keys are not in their requests): not applicable.
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
  return statements.every((s) => hasSourceCondition(s) || hasConditionKey(s, 'sts:ExternalId'))
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
