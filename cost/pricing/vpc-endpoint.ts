/**
 * AWS::EC2::VPCEndpoint. Interface endpoints are billed per endpoint per AZ-hour (one network
 * interface per subnet) plus GB processed; gateway endpoints (S3, DynamoDB) are free; Gateway
 * Load Balancer endpoints are billed per endpoint-hour and GB.
 */
import { fixed, fmt, perUsage, priceLines } from './unit-price-helpers';
import { HOURS_PER_MONTH, isUnknown, type PricingModule } from './types';

export const priceVpcEndpoint: PricingModule = ({ resource, usage, prices, template }) => {
  const p = resource.properties;
  if (isUnknown(p.VpcEndpointType)) {
    return {
      kind: 'unpriced',
      reason: 'VpcEndpointType could not be resolved (Gateway is free, Interface is billed per AZ)',
    };
  }
  const type = typeof p.VpcEndpointType === 'string' ? p.VpcEndpointType : 'Gateway';
  if (type === 'Gateway') return { kind: 'free' };
  const service = typeof p.ServiceName === 'string' ? p.ServiceName : 'unresolved service';
  if (type === 'GatewayLoadBalancer') {
    return priceLines(prices, usage, [
      {
        service: 'AmazonVPC',
        key: 'VpcEndpoint-GWLBE-Hours',
        component: 'Gateway Load Balancer endpoint',
        quantity: fixed(HOURS_PER_MONTH, `1 endpoint × ${HOURS_PER_MONTH} h`),
        required: true,
      },
      {
        service: 'AmazonVPC',
        key: 'VpcEndpoint-GWLBE-Bytes',
        component: 'Gateway Load Balancer endpoint data processed',
        quantity: perUsage('monthlyDataGb', 'GB', true),
      },
    ]);
  }
  if (type !== 'Interface') {
    return {
      kind: 'unpriced',
      reason: `VpcEndpointType ${type} has no price in the catalog (Interface and GatewayLoadBalancer are priced)`,
    };
  }
  const notes: string[] = [];
  let azs: number;
  if (Array.isArray(p.SubnetIds)) {
    azs = p.SubnetIds.length;
  } else {
    azs = template.azCount;
    notes.push(`SubnetIds could not be resolved: assuming one subnet in each of ${azs} AZs`);
  }
  return priceLines(prices, usage, [
    {
      service: 'AmazonVPC',
      key: 'VpcEndpoint-Hours',
      component: `Interface endpoint (${service})`,
      quantity: fixed(azs * HOURS_PER_MONTH, `${fmt(azs)} AZ × ${HOURS_PER_MONTH} h`),
      required: true,
      notes,
    },
    {
      service: 'AmazonVPC',
      key: 'VpcEndpoint-Bytes',
      component: `Interface endpoint data processed (${service})`,
      quantity: perUsage('monthlyDataGb', 'GB', true),
    },
  ]);
};
