import { Duration, Names } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { CfnEndpoint, CfnInferenceComponent } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { notifyTopic } from '../core/alarm-actions';
import type { PropValidator } from '../core/errors';

/** How a new endpoint configuration takes traffic from the old one (SageMaker blue/green traffic shifting). */
export abstract class RolloutStrategy {
  /**
   * Shift a small canary first, bake, then the rest.
   * @param options.canaryPercent share of capacity that takes traffic first, 1–50 (default 10)
   * @param options.bakeTime how long the canary is watched before the rest shifts (default 10 minutes)
   */
  public static canary(options: { canaryPercent?: number; bakeTime?: Duration } = {}): RolloutStrategy {
    return new ShiftingRollout(
      'CANARY',
      options.canaryPercent ?? 10,
      options.bakeTime ?? Duration.minutes(10),
    );
  }

  /**
   * Shift traffic in equal steps, baking after each.
   * @param options.stepPercent share of capacity per step, 10–50 (default 20)
   * @param options.bakeTime wait between steps (default 5 minutes)
   */
  public static linear(options: { stepPercent?: number; bakeTime?: Duration } = {}): RolloutStrategy {
    return new ShiftingRollout('LINEAR', options.stepPercent ?? 20, options.bakeTime ?? Duration.minutes(5));
  }

  /**
   * Shift all traffic at once, then bake before the old fleet is terminated.
   * @param options.bakeTime wait with the old fleet ready for rollback (default 10 minutes)
   */
  public static allAtOnce(options: { bakeTime?: Duration } = {}): RolloutStrategy {
    return new ShiftingRollout('ALL_AT_ONCE', undefined, options.bakeTime ?? Duration.minutes(10));
  }

  /** `CANARY`, `LINEAR` or `ALL_AT_ONCE`. */
  public abstract readonly type: 'CANARY' | 'LINEAR' | 'ALL_AT_ONCE';
  /** Canary or step size in percent of capacity (undefined for all-at-once). */
  public abstract readonly percent?: number;
  /** Bake time after each traffic shift. */
  public abstract readonly bakeTime: Duration;
}

/** Thresholds of the rollback alarms the endpoint creates. */
export interface RollbackAlarmThresholds {
  /**
   * Share of invocations answered with 5xx, in percent, over one minute (2 of 3 minutes).
   * @default 1
   */
  readonly errorRatePercent?: number;
  /**
   * p99 of `ModelLatency` over one minute (2 of 3 minutes).
   * @default Duration.seconds(2)
   */
  readonly modelLatencyP99?: Duration;
  /**
   * `InvocationModelErrors` (non-2xx answers from the container) per minute (2 of 3 minutes).
   * Async endpoints do not publish `InvocationModelErrors` and get no such alarm.
   * @default 5
   */
  readonly modelErrorsPerMinute?: number;
}

/** Guarded rollouts: how endpoint updates shift traffic and when they roll back. */
export interface InferenceDeploymentOptions {
  /**
   * Traffic shifting of blue/green updates. Scale-to-zero endpoints update their inference
   * component one copy at a time instead and use only the strategy's bake time.
   *
   * SageMaker requires a canary (and a linear step) of at most 50% of each variant's instances, so
   * canary and linear rollouts need every production variant to keep at least 2 instances.
   * @default RolloutStrategy.canary() (10 %, 10 minutes) when every production variant keeps at least
   * 2 instances; otherwise RolloutStrategy.allAtOnce() (10 minutes bake, rollback alarms still watched)
   */
  readonly strategy?: RolloutStrategy;
  /**
   * Roll back automatically when a rollback alarm fires during the update.
   * @default true
   */
  readonly autoRollback?: boolean;
  /**
   * Thresholds of the alarms the construct creates.
   * @default - see RollbackAlarmThresholds
   */
  readonly alarmThresholds?: RollbackAlarmThresholds;
  /**
   * More alarms (by name, in this account and region) that roll an update back. At most 10 alarms in all.
   * @default - none
   */
  readonly extraRollbackAlarms?: cloudwatch.IAlarm[];
  /**
   * How long the old fleet stays after all traffic has shifted, 0–60 minutes.
   * @default Duration.minutes(5)
   */
  readonly terminationWait?: Duration;
  /**
   * Longest an update may take before SageMaker rolls it back, 10 minutes to 4 hours.
   * @default - SageMaker's default
   */
  readonly maximumExecutionTimeout?: Duration;
}

