/**
 * AWS::MSK::ServerlessCluster: cluster-hours, partition-hours (topics are not in the template: one
 * partition assumed), GB in and out (`monthlyDataGb`, read once), storage (`storageGb`).
 */
import { fixed, perUsage, priceLines } from './unit-price-helpers';
import { HOURS_PER_MONTH, type PricingModule } from './types';

export const priceMskServerlessCluster: PricingModule = ({ usage, prices }) =>
  priceLines(prices, usage, [
    {
      service: 'AmazonMSK',
      key: 'Serverless-ClusterHours',
      component: 'Cluster hours (serverless)',
      quantity: fixed(HOURS_PER_MONTH, `1 cluster × ${HOURS_PER_MONTH} h`),
      required: true,
    },
    {
      service: 'AmazonMSK',
      key: 'Serverless-PartitionHours',
      component: 'Partition hours',
      quantity: fixed(HOURS_PER_MONTH, `1 partition × ${HOURS_PER_MONTH} h`),
      notes: [
        'topics are created by producers, not the template: one partition assumed, each more adds as much',
      ],
    },
    {
      service: 'AmazonMSK',
      key: 'Serverless-DataIn',
      component: 'Data in',
      quantity: perUsage('monthlyDataGb', 'GB', true),
    },
    {
      service: 'AmazonMSK',
      key: 'Serverless-DataOut',
      component: 'Data out',
      quantity: perUsage('monthlyDataGb', 'GB', true),
      notes: ['each GB read once (one consumer, e.g. Firehose)'],
    },
    {
      service: 'AmazonMSK',
      key: 'Serverless-Storage',
      component: 'Storage',
      quantity: perUsage('storageGb', 'GB', false),
    },
  ]);
