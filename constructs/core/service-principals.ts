import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * AWS services whose documentation tells us to pin their service principal to our account (and
 * resources) with `aws:SourceAccount`/`aws:SourceArn` in a role's trust policy, with the sentence
 * each rests on. The MlPlatform rule pack reads this table too: a trust policy of one of these
 * services without a source condition is a finding.
 */
export const CONFUSED_DEPUTY_SERVICES = {
  /**
   * VPC User Guide, "IAM role for publishing flow logs to CloudWatch Logs": "We recommend that you use
   * the aws:SourceAccount and aws:SourceArn condition keys to protect yourself against the confused
   * deputy problem ... The source account is the owner of the flow log and the source ARN is the flow
   * log ARN. If you don't know the flow log ID, you can replace that portion of the ARN with a wildcard".
   * The flow log names the role, so the role cannot name the flow log: the wildcard it is.
   */
  'vpc-flow-logs.amazonaws.com': (s: Stack) =>
    `arn:${s.partition}:ec2:${s.region}:${s.account}:vpc-flow-log/*`,
  /**
   * SageMaker Developer Guide, "Cross-service confused deputy prevention": "If you don't know the full
   * ARN of the resource or if you are specifying multiple resources, use the aws:SourceArn global
   * condition key with wildcards (*) for the unknown portions of the ARN. For example,
   * arn:aws:sagemaker:*:123456789012:*". A model role is assumed for models and endpoints of this
   * account and region only.
   */
  'sagemaker.amazonaws.com': (s: Stack) => `arn:${s.partition}:sagemaker:${s.region}:${s.account}:*`,
  /**
   * ECS Developer Guide, "Amazon ECS task IAM role": "When creating your task IAM role, it is
   * recommended that you use the aws:SourceAccount or aws:SourceArn condition keys in the trust
   * relationship policy ... Using the aws:SourceArn condition key to specify a specific cluster is not
   * currently supported, you should use the wildcard to specify all clusters" (its example:
   * "arn:aws:ecs:us-west-2:111122223333:*"). AWS Batch runs jobs as ECS tasks in the same account, and
   * the execution role is assumed by the same principal for the same task.
   */
  'ecs-tasks.amazonaws.com': (s: Stack) => `arn:${s.partition}:ecs:${s.region}:${s.account}:*`,
  /**
   * Step Functions Developer Guide, "Creating an IAM role for your state machine", section "Prevent
   * cross-service confused deputy issue": use `aws:SourceArn` and `aws:SourceAccount` in the trust
   * policy of the role a state machine runs as, `aws:SourceArn` being the state machine ARN. The state
   * machine names its role, so the role cannot name the state machine (a cycle): every state machine of
   * this account and region (`stateMachine:*`) it is.
   */
  'states.amazonaws.com': (s: Stack) => `arn:${s.partition}:states:${s.region}:${s.account}:stateMachine:*`,
  /**
   * EventBridge User Guide, "Cross-service confused deputy prevention in Amazon EventBridge": "We
   * recommend using the aws:SourceArn and aws:SourceAccount global condition context keys ... For
   * EventBridge event bus rule targets, the value of aws:SourceArn must be the rule ARN." The rule
   * names the role it passes to its target, so the role cannot name the rule (a cycle): every rule of
   * this account and region (`rule/*`, which also covers rules of custom buses, `rule/<bus>/<name>`).
   */
  'events.amazonaws.com': (s: Stack) => `arn:${s.partition}:events:${s.region}:${s.account}:rule/*`,
} as const;

export type ConfusedDeputyService = keyof typeof CONFUSED_DEPUTY_SERVICES;

/**
 * The service principal of `service` that may act for this account's own resources only:
 * `aws:SourceAccount` equal to the stack's account and `aws:SourceArn` like the documented pattern
 * (`CONFUSED_DEPUTY_SERVICES`). Use it as a role's `assumedBy`.
 */
export function sourceScopedPrincipal(
  scope: IConstruct,
  service: ConfusedDeputyService,
): iam.ServicePrincipal {
  const stack = Stack.of(scope);
  return new iam.ServicePrincipal(service, {
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': CONFUSED_DEPUTY_SERVICES[service](stack) },
    },
  });
}
