export * from './gpu-training-cluster';
export {
  allGpuInstanceTypes,
  DEFAULT_EFA_INSTANCE_TYPES,
  DEFAULT_TRAINING_INSTANCE_TYPES,
  GPU_FAMILIES,
  gpuInstanceSpec,
  type CpuArchitecture,
  type GpuInstanceSpec,
} from './gpu-instance-types';
export {
  CHECKPOINT_ENV,
  checkpointPrefix,
  type GpuJobBaseProps,
  type GpuJobProps,
  type MultiNodeGpuJobProps,
} from './job-definitions';
export {
  FSX_MOUNT_PATH,
  GpuLaunchTemplate,
  gpuMetricsAgentConfig,
  type GpuLaunchTemplateProps,
  type LaunchTemplateReservation,
  type LustreMount,
} from './launch-template';
export {
  LUSTRE_CAPACITY_RULE,
  LUSTRE_THROUGHPUTS,
  TrainingScratchFileSystem,
  type TrainingScratchFileSystemProps,
  type TrainingScratchOptions,
} from './scratch-file-system';
export { SpotToOnDemandRetry, type SpotToOnDemandRetryProps } from './spot-retry';
export {
  TrainingReservation,
  TrainingReservationKind,
  type CapacityBlockOptions,
  type CapacityReservationOptions,
} from './training-reservation';