/** What the rollback alarms watch: endpoint variants or one inference component. */
export type RollbackAlarmTarget =
  | {
      readonly kind: 'variants';
      readonly endpointName: string;
      readonly variantNames: readonly string[];
      /**
       * Async endpoints publish only `Invocation4XXErrors`, `Invocation5XXErrors` and `ModelLatency`
       * of the common metrics, so they get no `InvocationModelErrors` alarm.
       * @default false
       */
      readonly async?: boolean;
    }
  | { readonly kind: 'inference-component'; readonly inferenceComponentName: string };

/**
 * Rollback alarms per production variant: 3, or 2 for async endpoints, which do not publish
 * `InvocationModelErrors` ("Any metric not listed below is not published if the endpoint is enabled
 * for asynchronous inference", SageMaker Developer Guide, async-inference-monitor).
 */
export function rollbackAlarmsPerVariant(mode: string): number {
  return mode === 'async' ? 2 : 3;
}

export interface RollbackAlarmsProps {
  /** The variants or inference component the alarms watch. */
  readonly target: RollbackAlarmTarget;
  /**
   * Alarm thresholds.
   * @default - see RollbackAlarmThresholds
   */
  readonly thresholds?: RollbackAlarmThresholds;
  /** The topic every alarm notifies on ALARM and OK (CloudWatch is admitted to its policy). */
  readonly topic: sns.ITopic;
}

/** The rollback alarms per variant (3, or 2 for async) or inference component, each notifying the topic. */
export class RollbackAlarms extends Construct {
  public readonly alarms: readonly cloudwatch.Alarm[];
  /**
   * The alarms' names as literals. `alarm.alarmName` is a `Ref`, and the endpoint cannot reference
   * alarms that reference the endpoint, so the deployment configuration uses these.
   */
  public readonly alarmNames: readonly string[];

