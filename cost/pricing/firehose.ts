/**
 * AWS::KinesisFirehose::DeliveryStream: GB ingested (`monthlyDataGb`) at the rate of the
 * source, plus format conversion and dynamic partitioning per GB when enabled, plus VPC
 * delivery per AZ-hour when a destination is in a VPC.
 */
import { asBoolean, asRecord, asString } from '../template/values';
import { fixed, fmt, perUsage, priceLines, type LineSpec } from './unit-price-helpers';
import { HOURS_PER_MONTH, type PricingModule } from './types';

const SOURCE_KEYS: Readonly<Record<string, string>> = {
  DirectPut: 'BilledBytes',
  KinesisStreamAsSource: 'BilledBytes',
  MSKAsSource: 'BilledBytes-MSK',
};

export const priceDeliveryStream: PricingModule = ({ resource, usage, prices }) => {
  const p = resource.properties;
  const sourceType = asString(p.DeliveryStreamType) ?? 'DirectPut';
  const ingestKey = SOURCE_KEYS[sourceType];
  if (!ingestKey)
    return {
      kind: 'unpriced',
      reason: `Firehose source ${sourceType} has no ingestion price in the catalog`,
    };
  const specs: LineSpec[] = [
    {
      service: 'AmazonKinesisFirehose',
      key: ingestKey,
      component: `Data ingested (${sourceType})`,
      quantity: perUsage('monthlyDataGb', 'GB', true),
      required: true,
      notes: ['each record is rounded up to the next 5 KB for billing'],
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
    specs.push({
      service: 'AmazonKinesisFirehose',
      key: 'DynamicPartitioning-Bytes',
      component: 'Dynamic partitioning',
      quantity: perUsage('monthlyDataGb', 'GB', true),
      notes: ['dynamic partitioning also bills per object delivered (not included)'],
    });
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
