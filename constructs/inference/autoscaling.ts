import { Duration, Stack, type TimeZone } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PropValidator } from '../core/errors';

/** What target tracking keeps at a target value. Which ones apply depends on the endpoint mode. */
export abstract class InferenceScalingTarget {
  /** Invocations per instance per minute (real-time; the default at 70). Load-test to pick yours. */
  public static invocationsPerInstance(target: number): InferenceScalingTarget {
    return new PredefinedTarget(
      'invocationsPerInstance',
      target,
      ['real-time'],
      appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
    );
  }

  /** Concurrent requests per model copy, sampled at high resolution (real-time LLM endpoints). */
  public static concurrentRequestsPerModel(target: number): InferenceScalingTarget {
    return new PredefinedTarget(
      'concurrentRequestsPerModel',
      target,
      ['real-time'],
      appscaling.PredefinedMetric.SAGEMAKER_VARIANT_CONCURRENT_REQUESTS_PER_MODEL_HIGH_RESOLUTION,
    );
  }

  /** Queued requests per instance, `ApproximateBacklogSizePerInstance` (async; the default at 5). */
  public static backlogPerInstance(target: number): InferenceScalingTarget {
    return new PredefinedTarget('backlogPerInstance', target, ['async']);
  }

  /** Invocations per inference-component copy per minute (scale-to-zero; the default at 70). */
  public static invocationsPerCopy(target: number): InferenceScalingTarget {
    return new PredefinedTarget(
      'invocationsPerCopy',
      target,
      ['scale-to-zero'],
      appscaling.PredefinedMetric.SAGEMAKER_INFERENCE_COMPONENT_INVOCATIONS_PER_COPY,
    );
  }

  /** Concurrent requests per inference-component copy, high resolution (scale-to-zero LLM endpoints). */
  public static concurrentRequestsPerCopy(target: number): InferenceScalingTarget {
    return new PredefinedTarget(
      'concurrentRequestsPerCopy',
      target,
      ['scale-to-zero'],
      appscaling.PredefinedMetric.SAGEMAKER_INFERENCE_COMPONENT_CONCURRENT_REQUESTS_PER_COPY_HIGH_RESOLUTION,
    );
  }

  /** The factory name, e.g. `invocationsPerInstance`. */
  public abstract readonly kind: string;
  /** The target value. */
  public abstract readonly targetValue: number;
  /** The endpoint modes this target applies to. */
  public abstract readonly modes: readonly string[];
  /** @internal */
  public abstract readonly _predefinedMetric?: appscaling.PredefinedMetric;
}

/** A capacity change on a schedule, e.g. a business-hours minimum. */
export interface ScheduledCapacity {
  /** Construct id of the scheduled action, e.g. `BusinessHours`. */
  readonly id: string;
  /** When, e.g. `appscaling.Schedule.cron({ weekDay: 'MON-FRI', hour: '8', minute: '0' })`. */
  readonly schedule: appscaling.Schedule;
  /**
   * New minimum capacity.
   * @default - unchanged
   */
  readonly minCapacity?: number;
  /**
   * New maximum capacity.
   * @default - unchanged
   */
  readonly maxCapacity?: number;
  /**
   * Time zone of the schedule.
   * @default - UTC
   */
  readonly timeZone?: TimeZone;
}

/** Autoscaling of a variant (instances) or, for scale-to-zero, of the inference component (copies). */
export interface InferenceAutoScalingOptions {
  /**
   * Fewest instances (copies for scale-to-zero). Real-time variants need at least 1; async and
   * scale-to-zero endpoints may go to 0.
   * @default 1 for real-time, 0 for async and scale-to-zero
   */
  readonly minCapacity?: number;
  /** Most instances (copies for scale-to-zero), 1–100. */
  readonly maxCapacity: number;
  /**
   * The target-tracking metric and its target.
   * @default - invocationsPerInstance(70) for real-time, backlogPerInstance(5) for async, invocationsPerCopy(70) for scale-to-zero
   */
  readonly target?: InferenceScalingTarget;
  /**
   * Wait after a scale-out before the next one, 0–3600 s.
   * @default Duration.minutes(1)
   */
  readonly scaleOutCooldown?: Duration;
  /**
   * Wait after a scale-in before the next one, 0–3600 s.
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;
  /**
   * Scheduled capacity changes, e.g. business-hours minimums.
   * @default - none
   */
  readonly schedules?: ScheduledCapacity[];
}

