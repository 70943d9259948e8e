// The MLOps loop: versioned models, approval-driven rollouts, data-quality monitoring and retraining.
export * from './model-registry';
export * from './model-rollout';
export * from './model-monitoring';
export * from './retraining-trigger';
export * from './states-definition';
