import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { CfnAnomalySubscription } from 'aws-cdk-lib/aws-ce';
import { CfnAlarm, CfnCompositeAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnRule } from 'aws-cdk-lib/aws-events';
import type { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { conditionValues, type Statement } from './policy';
import { member, refersTo, resourcesOfType, prop } from './stack-index';

/** An AWS service that publishes to SNS topics on the account's behalf. */
export interface TopicPublisher {
  /** The service principal the topic and key policies must name. */
  readonly service: string;
  /** The service part of the publishing resources' ARNs (`arn:aws:<arnService>:...`), for `aws:SourceArn`. */
  readonly arnService: string;
}

const CLOUDWATCH: TopicPublisher = { service: 'cloudwatch.amazonaws.com', arnService: 'cloudwatch' };
const EVENTS: TopicPublisher = { service: 'events.amazonaws.com', arnService: 'events' };
const BUDGETS: TopicPublisher = { service: 'budgets.amazonaws.com', arnService: 'budgets' };
const COST_ANOMALY: TopicPublisher = { service: 'costalerts.amazonaws.com', arnService: 'ce' };

/**
 * The services that publish to this topic from resources of the same stack: CloudWatch alarms and
 * composite alarms (alarm, OK and insufficient-data actions), EventBridge rule targets, AWS Budgets
 * notifications and Cost Anomaly Detection subscriptions with an SNS subscriber.
 */
export function publishersOf(topic: CfnTopic): TopicPublisher[] {
  const stack = Stack.of(topic);
  const publishes = (value: unknown): boolean => refersTo(stack.resolve(value), topic);
  const found: TopicPublisher[] = [];
  const alarms: CfnResource[] = [
    ...resourcesOfType(topic, CfnAlarm).filter((a) =>
      publishes([
        prop(a, 'AlarmActions', a.alarmActions),
        prop(a, 'OKActions', a.okActions),
        prop(a, 'InsufficientDataActions', a.insufficientDataActions),
      ]),
    ),
    ...resourcesOfType(topic, CfnCompositeAlarm).filter((a) =>
      publishes([
        prop(a, 'AlarmActions', a.alarmActions),
        prop(a, 'OKActions', a.okActions),
        prop(a, 'InsufficientDataActions', a.insufficientDataActions),
      ]),
    ),
  ];
  if (alarms.length > 0) found.push(CLOUDWATCH);
  const rules = resourcesOfType(topic, CfnRule).filter((r) => {
    const targets: unknown = stack.resolve(prop(r, 'Targets', r.targets));
    return Array.isArray(targets) && targets.some((t) => refersTo(member(t, 'arn'), topic));
  });
  if (rules.length > 0) found.push(EVENTS);
  const budgets = resourcesOfType(topic, CfnBudget).filter((b) =>
    publishes(prop(b, 'NotificationsWithSubscribers', b.notificationsWithSubscribers)),
  );
  if (budgets.length > 0) found.push(BUDGETS);
  const subscriptions = resourcesOfType(topic, CfnAnomalySubscription).filter((s) =>
    publishes(prop(s, 'Subscribers', s.subscribers)),
  );
  if (subscriptions.length > 0) found.push(COST_ANOMALY);
  return found;
}

/**
 * Whether the statement's source conditions can match the publisher: an `aws:SourceArn` condition
 * must name the publisher's service (or be a wildcard). `aws:SourceAccount` is the account either way.
 * An `aws:SourceArn` that is a whole reference (`Fn::GetAtt [Rule, Arn]`, as `topicRuleTarget` writes
 * it) names the service of the resource referred to, by its type (`AWS::Events::Rule` → `events`),
 * when `typeOf` knows that resource; a reference to anything else (a parameter, an import) is
 * taken as it may match.
 */
export function sourceConditionsAdmit(
  statement: Statement,
  publisher: TopicPublisher,
  typeOf: (logicalId: string) => string | undefined = () => undefined,
): boolean {
  const sourceArns = conditionValues(statement, 'aws:SourceArn');
  if (sourceArns === undefined) return true;
  return sourceArns.some((arn) => {
    const reference = /^\$\{([^}.]+)(?:\.[^}]*)?\}$/.exec(arn);
    if (reference) {
      const type = typeOf(reference[1]);
      // `AWS::CloudWatch::Alarm`, `AWS::Events::Rule`, `AWS::Budgets::Budget`, `AWS::CE::AnomalySubscription`
      return type === undefined || type.split('::')[1]?.toLowerCase() === publisher.arnService;
    }
    // References render as `${AWS::Partition}`, whose own colons would shift the ARN's fields.
    const service = arn.replace(/\$\{[^}]*\}/g, '*').split(':')[2];
    return arn === '*' || service === publisher.arnService || service === '*';
  });
}

/**
 * Whether a key-policy statement's conditions can match the KMS requests SNS makes while it encrypts
 * the publisher's messages: as `sourceConditionsAdmit`, except that EventBridge sends no source keys
 * there. SNS Developer Guide ("Enable compatibility between event sources from AWS services and
 * encrypted topics"): "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS
 * policy is not supported for EventBridge-to-encrypted topics."
 */
export function keyConditionsAdmit(statement: Statement, publisher: TopicPublisher): boolean {
  if (
    publisher === EVENTS &&
    ['aws:SourceAccount', 'aws:SourceArn', 'aws:SourceOrgID'].some(
      (key) => conditionValues(statement, key) !== undefined,
    )
  )
    return false;
  return sourceConditionsAdmit(statement, publisher);
}
