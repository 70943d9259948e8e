/**
 * AWS::S3::Bucket: nothing in the template says how much is stored, so storage and requests
 * are usage-based (`storageGb`, `monthlyRequests`), priced at S3 Standard; the template's cost
 * drivers (versioning, Intelligent-Tiering, lifecycle transitions, replication) are named on
 * the line.
 */
import { asBoolean, asRecord, asString } from '../template/values';
import { fmt, perUsage, priceLines } from './unit-price-helpers';
import type { PriceBook, PricingModule } from './types';

/** Lifecycle transition storage class → the catalog key of its GB-month. */
const CLASS_KEYS: Readonly<Record<string, string>> = {
  STANDARD_IA: 'TimedStorage-SIA-ByteHrs',
  ONEZONE_IA: 'TimedStorage-ZIA-ByteHrs',
  INTELLIGENT_TIERING: 'TimedStorage-INT-FA-ByteHrs',
  GLACIER: 'TimedStorage-GlacierByteHrs',
  DEEP_ARCHIVE: 'TimedStorage-GDA-ByteHrs',
};

export const priceS3Bucket: PricingModule = ({ resource, usage, prices }) => {
  const p = resource.properties;
  const drivers: string[] = [];
  if (asString(asRecord(p.VersioningConfiguration)?.Status) === 'Enabled') {
    drivers.push('versioning is enabled: noncurrent object versions are billed as stored GB too');
  }
  if (Array.isArray(p.IntelligentTieringConfigurations) && p.IntelligentTieringConfigurations.length > 0) {
    drivers.push(
      `Intelligent-Tiering archive configuration: objects move to archive tiers; monitoring is billed per object${rate(prices, 'Monitoring-Automation-INT', 1000, 'objects')}`,
    );
  }
  const transitions = new Set<string>();
  for (const rule of arr(asRecord(p.LifecycleConfiguration)?.Rules)) {
    const r = asRecord(rule);
    for (const t of [...arr(r?.Transitions), ...(r?.Transition ? [r.Transition] : [])]) {
      const cls = asString(asRecord(t)?.StorageClass);
      if (cls) transitions.add(cls);
    }
  }
  for (const cls of [...transitions].sort()) {
    const key = CLASS_KEYS[cls];
    const price = key ? prices.price('AmazonS3', key) : undefined;
    drivers.push(
      `lifecycle transitions to ${cls}${price ? ` ($${price.value} per GB-month)` : ''}; storage is priced at Standard here`,
    );
    if (cls === 'INTELLIGENT_TIERING') {
      drivers.push(
        `Intelligent-Tiering monitoring is billed per object${rate(prices, 'Monitoring-Automation-INT', 1000, 'objects')}`,
      );
    }
  }
  if (asRecord(p.ReplicationConfiguration)) {
    drivers.push(
      'replication: the destination bucket stores a second copy and replication requests and transfer are billed',
    );
  }
  if (asRecord(p.ObjectLockConfiguration) || asBoolean(p.ObjectLockEnabled) === true) {
    drivers.push(
      'Object Lock retains versions until their retention ends: stored GB only grows within the retention period',
    );
  }
  return priceLines(prices, usage, [
    {
      service: 'AmazonS3',
      key: 'TimedStorage-ByteHrs',
      component: 'Storage (S3 Standard)',
      quantity: perUsage('storageGb', 'GB', false),
      required: true,
      notes: drivers,
    },
    {
      service: 'AmazonS3',
      key: 'Requests-Tier1',
      component: 'PUT, COPY, POST, LIST requests',
      quantity: perUsage('monthlyRequests', 'requests', true),
      notes: [
        `all requests are priced at the PUT rate; GET requests cost less${rate(prices, 'Requests-Tier2', 1000, 'requests')}`,
      ],
    },
  ]);
};

function arr(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

function rate(prices: PriceBook, key: string, per: number, what: string): string {
  const p = prices.price('AmazonS3', key);
  return p ? ` ($${fmt(p.value * per)} per ${fmt(per)} ${what})` : '';
}
