import { Annotations, Aws, CfnCondition, Fn, Stack, Token } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as ce from 'aws-cdk-lib/aws-ce';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { isEmailAddress } from '../core/email';
import { PropValidator } from '../core/errors';
import { allowTopicPublisher, TopicPublisher } from '../core/topic-publishers';
import { COST_ALLOCATION_TAGS } from './tagging';

/** What the Cost Explorer anomaly monitor watches. */
export enum AnomalyMonitorScope {
  /** Spend of resources tagged `cdk-ml-platform:platform` = the platform name (a CUSTOM monitor); several platforms can share an account. */
  PLATFORM_TAG = 'PLATFORM_TAG',
  /** Spend of every AWS service in the account (DIMENSIONAL SERVICE); AWS allows only one such monitor per account. */
  ACCOUNT_SERVICES = 'ACCOUNT_SERVICES',
}

/** The only region where `AWS::CE::*` resources can be created. */
export const COST_ANOMALY_DETECTION_REGION = 'us-east-1';

export interface CostGuardrailsProps {
  /** The platform name: the value of the `cdk-ml-platform:platform` cost-allocation tag the budget filters on. */
  readonly platformName: string;
  /** Monthly cost budget in USD. */
  readonly monthlyBudgetUsd: number;
  /** Budget and anomaly notifications go to this topic (its policy and key policy are extended to let AWS Budgets and Cost Anomaly Detection publish). */
  readonly alarmTopic: sns.ITopic;
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
  /**
   * Create the Cost Explorer anomaly monitor and subscription here. `AWS::CE::AnomalyMonitor` and
   * `AWS::CE::AnomalySubscription` can be created only in us-east-1 (Cost Explorer's API endpoint), so in a
   * stack of another region put a `CostAnomalyDetection` in a us-east-1 stack instead (the reference
   * platform does this for you). Budgets are global and work from any region.
   * @default - true in a us-east-1 stack; false (with a note) in a stack of another region; in a
   * region-agnostic stack, created under a condition that holds only when deployed to us-east-1
   */
  readonly anomalyDetection?: boolean;
}

/** Budget notification thresholds, as a percentage of the monthly amount. */
export const BUDGET_NOTIFICATIONS = [
  { notificationType: 'ACTUAL', threshold: 80 },
  { notificationType: 'ACTUAL', threshold: 100 },
  { notificationType: 'FORECASTED', threshold: 100 },
] as const;

/**
 * Ties spend to a number: an AWS Budget (monthly cost, scoped by the platform's cost-allocation
 * tag, notifying at 80% and 100% of actual and 100% of forecast spend) and, in us-east-1, a Cost
 * Explorer anomaly monitor with a subscription above a threshold, both notifying the alarm topic.
 *
 * The tag must be activated as a cost-allocation tag in the payer account, or the budget sees $0.
 */
export class CostGuardrails extends Construct {
  public readonly budget: budgets.CfnBudget;
  /** The anomaly monitor and subscription; absent when `anomalyDetection` is off. */
  public readonly anomalyDetection?: CostAnomalyDetection;

  constructor(scope: Construct, id: string, props: CostGuardrailsProps) {
    super(scope, id);
    const emails = props.emails ?? [];
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
      v.check(Token.isUnresolved(e) || isEmailAddress(e), `emails[${i}]`, e, 'an e-mail address'),
    );
    validateAnomalyOptions(v, props);
    const stack = Stack.of(this);
    const regionKnown = !Token.isUnresolved(stack.region);
    const inCostExplorerRegion = stack.region === COST_ANOMALY_DETECTION_REGION;
    const wanted = props.anomalyDetection ?? (inCostExplorerRegion || !regionKnown);
    v.check(
      !(wanted && regionKnown && !inCostExplorerRegion),
      'anomalyDetection',
      true,
      `false in a ${stack.region} stack: AWS::CE::AnomalyMonitor and AnomalySubscription can be created only in ${COST_ANOMALY_DETECTION_REGION}; add a CostAnomalyDetection to a ${COST_ANOMALY_DETECTION_REGION} stack instead`,
    );
    v.throwIfAny();

