/**
 * AWS::Lambda::Function: requests (`monthlyRequests`) and compute in GB-seconds
 * (requests × `averageDurationMs` × memory), at the x86 or Arm rate; ephemeral storage above
 * the included 512 MB. The account free tier is not netted per stack.
 */
import { asNumber, asRecord } from '../template/values';
import { fmt, priceLines, type UsageQuantity } from './unit-price-helpers';
import type { PricingModule } from './types';

export const priceLambdaFunction: PricingModule = ({ resource, usage, prices }) => {
  const p = resource.properties;
  const memoryMb = asNumber(p.MemorySize) ?? 128;
  const arm = Array.isArray(p.Architectures) && p.Architectures.includes('arm64');
  const ephemeralMb = asNumber(asRecord(p.EphemeralStorage)?.Size) ?? 512;
  const gbSeconds = (gb: number, label: string): UsageQuantity => ({
    kind: 'usage',
    keys: ['monthlyRequests', 'averageDurationMs'],
    quantity: (v) => ((v.monthlyRequests ?? 0) * (v.averageDurationMs ?? 0) * gb) / 1000,
    formula: (v) =>
      `${fmt(v.monthlyRequests ?? 0)} requests × ${fmt((v.averageDurationMs ?? 0) / 1000)} s × ${label}`,
    idleIsZero: true,
  });
  return priceLines(prices, usage, [
    {
      service: 'AWSLambda',
      key: 'Request',
      component: 'Requests',
      quantity: {
        kind: 'usage',
        keys: ['monthlyRequests'],
        quantity: (v) => v.monthlyRequests ?? 0,
        formula: (v) => `${fmt(v.monthlyRequests ?? 0)} requests`,
        idleIsZero: true,
      },
      required: true,
      notes: ['the account free tier (1M requests, 400,000 GB-seconds a month) is not netted per stack'],
    },
    {
      service: 'AWSLambda',
      key: arm ? 'Lambda-GB-Second-ARM' : 'Lambda-GB-Second',
      component: `Compute (${arm ? 'Arm' : 'x86'}, ${fmt(memoryMb)} MB)`,
      quantity: gbSeconds(memoryMb / 1024, `${fmt(memoryMb / 1024)} GB`),
    },
    ...(ephemeralMb > 512
      ? [
          {
            service: 'AWSLambda',
            key: 'Lambda-Storage-GB-Second',
            component: `Ephemeral storage (${fmt(ephemeralMb)} MB, 512 MB included)`,
            quantity: gbSeconds((ephemeralMb - 512) / 1024, `${fmt((ephemeralMb - 512) / 1024)} GB`),
          },
        ]
      : []),
  ]);
};
