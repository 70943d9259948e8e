import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { allowTopicPublisher, TopicPublisher } from './topic-publishers';

/**
 * Sends an alarm's ALARM and OK transitions to a topic, and admits CloudWatch alarms to the
 * topic's policy (and key policy) so the notifications are delivered.
 */
export function notifyTopic(alarm: cloudwatch.Alarm, topic: sns.ITopic): void {
  allowTopicPublisher(topic, TopicPublisher.CLOUDWATCH_ALARMS);
  const action = new cw_actions.SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
}
