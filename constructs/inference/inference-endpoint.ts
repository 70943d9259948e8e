import {
  Annotations,
  ArnFormat,
  Fn,
  RemovalPolicy,
  Size,
  SizeRoundingBehavior,
  Stack,
  Token,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { CfnEndpoint, CfnEndpointConfig, CfnInferenceComponent } from 'aws-cdk-lib/aws-sagemaker';
import { Construct, type IConstruct } from 'constructs';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../cost/usage-metadata';
import { acknowledgeFindings } from '../../lib/compliance';
import { PropValidator } from '../../lib/errors';
import { PlatformAlarmTopic } from '../monitoring/alarm-topic';
import { InferenceAutoScaling, type InferenceAutoScalingOptions, validateAutoScaling } from './autoscaling';
import {
  type InferenceDeploymentOptions,
  RollbackAlarms,
  renderComponentDeployment,
  renderEndpointDeployment,
  validateDeployment,
} from './deployment';
import type { InferenceInstanceType } from './instance-type';
import { InferenceModel, type ModelData, type ModelImage } from './model';

/** How the endpoint serves requests. */
export type InferenceMode = 'real-time' | 'async' | 'serverless' | 'scale-to-zero';

/** An endpoint this app created or imported. */
export interface IInferenceEndpoint extends IConstruct {
  /** The endpoint name. */
  readonly endpointName: string;
  /** The endpoint ARN. */
  readonly endpointArn: string;
  /** Production variant names; the first is the default for per-variant metrics. */
  readonly variantNames: string[];
  /** How the endpoint serves requests. */
  readonly mode: InferenceMode;
  /** Lets a principal invoke the endpoint (the calls that fit its mode). */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;
  /** Any metric of the endpoint in `AWS/SageMaker` by `EndpointName` and `VariantName`. */
  metric(metricName: string, props?: InferenceMetricOptions): cloudwatch.Metric;
  metricInvocations(props?: InferenceMetricOptions): cloudwatch.Metric;
  metricModelLatency(props?: InferenceMetricOptions): cloudwatch.Metric;
  metricInvocation5XXErrors(props?: InferenceMetricOptions): cloudwatch.Metric;
  metricInvocation4XXErrors(props?: InferenceMetricOptions): cloudwatch.Metric;
  metricInvocationsPerInstance(props?: InferenceMetricOptions): cloudwatch.Metric;
  metricCpuUtilization(props?: InferenceMetricOptions): cloudwatch.Metric;
  metricGpuUtilization(props?: InferenceMetricOptions): cloudwatch.Metric;
  metricGpuMemoryUtilization(props?: InferenceMetricOptions): cloudwatch.Metric;
  metricMemoryUtilization(props?: InferenceMetricOptions): cloudwatch.Metric;
  metricApproximateBacklogSize(props?: InferenceMetricOptions): cloudwatch.Metric;
}

/** Metric options plus the variant to read. */
export type InferenceMetricOptions = cloudwatch.MetricOptions & {
  /**
   * The production variant.
   * @default - the endpoint's first variant
   */
  readonly variantName?: string;
};

/** Attributes of an endpoint created elsewhere. */
export interface InferenceEndpointAttributes {
  readonly endpointName: string;
  /**
   * Production variant names.
   * @default ['AllTraffic']
   */
  readonly variantNames?: string[];
  /**
   * How the endpoint serves requests.
   * @default 'real-time'
   */
  readonly mode?: InferenceMode;
}

/** A weighted production variant for A/B tests, with its own model and instance type. */
export interface InferenceVariantOptions {
  /** Variant name (letters, digits and hyphens, up to 63). */
  readonly variantName: string;
  /** Relative traffic weight; the share is weight / sum of all weights. */
  readonly weight: number;
  readonly image: ModelImage;
  /**
   * @default - none
   */
  readonly modelData?: ModelData;
  /**
   * @default - none
   */
  readonly environment?: Record<string, string>;
  readonly instanceType: InferenceInstanceType;
  /**
   * Instances at creation.
   * @default - autoScaling.minCapacity, or 1
   */
  readonly initialInstanceCount?: number;
  /**
   * Autoscaling of this variant.
   * @default - fixed at initialInstanceCount
   */
  readonly autoScaling?: InferenceAutoScalingOptions;
}

/** A shadow variant: gets a copy of live traffic; its answers are logged, never returned. */
export interface ShadowVariantOptions {
  /**
   * @default 'Shadow'
   */
  readonly variantName?: string;
  readonly image: ModelImage;
  /**
   * @default - none
   */
  readonly modelData?: ModelData;
  /**
   * @default - none
   */
  readonly environment?: Record<string, string>;
  readonly instanceType: InferenceInstanceType;
  /**
   * @default 1
   */
  readonly initialInstanceCount?: number;
  /**
   * Share of production requests copied to the shadow, 1–100.
   * @default 100
   */
  readonly samplingPercentage?: number;
}

/** Data capture of requests and responses, for model monitoring. */
export interface InferenceDataCaptureOptions {
  /**
   * Where captured data goes (e.g. the data store's capture bucket). Required while capture is on.
   * @default - none: real-time and async endpoints then fail validation unless `enabled: false`
   */
  readonly bucket?: s3.IBucket;
  /**
   * Key prefix, without slashes at the ends.
   * @default 'data-capture/<construct id>'
   */
  readonly prefix?: string;
  /**
   * Share of requests captured, 0–100.
   * @default 20
   */
  readonly samplingPercentage?: number;
  /**
   * Capture on or off. Serverless and scale-to-zero endpoints do not support capture.
   * @default true for real-time and async, false for serverless and scale-to-zero
   */
  readonly enabled?: boolean;
}

/** Async inference: requests and answers through S3. */
export interface AsyncInferenceOptions {
  /** Bucket for answers and failures. */
  readonly outputBucket: s3.IBucket;
  /**
   * Prefix of answers.
   * @default 'async/output'
   */
  readonly outputPrefix?: string;
  /**
   * Prefix of failure reports.
   * @default 'async/failures'
   */
  readonly failurePrefix?: string;
  /**
   * Bucket callers upload requests to (`InputLocation`); the model may read only its input prefix.
   * @default - outputBucket
   */
  readonly inputBucket?: s3.IBucket;
  /**
   * Prefix of requests.
   * @default 'async/input'
   */
  readonly inputPrefix?: string;
  /**
   * Topic notified when an answer is ready.
   * @default - no notification
   */
  readonly successTopic?: sns.ITopic;
  /**
   * Topic notified when a request fails.
   * @default - no notification
   */
  readonly errorTopic?: sns.ITopic;
  /**
   * Concurrent requests SageMaker sends to each instance, 1–1000.
   * @default - chosen by SageMaker
   */
  readonly maxConcurrentInvocationsPerInstance?: number;
}

/** Serverless inference: SageMaker runs the container on demand (CPU only, outside any VPC). */
export interface ServerlessInferenceOptions {
  /** Memory, 1024–6144 MiB in 1024 MiB steps. */
  readonly memorySize: Size;
  /** Most concurrent invocations, 1–200. */
  readonly maxConcurrency: number;
  /**
   * Warm capacity always ready, 1–maxConcurrency (billed while idle).
   * @default - none
   */
  readonly provisionedConcurrency?: number;
}

/** Scale-to-zero through an inference component: the component's copies go to 0, then the instances. */
export interface ScaleToZeroOptions {
  /**
   * Memory one copy of the model needs.
   * @default Size.gibibytes(1)
   */
  readonly memoryRequired?: Size;
  /**
   * CPU cores one copy needs.
   * @default - none reserved
   */
  readonly cpuCoresRequired?: number;
  /**
   * Accelerator devices (GPUs, Neuron cores) one copy needs.
   * @default 1 on accelerated instance types, none otherwise
   */
  readonly acceleratorDevicesRequired?: number;
}

/** Usage assumptions recorded for the cost estimator. */
export interface InferenceExpectedUsage {
  /**
   * Average instances running per production variant over the month (0 for an idle scale-to-zero endpoint).
   * @default - the estimator's default profile
   */
  readonly averageInstanceCount?: number;
  /**
   * Requests per month (serverless endpoints are priced from these).
   * @default - the estimator's default profile
   */
  readonly monthlyRequests?: number;
  /**
   * Average duration of one request in milliseconds (serverless).
   * @default - the estimator's default profile
   */
  readonly averageDurationMs?: number;
}

export interface InferenceEndpointProps {
  /** The VPC of the model's network interfaces. Serverless endpoints run outside it (a warning says so). */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the model's network interfaces.
   * @default - the VPC's isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the model's network interfaces.
   * @default - one new group per model: no ingress, HTTPS egress only
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * KMS key for endpoint volumes, data capture (when the capture bucket has no key) and async output.
   * @default - a new key with rotation, retained on stack deletion
   */
  readonly encryptionKey?: kms.IKey;
  /** The container image of the primary variant. */
  readonly image: ModelImage;
  /**
   * Model artifacts of the primary variant.
   * @default - none (the image carries the model)
   */
  readonly modelData?: ModelData;
  /**
   * Environment of the primary variant's container.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Network isolation of the models (not supported by serverless endpoints).
   * @default true (false for serverless)
   */
  readonly networkIsolation?: boolean;
  /**
   * Instance type of the primary variant. Required except for serverless endpoints.
   * @default - none
   */
  readonly instanceType?: InferenceInstanceType;
  /**
   * Instances of the primary variant at creation.
   * @default - autoScaling.minCapacity, or 1 (1 for scale-to-zero, whose instances then follow the copies)
   */
  readonly initialInstanceCount?: number;
  /**
   * Name of the primary variant.
   * @default 'AllTraffic'
   */
  readonly variantName?: string;
  /**
   * Traffic weight of the primary variant against `variants`.
   * @default 1
   */
  readonly variantWeight?: number;
  /**
   * Autoscaling of the primary variant (copies of the inference component for scale-to-zero).
   * @default - none for real-time; { minCapacity: 0, maxCapacity: 2 } for async and scale-to-zero
   */
  readonly autoScaling?: InferenceAutoScalingOptions;
  /**
   * More weighted production variants (A/B), real-time only; at most 10 variants in all.
   * @default - none
   */
  readonly variants?: InferenceVariantOptions[];
  /**
   * A shadow variant, real-time with a single production variant only.
   * @default - none
   */
  readonly shadowVariant?: ShadowVariantOptions;
  /**
   * Data capture. On by default for real-time and async endpoints, which then need `dataCapture.bucket`.
   * @default - capture 20% to dataCapture.bucket
   */
  readonly dataCapture?: InferenceDataCaptureOptions;
  /**
   * Guarded rollouts.
   * @default - canary 10% for 10 minutes with automatic rollback on the construct's alarms
   */
  readonly deployment?: InferenceDeploymentOptions;
  /**
   * How the endpoint serves requests; `async`, `serverless` need their options.
   * @default 'real-time'
   */
  readonly mode?: InferenceMode;
  /**
   * Async inference options; required for and only allowed with mode 'async'.
   * @default - none
   */
  readonly async?: AsyncInferenceOptions;
  /**
   * Serverless options; required for and only allowed with mode 'serverless'.
   * @default - none
   */
  readonly serverless?: ServerlessInferenceOptions;
  /**
   * Inference-component options; only with mode 'scale-to-zero'.
   * @default - see ScaleToZeroOptions
   */
  readonly scaleToZero?: ScaleToZeroOptions;
  /**
   * Topic the rollback alarms notify.
   * @default - a new PlatformAlarmTopic, child `AlarmTopic`
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Endpoint name.
   * @default - generated by CloudFormation
   */
  readonly endpointName?: string;
  /**
   * Usage assumptions for the cost estimator (`cdk-ml-platform:usage` metadata).
   * @default - none recorded; the estimator uses its default profile
   */
  readonly expectedUsage?: InferenceExpectedUsage;
  /**
   * What happens to the created KMS key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Metrics and grants shared by created and imported endpoints. */
abstract class InferenceEndpointBase extends Construct implements IInferenceEndpoint {
  public abstract readonly endpointName: string;
  public abstract readonly endpointArn: string;
  public abstract readonly variantNames: string[];
  public abstract readonly mode: InferenceMode;
  /** Extra resources invocation may name (the inference component of scale-to-zero endpoints). */
  protected readonly invokeResources: string[] = [];

  /**
   * Invoke calls for the mode: `InvokeEndpointAsync` for async endpoints, `InvokeEndpoint` and
   * `InvokeEndpointWithResponseStream` otherwise. Async callers also need write access to the input prefix.
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const actions =
      this.mode === 'async'
        ? ['sagemaker:InvokeEndpointAsync']
        : ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'];
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.endpointArn, ...this.invokeResources],
    });
  }

  public metric(metricName: string, props: InferenceMetricOptions = {}): cloudwatch.Metric {
    return this.variantMetric('AWS/SageMaker', metricName, 'Sum', props);
  }

  /** Requests sent to the variant. @default statistic Sum over 5 minutes */
  public metricInvocations(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric('AWS/SageMaker', 'Invocations', 'Sum', props);
  }

  /** Time the model took to answer, in microseconds. @default statistic p99 over 5 minutes */
  public metricModelLatency(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric('AWS/SageMaker', 'ModelLatency', 'p99', props);
  }

  /** Requests answered 5xx. @default statistic Sum over 5 minutes (Average gives the rate) */
  public metricInvocation5XXErrors(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric('AWS/SageMaker', 'Invocation5XXErrors', 'Sum', props);
  }

  /** Requests answered 4xx. @default statistic Sum over 5 minutes (Average gives the rate) */
  public metricInvocation4XXErrors(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric('AWS/SageMaker', 'Invocation4XXErrors', 'Sum', props);
  }

  /** Requests per instance (the default scaling metric). @default statistic Sum over 5 minutes */
  public metricInvocationsPerInstance(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric('AWS/SageMaker', 'InvocationsPerInstance', 'Sum', props);
  }

  /** CPU use in percent, summed over cores (400 on 4 vCPUs). @default statistic Average over 5 minutes */
  public metricCpuUtilization(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric(INSTANCE_NAMESPACE, 'CPUUtilization', 'Average', props);
  }

  /** GPU use in percent, summed over GPUs. @default statistic Average over 5 minutes */
  public metricGpuUtilization(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric(INSTANCE_NAMESPACE, 'GPUUtilization', 'Average', props);
  }

  /** GPU memory use in percent, summed over GPUs. @default statistic Average over 5 minutes */
  public metricGpuMemoryUtilization(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric(INSTANCE_NAMESPACE, 'GPUMemoryUtilization', 'Average', props);
  }

  /** Memory use in percent. @default statistic Average over 5 minutes */
  public metricMemoryUtilization(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric(INSTANCE_NAMESPACE, 'MemoryUtilization', 'Average', props);
  }

  /** Queued async requests of the endpoint (`EndpointName` only; `variantName` is ignored). @default statistic Average over 5 minutes */
  public metricApproximateBacklogSize(props: InferenceMetricOptions = {}): cloudwatch.Metric {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { variantName: _ignored, ...options } = props;
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName: 'ApproximateBacklogSize',
      dimensionsMap: { EndpointName: this.endpointName },
      statistic: 'Average',
      ...options,
    });
  }

  private variantMetric(
    namespace: string,
    metricName: string,
    statistic: string,
    props: InferenceMetricOptions = {},
  ): cloudwatch.Metric {
    const { variantName, ...options } = props;
    return new cloudwatch.Metric({
      namespace,
      metricName,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: variantName ?? this.variantNames[0] },
      statistic,
      ...options,
    });
  }
}

