import { CfnOutput, RemovalPolicy, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  InferenceEndpoint,
  InferenceInstanceType,
  type ModelData,
  ModelImage,
} from '../constructs/inference';
import { MlNetwork } from '../constructs/network/ml-network';
import { MlDataStore } from '../constructs/storage/ml-data-store';
import { ModelImageRepository } from '../constructs/storage/model-image-repository';
import { GpuTrainingCluster } from '../constructs/training/gpu-training-cluster';
import type { TrainingReservation } from '../constructs/training/training-reservation';
import { PlatformAlarmTopic } from '../constructs/monitoring/alarm-topic';
import { PlatformMonitoring } from '../constructs/monitoring/platform-monitoring';
import { applyCostAllocationTags, tagComponent } from '../constructs/monitoring/tagging';
import { MlPlatformValidationError } from '../constructs/core/errors';
import { PlatformDataPlane } from './data-plane';
import { PlatformMlopsLoop } from './mlops-loop';
import { COST_ANOMALY_DETECTION_REGION } from '../constructs/monitoring/cost-guardrails';
import { CostAnomalyStack } from './cost-anomaly-stack';
import { PRESETS, type PlatformPreset } from './presets';
import { ReferenceModel } from './reference-model';

export interface MlPlatformStackProps extends StackProps {
  /** `dev`, `prod`, or a preset of your own. */
  readonly preset: 'dev' | 'prod' | PlatformPreset;
  /**
   * Name of the platform, used in the `cdk-ml-platform:platform` cost-allocation tag and budgets.
   * @default 'ml-platform'
   */
  readonly platformName?: string;
  /**
   * E-mail addresses that receive alarms, budget and anomaly notifications.
   * @default - none (subscribe to the alarm topic later)
   */
  readonly alarmEmails?: string[];
  /**
   * Team that owns the platform, as the `team` cost-allocation tag.
   * @default - no team tag
   */
  readonly team?: string;
  /**
   * Cost center, as the `cost-center` cost-allocation tag.
   * @default - no cost-center tag
   */
  readonly costCenter?: string;
  /**
   * Monthly budget in USD.
   * @default - the preset's monthlyBudgetUsd
   */
  readonly monthlyBudgetUsd?: number;
  /**
   * The model the endpoint serves (every variant). Set it once your image and `model.tar.gz` exist:
   * a model must never point at a repository or bucket this stack creates empty.
   * @default - the bundled reference model (a small linear scorer on the PyTorch Deep Learning Container)
   */
  readonly model?: PlatformModel;
  /**
   * Reserved GPU capacity for the training cluster (capacity reservations and Capacity Blocks you
   * bought); Capacity Blocks notify the alarm topic a day and an hour before they end.
   * @default - none
   */
  readonly reservedCapacity?: TrainingReservation[];
}

/** Your own model for the reference platform's endpoint: an ECR image and an S3 artifact that already exist. */
export interface PlatformModel {
  /** ECR image URI, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4.0` or a Deep Learning Container. */
  readonly imageUri: string;
  /** `s3://<bucket>/<key>` of the `model.tar.gz`, e.g. in the platform's model-artifacts bucket. */
  readonly modelDataUrl: string;
  /**
   * Container environment variables.
   * @default - none
   */
  readonly environment?: Record<string, string>;
}

/**
 * The reference ML platform: a private network, encrypted storage, GPU training on spot,
 * SageMaker inference and monitoring, composed from this package's constructs with one preset
 * per environment. Every construct here is also usable alone in your own stacks.
 */
