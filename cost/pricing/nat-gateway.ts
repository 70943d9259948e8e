/**
 * AWS::EC2::NatGateway: gateway-hours always (public and private gateways alike), GB processed
 * from usage. Usage types are pinned (`NatGateway-Hours`, `NatGateway-Bytes`): another tool once
 * priced the wrong SKU and inflated the hourly rate 24×.
 */
import { fixed, perUsage, priceLines } from './unit-price-helpers';
import { HOURS_PER_MONTH, type PricingModule } from './types';

export const priceNatGateway: PricingModule = ({ resource, usage, prices }) => {
  const privateGw = resource.properties.ConnectivityType === 'private';
  return priceLines(prices, usage, [
    {
      service: 'AmazonEC2',
      key: 'NatGateway-Hours',
      component: `NAT gateway (${privateGw ? 'private' : 'public'})`,
      quantity: fixed(HOURS_PER_MONTH, `1 gateway × ${HOURS_PER_MONTH} h`),
      required: true,
    },
    {
      service: 'AmazonEC2',
      key: 'NatGateway-Bytes',
      component: 'NAT gateway data processed',
      quantity: perUsage('monthlyDataGb', 'GB', true),
    },
  ]);
};
