import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { InferenceEndpoint, InferenceInstanceType, ModelImage } from '../constructs/inference';
import { MlNetwork } from '../constructs/network/ml-network';
import { MlDataStore } from '../constructs/storage/ml-data-store';
import { ModelImageRepository } from '../constructs/storage/model-image-repository';
import { GpuTrainingCluster } from '../constructs/training/gpu-training-cluster';
import { PlatformAlarmTopic } from '../constructs/monitoring/alarm-topic';
import { PlatformMonitoring } from '../constructs/monitoring/platform-monitoring';
import { applyCostAllocationTags, tagComponent } from '../constructs/monitoring/tagging';
import { MlPlatformValidationError } from '../constructs/core/errors';
import { PlatformDataPlane } from './data-plane';
import { PRESETS, type PlatformPreset } from './presets';

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
}

/**
 * The reference ML platform: a private network, encrypted storage, GPU training on spot,
 * SageMaker inference and monitoring, composed from this package's constructs with one preset
 * per environment. Every construct here is also usable alone in your own stacks.
 */
export class MlPlatformStack extends Stack {
  public readonly preset: PlatformPreset;
  public readonly platformName: string;
  /** The platform's data key: buckets, images, logs, volumes. */
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
      encryptionKey: this.encryptionKey,
      checkpointBucket: this.dataStore.checkpoints.bucket,
      datasetsBucket: this.dataStore.datasets.bucket,
      maxGpus: training.maxSpotGpus,
      ...(training.onDemandFallbackGpus && { onDemandFallback: { maxGpus: training.onDemandFallbackGpus } }),
      ...(training.efaGpus && { efa: { maxGpus: training.efaGpus } }),
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
    const inferenceCommon = {
      vpc: this.network.vpc,
      vpcSubnets: this.network.isolatedSubnets,
      encryptionKey: this.encryptionKey,
      image: ModelImage.fromEcrRepository(this.images.repository, 'serving-1.0.0'),
      modelData: { bucket: this.dataStore.modelArtifacts.bucket, key: 'models/reference/1.0.0/model.tar.gz' },
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
                image: inferenceCommon.image,
                modelData: {
                  bucket: this.dataStore.modelArtifacts.bucket,
                  key: 'models/reference/1.1.0/model.tar.gz',
                },
                instanceType: InferenceInstanceType.ML_G5_XLARGE,
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
      alarmTopic: this.alarmTopic,
      alarmEmails: props.alarmEmails,
      monthlyBudgetUsd: props.monthlyBudgetUsd ?? preset.monthlyBudgetUsd,
      vpc: this.network.vpc,
      vpcSubnets: this.network.privateSubnets,
      encryptionKey: this.encryptionKey,
      logRetention: preset.logRetention,
      removalPolicy,
    });
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
