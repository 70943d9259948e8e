/**
 * CloudWatch alarms and dashboards at list price. Alarms are billed per alarm metric: a
 * period under 60 s is high resolution, an anomaly-detection alarm counts 3 metrics per
 * metric, a metric-math alarm counts each metric it reads. The account free tier
 * (10 alarms, 3 dashboards) is a note, not netted per stack.
 */
import { asNumber, asRecord, asString } from '../template/values';
import { fixed, priceLines } from './unit-price-helpers';
import type { PricingModule } from './types';

const FREE_TIER_ALARMS =
  'the account free tier (10 standard-resolution alarm metrics) is not netted per stack';

export const priceAlarm: PricingModule = ({ resource, usage, prices }) => {
  const p = resource.properties;
  const queries = Array.isArray(p.Metrics) ? p.Metrics.map((q) => asRecord(q)) : [];
  const stats = queries.filter((q) => asRecord(q?.MetricStat));
  const anomaly = queries.some((q) => /ANOMALY_DETECTION_BAND/i.test(asString(q?.Expression) ?? ''));
  const periods = [asNumber(p.Period), ...stats.map((q) => asNumber(asRecord(q?.MetricStat)?.Period))].filter(
    (x): x is number => x !== undefined,
  );
  const highRes = periods.some((s) => s < 60);
  const metrics = Math.max(1, stats.length);
  const alarmMetrics = anomaly ? metrics * 3 : metrics;
  const kind = anomaly ? 'anomaly detection' : queries.length > 0 ? 'metric math' : 'single metric';
  const formula = anomaly
    ? `${metrics} metric${metrics > 1 ? 's' : ''} × 3 (anomaly detection) × 1 month`
    : `${alarmMetrics} alarm metric${alarmMetrics > 1 ? 's' : ''} × 1 month`;
  return priceLines(prices, usage, [
    {
      service: 'AmazonCloudWatch',
      key: highRes ? 'CW:HighResAlarmMonitorUsage' : 'CW:AlarmMonitorUsage',
      component: `Alarm (${highRes ? 'high resolution' : 'standard resolution'}, ${kind})`,
      quantity: fixed(alarmMetrics, formula),
      required: true,
      notes: [FREE_TIER_ALARMS],
    },
  ]);
};

export const priceCompositeAlarm: PricingModule = ({ usage, prices }) =>
  priceLines(prices, usage, [
    {
      service: 'AmazonCloudWatch',
      key: 'CW:CompositeAlarmMonitorUsage',
      component: 'Composite alarm',
      quantity: fixed(1, '1 alarm × 1 month'),
      required: true,
    },
  ]);

export const priceDashboard: PricingModule = ({ usage, prices }) =>
  priceLines(prices, usage, [
    {
      service: 'AmazonCloudWatch',
      key: 'DashboardsUsageHour',
      component: 'Dashboard',
      quantity: fixed(1, '1 dashboard × 1 month'),
      required: true,
      notes: ['the first 3 dashboards of an account are free; not netted per stack'],
    },
  ]);
