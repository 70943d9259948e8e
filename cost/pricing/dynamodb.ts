/**
 * AWS::DynamoDB::Table. Provisioned mode: read and write capacity unit-hours of the table and
 * its global secondary indexes, every hour. On-demand (PAY_PER_REQUEST): request units from
 * usage (`monthlyRequests`, priced as write request units, the dearer kind, noted). Storage from
 * `storageGb`; point-in-time recovery adds its GB-month rate on the same size.
 */
import { asArray, asBoolean, asNumber, asRecord, asString } from '../template/values';
import { fixed, fmt, perUsage, priceLines, type LineSpec } from './unit-price-helpers';
import { HOURS_PER_MONTH, type PricingModule } from './types';

export const priceDynamoDbTable: PricingModule = ({ resource, usage, prices }) => {
  const p = resource.properties;
  const onDemand = asString(p.BillingMode) === 'PAY_PER_REQUEST';
  const specs: LineSpec[] = [];
  if (onDemand) {
    specs.push({
      service: 'AmazonDynamoDB',
      key: 'WriteRequestUnits',
      component: 'On-demand request units',
      quantity: perUsage('monthlyRequests', 'request units', true),
      required: true,
      notes: ['priced as write request units; reads cost a fifth as much per unit'],
    });
  } else {
    let rcu = 0;
    let wcu = 0;
    const throughputs = [
      asRecord(p.ProvisionedThroughput),
      ...(asArray(p.GlobalSecondaryIndexes) ?? []).map((g) => asRecord(asRecord(g)?.ProvisionedThroughput)),
    ];
    for (const t of throughputs) {
      rcu += asNumber(t?.ReadCapacityUnits) ?? 0;
      wcu += asNumber(t?.WriteCapacityUnits) ?? 0;
    }
    if (rcu === 0 && wcu === 0)
      return { kind: 'unpriced', reason: 'ProvisionedThroughput is not known before deployment' };
    specs.push(
      {
        service: 'AmazonDynamoDB',
        key: 'ReadCapacityUnit-Hrs',
        component: 'Provisioned read capacity',
        quantity: fixed(rcu * HOURS_PER_MONTH, `${fmt(rcu)} RCU × ${HOURS_PER_MONTH} h`),
        required: true,
      },
      {
        service: 'AmazonDynamoDB',
        key: 'WriteCapacityUnit-Hrs',
        component: 'Provisioned write capacity',
        quantity: fixed(wcu * HOURS_PER_MONTH, `${fmt(wcu)} WCU × ${HOURS_PER_MONTH} h`),
        required: true,
      },
    );
  }
  specs.push({
    service: 'AmazonDynamoDB',
    key: 'TimedStorage-ByteHrs',
    component: 'Table storage (Standard class)',
    quantity: perUsage('storageGb', 'GB', false),
  });
  if (asBoolean(asRecord(p.PointInTimeRecoverySpecification)?.PointInTimeRecoveryEnabled) === true)
    specs.push({
      service: 'AmazonDynamoDB',
      key: 'TimedPITRStorage-ByteHrs',
      component: 'Point-in-time recovery',
      quantity: perUsage('storageGb', 'GB', false),
    });
  return priceLines(prices, usage, specs);
};
