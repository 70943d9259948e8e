/**
 * AWS::Glue::Database and AWS::Glue::Table: one Data Catalog object each per month; partitions are
 * objects too, unless the table uses partition projection; requests (`monthlyRequests`).
 * The first million objects and requests of an account are free each month (not netted per stack).
 */
import { asRecord, asString } from '../template/values';
import { fixed, perUsage, priceLines } from './unit-price-helpers';
import type { PricingModule } from './types';

const FREE_TIER = 'the first million objects and requests of an account each month are free (not netted)';

export const priceGlueCatalogObject: PricingModule = ({ resource, usage, prices }) => {
  const isTable = resource.type === 'AWS::Glue::Table';
  const params = asRecord(asRecord(resource.properties.TableInput)?.Parameters);
  const projected = asString(params?.['projection.enabled']) === 'true';
  const notes = [FREE_TIER];
  if (isTable)
    notes.push(
      projected
        ? 'partition projection: partitions are computed at query time, none stored in the catalog'
        : 'each stored partition is one more object',
    );
  return priceLines(prices, usage, [
    {
      service: 'AWSGlue',
      key: 'Catalog-Storage',
      component: isTable ? 'Data Catalog storage (table)' : 'Data Catalog storage (database)',
      quantity: fixed(1, '1 object × 1 month'),
      required: true,
      notes,
    },
    {
      service: 'AWSGlue',
      key: 'Catalog-Requests',
      component: 'Data Catalog requests',
      quantity: perUsage('monthlyRequests', 'requests', true),
    },
  ]);
};