  constructor(scope: Construct, id: string, props: RollbackAlarmsProps) {
    super(scope, id);
    const { target, topic } = props;
    const thresholds = props.thresholds ?? {};
    const alarms: cloudwatch.Alarm[] = [];
    const alarmNames: string[] = [];
    this.alarms = alarms;
    this.alarmNames = alarmNames;
    const errorRate = (thresholds.errorRatePercent ?? 1) / 100;
    const latencyMicros = (thresholds.modelLatencyP99 ?? Duration.seconds(2)).toMilliseconds() * 1000;
    const modelErrors = thresholds.modelErrorsPerMinute ?? 5;
    const groups: Array<{ id: string; dimensions: cloudwatch.DimensionsMap; label: string }> =
      target.kind === 'variants'
        ? target.variantNames.map((variantName) => ({
            id: variantName,
            dimensions: { EndpointName: target.endpointName, VariantName: variantName },
            label: `variant ${variantName}`,
          }))
        : [
            {
              id: 'Component',
              dimensions: { InferenceComponentName: target.inferenceComponentName },
              label: 'inference component',
            },
          ];

    for (const g of groups) {
      const group = new Construct(this, g.id);
      const specs = [
        {
          id: 'Error5xxRate',
          metricName: 'Invocation5XXErrors',
          statistic: 'Average',
          threshold: errorRate,
          description: `Rolls back an update of ${scope.node.path} (${g.label}): more than ${errorRate * 100}% of invocations answered 5xx`,
        },
        {
          id: 'ModelLatencyP99',
          metricName: 'ModelLatency',
          statistic: 'p99',
          threshold: latencyMicros,
          description: `Rolls back an update of ${scope.node.path} (${g.label}): model latency p99 above ${latencyMicros / 1000} ms`,
        },
        {
          id: 'ModelErrors',
          metricName: 'InvocationModelErrors',
          statistic: 'Sum',
          threshold: modelErrors,
          description: `Rolls back an update of ${scope.node.path} (${g.label}): more than ${modelErrors} model errors per minute`,
        },
      ];
      for (const spec of specs) {
        if (target.kind === 'variants' && target.async && spec.metricName === 'InvocationModelErrors')
          continue;
        const alarmScope = new Construct(group, spec.id);
        // Unique per stack and path, so dev and prod stacks in one account and region never clash.
        const alarmName = Names.uniqueResourceName(alarmScope, { maxLength: 255, separator: '-' });
        const alarm = new cloudwatch.Alarm(alarmScope, 'Alarm', {
          alarmName,
          alarmDescription: spec.description,
          metric: new cloudwatch.Metric({
            namespace: 'AWS/SageMaker',
            metricName: spec.metricName,
            dimensionsMap: g.dimensions,
            statistic: spec.statistic,
            period: Duration.minutes(1),
          }),
          threshold: spec.threshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
        notifyTopic(alarm, topic);
        alarms.push(alarm);
        alarmNames.push(alarmName);
      }
    }
  }
}

/** The fewest instances a production variant may run while an update shifts traffic. */
export interface VariantInstanceFloor {
  readonly variantName: string;
  readonly instances: number;
  /** Where the number comes from, for messages: `autoScaling.minCapacity` or `initialInstanceCount`. */
  readonly source: string;
}

/**
 * The rollout used when none is given: a 10% canary when every variant keeps at least 2
 * instances, else all at once (a canary must be at most 50% of a variant's instances).
 */
export function defaultRolloutStrategy(floors: readonly VariantInstanceFloor[]): RolloutStrategy {
  return floors.every((f) => f.instances >= 2) ? RolloutStrategy.canary() : RolloutStrategy.allAtOnce();
}

/** Checks deployment options; returns nothing, records problems on `v`. */
export function validateDeployment(
  v: PropValidator,
  options: InferenceDeploymentOptions,
  alarmCount: number,
  floors: readonly VariantInstanceFloor[] = [],
): void {
  const s = options.strategy;
  if (s instanceof ShiftingRollout) {
    if (s.type === 'CANARY') v.range('deployment.strategy.canaryPercent', s.percent, 1, 50);
    if (s.type === 'LINEAR') v.range('deployment.strategy.stepPercent', s.percent, 10, 50);
    v.range('deployment.strategy.bakeTime (seconds)', s.bakeTime.toSeconds(), 0, 3600);
    const inRange = s.percent !== undefined && s.percent >= (s.type === 'CANARY' ? 1 : 10) && s.percent <= 50;
    if (s.percent !== undefined && inRange) {
      // "CanarySize: ... Value must be less than or equal to 50% of the variant's total instance
      // count" (SageMaker API reference, TrafficRoutingConfig); LinearStepSize likewise "10-50%".
      // A share of capacity is at least one instance, so the batch is max(1, ceil(n * p%)).
      const prop =
        s.type === 'CANARY' ? 'deployment.strategy.canaryPercent' : 'deployment.strategy.stepPercent';
      for (const f of floors) {
        const batch = Math.max(1, Math.ceil((f.instances * s.percent) / 100));
        v.check(
          batch <= f.instances / 2,
          prop,
          s.percent,
          `a share that stays within 50% of every variant's instances: variant ${f.variantName} may run ` +
            `${f.instances} instance(s) (${f.source}), where ${s.percent}% is ${batch} instance(s); ` +
            'keep at least 2 instances or use RolloutStrategy.allAtOnce()',
        );
      }
    }
  }
  const t = options.alarmThresholds ?? {};
  v.range('deployment.alarmThresholds.errorRatePercent', t.errorRatePercent, 0, 100, { integer: false });
  v.range('deployment.alarmThresholds.modelErrorsPerMinute', t.modelErrorsPerMinute, 0, 1_000_000);
  if (t.modelLatencyP99)
    v.range(
      'deployment.alarmThresholds.modelLatencyP99 (ms)',
      t.modelLatencyP99.toMilliseconds(),
      1,
      3_600_000,
    );
  if (options.terminationWait)
    v.range('deployment.terminationWait (seconds)', options.terminationWait.toSeconds(), 0, 3600);
  if (options.maximumExecutionTimeout) {
    v.range(
      'deployment.maximumExecutionTimeout (seconds)',
      options.maximumExecutionTimeout.toSeconds(),
      600,
      14_400,
    );
  }
  if (options.autoRollback !== false) {
    // SageMaker takes at most 10 rollback alarms; the construct creates 3 per production variant.
    v.range(
      'deployment rollback alarms (3 per production variant, 2 for async, + extraRollbackAlarms)',
      alarmCount + (options.extraRollbackAlarms?.length ?? 0),
      0,
      10,
    );
  }
}

/** The endpoint's blue/green deployment configuration. */
export function renderEndpointDeployment(
  options: InferenceDeploymentOptions,
  alarmNames: readonly string[],
  floors: readonly VariantInstanceFloor[] = [],
): CfnEndpoint.DeploymentConfigProperty {
  const strategy = options.strategy ?? defaultRolloutStrategy(floors);
  const size =
    strategy.percent === undefined ? undefined : { type: 'CAPACITY_PERCENT', value: strategy.percent };
  return {
    blueGreenUpdatePolicy: {
      trafficRoutingConfiguration: {
        type: strategy.type,
        waitIntervalInSeconds: strategy.bakeTime.toSeconds(),
        canarySize: strategy.type === 'CANARY' ? size : undefined,
        linearStepSize: strategy.type === 'LINEAR' ? size : undefined,
      },
      terminationWaitInSeconds: (options.terminationWait ?? Duration.minutes(5)).toSeconds(),
      maximumExecutionTimeoutInSeconds: options.maximumExecutionTimeout?.toSeconds(),
    },
    autoRollbackConfiguration: rollbackConfig(options, alarmNames),
  };
}

/** The inference component's rolling-update configuration (one copy at a time). */
export function renderComponentDeployment(
  options: InferenceDeploymentOptions,
  alarmNames: readonly string[],
): CfnInferenceComponent.InferenceComponentDeploymentConfigProperty {
  const strategy = options.strategy ?? RolloutStrategy.canary();
  return {
    rollingUpdatePolicy: {
      maximumBatchSize: { type: 'COPY_COUNT', value: 1 },
      rollbackMaximumBatchSize: { type: 'COPY_COUNT', value: 1 },
      waitIntervalInSeconds: strategy.bakeTime.toSeconds(),
      maximumExecutionTimeoutInSeconds: options.maximumExecutionTimeout?.toSeconds(),
    },
    autoRollbackConfiguration: rollbackConfig(options, alarmNames),
  };
}

function rollbackConfig(options: InferenceDeploymentOptions, alarmNames: readonly string[]) {
  if (options.autoRollback === false) return undefined;
  const all = [...alarmNames, ...(options.extraRollbackAlarms ?? []).map((a) => a.alarmName)];
  return all.length > 0 ? { alarms: all.map((alarmName) => ({ alarmName })) } : undefined;
}

class ShiftingRollout extends RolloutStrategy {
  constructor(
    public readonly type: 'CANARY' | 'LINEAR' | 'ALL_AT_ONCE',
    public readonly percent: number | undefined,
    public readonly bakeTime: Duration,
  ) {
    super();
  }
}
