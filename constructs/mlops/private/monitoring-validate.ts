import { Token, type Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PropValidator } from '../../core/errors';
import { knownVpcCidr, vpcCidrRequired } from '../../network/s3-prefix-list';
import type { ModelMonitoringProps } from '../model-monitoring';

/** ModelMonitoring's props with their defaults applied, as the construct uses them. */
export interface ResolvedMonitoringProps {
  readonly instanceType: string;
  readonly hourly: boolean;
  readonly maxRuntime: Duration;
  readonly runDuration: Duration;
  readonly threshold: number;
  readonly features: readonly string[];
}

/** Every bad prop at once, as one MlPlatformValidationError, before any resource is created. */
export function validateMonitoringProps(
  scope: Construct,
  props: ModelMonitoringProps,
  resolved: ResolvedMonitoringProps,
): void {
  const { instanceType, hourly, maxRuntime, runDuration, threshold, features } = resolved;
  const v = new PropValidator('ModelMonitoring', scope);
  v.check(
    props.endpoint.mode === 'real-time',
    'endpoint.mode',
    props.endpoint.mode,
    "'real-time' (Model Monitor schedules data-quality jobs over real-time endpoints' captured data)",
  );
  v.check(
    Token.isUnresolved(instanceType) || /^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceType),
    'instanceType',
    instanceType,
    "a SageMaker processing instance type such as 'ml.m5.large'",
  );
  v.range('maxRuntime (seconds)', maxRuntime.toSeconds(), 60, hourly ? 3600 : 86400);
  v.range('expectedRunDuration (seconds)', runDuration.toSeconds(), 60, maxRuntime.toSeconds());
  v.range('driftThreshold', threshold, 0, 1, { integer: false });
  v.check(
    !(props.baseline && props.baselineDataset),
    'baselineDataset',
    props.baselineDataset,
    'left out when baseline is given (one baseline per schedule)',
  );
  v.check(
    props.baselineDataset === undefined ||
      Token.isUnresolved(props.baselineDataset) ||
      props.baselineDataset.startsWith('s3://'),
    'baselineDataset',
    props.baselineDataset,
    'an s3:// URI of a CSV dataset',
  );
  for (const [i, f] of features.entries()) {
    v.check(
      /^[A-Za-z0-9_.-]{1,200}$/.test(f),
      `driftFeatures[${i}]`,
      f,
      'a feature name of letters, digits, _ . -',
    );
  }
  v.check(
    props.vpc === undefined || knownVpcCidr(props.vpc) !== undefined,
    'vpc',
    props.vpc?.vpcId,
    vpcCidrRequired(false),
  );
  v.throwIfAny();
}
