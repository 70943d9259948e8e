import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { allowTopicPublisher, TopicPublisher } from './topic-publishers';

/**
 * Sends an alarm's ALARM and OK transitions to a topic, and admits CloudWatch alarms to the
 * topic's policy (and key policy) so the notifications are delivered. Calling it again for the same
 * alarm and topic adds nothing (a construct may notify its topic and `PlatformMonitoring` the same one).
 */
export function notifyTopic(alarm: cloudwatch.Alarm, topic: sns.ITopic): void {
  let topics = notified.get(alarm);
  if (!topics) notified.set(alarm, (topics = new Set()));
  if (topics.has(topic)) return;
  topics.add(topic);
  allowTopicPublisher(topic, TopicPublisher.CLOUDWATCH_ALARMS);
  const action = new cw_actions.SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
}

const notified = new WeakMap<cloudwatch.Alarm, Set<sns.ITopic>>();
