export * from './instance-type';
export * from './model';
export * from './autoscaling';
export * from './deployment';
export * from './inference-endpoint';