/** Where the scaling applies. */
export interface ScalingTargetSpec {
  /** The endpoint mode: which scalable dimension, default target and scale-from-zero policy apply. */
  readonly mode: 'real-time' | 'async' | 'scale-to-zero';
  /** `endpoint/<name>/variant/<variant>` or `inference-component/<name>`. */
  readonly resourceId: string;
  /**
   * The `EndpointName` dimension of the custom metrics (async backlog). Required for async endpoints.
   * @default - none
   */
  readonly endpointName?: string;
  /**
   * The `InferenceComponentName` dimension of the scale-from-zero metric. Required for scale-to-zero.
   * @default - none
   */
  readonly inferenceComponentName?: string;
}

/** Props of `InferenceAutoScaling`: what to scale, and how. */
export interface InferenceAutoScalingProps extends InferenceAutoScalingOptions {
  /** The variant or inference component that scales. */
  readonly scaledResource: ScalingTargetSpec;
}

/** Checks autoscaling options for a mode; records problems on `v`. */
export function validateAutoScaling(
  v: PropValidator,
  prop: string,
  mode: string,
  options: InferenceAutoScalingOptions | undefined,
): void {
  if (!options) return;
  // Nested under an endpoint prop (`autoScaling.minCapacity`) or top-level props of the construct.
  const at = (name: string): string => (prop === '' ? name : `${prop}.${name}`);
  const floor = mode === 'real-time' ? 1 : 0;
  const min = options.minCapacity ?? floor;
  v.range(at(`minCapacity`), min, floor, 100);
  v.range(at(`maxCapacity`), options.maxCapacity, 1, 100);
  v.ordered(at(`minCapacity`), min, at(`maxCapacity`), options.maxCapacity);
  const target = options.target;
  if (target) {
    v.check(
      target.modes.includes(mode),
      at(`target`),
      target.kind,
      `a target for ${mode} endpoints (${TARGETS_BY_MODE[mode]})`,
    );
    v.range(at(`target.targetValue`), target.targetValue, 0.001, 1_000_000, { integer: false });
  }
  for (const [name, d] of [
    ['scaleOutCooldown', options.scaleOutCooldown],
    ['scaleInCooldown', options.scaleInCooldown],
  ] as const) {
    if (d) v.range(at(`${name} (seconds)`), d.toSeconds(), 0, 3600);
  }
  (options.schedules ?? []).forEach((s, i) => {
    v.range(at(`schedules[${i}].minCapacity`), s.minCapacity, floor, 100);
    v.range(at(`schedules[${i}].maxCapacity`), s.maxCapacity, 1, 100);
    v.ordered(
      at(`schedules[${i}].minCapacity`),
      s.minCapacity,
      at(`schedules[${i}].maxCapacity`),
      s.maxCapacity,
    );
    v.check(
      s.minCapacity !== undefined || s.maxCapacity !== undefined,
      at(`schedules[${i}]`),
      s.id,
      'a schedule that sets minCapacity or maxCapacity',
    );
  });
}

/**
 * A scalable target on a SageMaker variant or inference component with target tracking, the
 * scale-from-zero step policy for async and scale-to-zero endpoints, and scheduled actions.
 */
