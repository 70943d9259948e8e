/** AWS::SQS::Queue: requests from `monthlyRequests` (64 KB chunks), standard or FIFO rate. */
import { asBoolean } from '../template/values';
import { perUsage, priceLines } from './unit-price-helpers';
import type { PricingModule } from './types';

export const priceSqsQueue: PricingModule = ({ resource, usage, prices }) => {
  const fifo = asBoolean(resource.properties.FifoQueue) === true;
  return priceLines(prices, usage, [
    {
      service: 'AWSQueueService',
      key: fifo ? 'Requests-FIFO-RBP' : 'Requests-RBP',
      component: `Requests (${fifo ? 'FIFO' : 'standard'} queue)`,
      quantity: perUsage('monthlyRequests', 'requests', true),
      required: true,
    },
  ]);
};