/**
 * A SageMaker endpoint built on the L1 resources, secure by default: customer-managed KMS key,
 * models in isolated subnets with network isolation, data capture, blue/green canary rollouts
 * with automatic rollback on alarms that notify a topic, autoscaling, A/B and shadow variants,
 * async, serverless and scale-to-zero (inference components) modes.
 */
export class InferenceEndpoint extends InferenceEndpointBase {
  /** An endpoint created elsewhere, for grants and metrics. */
  public static fromEndpointAttributes(
    scope: Construct,
    id: string,
    attrs: InferenceEndpointAttributes,
  ): IInferenceEndpoint {
    const v = new PropValidator('InferenceEndpoint.fromEndpointAttributes', `${scope.node.path}/${id}`);
    if (!Token.isUnresolved(attrs.endpointName))
      v.check(ENDPOINT_NAME.test(attrs.endpointName), 'endpointName', attrs.endpointName, ENDPOINT_NAME_RULE);
    v.check(
      (attrs.variantNames ?? ['x']).length > 0,
      'variantNames',
      attrs.variantNames,
      'at least one variant name',
    );
    v.throwIfAny();
    class Import extends InferenceEndpointBase {
      public readonly endpointName = attrs.endpointName;
      public readonly variantNames = attrs.variantNames ?? [DEFAULT_VARIANT];
      public readonly mode = attrs.mode ?? 'real-time';
      // SageMaker writes endpoint names into ARNs in lower case.
      public readonly endpointArn = Stack.of(scope).formatArn({
        service: 'sagemaker',
        resource: 'endpoint',
        resourceName: Token.isUnresolved(attrs.endpointName)
          ? attrs.endpointName
          : attrs.endpointName.toLowerCase(),
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
    }
    return new Import(scope, id);
  }

  public readonly endpointName: string;
  public readonly endpointArn: string;
  public readonly variantNames: string[];
  public readonly mode: InferenceMode;
  /** Alarms that roll an update back (empty when autoRollback is off). */
  public readonly rollbackAlarms: cloudwatch.IAlarm[];
  /** The key of volumes, capture and async output. */
  public readonly encryptionKey: kms.IKey;
  /** The model of each production variant, by variant name, and of the shadow variant. */
  public readonly models: Record<string, InferenceModel> = {};
  /** Autoscaling, by variant name (or the inference component's variant for scale-to-zero). */
  public readonly autoScaling: Record<string, InferenceAutoScaling> = {};
  /** The L1 endpoint configuration. */
  public readonly endpointConfig: CfnEndpointConfig;
  /** The L1 endpoint. */
  public readonly cfnEndpoint: CfnEndpoint;
  /** The inference component of a scale-to-zero endpoint. */
  public readonly inferenceComponent?: CfnInferenceComponent;
  /** The inference component's name (scale-to-zero only). */
  public readonly inferenceComponentName?: string;
  /** The topic the rollback alarms notify. */
  public readonly alarmTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: InferenceEndpointProps) {
    super(scope, id);
    const mode = props.mode ?? 'real-time';
    this.mode = mode;
    const primaryName = props.variantName ?? DEFAULT_VARIANT;
    const variants = props.variants ?? [];
    const shadow = props.shadowVariant;
    // Any dataCapture block means capture unless it says enabled: false, so serverless users are told it is unsupported.
    const captureEnabled =
      props.dataCapture?.enabled ??
      (mode === 'real-time' || mode === 'async' || props.dataCapture !== undefined);
    const autoScaling =
      props.autoScaling ??
      (mode === 'async' || mode === 'scale-to-zero' ? { minCapacity: 0, maxCapacity: 2 } : undefined);
    const deployment = props.deployment ?? {};
    const variantCount = 1 + variants.length;

    // ---- validation: everything first, one error listing all problems
    const v = new PropValidator('InferenceEndpoint', this);
    v.oneOf('mode', mode, MODES);
    v.check(
      props.async === undefined || mode === 'async',
      'async',
      'set',
      `left out unless mode is 'async' (mode is '${mode}')`,
    );
    v.check(
      mode !== 'async' || props.async !== undefined,
      'async',
      undefined,
      `the async options (outputBucket, ...) when mode is 'async'`,
    );
    v.check(
      props.serverless === undefined || mode === 'serverless',
      'serverless',
      'set',
      `left out unless mode is 'serverless' (mode is '${mode}')`,
    );
    v.check(
      mode !== 'serverless' || props.serverless !== undefined,
      'serverless',
      undefined,
      `the serverless options (memorySize, maxConcurrency) when mode is 'serverless'`,
    );
    v.check(
      props.scaleToZero === undefined || mode === 'scale-to-zero',
      'scaleToZero',
      'set',
      `left out unless mode is 'scale-to-zero' (mode is '${mode}')`,
    );
    if (mode === 'serverless') {
      for (const [prop, value] of [
        ['instanceType', props.instanceType?.toString()],
        ['initialInstanceCount', props.initialInstanceCount],
        ['autoScaling', props.autoScaling ? 'set' : undefined],
        ['variants', props.variants ? 'set' : undefined],
        ['shadowVariant', shadow ? 'set' : undefined],
        ['networkIsolation', props.networkIsolation ? true : undefined],
        ['vpcSubnets', props.vpcSubnets ? 'set' : undefined],
        ['securityGroups', props.securityGroups ? 'set' : undefined],
      ] as const) {
        v.check(
          value === undefined,
          prop,
          value,
          'left out for serverless endpoints (SageMaker sizes, scales and networks them itself)',
        );
      }
      const s = props.serverless;
      if (s) {
        const mib = s.memorySize.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
        v.check(
          Number.isInteger(mib) && mib >= 1024 && mib <= 6144 && mib % 1024 === 0,
          'serverless.memorySize (MiB)',
          mib,
          'one of 1024, 2048, 3072, 4096, 5120, 6144',
        );
        v.range('serverless.maxConcurrency', s.maxConcurrency, 1, 200);
        v.range(
          'serverless.provisionedConcurrency',
          s.provisionedConcurrency,
          1,
          Math.max(1, s.maxConcurrency),
        );
      }
    } else {
      v.check(
        props.instanceType !== undefined,
        'instanceType',
        undefined,
        `an InferenceInstanceType (required for ${mode} endpoints)`,
      );
    }
    if (mode === 'async' || mode === 'scale-to-zero') {
      v.check(
        props.variants === undefined,
        'variants',
        'set',
        `left out for ${mode} endpoints (one production variant only)`,
      );
      v.check(shadow === undefined, 'shadowVariant', 'set', `left out for ${mode} endpoints`);
    }
    v.check(
      !(shadow && variants.length > 0),
      'shadowVariant',
      'set with variants',
      'used with a single production variant (leave variants out)',
    );
    v.range('variants (count including the primary)', variantCount, 1, 10);
    const names = [
      primaryName,
      ...variants.map((x) => x.variantName),
      ...(shadow ? [shadow.variantName ?? 'Shadow'] : []),
    ];
    names.forEach((n, i) => {
      v.check(
        VARIANT_NAME.test(n),
        i === 0 ? 'variantName' : `variants[${i - 1}].variantName`,
        n,
        'letters, digits and hyphens, 1–63 characters, starting and ending with a letter or digit',
      );
      v.check(
        names.indexOf(n) === i,
        'variant names',
        n,
        'unique across the primary, variants and shadowVariant',
      );
    });
    const weights = [props.variantWeight ?? 1, ...variants.map((x) => x.weight)];
    weights.forEach((w, i) =>
      v.range(i === 0 ? 'variantWeight' : `variants[${i - 1}].weight`, w, 0, 1_000_000, { integer: false }),
    );
    v.check(
      weights.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) > 0,
      'variant weights',
      weights,
      'weights whose sum is above 0',
    );
    if (shadow) v.range('shadowVariant.samplingPercentage', shadow.samplingPercentage, 1, 100);

    if (mode !== 'serverless') {
      validateAutoScaling(v, 'autoScaling', mode, autoScaling);
      checkInstances(v, '', props.instanceType, props.initialInstanceCount, autoScaling, mode);
      variants.forEach((x, i) => {
        validateAutoScaling(v, `variants[${i}].autoScaling`, mode, x.autoScaling);
        checkInstances(v, `variants[${i}].`, x.instanceType, x.initialInstanceCount, x.autoScaling, mode);
      });
      if (shadow) v.range('shadowVariant.initialInstanceCount', shadow.initialInstanceCount, 1, 100);
    }

    const capture = props.dataCapture;
    v.check(
      !(captureEnabled && (mode === 'serverless' || mode === 'scale-to-zero')),
      'dataCapture.enabled',
      true,
      `false or left out for ${mode} endpoints (SageMaker does not capture their data)`,
    );
    v.check(
      !captureEnabled || capture?.bucket !== undefined,
      'dataCapture.bucket',
      undefined,
      'a bucket for captured data (capture is on by default), or set dataCapture.enabled to false',
    );
    v.range('dataCapture.samplingPercentage', capture?.samplingPercentage, 0, 100);
    for (const [prop, value] of [
      ['dataCapture.prefix', capture?.prefix],
      ['async.outputPrefix', props.async?.outputPrefix],
      ['async.failurePrefix', props.async?.failurePrefix],
      ['async.inputPrefix', props.async?.inputPrefix],
    ] as const) {
      if (value !== undefined && !Token.isUnresolved(value)) {
        v.check(
          PREFIX.test(value),
          prop,
          value,
          'an S3 key prefix of letters, digits, -, _, . and / without a leading or trailing slash',
        );
      }
    }
    v.range(
      'async.maxConcurrentInvocationsPerInstance',
      props.async?.maxConcurrentInvocationsPerInstance,
      1,
      1000,
    );
    if (props.scaleToZero) {
      const s = props.scaleToZero;
      if (s.memoryRequired)
        v.range(
          'scaleToZero.memoryRequired (MiB)',
          s.memoryRequired.toMebibytes({ rounding: SizeRoundingBehavior.FLOOR }),
          128,
          2_000_000,
        );
      v.range('scaleToZero.cpuCoresRequired', s.cpuCoresRequired, 1, 192, { integer: false });
      v.range('scaleToZero.acceleratorDevicesRequired', s.acceleratorDevicesRequired, 1, 16);
    }
    if (props.endpointName !== undefined && !Token.isUnresolved(props.endpointName)) {
      v.check(ENDPOINT_NAME.test(props.endpointName), 'endpointName', props.endpointName, ENDPOINT_NAME_RULE);
    }
    const usage = props.expectedUsage ?? {};
    v.range('expectedUsage.averageInstanceCount', usage.averageInstanceCount, 0, 10_000, { integer: false });
    v.range('expectedUsage.monthlyRequests', usage.monthlyRequests, 0, 1e13, { integer: false });
    v.range('expectedUsage.averageDurationMs', usage.averageDurationMs, 0, 3_600_000, { integer: false });
    const autoRollback = deployment.autoRollback !== false;
    validateDeployment(v, deployment, autoRollback ? 3 * (mode === 'scale-to-zero' ? 1 : variantCount) : 0);
    v.throwIfAny();

    // ---- resources
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts volumes, captured data and async output of the SageMaker endpoint ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy,
      });
    this.alarmTopic = props.alarmTopic ?? new PlatformAlarmTopic(this, 'AlarmTopic', { removalPolicy }).topic;

    const inVpc = mode !== 'serverless';
    const captureKey = capture?.bucket?.encryptionKey ?? this.encryptionKey;
    const newModel = (
      id: string,
      variantName: string,
      spec: { image: ModelImage; modelData?: ModelData; environment?: Record<string, string> },
    ) => {
      const model = new InferenceModel(this, id, {
        image: spec.image,
        modelData: spec.modelData,
        environment: spec.environment,
        vpc: inVpc ? props.vpc : undefined,
        vpcSubnets: inVpc ? props.vpcSubnets : undefined,
        securityGroups: inVpc ? props.securityGroups : undefined,
        networkIsolation: inVpc ? (props.networkIsolation ?? true) : false,
        encryptionKeys: inVpc ? [...new Set([this.encryptionKey, captureKey])] : [],
      });
      this.models[variantName] = model;
      return model;
    };

    const primaryModel = newModel('Model', primaryName, props);
    const variantModels = variants.map((x) => newModel(`Model-${x.variantName}`, x.variantName, x));
    const shadowName = shadow?.variantName ?? 'Shadow';
    const shadowModel = shadow ? newModel(`Model-${shadowName}`, shadowName, shadow) : undefined;
    const allModels = [primaryModel, ...variantModels, ...(shadowModel ? [shadowModel] : [])];

    const capturePrefix = capture?.prefix ?? `data-capture/${this.node.id}`;
    if (captureEnabled && capture?.bucket) {
      for (const m of allModels)
        m.allowWriteTo(capture.bucket, capturePrefix, 'captured request and response');
    }
    let asyncConfig: CfnEndpointConfig.AsyncInferenceConfigProperty | undefined;
    if (props.async) {
      const a = props.async;
      const outputPrefix = a.outputPrefix ?? 'async/output';
      const failurePrefix = a.failurePrefix ?? 'async/failures';
      const inputPrefix = a.inputPrefix ?? 'async/input';
      primaryModel.allowWriteTo(a.outputBucket, outputPrefix, 'async answer');
      primaryModel.allowWriteTo(a.outputBucket, failurePrefix, 'async failure report');
      primaryModel.allowReadFrom(a.inputBucket ?? a.outputBucket, inputPrefix, 'async request');
      for (const t of [a.successTopic, a.errorTopic]) if (t) primaryModel.allowPublishTo(t);
      asyncConfig = {
        outputConfig: {
          s3OutputPath: a.outputBucket.s3UrlForObject(outputPrefix),
          s3FailurePath: a.outputBucket.s3UrlForObject(failurePrefix),
          kmsKeyId: this.encryptionKey.keyArn,
          notificationConfig:
            a.successTopic || a.errorTopic
              ? { successTopic: a.successTopic?.topicArn, errorTopic: a.errorTopic?.topicArn }
              : undefined,
        },
        clientConfig: a.maxConcurrentInvocationsPerInstance
          ? { maxConcurrentInvocationsPerInstance: a.maxConcurrentInvocationsPerInstance }
          : undefined,
      };
    }

    const instanceTypes = [
      props.instanceType,
      ...variants.map((x) => x.instanceType),
      shadow?.instanceType,
    ].filter((t): t is InferenceInstanceType => t !== undefined);
    for (const t of new Set(instanceTypes.filter((t) => t.isAccelerated).map(String))) {
      Annotations.of(this).addWarningV2(
        'cdk-ml-platform:accelerated-quota',
        `${t} is accelerated: new accounts start with a SageMaker endpoint quota of 0 for it. Request "${t} for endpoint usage" in Service Quotas before deploying.`,
      );
    }
    if (mode === 'serverless') {
      Annotations.of(this).addWarningV2(
        'cdk-ml-platform:serverless-outside-vpc',
        'Serverless endpoints run outside your VPC without network isolation or data capture (SageMaker does not support them there); use async or scale-to-zero for VPC-only models.',
      );
    }

    const initialCount = (count: number | undefined, scaling: InferenceAutoScalingOptions | undefined) =>
      count ?? Math.max(1, scaling?.minCapacity ?? 1);
    const componentMode = mode === 'scale-to-zero';
    const productionVariants: CfnEndpointConfig.ProductionVariantProperty[] =
      mode === 'serverless'
        ? [
            {
              variantName: primaryName,
              modelName: primaryModel.modelName,
              serverlessConfig: {
                memorySizeInMb: props.serverless!.memorySize.toMebibytes(),
                maxConcurrency: props.serverless!.maxConcurrency,
                provisionedConcurrency: props.serverless!.provisionedConcurrency,
              },
            },
          ]
        : componentMode
          ? [
              {
                variantName: primaryName,
                instanceType: props.instanceType!.toString(),
                // Instances follow the component's copies; at least one is needed to place the first copy.
                initialInstanceCount: props.initialInstanceCount ?? 1,
                managedInstanceScaling: {
                  status: 'ENABLED',
                  minInstanceCount: 0,
                  maxInstanceCount: autoScaling!.maxCapacity,
                },
                routingConfig: { routingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
              },
            ]
          : [
              {
                variantName: primaryName,
                modelName: primaryModel.modelName,
                instanceType: props.instanceType!.toString(),
                initialInstanceCount: initialCount(props.initialInstanceCount, autoScaling),
                initialVariantWeight: props.variantWeight ?? 1,
              },
              ...variants.map((x, i) => ({
                variantName: x.variantName,
                modelName: variantModels[i].modelName,
                instanceType: x.instanceType.toString(),
                initialInstanceCount: initialCount(x.initialInstanceCount, x.autoScaling),
                initialVariantWeight: x.weight,
              })),
            ];

    // Instance types with local NVMe are encrypted in hardware and SageMaker refuses a KmsKeyId for them.
    const volumeKey = mode !== 'serverless' && !instanceTypes.some((t) => t.hasInstanceStorage);
    this.endpointConfig = new CfnEndpointConfig(this, 'Config', {
      productionVariants,
      shadowProductionVariants:
        shadow && shadowModel
          ? [
              {
                variantName: shadowName,
                modelName: shadowModel.modelName,
                instanceType: shadow.instanceType.toString(),
                initialInstanceCount: shadow.initialInstanceCount ?? 1,
                initialVariantWeight: ((props.variantWeight ?? 1) * (shadow.samplingPercentage ?? 100)) / 100,
              },
            ]
          : undefined,
      kmsKeyId: volumeKey ? this.encryptionKey.keyArn : undefined,
      dataCaptureConfig:
        capture?.bucket && (mode === 'real-time' || mode === 'async')
          ? {
              enableCapture: captureEnabled,
              initialSamplingPercentage: capture.samplingPercentage ?? 20,
              destinationS3Uri: capture.bucket.s3UrlForObject(capturePrefix),
              kmsKeyId: captureKey.keyArn,
              captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
            }
          : undefined,
      asyncInferenceConfig: asyncConfig,
      // Inference components take the role and network settings from the endpoint configuration.
      executionRoleArn: componentMode ? primaryModel.role.roleArn : undefined,
      enableNetworkIsolation: componentMode ? primaryModel.networkIsolation : undefined,
      vpcConfig: componentMode ? primaryModel.cfnModel.vpcConfig : undefined,
    });
    if (!volumeKey) {
      acknowledgeFindings(
        this.endpointConfig,
        [
          'NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured',
          'HIPAA.Security-SageMakerEndpointConfigurationKMSKeyConfigured',
          'MlPlatform-SageMakerEndpointConfigKms',
        ],
        mode === 'serverless'
          ? `${this.node.path} is serverless: SageMaker manages its storage and the API takes no KmsKeyId for serverless variants.`
          : `${this.node.path} uses ${instanceTypes.filter((t) => t.hasInstanceStorage).join(', ')} with local NVMe storage, encrypted by the instance hardware; SageMaker rejects a KmsKeyId for these types.`,
      );
    }
    if (mode === 'serverless') {
      acknowledgeFindings(
        primaryModel.cfnModel,
        ['MlPlatform-SageMakerModelNetworkIsolation', 'MlPlatform-SageMakerModelVpcConfig'],
        `${primaryModel.node.path} serves a serverless endpoint: SageMaker runs serverless containers outside customer VPCs and rejects VpcConfig and network isolation for them.`,
      );
    }
    for (const m of allModels) {
      const policy = m.role.node.tryFindChild('DefaultPolicy');
      if (policy) this.endpointConfig.node.addDependency(policy);
    }

    this.cfnEndpoint = new CfnEndpoint(this, 'Resource', {
      endpointConfigName: this.endpointConfig.attrEndpointConfigName,
      endpointName: props.endpointName,
    });
    this.endpointName = this.cfnEndpoint.attrEndpointName;
    this.endpointArn = this.cfnEndpoint.attrEndpointArn;
    this.variantNames = [primaryName, ...variants.map((x) => x.variantName)];

    if (componentMode) {
      const s = props.scaleToZero ?? {};
      const accelerators =
        s.acceleratorDevicesRequired ?? (props.instanceType!.isAccelerated ? 1 : undefined);
      const component = new CfnInferenceComponent(this, 'Component', {
        endpointName: this.endpointName,
        variantName: primaryName,
        specification: {
          modelName: primaryModel.modelName,
          computeResourceRequirements: {
            minMemoryRequiredInMb: (s.memoryRequired ?? Size.gibibytes(1)).toMebibytes({
              rounding: SizeRoundingBehavior.FLOOR,
            }),
            numberOfCpuCoresRequired: s.cpuCoresRequired,
            numberOfAcceleratorDevicesRequired: accelerators,
          },
        },
        runtimeConfig: { copyCount: Math.max(1, autoScaling!.minCapacity ?? 0) },
      });
      this.inferenceComponent = component;
      this.inferenceComponentName = Fn.select(1, Fn.split('/', component.attrInferenceComponentArn));
      this.invokeResources.push(component.attrInferenceComponentArn);
    }

    // ---- rollback alarms and rollout
    const alarms = autoRollback
      ? new RollbackAlarms(
          this,
          'RollbackAlarms',
          componentMode
            ? { kind: 'inference-component', inferenceComponentName: this.inferenceComponentName! }
            : { kind: 'variants', endpointName: this.endpointName, variantNames: this.variantNames },
          deployment.alarmThresholds ?? {},
          this.alarmTopic,
        )
      : undefined;
    this.rollbackAlarms = alarms?.alarms ?? [];
    const alarmNames = alarms?.alarmNames ?? [];
    if (componentMode) {
      this.inferenceComponent!.deploymentConfig = renderComponentDeployment(deployment, alarmNames);
    } else {
      this.cfnEndpoint.deploymentConfig = renderEndpointDeployment(deployment, alarmNames);
    }

    // ---- autoscaling
    if (componentMode) {
      this.autoScaling[primaryName] = new InferenceAutoScaling(
        this,
        'AutoScaling',
        {
          mode,
          resourceId: `inference-component/${this.inferenceComponentName}`,
          inferenceComponentName: this.inferenceComponentName,
        },
        autoScaling!,
      );
    } else if (mode !== 'serverless') {
      const scaled: Array<[string, InferenceAutoScalingOptions | undefined]> = [
        [primaryName, autoScaling],
        ...variants.map((x): [string, InferenceAutoScalingOptions | undefined] => [
          x.variantName,
          x.autoScaling,
        ]),
      ];
      for (const [variantName, options] of scaled) {
        if (!options) continue;
        this.autoScaling[variantName] = new InferenceAutoScaling(
          this,
          variantName === primaryName ? 'AutoScaling' : `AutoScaling-${variantName}`,
          {
            mode: mode as 'real-time' | 'async',
            resourceId: `endpoint/${this.endpointName}/variant/${variantName}`,
            endpointName: this.endpointName,
          },
          options,
        );
      }
    }

    // ---- usage assumptions for the cost estimator
    if (props.expectedUsage) {
      const metadata: UsageAssumptions = {
        source: 'InferenceEndpoint.expectedUsage',
        averageInstanceCount: usage.averageInstanceCount,
        monthlyRequests: usage.monthlyRequests,
        averageDurationMs: usage.averageDurationMs,
      };
      const clean = Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined));
      this.endpointConfig.addMetadata(USAGE_METADATA_KEY, clean);
      this.inferenceComponent?.addMetadata(USAGE_METADATA_KEY, clean);
    }
  }
}

