/**
 * AWS::MSK::Cluster (provisioned): broker-hours at the broker instance rate and broker storage
 * per GB-month ("you pay an hourly rate for broker instance usage ... and you pay for the
 * amount of storage you provision in your cluster", Amazon MSK pricing).
 */
import { asNumber, asRecord, asString } from '../template/values';
import { fixed, fmt, priceLines, type LineSpec } from './unit-price-helpers';
import { HOURS_PER_MONTH, type PricingModule } from './types';

export const priceMskCluster: PricingModule = ({ resource, usage, prices }) => {
  const p = resource.properties;
  const group = asRecord(p.BrokerNodeGroupInfo) ?? {};
  const type = asString(group.InstanceType);
  const brokers = asNumber(p.NumberOfBrokerNodes);
  if (!type || brokers === undefined)
    return {
      kind: 'unpriced',
      reason: 'BrokerNodeGroupInfo.InstanceType or NumberOfBrokerNodes is not known before deployment',
    };
  if (type.startsWith('express.'))
    return { kind: 'unpriced', reason: `Express brokers (${type}) are not priced` };
  const specs: LineSpec[] = [
    {
      service: 'AmazonMSK',
      key: type,
      component: `Brokers (${type})`,
      quantity: fixed(brokers * HOURS_PER_MONTH, `${fmt(brokers)} brokers × ${HOURS_PER_MONTH} h`),
      required: true,
    },
  ];
  // VolumeSize is per broker; the default is 1,000 GiB ("The default value is 1000", MSK EBSStorageInfo).
  const size = asNumber(asRecord(asRecord(asRecord(group.StorageInfo)?.EBSStorageInfo))?.VolumeSize) ?? 1000;
  specs.push({
    service: 'AmazonMSK',
    key: 'RunVolume',
    component: 'Broker storage',
    quantity: fixed(size * brokers, `${fmt(size)} GB × ${fmt(brokers)} brokers × 1 month`),
  });
  return priceLines(prices, usage, specs);
};
