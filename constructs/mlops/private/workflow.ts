import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../../cost/usage-metadata';
import { notifyTopic } from '../../core/alarm-actions';
import { acknowledgeGrantPolicy } from '../../core/compliance';
import { allowLogsToUseKey, logGroupArnPattern } from '../../core/logs-key';
import { sourceScopedPrincipal } from '../../core/service-principals';
import { acknowledgePolicyWildcards } from '../../core/wildcards';
import type { StatesDefinition } from '../states-definition';

export type { StatesDefinition } from '../states-definition';

export interface WorkflowProps {
  readonly definition: StatesDefinition;
  readonly encryptionKey?: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly topic: sns.ITopic;
  /** Why this workflow exists, for the role's and the alarm's descriptions. */
  readonly purpose: string;
  /** Expected standard-workflow state transitions a month, for the cost estimate, and how they were counted. */
  readonly expectedUsage: {
    readonly transitionsPerMonth: number;
    readonly source: string;
    readonly note: string;
  };
}

/**
 * A standard Step Functions workflow written in ASL: its own role, every event logged to an encrypted
 * log group (AwsSolutions-SF1), X-Ray tracing (AwsSolutions-SF2), and an alarm on failed executions.
 * The definition is plain ASL, so tests read the states exactly as Step Functions will.
 */
export class Workflow extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  /** In ALARM when an execution fails (any failure also publishes its reason to the topic first). */
  public readonly failedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    // Only state machines of this account and region may run as the role (Step Functions guide,
    // "Prevent cross-service confused deputy issue"; the pattern is in CONFUSED_DEPUTY_SERVICES).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: sourceScopedPrincipal(this, 'states.amazonaws.com'),
      description: `Runs the ${props.purpose} state machine of ${this.node.path}`,
    });
    // Vended logs of Step Functions: the log group name must start with /aws/vendedlogs/ so the
    // resource policy CloudWatch Logs needs stays small (Step Functions guide, "Logging using CloudWatch Logs").
    const logGroupName = `/aws/vendedlogs/states/${Stack.of(this).stackName}-${this.node.addr.slice(0, 12)}`;
    if (props.encryptionKey) allowLogsToUseKey(props.encryptionKey, logGroupArnPattern(this, logGroupName));
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName,
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      definitionBody: sfn.DefinitionBody.fromString(Stack.of(this).toJsonString(props.definition)),
      role: this.role,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    // Standard workflows bill state transitions ("$0.025 per 1,000 state transitions", Step Functions pricing).
    (this.stateMachine.node.defaultChild as sfn.CfnStateMachine).addMetadata(USAGE_METADATA_KEY, {
      source: props.expectedUsage.source,
      monthlyRequests: props.expectedUsage.transitionsPerMonth,
      note: props.expectedUsage.note,
    } satisfies UsageAssumptions);
    props.topic.grantPublish(this.role);
    this.failedAlarm = new cloudwatch.Alarm(this, 'FailedAlarm', {
      alarmDescription: `An execution of the ${props.purpose} state machine failed; its reason was published to the alarm topic`,
      metric: this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notifyTopic(this.failedAlarm, props.topic);
  }

  /** Adds a statement to the role's policy. */
  public allow(actions: string[], resources: string[], conditions?: Record<string, unknown>): void {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources, conditions }));
  }

  /** Acknowledges the policy's remaining wildcards and inline policy; call once every grant is made. */
  public acknowledge(wildcardReason: string): void {
    acknowledgePolicyWildcards(
      this.role.node.tryFindChild('DefaultPolicy'),
      `${wildcardReason} CloudWatch Logs delivery and X-Ray actions of Step Functions support no resource-level permissions (Step Functions guide, "IAM policies for logging to CloudWatch Logs" and X-Ray).`,
    );
    acknowledgeGrantPolicy(this.role, `the ${this.node.path} state machine's own calls`);
  }

  /**
   * An EventBridge rule target that starts this state machine. Its role (one per state machine) may be
   * assumed by EventBridge for rules of this account and region only: "For EventBridge event bus rule
   * targets, the value of aws:SourceArn must be the rule ARN" (EventBridge user guide, "Cross-service
   * confused deputy prevention"). `targets.SfnStateMachine` alone makes a role any rule of any account
   * could have EventBridge assume. The role keeps the id CDK's own target role has (`EventsRole` under
   * the state machine), so CDK's targets find and reuse it.
   */
  public ruleTarget(): events.IRuleTarget {
    const role =
      (this.stateMachine.node.tryFindChild('EventsRole') as iam.Role | undefined) ??
      new iam.Role(this.stateMachine, 'EventsRole', {
        assumedBy: sourceScopedPrincipal(this, 'events.amazonaws.com'),
        description: `EventBridge rules start the ${this.node.path} state machine`,
      });
    return new targets.SfnStateMachine(this.stateMachine, { role });
  }

  /** Acknowledges the inline policy of the role EventBridge rules use to start this state machine. */
  public acknowledgeRuleRole(): void {
    const role = this.stateMachine.node.tryFindChild('EventsRole');
    if (role) acknowledgeGrantPolicy(role, `states:StartExecution of ${this.node.path} only`);
  }
}

/** A task state of an AWS SDK integration (`arn:aws:states:::aws-sdk:<service>:<action>`). */
export function sdkTask(
  scope: Construct,
  service: string,
  action: string,
  state: Record<string, unknown>,
): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: `arn:${Stack.of(scope).partition}:states:::aws-sdk:${service}:${action}`,
    ...state,
  };
}

/** A task state of an optimised integration (`arn:aws:states:::<service>:<action>[.sync]`). */
export function serviceTask(
  scope: Construct,
  integration: string,
  state: Record<string, unknown>,
): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: `arn:${Stack.of(scope).partition}:states:::${integration}`,
    ...state,
  };
}

/** Catch-all that keeps the error for the failure notice. */
export const CATCH_ALL = (next: string) => [
  { ErrorEquals: ['States.ALL'], Assign: { error: '{% $states.errorOutput %}' }, Next: next },
];
