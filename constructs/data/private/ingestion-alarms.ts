/**
 * The alarms of a `StreamingIngestion`: the stream's iterator age and throttling (Kinesis source),
 * and the delivery's data freshness and failed conversions; ALARM and OK notify `alarmTopic`.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import type { StreamingIngestionProps } from '../streaming-ingestion-props';

/** The metrics the alarms watch; the stream's are absent for an MSK source. */
export interface IngestionMetrics {
  readonly iteratorAge?: cloudwatch.IMetric;
  readonly throttledRequests?: cloudwatch.IMetric;
  readonly dataFreshness: cloudwatch.IMetric;
  readonly failedConversions: cloudwatch.IMetric;
}

/** Creates the alarms under `scope`, with the thresholds of `props.alarmThresholds` or their defaults. */
export function createIngestionAlarms(
  scope: Construct,
  props: StreamingIngestionProps,
  metrics: IngestionMetrics,
  bufferInterval: Duration,
  errorPrefix: string,
): cloudwatch.Alarm[] {
  const t = props.alarmThresholds ?? {};
  const alarms: cloudwatch.Alarm[] = [];
  const name = props.tableName;
  const iteratorAge = metrics.iteratorAge;
  if (iteratorAge) {
    const max = t.maxIteratorAge ?? Duration.minutes(15);
    alarms.push(
      new cloudwatch.Alarm(scope, 'IteratorAgeAlarm', {
        alarmDescription:
          `Firehose is more than ${max.toHumanString()} behind the ${name} stream: records expire after ` +
          'the stream retention. Check the delivery log group and the throttling alarm.',
        metric: iteratorAge,
        threshold: max.toMilliseconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
  const throttled = metrics.throttledRequests;
  if (throttled) {
    alarms.push(
      new cloudwatch.Alarm(scope, 'ThrottlingAlarm', {
        alarmDescription:
          `The ${name} stream rejected reads or writes for 15 minutes: producers retry and fall behind. ` +
          'Provisioned: add shards; on-demand: traffic more than doubled its previous peak within 15 minutes.',
        metric: throttled,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
  const freshness = t.maxDataFreshness ?? Duration.seconds(Math.max(900, 3 * bufferInterval.toSeconds()));
  alarms.push(
    new cloudwatch.Alarm(scope, 'DataFreshnessAlarm', {
      alarmDescription:
        `Records of ${name} older than ${freshness.toHumanString()} are not in S3 yet: delivery is failing ` +
        '(bucket or key permissions, Glue table). Check the delivery log group.',
      metric: metrics.dataFreshness,
      threshold: freshness.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );
  alarms.push(
    new cloudwatch.Alarm(scope, 'FailedConversionsAlarm', {
      alarmDescription:
        `Records of ${name} failed Parquet conversion and went to ${errorPrefix}: the producers' ` +
        'JSON no longer matches the Glue table schema.',
      metric: metrics.failedConversions,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );
  if (props.alarmTopic) {
    const action = new cw_actions.SnsAction(props.alarmTopic);
    for (const alarm of alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
  return alarms;
}
