import { Annotations, Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';

/** AWS services that publish notifications to an SNS topic on the platform's behalf. */
export enum TopicPublisher {
  /** CloudWatch alarm actions (`cloudwatch.amazonaws.com`). */
  CLOUDWATCH_ALARMS = 'cloudwatch.amazonaws.com',
  /** EventBridge rule targets (`events.amazonaws.com`). */
  EVENTBRIDGE = 'events.amazonaws.com',
  /** AWS Budgets notifications (`budgets.amazonaws.com`). */
  BUDGETS = 'budgets.amazonaws.com',
  /** Cost Anomaly Detection alerts (`costalerts.amazonaws.com`). */
  COST_ANOMALY_DETECTION = 'costalerts.amazonaws.com',
}

/**
 * Lets an AWS service publish to a topic: a topic-policy statement limited to this account (and to
 * the publisher's own resources where the service sends `aws:SourceArn`: `sourceArn` when given, else
 * all of the service's resources in this account and region), plus, when the topic is KMS-encrypted,
 * a key-policy statement so the service may use the key for SNS topics of this account and region.
 * Calling it again for the same topic, publisher and source adds nothing.
 *
 * Why both: a topic with `enforceSSL` (or any `addToResourcePolicy`) gets an `AWS::SNS::TopicPolicy`
 * that replaces SNS's default policy, so each publishing service must be named in it. And "the AWS
 * service's principal must have `kms:GenerateDataKey*` and `kms:Decrypt` permissions on the key"
 * (SNS Developer Guide, "Enable compatibility between event sources from AWS services and encrypted
 * topics"). The key statement is one per service, conditioned as that guide documents (step 3): "Add
 * the aws:SourceAccount and aws:SourceArn condition keys to the KMS resource policy to further protect
 * the KMS key from confused deputy attacks" (CloudWatch alarms, AWS Budgets, Cost Anomaly Detection:
 * the account, and the service's resources of it where the service names them, as in the topic
 * policy), except for EventBridge: "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID
 * to a AWS KMS policy is not supported for EventBridge-to-encrypted topics", so a conditioned
 * EventBridge statement would silently drop every event. Every statement is also bound to SNS topics
 * of this account and region by the encryption context SNS sends with each data-key request, the
 * topic's ARN (`kms:EncryptionContext:aws:sns:topicArn`, as in the key policy of the GameLift FlexMatch
 * guide, "Set up an SNS topic with server-side encryption"), which for EventBridge is the only
 * condition that can hold. The pattern stands in for the topic's own ARN, which the key policy cannot
 * name (the topic depends on the key).
 *
 * With an imported topic or key (whose policy this app cannot change) a warning names what to add.
 */
export function allowTopicPublisher(
  topic: sns.ITopic,
  publisher: TopicPublisher,
  source?: { readonly arn: string; readonly id: string },
): void {
  let done = admitted.get(topic);
  if (!done) admitted.set(topic, (done = new Set()));
  const sourceKey = `${publisher} ${source?.id ?? '*'}`;
  if (done.has(sourceKey)) return;
  done.add(sourceKey);

  const stack = Stack.of(topic);
  const principal = new iam.ServicePrincipal(publisher);
  const conditions: Record<string, Record<string, string>> = {
    StringEquals: { 'aws:SourceAccount': stack.account },
  };
  const sourceArn = source?.arn ?? SOURCE_ARN[publisher]?.(stack);
  if (sourceArn) conditions.ArnLike = { 'aws:SourceArn': sourceArn };
  const topicResult = topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `Allow${SID[publisher]}Publish${source ? source.id : ''}`,
      principals: [principal],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions,
    }),
  );
  const key = topic.masterKey;
  let keyAdded = true;
  if (key && !done.has(`${publisher} key`)) {
    done.add(`${publisher} key`);
    const topicsOfAccount = {
      [SNS_TOPIC_ENCRYPTION_CONTEXT]: stack.formatArn({ service: 'sns', resource: '*' }),
    };
    const serviceArns = SOURCE_ARN[publisher]?.(stack);
    keyAdded = key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [principal],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions:
          publisher === TopicPublisher.EVENTBRIDGE
            ? { StringLike: topicsOfAccount }
            : {
                StringLike: topicsOfAccount,
                StringEquals: { 'aws:SourceAccount': stack.account },
                ...(serviceArns ? { ArnLike: { 'aws:SourceArn': serviceArns } } : {}),
              },
      }),
    ).statementAdded;
  }
  const missing = [
    ...(topicResult.statementAdded ? [] : [`its topic policy must allow ${publisher} sns:Publish`]),
    ...(key && !keyAdded
      ? [`its key policy must allow ${publisher} kms:Decrypt and kms:GenerateDataKey*`]
      : []),
  ];
  if (missing.length > 0) {
    Annotations.of(topic).addWarningV2(
      'cdk-ml-platform:topic-publisher',
      `${topic.node.path} is imported, so this app cannot admit ${publisher}: ${missing.join('; ')}, or its notifications are dropped.`,
    );
  }
}

