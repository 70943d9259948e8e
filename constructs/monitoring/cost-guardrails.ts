import { Stack, Token } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as ce from 'aws-cdk-lib/aws-ce';
import { Construct } from 'constructs';
import { PropValidator } from '../core/errors';
import type { PlatformAlarmTopic } from './alarm-topic';
import { COST_ALLOCATION_TAGS } from './tagging';

/** What the Cost Explorer anomaly monitor watches. */
export enum AnomalyMonitorScope {
  /** Spend of resources tagged `cdk-ml-platform:platform` = the platform name (a CUSTOM monitor); several platforms can share an account. */
  PLATFORM_TAG = 'PLATFORM_TAG',
  /** Spend of every AWS service in the account (DIMENSIONAL SERVICE); AWS allows only one such monitor per account. */
  ACCOUNT_SERVICES = 'ACCOUNT_SERVICES',
}

export interface CostGuardrailsProps {
  /** The platform name: the value of the `cdk-ml-platform:platform` cost-allocation tag the budget filters on. */
  readonly platformName: string;
  /** Monthly cost budget in USD. */
  readonly monthlyBudgetUsd: number;
  /** Budget and anomaly notifications go to this topic (its policy is extended to let AWS Budgets and Cost Anomaly Detection publish). */
  readonly alarmTopic: PlatformAlarmTopic;
  /**
   * E-mail addresses the budget notifies directly as well (at most 10).
   * @default - none (the topic's subscribers are notified)
   */
  readonly emails?: string[];
  /**
   * Name of the budget; unique in the account.
   * @default - `<stack name>-monthly-cost`
   */
  readonly budgetName?: string;
  /**
   * What the anomaly monitor watches.
   * @default AnomalyMonitorScope.PLATFORM_TAG
   */
  readonly anomalyMonitorScope?: AnomalyMonitorScope;
  /**
   * Notify about an anomaly once its total cost impact reaches this many USD.
   * @default 100
   */
  readonly anomalyThresholdUsd?: number;
  /**
   * Also require the impact to reach this percentage of expected spend (both must hold), to mute
   * small absolute anomalies on a large bill.
   * @default - no percentage condition
   */
  readonly anomalyThresholdPercent?: number;
}

/** Budget notification thresholds, as a percentage of the monthly amount. */
export const BUDGET_NOTIFICATIONS = [
  { notificationType: 'ACTUAL', threshold: 80 },
  { notificationType: 'ACTUAL', threshold: 100 },
  { notificationType: 'FORECASTED', threshold: 100 },
] as const;

/**
 * Ties spend to a number: an AWS Budget (monthly cost, scoped by the platform's cost-allocation
 * tag, notifying at 80% and 100% of actual and 100% of forecast spend) and a Cost Explorer anomaly
 * monitor with a subscription above a threshold, both notifying the alarm topic.
 *
 * The tag must be activated as a cost-allocation tag in the payer account, or the budget sees $0.
 */
export class CostGuardrails extends Construct {
  public readonly budget: budgets.CfnBudget;
  public readonly anomalyMonitor: ce.CfnAnomalyMonitor;
  public readonly anomalySubscription: ce.CfnAnomalySubscription;

  constructor(scope: Construct, id: string, props: CostGuardrailsProps) {
    super(scope, id);
    const emails = props.emails ?? [];
    const thresholdUsd = props.anomalyThresholdUsd ?? 100;
    const v = new PropValidator('CostGuardrails', this);
    if (!Token.isUnresolved(props.monthlyBudgetUsd)) {
      v.check(
        Number.isFinite(props.monthlyBudgetUsd) &&
          props.monthlyBudgetUsd > 0 &&
          props.monthlyBudgetUsd <= 1e9,
        'monthlyBudgetUsd',
        props.monthlyBudgetUsd,
        'a positive number of USD up to 1,000,000,000',
      );
    }
    v.check(
      emails.length <= 10,
      'emails',
      emails.length,
      'at most 10 addresses (an AWS Budgets limit per notification)',
    );
    emails.forEach((e, i) =>
      v.check(
        Token.isUnresolved(e) || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e),
        `emails[${i}]`,
        e,
        'an e-mail address',
      ),
    );
    v.check(
      Token.isUnresolved(thresholdUsd) || (Number.isFinite(thresholdUsd) && thresholdUsd > 0),
      'anomalyThresholdUsd',
      thresholdUsd,
      'a positive number of USD',
    );
    v.range('anomalyThresholdPercent', props.anomalyThresholdPercent, 1, 10_000, { integer: false });
    v.check(
      Token.isUnresolved(props.platformName) ||
        /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u.test(props.platformName),
      'platformName',
      props.platformName,
      'a tag value of 1 to 256 letters, digits, spaces and _ . : / = + - @',
    );
    v.throwIfAny();

