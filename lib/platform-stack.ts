import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { MlNetwork } from '../constructs/network/ml-network';
import { MlDataStore } from '../constructs/storage/ml-data-store';
import { ModelImageRepository } from '../constructs/storage/model-image-repository';
import { PlatformAlarmTopic } from '../constructs/monitoring/alarm-topic';
import { MlPlatformValidationError } from './errors';
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

    // --- inference ---

    // --- monitoring ---
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
