/**
 * Pricing models of compute lines, and the sourced prices behind each (issue 17): what a line's
 * instance-hours would cost on-demand, on spot, or under a 1- or 3-year commitment (Savings Plans,
 * Reserved Instances; no-upfront rates). Commitment rates live in the catalog next to the
 * on-demand price, under the key `<instance type>@<model>` (`g5.xlarge@compute-savings-plan-1y`,
 * `ml.g5.xlarge@sagemaker-savings-plan-1y`), each with its own `source` and `capturedAt`; a model
 * without a sourced rate is left out, never estimated from a typical discount.
 */
import type { CatalogPrice, PricingOption } from '../types';
import type { PriceBook } from '../pricing/types';

/** Every pricing model a compute line can show, in the order reports list them. */
export const PRICING_MODELS = [
  'on-demand',
  'spot',
  'compute-savings-plan-1y',
  'compute-savings-plan-3y',
  'ec2-instance-savings-plan-1y',
  'ec2-instance-savings-plan-3y',
  'sagemaker-savings-plan-1y',
  'sagemaker-savings-plan-3y',
  'reserved-1y',
  'reserved-3y',
] as const;
export type PricingModel = (typeof PRICING_MODELS)[number];

/** The commitment models, with the service whose usage each discounts and its term in years. */
export const COMMITMENT_MODELS: Readonly<
  Record<
    Exclude<PricingModel, 'on-demand' | 'spot'>,
    { readonly service: 'AmazonEC2' | 'AmazonSageMaker'; readonly years: 1 | 3 }
  >
> = {
  'compute-savings-plan-1y': { service: 'AmazonEC2', years: 1 },
  'compute-savings-plan-3y': { service: 'AmazonEC2', years: 3 },
  'ec2-instance-savings-plan-1y': { service: 'AmazonEC2', years: 1 },
  'ec2-instance-savings-plan-3y': { service: 'AmazonEC2', years: 3 },
  'sagemaker-savings-plan-1y': { service: 'AmazonSageMaker', years: 1 },
  'sagemaker-savings-plan-3y': { service: 'AmazonSageMaker', years: 3 },
  'reserved-1y': { service: 'AmazonEC2', years: 1 },
  'reserved-3y': { service: 'AmazonEC2', years: 3 },
};
export type CommitmentModel = keyof typeof COMMITMENT_MODELS;

/** The catalog key of a commitment rate. */
export function commitmentKey(onDemandKey: string, model: CommitmentModel): string {
  return `${onDemandKey}@${model}`;
}

/**
 * True for an on-demand instance-hour price that commitments and spot can apply to: EC2 Linux
 * shared-tenancy instance-hours (`BoxUsage:`), SageMaker hosting and training (`Host:ml.`,
 * `Train:ml.`).
 */
export function isComputePrice(price: CatalogPrice): boolean {
  return (
    price.unit === 'Hrs' &&
    ((price.service === 'AmazonEC2' && /^BoxUsage:/.test(price.usageType ?? '')) ||
      (price.service === 'AmazonSageMaker' && /^(Host|Train):ml\./.test(price.usageType ?? '')))
  );
}

/**
 * The pricing options of a compute line's expected instance-hours: on-demand always, spot where
 * the catalog has a spot ratio (EC2 only: SageMaker hosting has no spot), and each commitment
 * model with a sourced rate for the type in the region. `breakEvenUtilisation` of a commitment is
 * rate ÷ on-demand: the share of the term's hours the capacity must run for the commitment, paid
 * every hour, to cost no more than on-demand for the hours used.
 */
export function pricingOptions(
  price: CatalogPrice,
  expectedHours: number,
  prices: PriceBook,
): PricingOption[] {
  const od = price.value;
  const option = (model: PricingModel, unitPrice: number, p: CatalogPrice): PricingOption => ({
    model,
    unitPrice: significant(unitPrice),
    expected: round(expectedHours * unitPrice),
    source: p.source,
    ...(p.capturedAt ? { capturedAt: p.capturedAt } : {}),
    ...(model !== 'on-demand' && model !== 'spot'
      ? { breakEvenUtilisation: Math.round((unitPrice / od) * 1e4) / 1e4 }
      : {}),
  });
  const out: PricingOption[] = [option('on-demand', od, price)];
  if (price.service === 'AmazonEC2' && price.spotRatio !== undefined)
    out.push(option('spot', od * price.spotRatio, price));
  for (const [model, { service }] of Object.entries(COMMITMENT_MODELS) as [
    CommitmentModel,
    (typeof COMMITMENT_MODELS)[CommitmentModel],
  ][]) {
    if (service !== price.service) continue;
    const rate = prices.price(service, commitmentKey(price.key, model));
    if (rate && rate.value < od) out.push(option(model, rate.value, rate));
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function significant(n: number): number {
  return Number(n.toPrecision(12));
}
