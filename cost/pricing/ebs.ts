/**
 * AWS::EC2::Volume: GB-months by volume type, plus provisioned IOPS (io1/io2; gp3 above
 * 3,000) and throughput (gp3 above 125 MiB/s).
 */
import { asNumber, asString } from '../template/values';
import { fixed, fmt, priceLines, type LineSpec } from './unit-price-helpers';
import type { PricingModule } from './types';

const STORAGE_KEYS: Readonly<Record<string, string>> = {
  gp3: 'EBS:VolumeUsage.gp3',
  gp2: 'EBS:VolumeUsage.gp2',
  io1: 'EBS:VolumeUsage.piops',
  io2: 'EBS:VolumeUsage.io2',
  st1: 'EBS:VolumeUsage.st1',
  sc1: 'EBS:VolumeUsage.sc1',
  standard: 'EBS:VolumeUsage',
};

export const priceEbsVolume: PricingModule = ({ resource, usage, prices }) => {
  const p = resource.properties;
  const type = asString(p.VolumeType) ?? 'gp2';
  const sizeGb = asNumber(p.Size);
  if (sizeGb === undefined) {
    return {
      kind: 'unpriced',
      reason: p.SnapshotId
        ? 'Size comes from the snapshot and is not in the template'
        : 'Size could not be resolved',
    };
  }
  const storageKey = STORAGE_KEYS[type];
  if (!storageKey) return { kind: 'unpriced', reason: `EBS volume type ${type} is not priced` };
  const specs: LineSpec[] = [
    {
      service: 'AmazonEC2',
      key: storageKey,
      component: `EBS volume (${type})`,
      quantity: fixed(sizeGb, `${fmt(sizeGb)} GB × 1 month`),
      required: true,
    },
  ];
  const iops = asNumber(p.Iops);
  if ((type === 'io1' || type === 'io2') && iops !== undefined) {
    specs.push({
      service: 'AmazonEC2',
      key: type === 'io1' ? 'EBS:VolumeP-IOPS.piops' : 'EBS:VolumeP-IOPS.io2',
      component: `Provisioned IOPS (${type})`,
      quantity: fixed(iops, `${fmt(iops)} IOPS × 1 month`),
      required: true,
    });
  }
  if (type === 'gp3' && iops !== undefined && iops > 3000) {
    specs.push({
      service: 'AmazonEC2',
      key: 'EBS:VolumeP-IOPS.gp3',
      component: 'Provisioned IOPS above 3,000 (gp3)',
      quantity: fixed(iops - 3000, `(${fmt(iops)} − 3,000) IOPS × 1 month`),
      required: true,
    });
  }
  const throughput = asNumber(p.Throughput);
  if (type === 'gp3' && throughput !== undefined && throughput > 125) {
    specs.push({
      service: 'AmazonEC2',
      key: 'EBS:VolumeP-Throughput.gp3',
      component: 'Provisioned throughput above 125 MiB/s (gp3)',
      quantity: fixed(throughput - 125, `(${fmt(throughput)} − 125) MiB/s × 1 month`),
      required: true,
    });
  }
  return priceLines(prices, usage, specs);
};