export class MlPlatformStack extends Stack {
  public readonly preset: PlatformPreset;
  public readonly platformName: string;
  /**
   * The platform's data key: buckets, images, logs, queues, endpoint volumes. Training root volumes
   * have their own key (`training.encryptionKey`): EC2's service-linked roles need a key-policy
   * statement for any principal of the account through EC2, which the data key must not carry.
   */
  public readonly encryptionKey: kms.Key;
  public readonly network: MlNetwork;
  public readonly dataStore: MlDataStore;
  public readonly images: ModelImageRepository;
  public readonly alarmTopic: PlatformAlarmTopic;
  /** dev: an async endpoint that scales to zero; prod: a real-time GPU endpoint with canary rollouts and an A/B variant. */
  public readonly inference: InferenceEndpoint;
  /** Spot GPU training on AWS Batch: spot only in dev; prod adds on-demand fallback and EFA multi-node. */
  public readonly training: GpuTrainingCluster;
  public readonly monitoring: PlatformMonitoring;
  /** Streaming ingestion, Spark preprocessing and the feature store, when the preset has a data plane. */
  public readonly dataPlane?: PlatformDataPlane;
  /** Model registry, retraining, approval-driven rollout and model monitoring, when the preset has them. */
  public readonly mlops?: PlatformMlopsLoop;
  /**
   * The us-east-1 stack holding the Cost Explorer anomaly monitor when this platform is in another
   * region (Cost Explorer resources exist only in us-east-1); this stack depends on it, so
   * `cdk deploy <this stack>` deploys it first.
   */
  public readonly costAnomalyStack?: CostAnomalyStack;

