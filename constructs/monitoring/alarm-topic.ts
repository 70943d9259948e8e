import { RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { notifyTopic } from '../core/alarm-actions';
import { isEmailAddress } from '../core/email';
import { PropValidator } from '../core/errors';
import { allowTopicPublisher, TopicPublisher } from '../core/topic-publishers';

export interface PlatformAlarmTopicProps {
  /**
   * E-mail addresses subscribed to every alarm.
   * @default - no subscriptions (subscribe later, e.g. a chat integration)
   */
  readonly emails?: string[];
  /**
   * KMS key for the topic.
   * @default - a new key with rotation that CloudWatch (and the services admitted later) may use for SNS topics of this account
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The SNS topic every platform alarm and event rule notifies: KMS-encrypted, publishing over
 * TLS only, with optional e-mail subscriptions. Pass it to constructs as `alarmTopic` so no
 * alarm is silent.
 */
export class PlatformAlarmTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly encryptionKey: kms.IKey;
  /** An alarm action that notifies the topic. */
  public readonly alarmAction: cloudwatch.IAlarmAction;

  constructor(scope: Construct, id: string, props: PlatformAlarmTopicProps = {}) {
    super(scope, id);
    const emails = props.emails ?? [];
    const v = new PropValidator('PlatformAlarmTopic', this);
    emails.forEach((e, i) => v.check(isEmailAddress(e), `emails[${i}]`, e, 'an e-mail address'));
    v.throwIfAny();

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the alarm topic ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
    this.topic = new sns.Topic(this, 'Resource', {
      masterKey: this.encryptionKey,
      enforceSSL: true,
      displayName: 'ML platform alarms',
    });
    for (const email of emails) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    this.alarmAction = new cw_actions.SnsAction(this.topic);
    // enforceSSL replaces SNS's default topic policy: alarms must be named in it. EventBridge rules are
    // admitted one by one as they target the topic (topicRuleTarget), or with allowServicePublish.
    allowTopicPublisher(this.topic, TopicPublisher.CLOUDWATCH_ALARMS);
  }

  /**
   * Lets an AWS service publish to the topic (e.g. `TopicPublisher.BUDGETS`): a topic-policy statement
   * limited to this account, plus the key-policy statement it needs because the topic is encrypted.
   * Calling it twice is harmless. With an imported `encryptionKey`, a warning says what to add to that key.
   */
  public allowServicePublish(publisher: TopicPublisher): void {
    allowTopicPublisher(this.topic, publisher);
  }

  /** Sends an alarm's ALARM and OK transitions to the topic. */
  public notify(alarm: cloudwatch.Alarm): void {
    notifyTopic(alarm, this.topic);
  }
}