    const topic = props.alarmTopic;
    allowTopicPublisher(topic, TopicPublisher.BUDGETS);
    const subscribers: budgets.CfnBudget.SubscriberProperty[] = [
      { subscriptionType: 'SNS', address: topic.topicArn },
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

    if (!wanted) {
      if (props.anomalyDetection === undefined) {
        Annotations.of(this).addInfo(
          `No Cost Explorer anomaly monitor in this ${stack.region} stack: AWS::CE::* resources can be created only in ${COST_ANOMALY_DETECTION_REGION}. ` +
            `Add a CostAnomalyDetection to a ${COST_ANOMALY_DETECTION_REGION} stack (the reference platform adds <stack>-CostAnomalies). The budget works from any region.`,
        );
      }
      return;
    }
    this.anomalyDetection = new CostAnomalyDetection(this, 'Anomalies', {
      platformName: props.platformName,
      alarmTopic: topic,
      anomalyMonitorScope: props.anomalyMonitorScope,
      anomalyThresholdUsd: props.anomalyThresholdUsd,
      anomalyThresholdPercent: props.anomalyThresholdPercent,
      // Region-agnostic stacks may be deployed anywhere: the resources exist only where they can.
      onlyInCostExplorerRegion: !regionKnown,
    });
  }
}

export interface CostAnomalyDetectionProps {
  /** The platform name: the value of the `cdk-ml-platform:platform` cost-allocation tag the monitor watches. */
  readonly platformName: string;
  /** Anomaly alerts go to this topic (its policy and key policy are extended to let Cost Anomaly Detection publish). */
  readonly alarmTopic: sns.ITopic;
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
   * Also require the impact to reach this percentage of expected spend (both must hold).
   * @default - no percentage condition
   */
  readonly anomalyThresholdPercent?: number;
  /**
   * Create the resources under a condition that holds only in us-east-1 (for region-agnostic stacks).
   * @default false
   */
  readonly onlyInCostExplorerRegion?: boolean;
}

/**
 * A Cost Explorer anomaly monitor (the platform's tag, or every service of the account) with an
 * immediate SNS subscription above a threshold. Cost Explorer resources can be created only in
 * us-east-1: put this in a us-east-1 stack (a stack of another region is rejected).
 */
export class CostAnomalyDetection extends Construct {
  public readonly anomalyMonitor: ce.CfnAnomalyMonitor;
  public readonly anomalySubscription: ce.CfnAnomalySubscription;

  constructor(scope: Construct, id: string, props: CostAnomalyDetectionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const v = new PropValidator('CostAnomalyDetection', this);
    validateAnomalyOptions(v, props);
    v.check(
      Token.isUnresolved(stack.region) || stack.region === COST_ANOMALY_DETECTION_REGION,
      'stack region',
      stack.region,
      `${COST_ANOMALY_DETECTION_REGION}: AWS::CE::AnomalyMonitor and AnomalySubscription can be created only there`,
    );
    v.throwIfAny();

    const topic = props.alarmTopic;
    allowTopicPublisher(topic, TopicPublisher.COST_ANOMALY_DETECTION);
    const thresholdUsd = props.anomalyThresholdUsd ?? 100;
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
      subscribers: [{ type: 'SNS', address: topic.topicArn }],
      thresholdExpression: stack.toJsonString(threshold),
    });
    this.anomalySubscription.node.addDependency(topic);

    if (props.onlyInCostExplorerRegion) {
      const condition = new CfnCondition(this, 'InCostExplorerRegion', {
        expression: Fn.conditionEquals(Aws.REGION, COST_ANOMALY_DETECTION_REGION),
      });
      this.anomalyMonitor.cfnOptions.condition = condition;
      this.anomalySubscription.cfnOptions.condition = condition;
    }
  }
}

function validateAnomalyOptions(
  v: PropValidator,
  props: { platformName: string; anomalyThresholdUsd?: number; anomalyThresholdPercent?: number },
): void {
  const thresholdUsd = props.anomalyThresholdUsd ?? 100;
  v.check(
    Token.isUnresolved(thresholdUsd) || (Number.isFinite(thresholdUsd) && thresholdUsd > 0),
    'anomalyThresholdUsd',
    thresholdUsd,
    'a positive number of USD',
  );
  v.range('anomalyThresholdPercent', props.anomalyThresholdPercent, 1, 10_000, { integer: false });
  v.check(
    Token.isUnresolved(props.platformName) || /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u.test(props.platformName),
    'platformName',
    props.platformName,
    'a tag value of 1 to 256 letters, digits, spaces and _ . : / = + - @',
  );
}
