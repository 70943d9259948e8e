/**
 * AWS::KMS::Key and AWS::KMS::ReplicaKey: a key-month per key (replicas are billed as keys),
 * requests from usage at the rate of the key spec.
 */
import { asBoolean, asString } from '../template/values';
import { fixed, perUsage, priceLines } from './unit-price-helpers';
import type { PricingModule } from './types';

export const priceKmsKey: PricingModule = ({ resource, usage, prices }) => {
  const spec = asString(resource.properties.KeySpec) ?? 'SYMMETRIC_DEFAULT';
  const requestKey =
    spec === 'SYMMETRIC_DEFAULT' || spec.startsWith('HMAC_')
      ? 'KMS-Requests'
      : spec === 'RSA_2048'
        ? 'KMS-Requests-Asymmetric-RSA_2048'
        : 'KMS-Requests-Asymmetric';
  const notes =
    asBoolean(resource.properties.EnableKeyRotation) === true
      ? [
          'automatic rotation: AWS bills the first two rotated key versions like extra keys (not in the catalog, not included)',
        ]
      : [];
  return priceLines(prices, usage, [
    {
      service: 'awskms',
      key: 'KMS-Keys',
      component:
        resource.type === 'AWS::KMS::ReplicaKey'
          ? 'Customer managed key (replica)'
          : `Customer managed key (${spec})`,
      quantity: fixed(1, '1 key × 1 month'),
      required: true,
      notes,
    },
    {
      service: 'awskms',
      key: requestKey,
      component: `Requests (${spec})`,
      quantity: perUsage('monthlyRequests', 'requests', true),
    },
  ]);
};
