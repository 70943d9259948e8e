import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnTopic, CfnTopicPolicy } from 'aws-cdk-lib/aws-sns';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import {
  coversAction,
  namesService,
  statementsOf,
  wildcardMatch,
  type Statement,
} from '../../private/policy';
import { logicalIdOf, refersTo, resourceByLogicalId, resourcesOfType, prop } from '../../private/stack-index';
import { publishersOf, sourceConditionsAdmit, type TopicPublisher } from '../../private/topic-publishers';

/**
 * SNS topics that CloudWatch alarms, EventBridge rules, AWS Budgets or Cost Anomaly Detection in the
 * same stack publish to admit each of those services in their topic policy (`sns:Publish` for the
 * service principal, with any `aws:SourceArn` condition naming that service, by its ARN or as the Arn
 * attribute of a resource of that service).
 *
 * An `AWS::SNS::TopicPolicy` replaces the topic's default policy, which is what lets CloudWatch alarms
 * of the owning account publish; without any topic policy, only CloudWatch is admitted. EventBridge
 * "Your Amazon SNS topic's resource-based policy must allow EventBridge to publish messages to your
 * topic" (AWS re:Post, sns-not-getting-eventbridge-notification); Budgets and Cost Anomaly Detection
 * need `budgets.amazonaws.com` / `costalerts.amazonaws.com` statements the same way.
 * Topics nobody in the stack publishes to: not applicable. Findings name the missing service principal.
 * @param node the CfnResource to check
 */
export function SnsTopicPolicyAdmitsPublishers(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnTopic)) return NagRuleCompliance.NOT_APPLICABLE;
  const publishers = publishersOf(node);
  if (publishers.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const stack = Stack.of(node);
  const policies = resourcesOfType(node, CfnTopicPolicy).filter((p) =>
    refersTo(stack.resolve(prop(p, 'Topics', p.topics)), node),
  );
  const statements = policies.flatMap((p) =>
    statementsOf(stack.resolve(prop(p, 'PolicyDocument', p.policyDocument))),
  );
  const blocked = publishers.filter((publisher) =>
    policies.length === 0
      ? publisher.service !== 'cloudwatch.amazonaws.com'
      : !admits(statements, publisher, node),
  );
  return blocked.length === 0 ? NagRuleCompliance.COMPLIANT : blocked.map((p) => p.service);
}

function coversTopic(statement: Statement, topicLogicalId: string): boolean {
  return statement.resources.some(
    (r) => r === `\${${topicLogicalId}}` || wildcardMatch(r, 'arn:aws:sns:region:account:topic'),
  );
}

function admits(statements: readonly Statement[], publisher: TopicPublisher, topic: CfnTopic): boolean {
  const topicLogicalId = logicalIdOf(topic);
  const typeOf = (logicalId: string): string | undefined =>
    resourceByLogicalId(topic, logicalId)?.cfnResourceType;
  const relevant = statements.filter(
    (s) =>
      namesService(s, publisher.service) && coversAction(s, 'sns:Publish') && coversTopic(s, topicLogicalId),
  );
  // A Deny without conditions shuts the publisher out whatever the Allows say; conditional Denies
  // (TLS-only publishing) do not apply to AWS services, which publish over TLS.
  if (relevant.some((s) => s.effect === 'Deny' && s.conditions.size === 0)) return false;
  return relevant.some((s) => s.effect === 'Allow' && sourceConditionsAdmit(s, publisher, typeOf));
}
