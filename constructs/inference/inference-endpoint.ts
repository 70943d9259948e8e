import { Annotations, type IResource, ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CfnEndpoint, CfnEndpointConfig, type CfnInferenceComponent } from 'aws-cdk-lib/aws-sagemaker';
import type { Construct } from 'constructs';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../cost/usage-metadata';
import { notifyTopic } from '../core/alarm-actions';
import { EncryptedBucket } from '../storage/encrypted-bucket';
import type { InferenceAutoScaling } from './autoscaling';
import { RollbackAlarms, renderComponentDeployment, renderEndpointDeployment } from './deployment';
import { InferenceEndpointBase } from './inference-endpoint-base';
import type {
  InferenceEndpointAttributes,
  InferenceEndpointProps,
  InferenceMetricOptions,
  InferenceMode,
} from './inference-endpoint-props';
import type { InferenceInstanceType } from './instance-type';
import type { InferenceModel } from './model';
import { addEndpointAutoScaling } from './private/endpoint-autoscaling';
import { createEndpointConfig } from './private/endpoint-config';
import { createEndpointModels } from './private/endpoint-models';
import { allowDescribeRollbackAlarms } from './private/rollback-access';
import { createInferenceComponent } from './private/inference-component';
import { validateEndpointAttributes, validateEndpointProps } from './private/validate';
import { variantInstanceFloors } from './private/variants';

// The props live in inference-endpoint-props.ts; re-exported here in their former order, which
// is the order of the API reference.
export type { InferenceMode } from './inference-endpoint-props';

/** A SageMaker endpoint this app created or imported: grants, metrics, its models' network paths and rollback alarms. */
export interface IInferenceEndpoint extends IResource, ec2.IConnectable {
  /** The endpoint name. */
  readonly endpointName: string;
  /** The endpoint ARN. */
  readonly endpointArn: string;
  /** Production variant names; the first is the default for per-variant metrics. */
  readonly variantNames: readonly string[];
  /** How the endpoint serves requests; serverless endpoints have no instance metrics. */
  readonly mode: InferenceMode;
  /** Alarms that roll back a guarded update (empty for imported endpoints and with autoRollback off). */
  readonly rollbackAlarms: readonly cloudwatch.IAlarm[];
  /** Sends the rollback alarms' ALARM and OK transitions to a topic too (`PlatformMonitoring.monitorEndpoint()` calls it). */
  notifyRollbackAlarms(topic: sns.ITopic): void;
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

export type {
  InferenceMetricOptions,
  InferenceEndpointAttributes,
  InferenceVariantOptions,
  ShadowVariantOptions,
  InferenceDataCaptureOptions,
  AsyncInferenceOptions,
  ServerlessInferenceOptions,
  ScaleToZeroOptions,
  InferenceExpectedUsage,
  InferenceEndpointProps,
} from './inference-endpoint-props';

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
    validateEndpointAttributes(`${scope.node.path}/${id}`, attrs);
    class Import extends InferenceEndpointBase {
      public readonly endpointName = attrs.endpointName;
      public readonly variantNames = attrs.variantNames ?? [DEFAULT_VARIANT];
      public readonly mode = attrs.mode ?? 'real-time';
      public readonly connections = new ec2.Connections({ securityGroups: attrs.securityGroups });
      public readonly rollbackAlarms: readonly cloudwatch.IAlarm[] = [];
      public notifyRollbackAlarms(): void {}
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
  public readonly variantNames: readonly string[];
  public readonly mode: InferenceMode;
  /** The security groups of every model (empty for serverless endpoints, which run outside the VPC). */
  public readonly connections: ec2.Connections;
  /** Alarms that roll an update back (empty when autoRollback is off). */
  public readonly rollbackAlarms: readonly cloudwatch.Alarm[];
  /** The key of volumes, capture and async output. */
  public readonly encryptionKey: kms.IKey;
  /** The model of each production variant, by variant name, and of the shadow variant. */
  public readonly models: Readonly<Record<string, InferenceModel>>;
  /** Autoscaling, by variant name (or the inference component's variant for scale-to-zero). */
  public readonly autoScaling: Readonly<Record<string, InferenceAutoScaling>>;
  /** The L1 endpoint configuration. */
  public readonly endpointConfig: CfnEndpointConfig;
  /** The L1 endpoint. */
  public readonly cfnEndpoint: CfnEndpoint;
  /** The inference component of a scale-to-zero endpoint. */
  public readonly inferenceComponent?: CfnInferenceComponent;
  /** The inference component's name (scale-to-zero only). */
  public readonly inferenceComponentName?: string;
  /**
   * Where captured requests and responses go: `dataCapture.bucket`, or the bucket created here when
   * capture is on without one; undefined while capture is off.
   */
  public readonly dataCaptureBucket?: s3.IBucket;
  /** The topic the rollback alarms notify: `alarmTopic` or one created here. */
  public readonly alarmTopic: sns.ITopic;
  private readonly notifiedTopics = new Set<sns.ITopic>();

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
    const autoRollback = deployment.autoRollback !== false;

