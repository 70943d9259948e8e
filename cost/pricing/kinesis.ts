/**
 * AWS::Kinesis::Stream. Provisioned: shard-hours plus PUT payload units (`monthlyRequests`,
 * one 25 KB unit per record assumed). On-demand: stream-hours plus GB ingested (`monthlyDataGb`).
 */
import { asNumber, asRecord, asString } from '../template/values';
import { fixed, fmt, perUsage, priceLines } from './unit-price-helpers';
import { HOURS_PER_MONTH, type PricingModule } from './types';

export const priceKinesisStream: PricingModule = ({ resource, usage, prices }) => {
  const p = resource.properties;
  const mode = asString(asRecord(p.StreamModeDetails)?.StreamMode) ?? 'PROVISIONED';
  const retentionH = asNumber(p.RetentionPeriodHours) ?? 24;
  const notes =
    retentionH > 24 ? [`retention ${fmt(retentionH)} h: extended retention is billed (not included)`] : [];
  if (mode === 'ON_DEMAND') {
    return priceLines(prices, usage, [
      {
        service: 'AmazonKinesis',
        key: 'OnDemand-StreamHour',
        component: 'Stream (on-demand)',
        quantity: fixed(HOURS_PER_MONTH, `1 stream × ${HOURS_PER_MONTH} h`),
        required: true,
        notes,
      },
      {
        service: 'AmazonKinesis',
        key: 'OnDemand-BilledIncomingBytes',
        component: 'Data ingested (on-demand)',
        quantity: perUsage('monthlyDataGb', 'GB', true),
      },
    ]);
  }
  const shards = asNumber(p.ShardCount) ?? 1;
  return priceLines(prices, usage, [
    {
      service: 'AmazonKinesis',
      key: 'Storage-ShardHour',
      component: 'Shard hours (provisioned)',
      quantity: fixed(
        shards * HOURS_PER_MONTH,
        `${fmt(shards)} shard${shards === 1 ? '' : 's'} × ${HOURS_PER_MONTH} h`,
      ),
      required: true,
      notes,
    },
    {
      service: 'AmazonKinesis',
      key: 'PutRequestPayloadUnits',
      component: 'PUT payload units (25 KB)',
      quantity: perUsage('monthlyRequests', 'records', true),
      notes: ['one 25 KB payload unit per record assumed; larger records use more'],
    },
  ]);
};