/** The KMS encryption-context key under which SNS names the topic a data key encrypts. */
export const SNS_TOPIC_ENCRYPTION_CONTEXT = 'kms:EncryptionContext:aws:sns:topicArn';

/**
 * An EventBridge rule target that publishes to `topic`, admitting that one rule only
 * (`aws:SourceArn` of the rule: "EventBridge ... aws:SourceArn ... the ARN of the rule", EventBridge
 * User Guide, "Amazon SNS permissions"). `targets.SnsTopic` instead grants `events.amazonaws.com`
 * `sns:Publish` with no condition: any rule of any account could publish to the topic. A rule in
 * another stack than the topic is admitted by account and region (naming it would make the two stacks
 * depend on each other).
 */
export function topicRuleTarget(topic: sns.ITopic, message?: events.RuleTargetInput): events.IRuleTarget {
  return {
    bind(rule: events.IRule): events.RuleTargetConfig {
      const sameStack = Stack.of(rule) === Stack.of(topic);
      allowTopicPublisher(
        topic,
        TopicPublisher.EVENTBRIDGE,
        sameStack
          ? {
              // The rule's own ARN (Fn::GetAtt Arn), not one built from its name: the Service
              // Authorization Reference (Amazon EventBridge, resource types) lists rule-on-default-event-bus
              // as `rule/${RuleName}` but rule-on-custom-event-bus as `rule/${EventBusName}/${RuleName}`,
              // so the default-bus form never matched a custom bus's rule and SNS dropped its events.
              // No cycle: the statement lives in the topic's AWS::SNS::TopicPolicy, which depends on the
              // rule; the rule depends on the topic only.
              arn: rule.ruleArn,
              id: rule.node.addr.slice(0, 8),
            }
          : undefined,
      );
      return { arn: topic.topicArn, input: message, targetResource: topic };
    },
  };
}

const admitted = new WeakMap<sns.ITopic, Set<string>>();

const SID: Record<TopicPublisher, string> = {
  [TopicPublisher.CLOUDWATCH_ALARMS]: 'CloudWatchAlarms',
  [TopicPublisher.EVENTBRIDGE]: 'EventBridge',
  [TopicPublisher.BUDGETS]: 'Budgets',
  [TopicPublisher.COST_ANOMALY_DETECTION]: 'CostAnomalyDetection',
};

/**
 * The `aws:SourceArn` each service documents for its SNS topic policies (confused-deputy
 * protection): alarm ARNs (CloudWatch), rule ARNs (EventBridge), budget ARNs (AWS Budgets,
 * "arn:aws:budgets::<account>:*"). Cost Anomaly Detection is pinned by account only.
 */
const SOURCE_ARN: Partial<Record<TopicPublisher, (stack: Stack) => string>> = {
  [TopicPublisher.CLOUDWATCH_ALARMS]: (s) => `arn:${s.partition}:cloudwatch:${s.region}:${s.account}:alarm:*`,
  [TopicPublisher.EVENTBRIDGE]: (s) => `arn:${s.partition}:events:${s.region}:${s.account}:rule/*`,
  [TopicPublisher.BUDGETS]: (s) => `arn:${s.partition}:budgets::${s.account}:*`,
};
