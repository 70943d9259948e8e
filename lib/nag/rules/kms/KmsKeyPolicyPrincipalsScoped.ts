import type { CfnResource } from 'aws-cdk-lib';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { SNS_TOPIC_ENCRYPTION_CONTEXT, TopicPublisher } from '../../../../constructs/core/topic-publishers';
import {
  coversAction,
  documentStatements,
  hasConditionKey,
  hasSourceCondition,
  type Statement,
} from '../../private/statements';

/**
 * Key policies scope the principals they name beyond the account root:
 * - a statement for everyone (`Principal: *`) holds only through one service of this account
 *   (`kms:ViaService` and `kms:CallerAccount`), and lets it create grants only for AWS resources
 *   (`kms:GrantIsForAWSResource`): a key that also encrypts buckets, queues and logs must not hand
 *   grants to whoever calls through EC2;
 * - a statement for a service that publishes to encrypted SNS topics is bound to SNS topics by
 *   `kms:EncryptionContext:aws:sns:topicArn`. CloudWatch, AWS Budgets and Cost Anomaly Detection carry
 *   `aws:SourceAccount` or `aws:SourceArn` too (SNS Developer Guide, "Enable compatibility between
 *   event sources from AWS services and encrypted topics", step 3); EventBridge carries neither
 *   (same guide: adding them "is not supported for EventBridge-to-encrypted topics", and every event
 *   would be dropped), so it needs a statement of its own.
 * @param node the CfnResource to check
 */
export function KmsKeyPolicyPrincipalsScoped(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnKey)) return NagRuleCompliance.NOT_APPLICABLE;
  const allows = documentStatements(node, node.keyPolicy).filter((s) => s.effect === 'Allow');
  const judged = allows.filter((s) => s.anyone || s.services.some((p) => PUBLISHERS.includes(p)));
  if (judged.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  return judged.every(scoped) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

const PUBLISHERS: readonly string[] = Object.values(TopicPublisher);

function scoped(statement: Statement): boolean {
  if (statement.anyone) {
    return (
      hasConditionKey(statement, 'kms:ViaService') &&
      hasConditionKey(statement, 'kms:CallerAccount') &&
      (!coversAction(statement, 'kms:CreateGrant') || hasConditionKey(statement, 'kms:GrantIsForAWSResource'))
    );
  }
  if (!hasConditionKey(statement, SNS_TOPIC_ENCRYPTION_CONTEXT)) return false;
  // EventBridge must not carry a source condition and the others must: one statement cannot name both.
  const eventBridge = statement.services.includes(TopicPublisher.EVENTBRIDGE);
  const others = statement.services.some((p) => p !== TopicPublisher.EVENTBRIDGE && PUBLISHERS.includes(p));
  if (eventBridge && others) return false;
  if (eventBridge)
    return !hasConditionKey(statement, 'aws:SourceAccount', 'aws:SourceArn', 'aws:SourceOrgID');
  return hasSourceCondition(statement);
}
