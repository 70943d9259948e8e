/**
 * EventBridge. A custom event bus bills each published event in 64 KB chunks
 * (`monthlyRequests`); API destinations bill invocations. Rules cost nothing themselves, and
 * AWS management events on the default bus are free (EventBridge pricing page, source
 * `eventbridge_pricing_page` in the catalog).
 */
import { perUsage, priceLines } from './unit-price-helpers';
import type { PricingModule } from './types';

export const priceEventBus: PricingModule = ({ usage, prices }) =>
  priceLines(prices, usage, [
    {
      service: 'AWSEvents',
      key: 'Event-64K-Chunks',
      component: 'Custom events published',
      quantity: perUsage('monthlyRequests', 'events', true),
      required: true,
      notes: ['an event over 64 KB is billed as one event per 64 KB chunk'],
    },
  ]);

export const priceApiDestination: PricingModule = ({ usage, prices }) =>
  priceLines(prices, usage, [
    {
      service: 'AWSEvents',
      key: 'ApiDestinations-Invocations',
      component: 'API destination invocations',
      quantity: perUsage('monthlyRequests', 'invocations', true),
      required: true,
    },
  ]);

export const priceEventRule: PricingModule = () => ({ kind: 'free' });
