/**
 * AWS::Budgets::Budget. Budgets that only notify are free; a budget with actions
 * (AWS::Budgets::BudgetsAction naming it) is billed per budget-day (AWSBudgets
 * `ActionEnabledBudgetsUsage`). The first two action-enabled budgets of an account are free:
 * a note, not netted per stack. The action itself is billed on its budget.
 */
import { resourcesOfType } from './view-index';
import { asRecord, asString } from '../template/values';
import { fixed, fmt, priceLines } from './unit-price-helpers';
import { HOURS_PER_MONTH, type PricingModule } from './types';

const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

export const priceBudget: PricingModule = ({ resource, usage, prices, template }) => {
  const name = asString(asRecord(resource.properties.Budget)?.BudgetName);
  const referencing = new Set(template.referencedBy(resource.logicalId));
  const actions = resourcesOfType(template, 'AWS::Budgets::BudgetsAction').filter(
    (r) => referencing.has(r.logicalId) || (name !== undefined && r.properties.BudgetName === name),
  );
  if (actions.length === 0) return { kind: 'free' };
  return priceLines(prices, usage, [
    {
      service: 'AWSBudgets',
      key: 'ActionEnabledBudgetsUsage',
      component: 'Action-enabled budget',
      quantity: fixed(DAYS_PER_MONTH, `1 budget × ${fmt(DAYS_PER_MONTH)} days`),
      required: true,
      notes: ['the first two action-enabled budgets of an account are free; not netted per stack'],
    },
  ]);
};

/** Billed on the budget it belongs to. */
export const priceBudgetsAction: PricingModule = () => ({ kind: 'free' });
