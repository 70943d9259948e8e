/**
 * AWS::SageMaker::FeatureGroup: write request units (`monthlyWriteRequestUnits`), online-store read
 * request units (`monthlyReadRequestUnits`) and online storage (`storageGb`). The offline store is
 * S3 storage of the bucket it names, priced on that bucket.
 */
import { asBoolean, asRecord } from '../template/values';
import { perUsage, priceLines, type LineSpec } from './unit-price-helpers';
import type { PricingModule } from './types';

const OFFLINE_NOTE = 'the offline store is billed as S3 storage and requests of its bucket';

export const priceFeatureGroup: PricingModule = ({ resource, usage, prices }) => {
  const online = asBoolean(asRecord(resource.properties.OnlineStoreConfig)?.EnableOnlineStore) === true;
  const specs: LineSpec[] = [
    {
      service: 'AmazonSageMaker',
      key: 'FeatureStore-WriteRequestUnits',
      component: 'Feature Store writes',
      quantity: perUsage('monthlyWriteRequestUnits', 'write units', true),
      required: true,
      notes: [OFFLINE_NOTE],
    },
  ];
  if (online) {
    specs.push(
      {
        service: 'AmazonSageMaker',
        key: 'FeatureStore-ReadRequestUnits',
        component: 'Feature Store online reads',
        quantity: perUsage('monthlyReadRequestUnits', 'read units', true),
      },
      {
        service: 'AmazonSageMaker',
        key: 'FeatureStore-OnlineStorage',
        component: 'Feature Store online storage',
        quantity: perUsage('storageGb', 'GB', false),
      },
    );
  }
  const result = priceLines(prices, usage, specs);
  if (result.kind === 'unpriced') {
    return {
      kind: 'unpriced',
      reason: `${result.reason}: SageMaker Feature Store reads, writes and online storage have no sourced price yet (add one as docs/prices.md describes); ${OFFLINE_NOTE}`,
    };
  }
  return result;
};
