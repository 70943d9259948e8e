import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, test } from 'vitest';
import { StreamingIngestion } from '../../../constructs/data';
import { PlatformMonitoring } from '../../../constructs/monitoring/platform-monitoring';
import { MlDataStore } from '../../../constructs/storage/ml-data-store';
import { EVENT_COLUMNS, lakeStack } from './fixtures';

describe('PlatformMonitoring.monitorAlarms', () => {
  // GIVEN an ingestion without its own topic, watched by the platform's monitoring
  const { stack, bucket, database } = lakeStack(new App(), 'Watched');
  const ingestion = new StreamingIngestion(stack, 'Events', {
    tableName: 'events',
    columns: EVENT_COLUMNS,
    database,
    bucket,
  });
  const monitoring = new PlatformMonitoring(stack, 'Monitoring', { platformName: 'ml-platform' });
  // WHEN
  monitoring.monitorAlarms('Ingestion', ingestion.alarms);
  const t = Template.fromStack(stack);
  const topic = { Ref: stack.getLogicalId(monitoring.alarmTopic.node.defaultChild as never) };

  test('every ingestion alarm notifies the platform topic on ALARM and OK, and counts as a platform alarm', () => {
    for (const metric of [
      'DeliveryToS3.DataFreshness',
      'FailedConversion.Records',
      'GetRecords.IteratorAgeMilliseconds',
    ]) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        AlarmActions: [topic],
        OKActions: [topic],
      });
    }
    expect(monitoring.alarms).toEqual(expect.arrayContaining([...ingestion.alarms]));
  });

  test('the dashboard shows their states under the title', () => {
    t.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardBody: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('# Ingestion')])]),
      }),
    });
  });

  test('an alarm is monitored once', () => {
    expect(() => monitoring.monitorAlarms('Again', [ingestion.alarms[0]])).toThrow(
      /alarms must be a construct not monitored yet/,
    );
  });
});

describe('MlDataStore lake lifecycle', () => {
  test('raw data expires when asked; failed records after the given time', () => {
    const stack = new Stack(new App(), 'Store');
    new MlDataStore(stack, 'Store', {
      rawDataExpiration: Duration.days(400),
      errorRecordExpiration: Duration.days(14),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Id: 'expire-error-records', Prefix: 'errors/', ExpirationInDays: 14 }),
          Match.objectLike({ Id: 'expire-raw-data', Prefix: 'raw/', ExpirationInDays: 400 }),
        ]),
      },
    });
  });

  test.each<[string, Record<string, Duration>, RegExp]>([
    [
      'raw expiry of 0 days',
      { rawDataExpiration: Duration.hours(1) },
      /rawDataExpiration must be an integer from 1 to 36500/,
    ],
    [
      'error expiry over 10 years',
      { errorRecordExpiration: Duration.days(4000) },
      /errorRecordExpiration must be an integer from 1 to 3650, got 4000/,
    ],
  ])('rejects %s', (_name, props, message) => {
    expect(() => new MlDataStore(new Stack(new App(), 'Bad'), 'Store', props)).toThrow(message);
  });
});