    // ---- validation: everything first, one error listing all problems
    validateEndpointProps(this, props, {
      mode,
      primaryName,
      variants,
      shadow,
      captureEnabled,
      autoScaling,
      deployment,
      autoRollback,
    });

    // ---- resources
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts volumes, captured data and async output of the SageMaker endpoint ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy,
      });
    this.alarmTopic = props.alarmTopic ?? this.newAlarmTopic(removalPolicy);

    const capture = props.dataCapture;
    // Capture on without a bucket: the endpoint keeps the data itself, under its own key.
    this.dataCaptureBucket =
      capture?.bucket ??
      (captureEnabled
        ? new EncryptedBucket(this, 'CaptureBucket', {
            encryptionKey: this.encryptionKey,
            expiration: Duration.days(CAPTURE_EXPIRATION_DAYS),
            removalPolicy,
          }).bucket
        : undefined);
    const captureKey = this.dataCaptureBucket?.encryptionKey ?? this.encryptionKey;
    const models = createEndpointModels(this, props, {
      mode,
      primaryName,
      variants,
      shadow,
      encryptionKeys: [this.encryptionKey, captureKey],
    });
    this.models = models.byVariant;
    const primaryModel = models.primary;
    const allModels = models.all;

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

    this.endpointConfig = createEndpointConfig(this, {
      props,
      mode,
      primaryName,
      primaryModel,
      autoScaling,
      variants,
      variantModels: models.variants,
      shadowName: models.shadowName,
      shadowModel: models.shadow,
      allModels,
      instanceTypes,
      encryptionKey: this.encryptionKey,
      dataCapture: {
        capture,
        mode,
        enabled: captureEnabled,
        bucket: this.dataCaptureBucket,
        prefix: capture?.prefix ?? `data-capture/${this.node.id}`,
        key: captureKey,
      },
    });

    const componentMode = mode === 'scale-to-zero';
    // Without retention every configuration update resets autoscaled variants to their initial
    // instance count. "To retain the variant properties of an endpoint when updating it, set
    // RetainAllVariantProperties to true"; DesiredWeight is excluded so weights in the new
    // configuration still apply ("the VariantProperty objects listed in ExcludeRetainedVariantProperties
    // override the existing variant properties", SageMaker API reference, VariantProperty).
    const autoscaled =
      !componentMode &&
      mode !== 'serverless' &&
      (autoScaling !== undefined || variants.some((x) => x.autoScaling));
    this.cfnEndpoint = new CfnEndpoint(this, 'Resource', {
      endpointConfigName: this.endpointConfig.attrEndpointConfigName,
      endpointName: props.endpointName,
      retainAllVariantProperties: autoscaled ? true : undefined,
      excludeRetainedVariantProperties: autoscaled ? [{ variantPropertyType: 'DesiredWeight' }] : undefined,
    });
    this.endpointName = this.cfnEndpoint.attrEndpointName;
    this.endpointArn = this.cfnEndpoint.attrEndpointArn;
    this.variantNames = [primaryName, ...variants.map((x) => x.variantName)];

    if (componentMode) {
      const { component, name } = createInferenceComponent(this, props, {
        endpointName: this.endpointName,
        variantName: primaryName,
        model: primaryModel,
        autoScaling: autoScaling!,
      });
      this.inferenceComponent = component;
      this.inferenceComponentName = name;
      this.invokeResources.push(component.attrInferenceComponentArn);
    }

    // ---- rollback alarms and rollout
    const alarms = autoRollback
      ? new RollbackAlarms(this, 'RollbackAlarms', {
          target: componentMode
            ? { kind: 'inference-component', inferenceComponentName: this.inferenceComponentName! }
            : {
                kind: 'variants',
                endpointName: this.endpointName,
                variantNames: this.variantNames,
                async: mode === 'async',
              },
          thresholds: deployment.alarmThresholds,
          topic: this.alarmTopic,
        })
      : undefined;
    this.rollbackAlarms = alarms?.alarms ?? [];
    this.notifiedTopics.add(this.alarmTopic);
    this.connections = new ec2.Connections({
      securityGroups: [...new Set(allModels.flatMap((m) => m.securityGroups))],
    });
    if (!props.alarmTopic && this.rollbackAlarms.length > 0) {
      // Checked at synth, so monitorEndpoint() may come later in the app.
      this.node.addValidation({
        validate: () => {
          if (this.notifiedTopics.size === 1) {
            Annotations.of(this).addWarningV2(
              'cdk-ml-platform:unsubscribed-alarm-topic',
              `The rollback alarms of ${this.node.path} notify only the topic created here, which has no subscriber: pass alarmTopic, call PlatformMonitoring.monitorEndpoint() on this endpoint, or subscribe to endpoint.alarmTopic.`,
            );
          }
          return [];
        },
      });
    }
    const alarmNames = alarms?.alarmNames ?? [];
    if (componentMode) {
      this.inferenceComponent!.deploymentConfig = renderComponentDeployment(deployment, alarmNames);
    } else {
      this.cfnEndpoint.deploymentConfig = renderEndpointDeployment(
        deployment,
        alarmNames,
        variantInstanceFloors(props, mode, primaryName, autoScaling),
      );
    }
    if (autoRollback) {
      allowDescribeRollbackAlarms(this, allModels, alarmNames, deployment.extraRollbackAlarms ?? []);
    }

    // ---- autoscaling
    this.autoScaling = addEndpointAutoScaling(this, {
      mode,
      endpointName: this.endpointName,
      primaryName,
      autoScaling,
      variants,
      inferenceComponentName: this.inferenceComponentName,
    });

    // ---- usage assumptions for the cost estimator
    const usage = props.expectedUsage;
    if (usage) {
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

  /** Sends the rollback alarms' ALARM and OK transitions to a topic too; a topic is added once. */
  public notifyRollbackAlarms(topic: sns.ITopic): void {
    if (this.notifiedTopics.has(topic)) return;
    this.notifiedTopics.add(topic);
    for (const alarm of this.rollbackAlarms) notifyTopic(alarm, topic);
  }

  /** An encrypted, TLS-only topic for the rollback alarms when the user gives none. */
  private newAlarmTopic(removalPolicy: RemovalPolicy): sns.ITopic {
    const topic = new sns.Topic(this, 'AlarmTopic', {
      masterKey: this.encryptionKey,
      enforceSSL: true,
      displayName: `Rollback alarms of ${this.node.path}`,
    });
    topic.applyRemovalPolicy(removalPolicy);
    return topic;
  }
}

const DEFAULT_VARIANT = 'AllTraffic';
/** Days captured data is kept in a capture bucket the endpoint creates, as in `MlDataStore`'s. */
const CAPTURE_EXPIRATION_DAYS = 90;
