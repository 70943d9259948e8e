import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { coversAction, namesService, statementsOf } from '../../private/policy';
import { referencedResources, prop } from '../../private/stack-index';
import { keyConditionsAdmit, publishersOf } from '../../private/topic-publishers';

/** The actions a publishing service performs on the topic's key ("Enable compatibility between event sources from AWS services and encrypted topics", Amazon SNS developer guide). */
const KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/**
 * KMS-encrypted SNS topics that CloudWatch alarms, EventBridge rules, AWS Budgets or Cost Anomaly
 * Detection publish to use a customer managed key of the same stack whose key policy allows each
 * publishing service `kms:GenerateDataKey*` and `kms:Decrypt` (with any `aws:SourceArn` condition
 * naming that service, and no `aws:SourceAccount`/`aws:SourceArn`/`aws:SourceOrgID` condition for
 * EventBridge, which the guide says is "not supported for EventBridge-to-encrypted topics"). The SNS developer guide: to let AWS service event sources publish to an
 * encrypted topic, use a customer managed key and add the service principal to its key policy; the
 * AWS managed key `alias/aws/sns` cannot be changed, so no service can publish to a topic it encrypts.
 * Unencrypted topics and keys defined outside the stack (their policy is not in the template): not
 * applicable. Findings name the publisher's service principal.
 * @param node the CfnResource to check
 */
export function SnsTopicKeyAdmitsPublishers(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnTopic)) return NagRuleCompliance.NOT_APPLICABLE;
  const stack = Stack.of(node);
  const keyId: unknown = stack.resolve(prop(node, 'KmsMasterKeyId', node.kmsMasterKeyId));
  if (keyId === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const publishers = publishersOf(node);
  if (publishers.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  if (typeof keyId === 'string' && keyId.endsWith('alias/aws/sns')) return publishers.map((p) => p.service);
  const [key] = referencedResources(node, keyId, CfnKey);
  if (key === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const statements = statementsOf(stack.resolve(prop(key, 'KeyPolicy', key.keyPolicy))).filter(
    (s) => s.effect === 'Allow',
  );
  const blocked = publishers.filter(
    (publisher) =>
      !KEY_ACTIONS.every((action) =>
        statements.some(
          (s) =>
            namesService(s, publisher.service) && coversAction(s, action) && keyConditionsAdmit(s, publisher),
        ),
      ),
  );
  return blocked.length === 0 ? NagRuleCompliance.COMPLIANT : blocked.map((p) => p.service);
}