  constructor(scope: Construct, id: string, props: MlPlatformStackProps) {
    super(scope, id, props);
    this.preset = resolvePreset(this, props.preset);
    this.platformName = props.platformName ?? 'ml-platform';
    const preset = this.preset;
    const removalPolicy = preset.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.encryptionKey = new kms.Key(this, 'PlatformKey', {
      description: `Data key of the ${this.platformName} ${preset.name} ML platform`,
      enableKeyRotation: true,
      removalPolicy,
    });

    // --- network ---
    this.network = new MlNetwork(this, 'Network', {
      maxAzs: preset.maxAzs,
      natGateways: preset.natGateways,
      encryptionKey: this.encryptionKey,
      flowLogRetention: preset.logRetention,
      removalPolicy,
    });

    // --- storage ---
    this.dataStore = new MlDataStore(this, 'DataStore', {
      encryptionKey: this.encryptionKey,
      modelArtifactsRetention: preset.modelArtifactsRetention,
      removalPolicy,
    });
    this.images = new ModelImageRepository(this, 'ModelImages', {
      encryptionKey: this.encryptionKey,
      removalPolicy,
    });

    // --- alarms ---
    this.alarmTopic = new PlatformAlarmTopic(this, 'AlarmTopic', {
      emails: props.alarmEmails,
      removalPolicy,
    });

    // --- training ---
    const training = preset.training;
    this.training = new GpuTrainingCluster(this, 'Training', {
      vpc: this.network.vpc,
      vpcSubnets: this.network.privateSubnets,
      clusterName: `${this.platformName}-${preset.name}-training`,
      // No encryptionKey: the cluster's own key takes the EBS-through-EC2 statements (see encryptionKey).
      checkpointBucket: this.dataStore.checkpoints.bucket,
      datasetsBucket: this.dataStore.datasets.bucket,
      maxGpus: training.maxSpotGpus,
      ...(training.onDemandFallbackGpus && { onDemandFallback: { maxGpus: training.onDemandFallbackGpus } }),
      ...(training.efaGpus && { efa: { maxGpus: training.efaGpus } }),
      ...(props.reservedCapacity?.length && {
        reservedCapacity: props.reservedCapacity,
        // Monitoring notifies capacity cancellations; the cluster only announces block expiries.
        reservationNoticeTopic: this.alarmTopic.topic,
      }),
      expectedUsage: { monthlyGpuHours: training.monthlyGpuHours },
      logRetention: preset.logRetention,
      removalPolicy,
    });
    if (training.efaGpus) {
      // Push the distributed-training image under this tag; the job definition is the EFA reference.
      this.training.addMultiNodeJob('DistributedTraining', {
        image: ecs.ContainerImage.fromEcrRepository(this.images.repository, 'distributed-training'),
        nodes: 2,
        efa: true,
      });
    }

    // --- inference ---
    // Serves a model that exists before this stack does: the bundled reference model (an asset in the
    // bootstrap bucket, on an AWS Deep Learning Container), or the user's own image and artifact.
    const gpu = preset.inference === 'realtime-gpu';
    const served = servedModels(this, props.model, gpu);
    const inferenceCommon = {
      vpc: this.network.vpc,
      vpcSubnets: this.network.isolatedSubnets,
      encryptionKey: this.encryptionKey,
      ...served.primary,
      dataCapture: { bucket: this.dataStore.dataCapture.bucket, prefix: 'endpoints/reference' },
      alarmTopic: this.alarmTopic.topic,
      removalPolicy,
    };
    this.inference =
      preset.inference === 'realtime-gpu'
        ? new InferenceEndpoint(this, 'Inference', {
            ...inferenceCommon,
            instanceType: InferenceInstanceType.ML_G5_XLARGE,
            autoScaling: {
              minCapacity: 2,
              maxCapacity: 6,
              schedules: [
                {
                  id: 'BusinessHours',
                  schedule: appscaling.Schedule.cron({ weekDay: 'MON-FRI', hour: '7', minute: '0' }),
                  minCapacity: 3,
                },
                {
                  id: 'AfterHours',
                  schedule: appscaling.Schedule.cron({ weekDay: 'MON-FRI', hour: '19', minute: '0' }),
                  minCapacity: 2,
                },
              ],
            },
            // 3 instances for the 60 weekday business hours, 2 for the other 108 hours of a week.
            expectedUsage: { averageInstanceCount: 2.36 },
            variantWeight: 0.9,
            variants: [
              {
                variantName: 'challenger',
                weight: 0.1,
                ...served.challenger,
                instanceType: InferenceInstanceType.ML_G5_XLARGE,
                // Two instances, so a canary rollout's first step (at least one instance) stays within
                // SageMaker's limit of 50% of the variant's instances, and an AZ outage leaves one.
                initialInstanceCount: 2,
              },
            ],
          })
        : new InferenceEndpoint(this, 'Inference', {
            ...inferenceCommon,
            mode: 'async',
            instanceType: InferenceInstanceType.ML_M5_XLARGE,
            async: {
              outputBucket: this.dataStore.modelArtifacts.bucket,
              outputPrefix: 'async/reference/output',
              failurePrefix: 'async/reference/failures',
              inputPrefix: 'async/reference/input',
            },
            autoScaling: { minCapacity: 0, maxCapacity: 2 },
            expectedUsage: { averageInstanceCount: 0.25 },
          });

    // --- monitoring ---
    // One platform tag value per deployed environment, so each budget counts its own stack only.
    const deployment = `${this.platformName}-${preset.name}`;
    this.monitoring = new PlatformMonitoring(this, 'Monitoring', {
      platformName: deployment,
      alarmTopic: this.alarmTopic.topic,
      alarmEmails: props.alarmEmails,
      monthlyBudgetUsd: props.monthlyBudgetUsd ?? preset.monthlyBudgetUsd,
      vpc: this.network.vpc,
      vpcSubnets: this.network.privateSubnets,
      encryptionKey: this.encryptionKey,
      logRetention: preset.logRetention,
      removalPolicy,
      // Readable names in notifications and the console; unique per stack, and the reference never
      // renames its stacks.
      alarmNamePrefix: this.stackName,
      dashboardName: `${this.stackName}-ml-platform`,
    });
    if (!Token.isUnresolved(this.region) && this.region !== COST_ANOMALY_DETECTION_REGION) {
      this.costAnomalyStack = new CostAnomalyStack(this.node.scope as Construct, `${id}-CostAnomalies`, {
        platformName: deployment,
        environmentName: preset.name,
        account: props.env?.account,
        alarmEmails: props.alarmEmails,
        removalPolicy,
        description: `Cost Explorer anomaly monitor of ${this.stackName} (Cost Explorer resources exist only in ${COST_ANOMALY_DETECTION_REGION})`,
      });
      this.addDependency(this.costAnomalyStack, 'its Cost Explorer anomaly monitor lives in us-east-1');
    }
    this.monitoring.monitorTrainingCluster(this.training);
    this.monitoring.monitorEndpoint(this.inference);
    // --- data plane ---
    if (preset.dataPlane) {
      this.dataPlane = new PlatformDataPlane(this, 'DataPlane', {
        deploymentName: deployment,
        preset: preset.dataPlane,
        dataStore: this.dataStore,
        vpc: this.network.vpc,
        vpcSubnets: this.network.privateSubnets,
        encryptionKey: this.encryptionKey,
        logRetention: preset.logRetention,
        removalPolicy,
      });
      this.monitoring.monitorAlarms('Data plane', this.dataPlane.alarms);
      tagComponent(this.dataPlane, 'data');
    }
    // --- MLOps loop ---
    if (preset.mlops) {
      this.mlops = new PlatformMlopsLoop(this, 'Mlops', {
        deploymentName: deployment,
        preset: preset.mlops,
        endpoint: this.inference,
        training: this.training,
        dataStore: this.dataStore,
        images: this.images,
        topic: this.alarmTopic.topic,
        encryptionKey: this.encryptionKey,
        vpc: this.network.vpc,
        vpcSubnets: this.network.privateSubnets,
        serving: { imageUri: served.primary.image.imageUri, environment: served.primary.environment },
        logRetention: preset.logRetention,
        removalPolicy,
      });
      this.monitoring.monitorAlarms('MLOps loop', this.mlops.alarms);
      tagComponent(this.mlops, 'mlops');
    }
    // What the second deploy step (serving your own model) needs: where to push the image and upload
    // model.tar.gz, and what to invoke.
    new CfnOutput(this, 'ModelArtifactsBucketName', {
      description: 'Upload model.tar.gz here, then set model.modelDataUrl in cdk.json (docs/deploy.md)',
      value: this.dataStore.modelArtifacts.bucket.bucketName,
    });
    new CfnOutput(this, 'ModelImageRepositoryUri', {
      description: 'Push your serving image here, then set model.imageUri in cdk.json (docs/deploy.md)',
      value: this.images.repository.repositoryUri,
    });
    new CfnOutput(this, 'EndpointName', {
      description: `The ${this.inference.mode} SageMaker endpoint`,
      value: this.inference.endpointName,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Every alarm, failed job, budget and anomaly notification',
      value: this.alarmTopic.topic.topicArn,
    });
    applyCostAllocationTags(this, {
      platform: deployment,
      environment: preset.name,
      team: props.team,
      costCenter: props.costCenter,
    });
    tagComponent(this.encryptionKey, 'shared');
    tagComponent(this.network, 'network');
    tagComponent(this.dataStore, 'storage');
    tagComponent(this.images, 'storage');
    tagComponent(this.alarmTopic, 'monitoring');
    tagComponent(this.training, 'training');
    tagComponent(this.inference, 'inference');
  }
}

