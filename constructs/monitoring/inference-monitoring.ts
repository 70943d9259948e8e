import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { IInferenceEndpoint } from '../inference/inference-endpoint';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { notifyTopic } from '../core/alarm-actions';
import { PropValidator } from '../core/errors';
import { EndpointEventRules } from './events';

/** Alarm thresholds of an endpoint (per production variant). */
export interface InferenceAlarmThresholds {
  /**
   * Alarm when 5xx responses exceed this percentage of invocations.
   * @default 1
   */
  readonly serverErrorRatePercent?: number;
  /**
   * Alarm when 4xx responses exceed this percentage of invocations.
   * @default 5
   */
  readonly clientErrorRatePercent?: number;
  /**
   * Alarm when the model latency p99 stays above this.
   * @default Duration.seconds(2)
   */
  readonly modelLatencyP99?: Duration;
  /**
   * Async endpoints: alarm when this many requests wait in the backlog.
   * @default 100
   */
  readonly asyncBacklogSize?: number;
}

export interface InferenceMonitoringProps {
  readonly endpoint: IInferenceEndpoint;
  /** The topic every alarm (ALARM and OK) and event rule notifies; CloudWatch and EventBridge are admitted to its policy. */
  readonly alarmTopic: sns.ITopic;
  /**
   * Alarm thresholds.
   * @default - the defaults of each threshold
   */
  readonly thresholds?: InferenceAlarmThresholds;
  /**
   * Give the alarms physical names, `<prefix>-<endpointName>-<alarm>` (e.g. `prod-chat-ServerErrorRate`).
   * A physical name cannot change without replacing the alarm, and two stacks in one account and
   * region must not reuse it.
   * @default - no physical names: CloudFormation generates unique ones
   */
  readonly alarmNamePrefix?: string;
}

/**
 * Monitoring of one SageMaker endpoint: error-rate and latency alarms per production variant (and
 * a backlog alarm for async endpoints) with ALARM and OK actions to the topic, a rule that reports
 * failed updates and rollbacks, and dashboard rows.
 */
export class InferenceMonitoring extends Construct {
  public readonly endpoint: IInferenceEndpoint;
  public readonly endpointEvents: EndpointEventRules;
  /** Every alarm created here. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** Dashboard rows for this endpoint, top to bottom. */
  public readonly widgets: cloudwatch.IWidget[][];

