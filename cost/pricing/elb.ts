/**
 * Elastic Load Balancing: load-balancer-hours always, LCU-hours (or GB for Classic) from usage.
 * "You are charged for each hour or partial hour that an Application Load Balancer is running,
 * and the number of Load Balancer Capacity Units (LCU) used per hour" (ELB pricing). One LCU
 * covers 1 GB per hour processed (ALB to EC2 targets, NLB TCP), so `monthlyDataGb` GB is at
 * least that many LCU-hours when bytes are the largest dimension (noted).
 */
import { asString } from '../template/values';
import { fixed, perUsage, priceLines } from './unit-price-helpers';
import { HOURS_PER_MONTH, type PricingModule } from './types';

const KINDS: Readonly<Record<string, { prefix: string; label: string }>> = {
  application: { prefix: 'ALB', label: 'Application' },
  network: { prefix: 'NLB', label: 'Network' },
  gateway: { prefix: 'GWLB', label: 'Gateway' },
};

export const priceLoadBalancerV2: PricingModule = ({ resource, usage, prices }) => {
  const type = asString(resource.properties.Type) ?? 'application';
  const kind = KINDS[type];
  if (!kind) return { kind: 'unpriced', reason: `load balancer type ${type} could not be resolved` };
  return priceLines(prices, usage, [
    {
      service: 'AWSELB',
      key: `${kind.prefix}:LoadBalancerUsage`,
      component: `${kind.label} Load Balancer`,
      quantity: fixed(HOURS_PER_MONTH, `1 load balancer × ${HOURS_PER_MONTH} h`),
      required: true,
    },
    {
      service: 'AWSELB',
      key: `${kind.prefix}:LCUUsage`,
      component: `${kind.label} Load Balancer capacity units`,
      quantity: perUsage('monthlyDataGb', 'GB ≈ LCU-hours (1 GB/h per LCU)', true),
      notes: [
        'LCU-hours from bytes processed only; new connections, active connections or rule evaluations can dominate',
      ],
    },
  ]);
};

export const priceClassicLoadBalancer: PricingModule = ({ usage, prices }) =>
  priceLines(prices, usage, [
    {
      service: 'AWSELB',
      key: 'CLB:LoadBalancerUsage',
      component: 'Classic Load Balancer',
      quantity: fixed(HOURS_PER_MONTH, `1 load balancer × ${HOURS_PER_MONTH} h`),
      required: true,
    },
    {
      service: 'AWSELB',
      key: 'CLB:DataProcessing-Bytes',
      component: 'Classic Load Balancer data processed',
      quantity: perUsage('monthlyDataGb', 'GB', true),
    },
  ]);
