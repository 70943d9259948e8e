/**
 * AWS::KinesisFirehose::DeliveryStream: GB ingested (`monthlyDataGb`) at the rate of the source,
 * each record rounded up to 5 KB when `averageRecordSizeKb` says records are smaller; format
 * conversion per GB; dynamic partitioning per GB and per object delivered; VPC delivery per
 * AZ-hour and GB when a destination is in a VPC.
 */
import { asBoolean, asNumber, asRecord, asString } from '../template/values';
import { fixed, fmt, perUsage, priceLines, type LineSpec, type UsageQuantity } from './unit-price-helpers';
import { HOURS_PER_MONTH, type PricingModule } from './types';

const SOURCE_KEYS: Readonly<Record<string, string>> = {
  DirectPut: 'BilledBytes',
  KinesisStreamAsSource: 'BilledBytes',
  MSKAsSource: 'BilledBytes-MSK',
};

/** "Each record is rounded up to the nearest 5 KB" for Direct PUT and Kinesis sources. */
const BILLING_INCREMENT_KB = 5;

function billedFactor(recordKb: number | undefined): number {
  if (!recordKb || recordKb <= 0) return 1;
  return (Math.ceil(recordKb / BILLING_INCREMENT_KB) * BILLING_INCREMENT_KB) / recordKb;
}

const billedGb = (rounding: boolean): UsageQuantity => ({
  kind: 'usage',
  keys: ['monthlyDataGb'],
  quantity: (v) => (v.monthlyDataGb ?? 0) * (rounding ? billedFactor(v.averageRecordSizeKb) : 1),
  formula: (v) => {
    const f = rounding ? billedFactor(v.averageRecordSizeKb) : 1;
    return f === 1
      ? `${fmt(v.monthlyDataGb ?? 0)} GB`
      : `${fmt(v.monthlyDataGb ?? 0)} GB × ${fmt(f)} (${fmt(v.averageRecordSizeKb ?? 0)} KB records billed as ${fmt(Math.ceil((v.averageRecordSizeKb ?? 0) / BILLING_INCREMENT_KB) * BILLING_INCREMENT_KB)} KB)`;
  },
  idleIsZero: true,
});

export const priceDeliveryStream: PricingModule = ({ resource, usage, prices }) => {
  const p = resource.properties;
  const sourceType = asString(p.DeliveryStreamType) ?? 'DirectPut';
  const ingestKey = SOURCE_KEYS[sourceType];
  if (!ingestKey)
    return {
      kind: 'unpriced',
      reason: `Firehose source ${sourceType} has no ingestion price in the catalog`,
    };
  const rounding = sourceType !== 'MSKAsSource';
  const specs: LineSpec[] = [
    {
      service: 'AmazonKinesisFirehose',
      key: ingestKey,
      component: `Data ingested (${sourceType})`,
      quantity: billedGb(rounding),
      required: true,
      notes: rounding ? ['each record is rounded up to the next 5 KB for billing'] : [],
    },
  ];
  const s3 = asRecord(p.ExtendedS3DestinationConfiguration);
  const conversion = asRecord(s3?.DataFormatConversionConfiguration);
  if (conversion && asBoolean(conversion.Enabled) !== false) {
    specs.push({
      service: 'AmazonKinesisFirehose',
      key: 'DataFormatConversion-Bytes',
      component: 'Format conversion',
      quantity: perUsage('monthlyDataGb', 'GB', true),
    });
  }
  if (asBoolean(asRecord(s3?.DynamicPartitioningConfiguration)?.Enabled) === true) {
    const hints = asRecord(s3?.BufferingHints);
    const intervalS = asNumber(hints?.IntervalInSeconds) ?? 300;
    const sizeMb = asNumber(hints?.SizeInMBs) ?? 128;
    const deliveries = (HOURS_PER_MONTH * 3600) / intervalS;
    specs.push(
      {
        service: 'AmazonKinesisFirehose',
        key: 'DynamicPartitioning-Bytes',
        component: 'Dynamic partitioning',
        quantity: perUsage('monthlyDataGb', 'GB', true),
        notes: [
          'JQ processing hours of the partitioning query are billed too (not included: they depend on the query and record rate)',
        ],
      },
      {
        service: 'AmazonKinesisFirehose',
        key: 'DynamicPartitioning-Objects',
        component: 'Dynamic partitioning objects',
        quantity: {
          kind: 'usage',
          keys: ['monthlyDataGb'],
          // At least one object per buffer interval, and one per full buffer, per active partition.
          quantity: (v) =>
            (v.monthlyDataGb ?? 0) > 0 ? Math.max(deliveries, ((v.monthlyDataGb ?? 0) * 1024) / sizeMb) : 0,
          formula: (v) =>
            `max(${fmt(HOURS_PER_MONTH * 3600)} s / ${fmt(intervalS)} s, ${fmt(v.monthlyDataGb ?? 0)} GB / ${fmt(sizeMb)} MB) objects × 1 active partition`,
          idleIsZero: true,
        },
        notes: ['one active partition assumed: each distinct partition value delivers its own objects'],
      },
    );
  }
  const vpc = Object.values(p)
    .map((d) => asRecord(asRecord(d)?.VpcConfiguration))
    .find((v) => v !== undefined);
  if (vpc) {
    const azs = Array.isArray(vpc.SubnetIds) ? vpc.SubnetIds.length : 1;
    specs.push(
      {
        service: 'AmazonKinesisFirehose',
        key: 'VpcDelivery-AZ-Hours',
        component: 'VPC delivery',
        quantity: fixed(azs * HOURS_PER_MONTH, `${fmt(azs)} AZ × ${HOURS_PER_MONTH} h`),
      },
      {
        service: 'AmazonKinesisFirehose',
        key: 'VpcDelivery-Bytes',
        component: 'VPC delivery data',
        quantity: perUsage('monthlyDataGb', 'GB', true),
      },
    );
  }
  return priceLines(prices, usage, specs);
};