  constructor(scope: Construct, id: string, props: InferenceMonitoringProps) {
    super(scope, id);
    const { endpoint } = props;
    const t = props.thresholds ?? {};
    const v = new PropValidator('InferenceMonitoring', this);
    v.range('thresholds.serverErrorRatePercent', t.serverErrorRatePercent, 0, 100, { integer: false });
    v.range('thresholds.clientErrorRatePercent', t.clientErrorRatePercent, 0, 100, { integer: false });
    v.range('thresholds.asyncBacklogSize', t.asyncBacklogSize, 1, 1_000_000);
    if (t.modelLatencyP99 && !Token.isUnresolved(t.modelLatencyP99.toSeconds())) {
      const ms = t.modelLatencyP99.toMilliseconds();
      v.check(
        ms >= 1 && ms <= 3_600_000,
        'thresholds.modelLatencyP99',
        t.modelLatencyP99.toHumanString(),
        'a duration from 1 ms to 1 hour',
      );
    }
    v.check(
      endpoint.variantNames.length > 0,
      'endpoint.variantNames',
      endpoint.variantNames,
      'at least one variant name',
    );
    v.throwIfAny();

    this.endpoint = endpoint;
    const name = endpoint.endpointName;
    const prefix = props.alarmNamePrefix;
    const alarms: cloudwatch.Alarm[] = [];
    this.alarms = alarms;
    const serverErrors = t.serverErrorRatePercent ?? 1;
    const clientErrors = t.clientErrorRatePercent ?? 5;
    const latency = t.modelLatencyP99 ?? Duration.seconds(2);
    const latencyMs = latency.toMilliseconds();
    const alarm = (alarmId: string, p: Omit<cloudwatch.AlarmProps, 'alarmName'>) => {
      const alarmName = prefix === undefined ? undefined : `${prefix}-${name}-${alarmId}`;
      const a = new cloudwatch.Alarm(this, alarmId, { alarmName, ...p });
      notifyTopic(a, props.alarmTopic);
      alarms.push(a);
      return a;
    };

    this.endpointEvents = new EndpointEventRules(this, 'EndpointEvents', {
      endpointName: name,
      topic: props.alarmTopic,
    });

    const several = endpoint.variantNames.length > 1;
    endpoint.variantNames.forEach((variantName, i) => {
      // Ids are keyed by variant name, and the first (primary) variant's carry none: adding, removing
      // or reordering the other variants never replaces the primary variant's alarms.
      const suffix = i === 0 ? '' : `-${variantName}`;
      const about = several ? `variant ${variantName} of endpoint ${name}` : `endpoint ${name}`;
      alarm(`ServerErrorRate${suffix}`, {
        alarmDescription:
          `More than ${serverErrors}% of requests to ${about} returned 5xx (model or container errors) in 2 of 3 ` +
          '5-minute periods. Check the model container logs and the last deployment.',
        metric: errorRate(endpoint, variantName, 'server'),
        threshold: serverErrors,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`ClientErrorRate${suffix}`, {
        alarmDescription:
          `More than ${clientErrors}% of requests to ${about} returned 4xx (malformed payloads, throttling, ` +
          'or no capacity on a scaled-to-zero endpoint) in 2 of 3 5-minute periods.',
        metric: errorRate(endpoint, variantName, 'client'),
        threshold: clientErrors,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`ModelLatencyP99${suffix}`, {
        alarmDescription:
          `Model latency p99 of ${about} stayed above ${latencyMs} ms for 15 minutes: users wait, ` +
          'and autoscaling may be capped. Check instance utilisation and maxCapacity.',
        metric: new cloudwatch.MathExpression({
          expression: 'latency / 1000',
          usingMetrics: {
            latency: endpoint.metricModelLatency({ variantName, statistic: 'p99', period: PERIOD }),
          },
          label: 'Model latency p99 (ms)',
          period: PERIOD,
        }),
        threshold: latencyMs,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    });

    const asyncEndpoint = endpoint.mode === 'async';
    const backlogSize = t.asyncBacklogSize ?? 100;
    if (asyncEndpoint) {
      alarm('AsyncBacklog', {
        alarmDescription:
          `${backlogSize} or more requests waited in the backlog of async endpoint ${name} for 15 minutes: ` +
          'capacity does not keep up (check maxCapacity and the backlog scaling policy).',
        metric: endpoint.metricApproximateBacklogSize({
          statistic: cloudwatch.Stats.AVERAGE,
          period: PERIOD,
        }),
        threshold: backlogSize,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    // --- dashboard rows ---
    const variants = endpoint.variantNames;
    const label = (text: string, variantName: string) => (several ? `${text} (${variantName})` : text);
    // ModelLatency is in microseconds; graph milliseconds. Ids must be unique within one graph.
    const latencyLines = variants.flatMap((variantName, vi) =>
      (['p50', 'p90', 'p99'] as const).map(
        (stat) =>
          new cloudwatch.MathExpression({
            expression: `latency${vi}${stat} / 1000`,
            usingMetrics: {
              [`latency${vi}${stat}`]: endpoint.metricModelLatency({
                variantName,
                statistic: stat,
                period: PERIOD,
              }),
            },
            label: label(`Model latency ${stat}`, variantName),
            period: PERIOD,
          }),
      ),
    );
    const hasInstances = endpoint.mode !== 'serverless';
    const lastRow: cloudwatch.IWidget[] = [];
    if (hasInstances) {
      lastRow.push(
        new cloudwatch.GraphWidget({
          title: 'Instances',
          left: variants.map((variantName) =>
            endpoint.metricCpuUtilization({
              variantName,
              statistic: cloudwatch.Stats.SAMPLE_COUNT,
              period: Duration.minutes(1),
              label: label('Instances in service', variantName),
            }),
          ),
          leftYAxis: { min: 0, label: 'instances (CPUUtilization samples per minute)', showUnits: false },
          width: 8,
        }),
      );
    }
    if (asyncEndpoint) {
      lastRow.push(
        new cloudwatch.GraphWidget({
          title: 'Async backlog',
          left: [
            endpoint.metricApproximateBacklogSize({
              statistic: cloudwatch.Stats.AVERAGE,
              label: 'Requests in backlog',
            }),
          ],
          leftAnnotations: [{ value: backlogSize, label: 'Alarm', color: '#d62728' }],
          leftYAxis: { min: 0, label: 'requests', showUnits: false },
          width: 8,
        }),
      );
    }
    lastRow.push(
      new cloudwatch.AlarmStatusWidget({
        title: `Alarms: endpoint ${name}`,
        alarms: [...alarms, ...endpoint.rollbackAlarms],
        width: 24 - 8 * lastRow.length,
        height: 6,
      }),
    );

    const utilisation = new cloudwatch.GraphWidget({
      title: 'Utilisation (%)',
      left: variants.flatMap((variantName) => [
        endpoint.metricCpuUtilization({
          variantName,
          statistic: cloudwatch.Stats.AVERAGE,
          label: label('CPU', variantName),
        }),
        endpoint.metricGpuUtilization({
          variantName,
          statistic: cloudwatch.Stats.AVERAGE,
          label: label('GPU', variantName),
        }),
        endpoint.metricGpuMemoryUtilization({
          variantName,
          statistic: cloudwatch.Stats.AVERAGE,
          label: label('GPU memory', variantName),
        }),
        endpoint.metricMemoryUtilization({
          variantName,
          statistic: cloudwatch.Stats.AVERAGE,
          label: label('Memory', variantName),
        }),
      ]),
      leftYAxis: { min: 0, label: '% (CPU and GPU: 100 per core/GPU)', showUnits: false },
      width: 24,
    });

    this.widgets = [
      [
        new cloudwatch.TextWidget({
          markdown: `## Inference: ${name}\nMode: ${endpoint.mode}. Variants: ${variants.join(', ')}.`,
          width: 24,
          height: 2,
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'Invocations',
          // Async endpoints publish InvocationsProcessed instead of Invocations and InvocationsPerInstance.
          left: variants.map((variantName) =>
            asyncEndpoint
              ? endpoint.metric('InvocationsProcessed', {
                  variantName,
                  statistic: cloudwatch.Stats.SUM,
                  label: label('Processed', variantName),
                })
              : endpoint.metricInvocations({
                  variantName,
                  statistic: cloudwatch.Stats.SUM,
                  label: label('Invocations', variantName),
                }),
          ),
          right: asyncEndpoint
            ? []
            : variants.map((variantName) =>
                endpoint.metricInvocationsPerInstance({
                  variantName,
                  statistic: cloudwatch.Stats.SUM,
                  label: label('Per instance', variantName),
                }),
              ),
          leftYAxis: { min: 0, label: 'requests', showUnits: false },
          rightYAxis: { min: 0, label: 'requests per instance', showUnits: false },
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: 'Model latency (ms)',
          left: latencyLines,
          leftAnnotations: [{ value: latencyMs, label: 'p99 alarm', color: '#d62728' }],
          leftYAxis: { min: 0, label: 'ms', showUnits: false },
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: 'Errors',
          left: variants.flatMap((variantName) => [
            endpoint.metricInvocation5XXErrors({
              variantName,
              statistic: cloudwatch.Stats.SUM,
              label: label('5xx', variantName),
            }),
            endpoint.metricInvocation4XXErrors({
              variantName,
              statistic: cloudwatch.Stats.SUM,
              label: label('4xx', variantName),
            }),
          ]),
          leftYAxis: { min: 0, label: 'requests', showUnits: false },
          width: 8,
        }),
      ],
      ...(hasInstances ? [[utilisation]] : []),
      lastRow,
    ];
  }
}

/**
 * Error responses as a percentage of requests. SageMaker sends 1 per 5xx (4xx) response and 0
 * otherwise ("For each 5xx response, 1 is sent; otherwise, 0 is sent", SageMaker Developer Guide,
 * async-inference-monitor and monitoring-cloudwatch), so the Average is the error rate. Real-time,
 * serverless and async endpoints all publish these metrics; async endpoints do not publish
 * `Invocations`, so a ratio to it would never fire there.
 */
function errorRate(
  endpoint: IInferenceEndpoint,
  variantName: string,
  kind: 'server' | 'client',
): cloudwatch.MathExpression {
  const options = { variantName, statistic: cloudwatch.Stats.AVERAGE, period: PERIOD };
  const errors =
    kind === 'server'
      ? endpoint.metricInvocation5XXErrors(options)
      : endpoint.metricInvocation4XXErrors(options);
  return new cloudwatch.MathExpression({
    expression: '100 * FILL(errors, 0)',
    usingMetrics: { errors },
    label: kind === 'server' ? '5xx rate (%)' : '4xx rate (%)',
    period: PERIOD,
  });
}

/** Sustained for 3 periods of 5 minutes (2 of 3 for error rates): deploy-time rollback alarms react faster. */
const PERIOD = Duration.minutes(5);
