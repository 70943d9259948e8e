/** AWS::SecretsManager::Secret: a secret-month each, API calls from `monthlyRequests`. */
import { fixed, perUsage, priceLines } from './unit-price-helpers';
import type { PricingModule } from './types';

export const priceSecret: PricingModule = ({ usage, prices }) =>
  priceLines(prices, usage, [
    {
      service: 'AWSSecretsManager',
      key: 'AWSSecretsManager-Secrets',
      component: 'Secret',
      quantity: fixed(1, '1 secret × 1 month'),
      required: true,
    },
    {
      service: 'AWSSecretsManager',
      key: 'AWSSecretsManagerAPIRequest',
      component: 'API requests',
      quantity: perUsage('monthlyRequests', 'requests', true),
    },
  ]);
