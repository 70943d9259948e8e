import type { CfnResource } from 'aws-cdk-lib';
import { CfnTopicPolicy } from 'aws-cdk-lib/aws-sns';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { TopicPublisher } from '../../../../constructs/core/topic-publishers';
import { documentStatements, hasSourceCondition } from '../../private/statements';

/**
 * SNS topic policies admit the AWS services that publish notifications (CloudWatch alarms,
 * EventBridge rules, AWS Budgets, Cost Anomaly Detection) for this account's resources only: every
 * Allow statement naming one of them carries `aws:SourceAccount` or `aws:SourceArn`. Without it, any
 * alarm or rule of any account can publish to the topic (the confused deputy of the SNS Developer
 * Guide's "aws:SourceAccount versus aws:SourceOwner"). `targets.SnsTopic` of aws-events-targets
 * writes exactly such a statement; `topicRuleTarget` admits one rule by its ARN instead.
 * @param node the CfnResource to check
 */
export function SnsTopicPolicySourceConditions(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnTopicPolicy)) return NagRuleCompliance.NOT_APPLICABLE;
  const publishers: readonly string[] = Object.values(TopicPublisher);
  const statements = documentStatements(node, node.policyDocument).filter(
    (s) => s.effect === 'Allow' && s.services.some((p) => publishers.includes(p)),
  );
  if (statements.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  return statements.every(hasSourceCondition) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
