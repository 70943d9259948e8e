export * from './deploy-preflight-checks';
export { reservableConcurrency } from './rules/lambda/LambdaReservedConcurrencyQuota';
export { COST_EXPLORER_REGION } from './rules/ce/CostExplorerInUsEast1';
export { CAPACITY_BLOCK_INSTANCE_TYPES } from './rules/batch/BatchReservationTarget';
