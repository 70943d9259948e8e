import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { notifyTopic } from '../core/alarm-actions';
import { PropValidator } from '../core/errors';
import type { IGpuTrainingCluster } from '../training/gpu-training-cluster';
import type { BatchQueueMetrics } from './batch-queue-metrics';
import { BatchJobEventRules } from './events';

/** Alarm thresholds of a training cluster. */
export interface TrainingAlarmThresholds {
  /**
   * Alarm when the oldest RUNNABLE job has waited this long (no capacity or quota).
   * @default - half the cluster's capacityTimeout, so someone can act before Batch cancels the job
   */
  readonly oldestRunnableJobAge?: Duration;
  /**
   * Alarm when the cluster's average GPU utilisation stays below this percentage.
   * @default 10
   */
  readonly idleGpuUtilizationPercent?: number;
  /**
   * How long GPUs must stay idle before the idle alarm fires.
   * @default Duration.minutes(30)
   */
  readonly idleGpuDuration?: Duration;
  /**
   * Alarm when more spot reclaims than this happen within an hour.
   * @default 5
   */
  readonly spotReclaimsPerHour?: number;
}

export interface TrainingMonitoringProps {
  /** The cluster to watch: a `GpuTrainingCluster` or one imported with `fromGpuTrainingClusterAttributes`. */
  readonly cluster: IGpuTrainingCluster;
  /** The topic every alarm (ALARM and OK) and event rule notifies; CloudWatch and EventBridge are admitted to its policy. */
  readonly alarmTopic: sns.ITopic;
  /** The queue-metrics function that measures the cluster's queues. */
  readonly queueMetrics: BatchQueueMetrics;
  /**
   * Alarm thresholds.
   * @default - the defaults of each threshold
   */
  readonly thresholds?: TrainingAlarmThresholds;
  /**
   * Give the alarms physical names, `<prefix>-<clusterName>-<alarm>` (e.g. `prod-llm-IdleGpus`).
   * A physical name cannot change without replacing the alarm, and two stacks in one account and
   * region must not reuse it.
   * @default - no physical names: CloudFormation generates unique ones
   */
  readonly alarmNamePrefix?: string;
}

/**
 * Monitoring of one training cluster: Batch job event rules (failed jobs to the topic), queue
 * depth and RUNNABLE age, GPU utilisation, and alarms with ALARM and OK actions to the topic.
 */
export class TrainingMonitoring extends Construct {
  public readonly cluster: IGpuTrainingCluster;
  public readonly jobEvents: BatchJobEventRules;
  /** Every alarm created here. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** Dashboard rows for this cluster, top to bottom. */
  public readonly widgets: cloudwatch.IWidget[][];

