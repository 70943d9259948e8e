/**
 * AWS::EFS::FileSystem: storage from `storageGb` (Standard, or One Zone when
 * AvailabilityZoneName is set), and provisioned throughput every month when ThroughputMode is
 * `provisioned` ("you pay for the throughput you provision above what your storage includes",
 * EFS pricing; the included baseline is not netted, noted). Elastic throughput reads and writes
 * are per GB transferred (usage-based).
 */
import { asNumber, asString } from '../template/values';
import { fixed, fmt, perUsage, priceLines, type LineSpec } from './unit-price-helpers';
import type { PricingModule } from './types';

export const priceEfsFileSystem: PricingModule = ({ resource, usage, prices }) => {
  const p = resource.properties;
  const oneZone = p.AvailabilityZoneName !== undefined;
  const mode = asString(p.ThroughputMode) ?? 'bursting';
  const specs: LineSpec[] = [
    {
      service: 'AmazonEFS',
      key: oneZone ? 'TimedStorage-Z-ByteHrs' : 'TimedStorage-ByteHrs',
      component: `Storage (${oneZone ? 'One Zone' : 'Standard'})`,
      quantity: perUsage('storageGb', 'GB', false),
      required: true,
    },
  ];
  if (mode === 'provisioned') {
    const mibps = asNumber(p.ProvisionedThroughputInMibps);
    if (mibps === undefined)
      return { kind: 'unpriced', reason: 'ProvisionedThroughputInMibps is not known before deployment' };
    specs.push({
      service: 'AmazonEFS',
      key: 'ProvisionedTP-MiBpsHrs',
      component: 'Provisioned throughput',
      quantity: fixed(mibps, `${fmt(mibps)} MiB/s × 1 month`),
      notes: ['the throughput your stored data includes is not netted'],
    });
  }
  if (mode === 'elastic')
    specs.push({
      service: 'AmazonEFS',
      key: 'ElasticThroughput-Read-Bytes',
      component: 'Elastic throughput (reads)',
      quantity: perUsage('monthlyDataGb', 'GB read', true),
      notes: ['writes cost twice the read rate per GB'],
    });
  return priceLines(prices, usage, specs);
};
