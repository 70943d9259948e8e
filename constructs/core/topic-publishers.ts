import { Annotations, Stack } from 'aws-cdk-lib';
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
 * the publisher's own resources where the service sends `aws:SourceArn`), plus, when the topic is
 * KMS-encrypted, a key-policy statement so the service may use the key. Calling it again for the
 * same topic and publisher adds nothing.
 *
 * Why both: a topic with `enforceSSL` (or any `addToResourcePolicy`) gets an `AWS::SNS::TopicPolicy`
 * that replaces SNS's default policy, so each publishing service must be named in it. And "the AWS
 * service's principal must have `kms:GenerateDataKey*` and `kms:Decrypt` permissions on the key"
 * (SNS Developer Guide, "Enable compatibility between event sources from AWS services and encrypted
 * topics"). The key statement carries no `aws:SourceAccount`/`aws:SourceArn` condition: those keys
 * are not present in the KMS requests made while SNS encrypts a service's message (the SNS guide's
 * example key policy has no condition), so a conditioned statement silently drops every notification.
 * The topic policy is where the publisher is pinned to this account.
 *
 * With an imported topic or key (whose policy this app cannot change) a warning names what to add.
 */
export function allowTopicPublisher(topic: sns.ITopic, publisher: TopicPublisher): void {
  let done = admitted.get(topic);
  if (!done) admitted.set(topic, (done = new Set()));
  if (done.has(publisher)) return;
  done.add(publisher);

  const stack = Stack.of(topic);
  const principal = new iam.ServicePrincipal(publisher);
  const conditions: Record<string, Record<string, string>> = {
    StringEquals: { 'aws:SourceAccount': stack.account },
  };
  const sourceArn = SOURCE_ARN[publisher]?.(stack);
  if (sourceArn) conditions.ArnLike = { 'aws:SourceArn': sourceArn };
  const topicResult = topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `Allow${SID[publisher]}Publish`,
      principals: [principal],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions,
    }),
  );
  const key = topic.masterKey;
  const keyResult = key?.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [principal],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  const missing = [
    ...(topicResult.statementAdded ? [] : [`its topic policy must allow ${publisher} sns:Publish`]),
    ...(key && !keyResult?.statementAdded
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

const admitted = new WeakMap<sns.ITopic, Set<TopicPublisher>>();

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