export class InferenceAutoScaling extends Construct {
  public readonly scalableTarget: appscaling.ScalableTarget;
  public readonly minCapacity: number;
  public readonly maxCapacity: number;
  /** The alarm that scales from zero (async: `HasBacklogWithoutCapacity`; scale-to-zero: `NoCapacityInvocationFailures`). */
  public readonly scaleFromZeroAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: InferenceAutoScalingProps) {
    super(scope, id);
    const { scaledResource: spec, ...options } = props;
    const v = new PropValidator('InferenceAutoScaling', this);
    validateAutoScaling(v, '', spec.mode, options);
    v.check(
      spec.mode !== 'async' || spec.endpointName !== undefined,
      'scaledResource.endpointName',
      spec.endpointName,
      'the endpoint name, for the backlog metrics of an async endpoint',
    );
    v.check(
      spec.mode !== 'scale-to-zero' || spec.inferenceComponentName !== undefined,
      'scaledResource.inferenceComponentName',
      spec.inferenceComponentName,
      'the inference component name, for the scale-from-zero metric',
    );
    v.throwIfAny();
    const stack = Stack.of(this);
    this.minCapacity = options.minCapacity ?? (spec.mode === 'real-time' ? 1 : 0);
    this.maxCapacity = options.maxCapacity;
    const component = spec.mode === 'scale-to-zero';
    this.scalableTarget = new appscaling.ScalableTarget(this, 'Target', {
      serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
      resourceId: spec.resourceId,
      scalableDimension: component
        ? 'sagemaker:inference-component:DesiredCopyCount'
        : 'sagemaker:variant:DesiredInstanceCount',
      minCapacity: this.minCapacity,
      maxCapacity: this.maxCapacity,
      // Application Auto Scaling acts through SageMaker's service-linked role; an extra role would be ignored.
      role: iam.Role.fromRoleArn(
        this,
        'ServiceLinkedRole',
        `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`,
        { mutable: false },
      ),
    });

    const target =
      options.target ??
      (spec.mode === 'async'
        ? InferenceScalingTarget.backlogPerInstance(5)
        : component
          ? InferenceScalingTarget.invocationsPerCopy(70)
          : InferenceScalingTarget.invocationsPerInstance(70));
    const scaleInCooldown = options.scaleInCooldown ?? Duration.minutes(5);
    const scaleOutCooldown = options.scaleOutCooldown ?? Duration.minutes(1);
    this.scalableTarget.scaleToTrackMetric('TargetTracking', {
      targetValue: target.targetValue,
      predefinedMetric: target._predefinedMetric,
      customMetric: target._predefinedMetric
        ? undefined
        : new cloudwatch.Metric({
            namespace: 'AWS/SageMaker',
            metricName: 'ApproximateBacklogSizePerInstance',
            dimensionsMap: { EndpointName: spec.endpointName! },
            statistic: 'Average',
            period: Duration.minutes(1),
          }),
      scaleInCooldown,
      scaleOutCooldown,
    });

    if (spec.mode !== 'real-time') {
      // Target tracking cannot leave zero (its metric is per instance or copy): a step policy adds one on demand.
      const action = new appscaling.StepScalingAction(this, 'ScaleFromZero', {
        scalingTarget: this.scalableTarget,
        adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        cooldown: scaleOutCooldown,
      });
      action.addAdjustment({ adjustment: 1, lowerBound: 0 });
      const metric = component
        ? new cloudwatch.Metric({
            namespace: 'AWS/SageMaker',
            metricName: 'NoCapacityInvocationFailures',
            dimensionsMap: { InferenceComponentName: spec.inferenceComponentName! },
            statistic: 'Maximum',
            period: Duration.minutes(1),
          })
        : new cloudwatch.Metric({
            namespace: 'AWS/SageMaker',
            metricName: 'HasBacklogWithoutCapacity',
            dimensionsMap: { EndpointName: spec.endpointName! },
            statistic: 'Average',
            period: Duration.minutes(1),
          });
      const alarm = new cloudwatch.Alarm(this, 'ScaleFromZeroAlarm', {
        alarmDescription: `Adds capacity to ${scope.node.path} when requests arrive while it has none`,
        metric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: component ? 1 : 2,
        datapointsToAlarm: component ? 1 : 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new cw_actions.ApplicationScalingAction(action));
      this.scaleFromZeroAlarm = alarm;
    }

    for (const s of options.schedules ?? []) {
      this.scalableTarget.scaleOnSchedule(s.id, {
        schedule: s.schedule,
        minCapacity: s.minCapacity,
        maxCapacity: s.maxCapacity,
        timeZone: s.timeZone,
      });
    }
  }
}

const TARGETS_BY_MODE: Record<string, string> = {
  'real-time': 'invocationsPerInstance or concurrentRequestsPerModel',
  async: 'backlogPerInstance',
  'scale-to-zero': 'invocationsPerCopy or concurrentRequestsPerCopy',
  serverless: 'none: serverless endpoints scale themselves, leave autoScaling out',
};

class PredefinedTarget extends InferenceScalingTarget {
  constructor(
    public readonly kind: string,
    public readonly targetValue: number,
    public readonly modes: readonly string[],
    public readonly _predefinedMetric?: appscaling.PredefinedMetric,
  ) {
    super();
  }
}
