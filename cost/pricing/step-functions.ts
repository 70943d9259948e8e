/**
 * AWS::StepFunctions::StateMachine. Standard workflows bill state transitions ("$0.025 per
 * 1,000 state transitions", Step Functions pricing); Express workflows bill requests and
 * GB-seconds of duration. Both are usage-based: `monthlyRequests` counts state transitions
 * (Standard) or executions (Express).
 */
import { asString } from '../template/values';
import { perUsage, priceLines } from './unit-price-helpers';
import type { PricingModule } from './types';

export const priceStateMachine: PricingModule = ({ resource, usage, prices }) => {
  const express = asString(resource.properties.StateMachineType) === 'EXPRESS';
  return express
    ? priceLines(prices, usage, [
        {
          service: 'AmazonStates',
          key: 'ExpressWorkflows-Requests',
          component: 'Express workflow requests',
          quantity: perUsage('monthlyRequests', 'executions', true),
          required: true,
          notes: ['duration is billed per GB-second of memory used (usage-based, not estimated)'],
        },
      ])
    : priceLines(prices, usage, [
        {
          service: 'AmazonStates',
          key: 'StateTransition',
          component: 'Standard workflow state transitions',
          quantity: perUsage('monthlyRequests', 'state transitions', true),
          required: true,
          notes: ['the account free tier of 4,000 transitions a month is not netted'],
        },
      ]);
};