function checkInstances(
  v: PropValidator,
  prefix: string,
  type: InferenceInstanceType | undefined,
  initial: number | undefined,
  scaling: InferenceAutoScalingOptions | undefined,
  mode: InferenceMode,
): void {
  v.range(`${prefix}initialInstanceCount`, initial, 1, 100);
  if (!type) return;
  v.check(
    !(scaling && type.isBurstable),
    `${prefix}instanceType`,
    type.toString(),
    'a non-burstable type when autoscaling (burstable ml.t* instances run out of CPU credits under load)',
  );
  if (scaling && initial !== undefined && mode !== 'scale-to-zero') {
    const min = scaling.minCapacity ?? (mode === 'real-time' ? 1 : 0);
    v.check(
      initial >= min && initial <= scaling.maxCapacity,
      `${prefix}initialInstanceCount`,
      initial,
      `within autoScaling min..max (${min}..${scaling.maxCapacity})`,
    );
  }
}

const MODES = ['real-time', 'async', 'serverless', 'scale-to-zero'] as const;
const DEFAULT_VARIANT = 'AllTraffic';
const INSTANCE_NAMESPACE = '/aws/sagemaker/Endpoints';
const VARIANT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const ENDPOINT_NAME_RULE =
  'letters, digits and hyphens, 1–63 characters, starting and ending with a letter or digit';
const PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;
