export * from './instance-type';
export * from './model';
export * from './model-image';
// Named exports: the modules' validation and rendering helpers are shared inside the family only.
export {
  InferenceScalingTarget,
  type ScheduledCapacity,
  type InferenceAutoScalingOptions,
  type ScalingTargetSpec,
  type InferenceAutoScalingProps,
  InferenceAutoScaling,
} from './autoscaling';
export {
  RolloutStrategy,
  type RollbackAlarmThresholds,
  type InferenceDeploymentOptions,
  type RollbackAlarmTarget,
  type RollbackAlarmsProps,
  RollbackAlarms,
} from './deployment';
export * from './inference-endpoint';
