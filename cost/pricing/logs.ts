/**
 * AWS::Logs::LogGroup: ingestion per GB (`monthlyDataGb`, at the Standard or Infrequent
 * Access rate of the log group class) and archived storage per GB-month (`storageGb`).
 */
import { asNumber, asString } from '../template/values';
import { fmt, perUsage, priceLines } from './unit-price-helpers';
import type { PricingModule } from './types';

export const priceLogGroup: PricingModule = ({ resource, usage, prices }) => {
  const cls = asString(resource.properties.LogGroupClass) ?? 'STANDARD';
  if (cls !== 'STANDARD' && cls !== 'INFREQUENT_ACCESS') {
    return { kind: 'unpriced', reason: `log group class ${cls} has no ingestion price in the catalog` };
  }
  const retention = asNumber(resource.properties.RetentionInDays);
  const storageNote =
    retention === undefined
      ? 'logs never expire (no RetentionInDays): stored GB grows every month'
      : `retention ${fmt(retention)} days bounds the stored GB`;
  return priceLines(prices, usage, [
    {
      service: 'AmazonCloudWatch',
      key: cls === 'STANDARD' ? 'DataProcessing-Bytes' : 'DataProcessingIA-Bytes',
      component: `Log ingestion (${cls === 'STANDARD' ? 'Standard' : 'Infrequent Access'})`,
      quantity: perUsage('monthlyDataGb', 'GB', true),
      required: true,
    },
    {
      service: 'AmazonCloudWatch',
      key: 'TimedStorage-ByteHrs',
      component: 'Log storage (archived)',
      quantity: perUsage('storageGb', 'GB', false),
      notes: [storageNote],
    },
  ]);
};
