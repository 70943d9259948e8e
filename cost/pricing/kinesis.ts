/**
 * AWS::Kinesis::Stream. Provisioned: shard-hours plus PUT payload units (`monthlyRequests` records,
 * each one 25 KB unit per started 25 KB of `averageRecordSizeKb`, one unit when the size is unset).
 * On-demand: stream-hours, GB ingested and GB retrieved (`monthlyDataGb`, read once by one consumer).
 */
import { asNumber, asRecord, asString } from '../template/values';
import { fixed, fmt, perUsage, priceLines, type UsageQuantity } from './unit-price-helpers';
import { HOURS_PER_MONTH, type PricingModule } from './types';

/** A PUT payload unit is 25 KB: a 30 KB record uses two. */
const PAYLOAD_UNIT_KB = 25;

const payloadUnits: UsageQuantity = {
  kind: 'usage',
  keys: ['monthlyRequests'],
  quantity: (v) => (v.monthlyRequests ?? 0) * unitsPerRecord(v.averageRecordSizeKb),
  formula: (v) => {
    const per = unitsPerRecord(v.averageRecordSizeKb);
    return `${fmt(v.monthlyRequests ?? 0)} records${per !== 1 ? ` × ${fmt(per)} units` : ''}`;
  },
  idleIsZero: true,
};

function unitsPerRecord(kb: number | undefined): number {
  return kb && kb > 0 ? Math.ceil(kb / PAYLOAD_UNIT_KB) : 1;
}

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
      {
        service: 'AmazonKinesis',
        key: 'OnDemand-BilledOutgoingBytes',
        component: 'Data retrieved (on-demand)',
        quantity: perUsage('monthlyDataGb', 'GB', true),
        notes: ['each GB read once (one consumer, e.g. Firehose); every further consumer reads it again'],
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
      quantity: payloadUnits,
      notes: [
        'one 25 KB payload unit per started 25 KB of each record (averageRecordSizeKb; 1 unit when unset)',
      ],
    },
  ]);
};
