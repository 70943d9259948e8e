/**
 * AWS::EC2::EIP: every public IPv4 address is billed per hour, attached or idle
 * (AmazonVPC `PublicIPv4:InUseAddress`; the idle rate is the same usage family).
 */
import { fixed, priceLines } from './unit-price-helpers';
import { HOURS_PER_MONTH, type PricingModule } from './types';

export const priceElasticIp: PricingModule = ({ usage, prices }) =>
  priceLines(prices, usage, [
    {
      service: 'AmazonVPC',
      key: 'PublicIPv4:InUseAddress',
      component: 'Public IPv4 address',
      quantity: fixed(HOURS_PER_MONTH, `1 address × ${HOURS_PER_MONTH} h`),
      required: true,
    },
  ]);
