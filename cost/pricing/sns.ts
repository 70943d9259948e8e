/**
 * AWS::SNS::Topic (publish requests from `monthlyRequests`) and AWS::SNS::Subscription
 * (deliveries from `monthlyRequests`, priced by protocol; deliveries to SQS and Lambda are free).
 */
import { asBoolean, asString } from '../template/values';
import { perUsage, priceLines } from './unit-price-helpers';
import type { PricingModule } from './types';

export const priceSnsTopic: PricingModule = ({ resource, usage, prices }) => {
  const fifo = asBoolean(resource.properties.FifoTopic) === true;
  return priceLines(prices, usage, [
    {
      service: 'AmazonSNS',
      key: fifo ? 'Requests-FIFO-Tier1' : 'Requests-Tier1',
      component: `Publish requests (${fifo ? 'FIFO' : 'standard'} topic)`,
      quantity: perUsage('monthlyRequests', 'requests', true),
      required: true,
      notes: fifo
        ? []
        : ['the first 1 million requests of an account each month are free; not netted per stack'],
    },
  ]);
};

/** Subscription protocol → catalog key of one delivery. */
const DELIVERY_KEYS: Readonly<Record<string, string>> = {
  http: 'DeliveryAttempts-HTTP',
  https: 'DeliveryAttempts-HTTP',
  email: 'DeliveryAttempts-SMTP',
  'email-json': 'DeliveryAttempts-SMTP',
  firehose: 'DeliveryAttempts-FIREHOSE',
  application: 'DeliveryAttempts-MobilePush',
};

export const priceSnsSubscription: PricingModule = ({ resource, usage, prices }) => {
  const protocol = asString(resource.properties.Protocol);
  if (protocol === undefined) return { kind: 'unpriced', reason: 'Protocol could not be resolved' };
  if (protocol === 'sqs' || protocol === 'lambda') return { kind: 'free' };
  const key = DELIVERY_KEYS[protocol];
  if (!key)
    return { kind: 'unpriced', reason: `SNS deliveries over ${protocol} have no price in the catalog` };
  return priceLines(prices, usage, [
    {
      service: 'AmazonSNS',
      key,
      component: `Notification deliveries (${protocol})`,
      quantity: perUsage('monthlyRequests', 'notifications', true),
      required: true,
    },
  ]);
};