    const stack = Stack.of(this);
    const topic = props.alarmTopic;
    topic.allowServicePublish('budgets.amazonaws.com', `arn:${stack.partition}:budgets::${stack.account}:*`);
    topic.allowServicePublish('costalerts.amazonaws.com');

    const subscribers: budgets.CfnBudget.SubscriberProperty[] = [
      { subscriptionType: 'SNS', address: topic.topic.topicArn },
      ...emails.map((address) => ({ subscriptionType: 'EMAIL', address })),
    ];
    this.budget = new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetName: props.budgetName ?? `${stack.stackName}-monthly-cost`,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyBudgetUsd, unit: 'USD' },
        // Budgets see cost-allocation tags with the `user:` prefix, as `user:<key>$<value>`.
        costFilters: { TagKeyValue: [`user:${COST_ALLOCATION_TAGS.platform}$${props.platformName}`] },
      },
      notificationsWithSubscribers: BUDGET_NOTIFICATIONS.map((n) => ({
        notification: {
          notificationType: n.notificationType,
          comparisonOperator: 'GREATER_THAN',
          threshold: n.threshold,
          thresholdType: 'PERCENTAGE',
        },
        subscribers,
      })),
    });
    // Notifications are sent to the topic: it must accept them before the budget exists.
    this.budget.node.addDependency(topic);

    const scopeKind = props.anomalyMonitorScope ?? AnomalyMonitorScope.PLATFORM_TAG;
    this.anomalyMonitor = new ce.CfnAnomalyMonitor(this, 'AnomalyMonitor', {
      monitorName: `${stack.stackName}-cost-anomalies`,
      ...(scopeKind === AnomalyMonitorScope.ACCOUNT_SERVICES
        ? { monitorType: 'DIMENSIONAL', monitorDimension: 'SERVICE' }
        : {
            monitorType: 'CUSTOM',
            // Cost Explorer expressions name tags without the `user:` prefix.
            monitorSpecification: stack.toJsonString({
              Tags: {
                Key: COST_ALLOCATION_TAGS.platform,
                Values: [props.platformName],
                MatchOptions: ['EQUALS'],
              },
            }),
          }),
    });

    const absolute = {
      Dimensions: {
        Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE',
        MatchOptions: ['GREATER_THAN_OR_EQUAL'],
        Values: [String(thresholdUsd)],
      },
    };
    const threshold =
      props.anomalyThresholdPercent === undefined
        ? absolute
        : {
            And: [
              absolute,
              {
                Dimensions: {
                  Key: 'ANOMALY_TOTAL_IMPACT_PERCENTAGE',
                  MatchOptions: ['GREATER_THAN_OR_EQUAL'],
                  Values: [String(props.anomalyThresholdPercent)],
                },
              },
            ],
          };
    this.anomalySubscription = new ce.CfnAnomalySubscription(this, 'AnomalySubscription', {
      subscriptionName: `${stack.stackName}-cost-anomalies`,
      monitorArnList: [this.anomalyMonitor.attrMonitorArn],
      // SNS subscribers require immediate notifications; the topic fans out to e-mail.
      frequency: 'IMMEDIATE',
      subscribers: [{ type: 'SNS', address: topic.topic.topicArn }],
      thresholdExpression: stack.toJsonString(threshold),
    });
    this.anomalySubscription.node.addDependency(topic);
  }
}
