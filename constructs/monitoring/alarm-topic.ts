import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { PropValidator } from '../core/errors';

export interface PlatformAlarmTopicProps {
  /**
   * E-mail addresses subscribed to every alarm.
   * @default - no subscriptions (subscribe later, e.g. a chat integration)
   */
  readonly emails?: string[];
  /**
   * KMS key for the topic.
   * @default - a new key with rotation that CloudWatch and EventBridge may use
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
  private readonly publishers = new Set<string>();

  constructor(scope: Construct, id: string, props: PlatformAlarmTopicProps = {}) {
    super(scope, id);
    const emails = props.emails ?? [];
    const v = new PropValidator('PlatformAlarmTopic', this);
    emails.forEach((e, i) =>
      v.check(/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e), `emails[${i}]`, e, 'an e-mail address'),
    );
    v.throwIfAny();

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the alarm topic ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
    // CloudWatch alarms and EventBridge rules publish to an encrypted topic only if they may use its key.
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      this.encryptionKey.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      );
    }

    this.topic = new sns.Topic(this, 'Resource', {
      masterKey: this.encryptionKey,
      enforceSSL: true,
      displayName: 'ML platform alarms',
    });
    for (const email of emails) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    this.alarmAction = new cw_actions.SnsAction(this.topic);
  }

  /**
   * Lets an AWS service publish to the topic (e.g. `budgets.amazonaws.com`, `costalerts.amazonaws.com`):
   * a topic-policy statement, plus the key-policy statement it needs because the topic is encrypted.
   * Both are limited to this account (and to `sourceArnLike` when given). Calling it twice is harmless.
   * With an imported `encryptionKey`, add the key-policy statement to that key yourself.
   */
  public allowServicePublish(servicePrincipal: string, sourceArnLike?: string): void {
    if (this.publishers.has(servicePrincipal)) return;
    this.publishers.add(servicePrincipal);
    const account = Stack.of(this).account;
    const conditions: Record<string, Record<string, string>> = {
      StringEquals: { 'aws:SourceAccount': account },
    };
    if (sourceArnLike) conditions.ArnLike = { 'aws:SourceArn': sourceArnLike };
    const principal = new iam.ServicePrincipal(servicePrincipal);
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `Allow${servicePrincipal.split('.')[0].replace(/[^A-Za-z0-9]/g, '')}Publish`,
        principals: [principal],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions,
      }),
    );
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [principal],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
  }

  /** Sends an alarm's ALARM and OK transitions to the topic. */
  public notify(alarm: cloudwatch.Alarm): void {
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
  }
}
