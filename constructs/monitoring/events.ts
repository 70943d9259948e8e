import { Duration } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PropValidator } from '../core/errors';
import { topicRuleTarget } from '../core/topic-publishers';
import {
  batchJobStatePattern,
  capacityCancellationDetail,
  SPOT_RECLAIM_STATUS_PREFIX,
} from '../core/batch-job-events';

// The Batch event contract lives in one module shared with the training cluster and its retry function.
export { CAPACITY_STATUS_REASONS, SPOT_RECLAIM_STATUS_PREFIX } from '../core/batch-job-events';

/** SageMaker endpoint states that mean a create or update did not go through. */
export const ENDPOINT_FAILURE_STATES = ['FAILED', 'ROLLING_BACK', 'UPDATE_ROLLBACK_FAILED'] as const;

export interface BatchJobEventRulesProps {
  /** The cluster's name, used in messages. */
  readonly clusterName: string;
  /** Every job queue of the cluster. */
  readonly jobQueues: readonly batch.IJobQueue[];
  /**
   * The on-demand fallback queue; jobs entering it are counted as on-demand retries.
   * @default - no on-demand retry rule
   */
  readonly onDemandQueue?: batch.IJobQueue;
  /** Where failures are sent. */
  readonly topic: sns.ITopic;
  /**
   * Also send every spot reclaim to the topic. Reclaims are normal spot churn, so by default they
   * are only counted (and alarmed on when they come in bursts).
   * @default false
   */
  readonly notifySpotReclaims?: boolean;
}

/**
 * EventBridge rules over AWS Batch job state changes of one cluster's queues: failed jobs (sent to
 * the topic), spot reclaims, jobs cancelled for lack of capacity and jobs entering the on-demand
 * fallback queue. Each rule is also a counter: EventBridge publishes `AWS/Events` `MatchedEvents`
 * per rule, which the `metric*` methods return.
 */
export class BatchJobEventRules extends Construct {
  public readonly failedJobs: events.Rule;
  public readonly spotReclaims: events.Rule;
  public readonly capacityCancellations: events.Rule;
  public readonly onDemandRetries?: events.Rule;

  constructor(scope: Construct, id: string, props: BatchJobEventRulesProps) {
    super(scope, id);
    const v = new PropValidator('BatchJobEventRules', this);
    v.check(props.jobQueues.length > 0, 'jobQueues', props.jobQueues.length, 'at least one job queue');
    v.throwIfAny();

    const queueArns = props.jobQueues.map((q) => q.jobQueueArn);
    const target = topicRuleTarget(
      props.topic,
      events.RuleTargetInput.fromText(
        `AWS Batch job ${events.EventField.fromPath('$.detail.jobName')} (${events.EventField.fromPath('$.detail.jobId')}) ` +
          `of training cluster ${props.clusterName} is ${events.EventField.fromPath('$.detail.status')}: ` +
          `${events.EventField.fromPath('$.detail.statusReason')}. Queue: ${events.EventField.fromPath('$.detail.jobQueue')}`,
      ),
    );

    this.failedJobs = new events.Rule(this, 'FailedJobs', {
      description: `Failed AWS Batch jobs of training cluster ${props.clusterName}`,
      eventPattern: batchJobStatePattern({ jobQueue: queueArns, status: ['FAILED'] }),
      targets: [target],
    });
    this.spotReclaims = new events.Rule(this, 'SpotReclaims', {
      description: `Spot capacity reclaimed from AWS Batch jobs of training cluster ${props.clusterName}`,
      eventPattern: batchJobStatePattern({
        jobQueue: queueArns,
        statusReason: events.Match.prefix(SPOT_RECLAIM_STATUS_PREFIX),
      }),
      targets: props.notifySpotReclaims ? [target] : [],
    });
    this.capacityCancellations = new events.Rule(this, 'CapacityCancellations', {
      description: `AWS Batch jobs of training cluster ${props.clusterName} cancelled for lack of capacity`,
      eventPattern: batchJobStatePattern(capacityCancellationDetail(queueArns)),
    });
    if (props.onDemandQueue) {
      this.onDemandRetries = new events.Rule(this, 'OnDemandRetries', {
        description: `Jobs of training cluster ${props.clusterName} waiting in the on-demand fallback queue`,
        eventPattern: batchJobStatePattern({
          jobQueue: [props.onDemandQueue.jobQueueArn],
          status: ['RUNNABLE'],
        }),
      });
    }
  }

  /** Failed jobs (`MatchedEvents` of the failed-jobs rule). @default Sum over 5 minutes */
  public metricFailedJobs(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metricRuleMatches(this.failedJobs, options);
  }

  /** Job attempts whose spot instance was reclaimed. @default Sum over 5 minutes */
  public metricSpotReclaims(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metricRuleMatches(this.spotReclaims, options);
  }

  /** Jobs cancelled because no capacity came within the job-state time limit. @default Sum over 5 minutes */
  public metricCapacityCancellations(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metricRuleMatches(this.capacityCancellations, options);
  }

  /** Jobs entering the on-demand fallback queue, if there is one. @default Sum over 5 minutes */
  public metricOnDemandRetries(options?: cloudwatch.MetricOptions): cloudwatch.Metric | undefined {
    return this.onDemandRetries && metricRuleMatches(this.onDemandRetries, options);
  }
}

export interface EndpointEventRulesProps {
  /** The endpoint's name (as in the events' `EndpointName`). */
  readonly endpointName: string;
  /** Where failures are sent. */
  readonly topic: sns.ITopic;
}

/**
 * An EventBridge rule over SageMaker endpoint and endpoint-deployment state changes of one
 * endpoint that catches failed creates and updates and guardrail rollbacks (which otherwise pass
 * silently), routed to the topic and counted.
 */
export class EndpointEventRules extends Construct {
  public readonly deploymentFailures: events.Rule;

  constructor(scope: Construct, id: string, props: EndpointEventRulesProps) {
    super(scope, id);
    this.deploymentFailures = new events.Rule(this, 'DeploymentFailures', {
      description: `Failed updates and rollbacks of SageMaker endpoint ${props.endpointName}`,
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['SageMaker Endpoint State Change', 'SageMaker Endpoint Deployment State Change'],
        detail: { EndpointName: [props.endpointName], EndpointStatus: [...ENDPOINT_FAILURE_STATES] },
      },
      targets: [
        topicRuleTarget(
          props.topic,
          events.RuleTargetInput.fromText(
            `SageMaker endpoint ${events.EventField.fromPath('$.detail.EndpointName')} is ` +
              `${events.EventField.fromPath('$.detail.EndpointStatus')} ` +
              `(${events.EventField.fromPath('$.detail-type')}): ${events.EventField.fromPath('$.detail.FailureReason')}`,
          ),
        ),
      ],
    });
  }

  /** Failed endpoint updates and rollbacks. @default Sum over 5 minutes */
  public metricDeploymentFailures(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metricRuleMatches(this.deploymentFailures, options);
  }
}

/**
 * How many events a rule matched: `AWS/Events` `MatchedEvents` for the rule (default event bus).
 * EventBridge publishes it only when non-zero, so alarms on it treat missing data as not breaching.
 */
export function metricRuleMatches(
  rule: events.IRule,
  options: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName: 'MatchedEvents',
    dimensionsMap: { RuleName: rule.ruleName },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    ...options,
  });
}
