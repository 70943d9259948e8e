// The public API of cdk-ml-platform.
export * from '../constructs/core';
export * from './nag';
export * from './preflight';
export * from './config';
export * from './presets';
export * from './platform-stack';
export * from './platform-app';
export * from '../constructs/network';
export * from '../constructs/storage';
export * from '../constructs/training';
export * from '../constructs/inference';
export * from '../constructs/monitoring';
export * from '../constructs/data';
export { USAGE_METADATA_KEY, type UsageAssumptions } from '../cost/usage-metadata';
export { estimate, type EstimateApiOptions, type TemplateInput } from '../cost';
export type { CostReport } from '../cost/types';
export * from './reference-model';
export * from './cost-anomaly-stack';
