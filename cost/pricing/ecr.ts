/** AWS::ECR::Repository: image storage per GB-month from usage (`storageGb`). */
import { perUsage, priceLines } from './unit-price-helpers';
import type { PricingModule } from './types';

export const priceEcrRepository: PricingModule = ({ usage, prices }) =>
  priceLines(prices, usage, [
    {
      service: 'AmazonECR',
      key: 'TimedStorage-ByteHrs',
      component: 'Image storage',
      quantity: perUsage('storageGb', 'GB', false),
      required: true,
    },
  ]);
