export * from './alarm-topic';
export * from './batch-queue-metrics';
export * from './cost-guardrails';
export * from './dashboards';
export * from './events';
export * from './inference-monitoring';
export * from './platform-monitoring';
export * from './tagging';
export * from './training-monitoring';
export {
  CLUSTER_DIMENSION,
  OLDEST_RUNNABLE_JOB_AGE_METRIC,
  QUEUE_DIMENSION,
  QUEUE_METRICS_NAMESPACE,
  RUNNABLE_JOBS_METRIC,
} from './private/queue-metrics-contract';
