import type { CfnResource } from 'aws-cdk-lib';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { SNS_TOPIC_ENCRYPTION_CONTEXT, TopicPublisher } from '../../../../constructs/core/topic-publishers';
import { coversAction, documentStatements, hasConditionKey, type Statement } from '../../private/statements';

/**
 * Key policies scope the principals they name beyond the account root:
 * - a statement for everyone (`Principal: *`) holds only through one service of this account
 *   (`kms:ViaService` and `kms:CallerAccount`), and lets it create grants only for AWS resources
 *   (`kms:GrantIsForAWSResource`): a key that also encrypts buckets, queues and logs must not hand
 *   grants to whoever calls through EC2;
 * - a statement for a service that publishes to SNS topics (CloudWatch, EventBridge, Budgets, Cost
 *   Anomaly Detection) is bound to SNS topics by `kms:EncryptionContext:aws:sns:topicArn`. Those
 *   services send no `aws:SourceAccount`/`aws:SourceArn` in the KMS requests SNS makes for them, so the
 *   encryption context is the condition that can hold.
 * @param node the CfnResource to check
 */
export function KmsKeyPolicyPrincipalsScoped(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnKey)) return NagRuleCompliance.NOT_APPLICABLE;
  const allows = documentStatements(node, node.keyPolicy).filter((s) => s.effect === 'Allow');
  const publishers: readonly string[] = Object.values(TopicPublisher);
  const judged = allows.filter((s) => s.anyone || s.services.some((p) => publishers.includes(p)));
  if (judged.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  return judged.every(scoped) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

function scoped(statement: Statement): boolean {
  if (statement.anyone) {
    return (
      hasConditionKey(statement, 'kms:ViaService') &&
      hasConditionKey(statement, 'kms:CallerAccount') &&
      (!coversAction(statement, 'kms:CreateGrant') || hasConditionKey(statement, 'kms:GrantIsForAWSResource'))
    );
  }
  return hasConditionKey(statement, SNS_TOPIC_ENCRYPTION_CONTEXT);
}
