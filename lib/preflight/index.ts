export * from './deploy-preflight-checks';
export { reservableConcurrency } from './rules/lambda/LambdaReservedConcurrencyQuota';
export { COST_EXPLORER_REGION } from './rules/ce/CostExplorerInUsEast1';