interface ServedModel {
  readonly image: ModelImage;
  readonly modelData: ModelData;
  readonly environment?: Record<string, string>;
}

/** The primary and challenger models: the reference model (1.0.0 and 1.1.0) or the user's model for both. */
function servedModels(
  scope: Construct,
  model: PlatformModel | undefined,
  gpu: boolean,
): { primary: ServedModel; challenger: ServedModel } {
  if (!model) {
    const reference = (id: string, version: string, weights: number[], bias: number): ServedModel => {
      const m = new ReferenceModel(scope, id, { version, weights, bias, gpu });
      return { image: m.image, modelData: m.modelData, environment: { ...m.environment } };
    };
    return {
      primary: reference('ReferenceModel', '1.0.0', [0.8, -0.4, 0.3, 0.1], -0.2),
      challenger: reference('ReferenceModelChallenger', '1.1.0', [0.9, -0.35, 0.25, 0.15], -0.25),
    };
  }
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(model.modelDataUrl);
  if (!match) {
    throw new MlPlatformValidationError('MlPlatformStack', scope.node.path, [
      {
        prop: 'model.modelDataUrl',
        value: model.modelDataUrl,
        allowed: 's3://<bucket>/<key> of a model.tar.gz',
      },
    ]);
  }
  const bucket = s3.Bucket.fromBucketName(scope, 'ModelBucket', match[1]);
  const served: ServedModel = {
    image: ModelImage.fromImageUri(model.imageUri),
    modelData: { bucket, key: match[2] },
    environment: model.environment,
  };
  return { primary: served, challenger: served };
}

function resolvePreset(scope: Construct, preset: MlPlatformStackProps['preset']): PlatformPreset {
  if (typeof preset !== 'string') return preset;
  const found = PRESETS[preset];
  if (!found) {
    throw new MlPlatformValidationError('MlPlatformStack', scope.node.path || 'MlPlatformStack', [
      {
        prop: 'preset',
        value: preset,
        allowed: `one of ${Object.keys(PRESETS).join(', ')} or a PlatformPreset object`,
      },
    ]);
  }
  return found;
}