  constructor(scope: Construct, id: string, props: TrainingMonitoringProps) {
    super(scope, id);
    const { cluster, queueMetrics } = props;
    const t = props.thresholds ?? {};
    const name = cluster.clusterName;
    const v = new PropValidator('TrainingMonitoring', this);
    v.range('thresholds.idleGpuUtilizationPercent', t.idleGpuUtilizationPercent, 0, 100, { integer: false });
    v.range('thresholds.spotReclaimsPerHour', t.spotReclaimsPerHour, 1, 100_000);
    checkMinutes(v, 'thresholds.oldestRunnableJobAge', t.oldestRunnableJobAge, 5, 7 * 24 * 60);
    checkMinutes(v, 'thresholds.idleGpuDuration', t.idleGpuDuration, 10, 24 * 60);
    v.throwIfAny();

    this.cluster = cluster;
    const alarms: cloudwatch.Alarm[] = [];
    this.alarms = alarms;
    const prefix = props.alarmNamePrefix;
    const alarm = (alarmId: string, p: Omit<cloudwatch.AlarmProps, 'alarmName'>) => {
      const alarmName = prefix === undefined ? undefined : `${prefix}-${name}-${alarmId}`;
      const a = new cloudwatch.Alarm(this, alarmId, { alarmName, ...p });
      notifyTopic(a, props.alarmTopic);
      alarms.push(a);
      return a;
    };

    queueMetrics.addQueues(name, cluster.jobQueues);
    this.jobEvents = new BatchJobEventRules(this, 'JobEvents', {
      clusterName: name,
      jobQueues: cluster.jobQueues,
      onDemandQueue: cluster.onDemandQueue,
      topic: props.alarmTopic,
    });

    // --- alarms ---
    const ageThreshold = t.oldestRunnableJobAge ?? defaultRunnableAge(cluster.capacityTimeout);
    alarm('OldestRunnableJobAge', {
      alarmDescription:
        `A job of training cluster ${name} has waited RUNNABLE for ${ageThreshold.toHumanString()} or more: ` +
        'no spot or on-demand capacity, or a GPU quota of 0. Check the compute environments and Service Quotas.',
      metric: queueMetrics.metricOldestRunnableJobAge(name, { period: Duration.minutes(5) }),
      threshold: ageThreshold.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      // The function publishes every run; a gap means it failed, which its own Errors alarm reports.
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });

    const idlePercent = t.idleGpuUtilizationPercent ?? 10;
    const idleDuration = t.idleGpuDuration ?? Duration.minutes(30);
    const idlePeriods = Math.max(1, Math.round(idleDuration.toMinutes() / 5));
    alarm('IdleGpus', {
      alarmDescription:
        `GPUs of training cluster ${name} averaged under ${idlePercent}% utilisation for ${idleDuration.toHumanString()}: ` +
        'instances are billed while doing nothing (a hung job, a data-loading bottleneck, or a job without GPU work).',
      metric: cluster.metricGpuUtilization({
        statistic: cloudwatch.Stats.AVERAGE,
        period: Duration.minutes(5),
      }),
      threshold: idlePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: idlePeriods,
      // No data = no GPU instance running = nothing billed.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const reclaimsPerHour = t.spotReclaimsPerHour ?? 5;
    alarm('SpotReclaims', {
      alarmDescription:
        `More than ${reclaimsPerHour} spot reclaims in an hour on training cluster ${name}: the chosen GPU spot pools are ` +
        'scarce. Add instance families, regions or on-demand fallback, and check that jobs checkpoint.',
      metric: this.jobEvents.metricSpotReclaims({ period: Duration.hours(1) }),
      threshold: reclaimsPerHour,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    alarm('CapacityCancellations', {
      alarmDescription:
        `Batch cancelled a job of training cluster ${name} after ${cluster.capacityTimeout.toHumanString()} without capacity ` +
        '(job-state time limit). Request quota, add instance types, or allow on-demand.',
      metric: this.jobEvents.metricCapacityCancellations({ period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    if (cluster.retryFunction) {
      alarm('RetryFunctionErrors', {
        alarmDescription: `The spot-to-on-demand retry function of training cluster ${name} failed: reclaimed jobs may not be resubmitted.`,
        metric: cluster.retryFunction.metricErrors({
          statistic: cloudwatch.Stats.SUM,
          period: Duration.minutes(5),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    // --- dashboard rows ---
    const queueNames = cluster.jobQueues.map((q) => q.jobQueueName);
    const onDemandRetries = this.jobEvents.metricOnDemandRetries({ label: 'On-demand retries' });
    const jobEvents = [
      this.jobEvents.metricFailedJobs({ label: 'Failed jobs' }),
      this.jobEvents.metricSpotReclaims({ label: 'Spot reclaims' }),
      this.jobEvents.metricCapacityCancellations({ label: 'Cancelled for capacity' }),
      ...(onDemandRetries ? [onDemandRetries] : []),
    ];
    this.widgets = [
      [
        new cloudwatch.TextWidget({
          markdown: `## Training: ${name}\nQueues: ${queueNames.join(', ')}. Capacity timeout: ${cluster.capacityTimeout.toHumanString()}.`,
          width: 24,
          height: 2,
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'Jobs waiting for capacity (RUNNABLE)',
          // A dynamic label shows each queue's real name.
          left: queueNames.map((q) =>
            queueMetrics.metricRunnableJobs(name, {
              jobQueueName: q,
              label: "RUNNABLE in ${PROP('Dim.JobQueue')}",
            }),
          ),
          leftYAxis: { min: 0, label: 'jobs', showUnits: false },
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: 'Oldest RUNNABLE job (minutes)',
          left: [
            new cloudwatch.MathExpression({
              expression: 'age / 60',
              usingMetrics: { age: queueMetrics.metricOldestRunnableJobAge(name) },
              label: 'Oldest RUNNABLE job',
              period: Duration.minutes(5),
            }),
          ],
          leftAnnotations: [
            { value: ageThreshold.toMinutes({ integral: false }), label: 'Alarm', color: '#d62728' },
          ],
          leftYAxis: { min: 0, label: 'minutes', showUnits: false },
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: 'Job events (per 5 minutes)',
          left: jobEvents,
          leftYAxis: { min: 0, label: 'events', showUnits: false },
          width: 8,
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'GPU utilisation (%)',
          left: [
            cluster.metricGpuUtilization({
              statistic: cloudwatch.Stats.AVERAGE,
              label: 'GPU utilisation (avg)',
            }),
            cluster.metricGpuMemoryUtilization({
              statistic: cloudwatch.Stats.AVERAGE,
              label: 'GPU memory (avg)',
            }),
          ],
          leftAnnotations: [{ value: idlePercent, label: 'Idle below', color: '#ff7f0e' }],
          leftYAxis: { min: 0, max: 100, label: '%', showUnits: false },
          width: 12,
        }),
        new cloudwatch.AlarmStatusWidget({
          title: `Alarms: training ${name}`,
          alarms: [...alarms],
          width: 12,
          height: 6,
        }),
      ],
    ];
  }
}

function defaultRunnableAge(capacityTimeout: Duration): Duration {
  if (Token.isUnresolved(capacityTimeout.toSeconds())) return Duration.minutes(30);
  return Duration.minutes(Math.max(10, Math.round(capacityTimeout.toMinutes({ integral: false }) / 2)));
}

function checkMinutes(
  v: PropValidator,
  prop: string,
  d: Duration | undefined,
  min: number,
  max: number,
): void {
  if (d === undefined || Token.isUnresolved(d.toSeconds())) return;
  const minutes = d.toSeconds() / 60;
  v.check(
    minutes >= min && minutes <= max,
    prop,
    d.toHumanString(),
    `a duration from ${min} to ${max} minutes`,
  );
}
