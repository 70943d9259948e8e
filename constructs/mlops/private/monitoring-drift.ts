import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { notifyTopic } from '../../core/alarm-actions';
import { METRIC_NAMESPACE } from './monitoring-analyzer';

export interface DriftAlarmsProps {
  readonly endpointName: string;
  readonly scheduleName: string;
  /** Features whose `feature_baseline_drift_<name>` metric alarms. */
  readonly features: readonly string[];
  readonly threshold: number;
  /** The metric period follows the schedule: one data point per run. */
  readonly hourly: boolean;
  readonly topic: sns.ITopic;
}

/**
 * One alarm (`Drift-<feature>`, in `scope`) per feature whose drift from the baseline exceeds the
 * threshold, notifying the topic, and the dashboard widgets showing drift and alarms.
 */
export function driftAlarms(
  scope: Construct,
  props: DriftAlarmsProps,
): { alarms: cloudwatch.Alarm[]; widgets: cloudwatch.IWidget[] } {
  const { features, threshold } = props;
  const driftMetric = (feature: string) =>
    new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: `feature_baseline_drift_${feature}`,
      dimensionsMap: { Endpoint: props.endpointName, MonitoringSchedule: props.scheduleName },
      statistic: 'Maximum',
      period: props.hourly ? Duration.hours(1) : Duration.days(1),
    });
  const alarms = features.map(
    (feature) =>
      new cloudwatch.Alarm(scope, `Drift-${feature}`, {
        alarmDescription: `Captured ${feature} of ${props.endpointName} drifted from the baseline by more than ${threshold}`,
        metric: driftMetric(feature),
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
  );
  for (const alarm of alarms) notifyTopic(alarm, props.topic);
  const widgets = features.length
    ? [
        new cloudwatch.GraphWidget({
          title: `Baseline drift of ${props.endpointName}`,
          left: features.map((f) => driftMetric(f).with({ label: f })),
          leftAnnotations: [{ value: threshold, label: 'alarm' }],
          width: 12,
        }),
        new cloudwatch.AlarmStatusWidget({ title: 'Drift alarms', alarms: [...alarms], width: 12 }),
      ]
    : [];
  return { alarms, widgets };
}
