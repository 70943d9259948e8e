/**
 * The props and option types of `InferenceEndpoint` (re-exported by inference-endpoint.ts).
 */
import type { RemovalPolicy, Size } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { InferenceAutoScalingOptions } from './autoscaling';
import type { InferenceDeploymentOptions } from './deployment';
import type { InferenceInstanceType } from './instance-type';
import type { ModelData } from './model';
import type { ModelImage } from './model-image';

/** How the endpoint serves requests. */
export type InferenceMode = 'real-time' | 'async' | 'serverless' | 'scale-to-zero';

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
  /**
   * Security groups of the endpoint's models, so `connections` can open paths to resources they call.
   * @default - none
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
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
   * Where captured data goes (e.g. `MlDataStore.dataCapture.bucket`). Its own KMS key, if any,
   * encrypts the captured data; the models get write access to the prefix only.
   * @default - while capture is on, a new `EncryptedBucket` (child `CaptureBucket`) encrypted with the
   * endpoint's key, TLS-only, versioned, with server access logs, captured data expiring after 90 days
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
   * @default - real-time and async endpoints capture 20% of requests and responses into a bucket the
   * endpoint creates (see `InferenceDataCaptureOptions.bucket`); serverless and scale-to-zero capture nothing
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
   * Topic the rollback alarms notify (ALARM and OK). `PlatformMonitoring.monitorEndpoint()` also
   * wires them to the monitoring topic, whenever it is called.
   * @default - a new KMS-encrypted topic, child `AlarmTopic`, with no subscriber: synth warns unless the
   * endpoint is monitored with `PlatformMonitoring.monitorEndpoint()` or you subscribe to `alarmTopic`
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
