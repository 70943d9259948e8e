import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PropValidator } from '../core/errors';
import { DEFAULT_LAKE_LAYOUT, type LakeLayout } from '../core/lake-layout';
import { AccessLogsBucket, EncryptedBucket } from './encrypted-bucket';

export interface MlDataStoreProps {
  /**
   * One customer-managed key for every bucket of the store.
   * @default - a new key with automatic rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Object Lock (governance mode) retention for model artifacts, so a released model cannot be
   * overwritten or deleted without the bypass permission.
   * @default - no Object Lock
   */
  readonly modelArtifactsRetention?: Duration;
  /**
   * How long training checkpoints are kept.
   * @default Duration.days(30)
   */
  readonly checkpointExpiration?: Duration;
  /**
   * How long captured inference requests and responses are kept.
   * @default Duration.days(90)
   */
  readonly dataCaptureExpiration?: Duration;
  /**
   * Delete raw data (`raw/`) this long after it arrived, once preprocessing has curated it.
   * @default - raw data is kept (Intelligent-Tiering moves it to cheaper tiers as it cools)
   */
  readonly rawDataExpiration?: Duration;
  /**
   * How long records that failed delivery or conversion (`errors/`) are kept for inspection and replay.
   * @default Duration.days(90)
   */
  readonly errorRecordExpiration?: Duration;
  /**
   * What happens to the buckets and key when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Expected GB stored per bucket, for the cost estimate.
   * @default - none: S3 storage is shown as usage-based
   */
  readonly expectedStorageGb?: {
    datasets?: number;
    modelArtifacts?: number;
    checkpoints?: number;
    dataCapture?: number;
  };
}

/**
 * The platform's buckets under one key and one access-log bucket: datasets (Intelligent-Tiering),
 * model artifacts (optionally Object Lock), training checkpoints (expiring) and inference data
 * capture (expiring).
 *
 * The datasets bucket is also the data lake, laid out by `lakeLayout`: `raw/` (streaming
 * ingestion), `curated/` (preprocessing output), `features/` (the feature store's offline store),
 * `errors/` (failed records, expiring) and `code/` (job code).
 */
export class MlDataStore extends Construct {
  public readonly encryptionKey: kms.IKey;
  public readonly accessLogsBucket: s3.Bucket;
  public readonly datasets: EncryptedBucket;
  public readonly modelArtifacts: EncryptedBucket;
  public readonly checkpoints: EncryptedBucket;
  public readonly dataCapture: EncryptedBucket;
  /** The prefixes of the lake in the datasets bucket. */
  public readonly lakeLayout: LakeLayout = DEFAULT_LAKE_LAYOUT;

  constructor(scope: Construct, id: string, props: MlDataStoreProps = {}) {
    super(scope, id);
    const v = new PropValidator('MlDataStore', this);
    if (props.checkpointExpiration)
      v.range('checkpointExpiration', props.checkpointExpiration.toDays(), 1, 3650);
    if (props.dataCaptureExpiration)
      v.range('dataCaptureExpiration', props.dataCaptureExpiration.toDays(), 1, 3650);
    if (props.rawDataExpiration)
      v.range('rawDataExpiration', props.rawDataExpiration.toDays({ integral: false }), 1, 36500);
    if (props.errorRecordExpiration)
      v.range('errorRecordExpiration', props.errorRecordExpiration.toDays({ integral: false }), 1, 3650);
    if (props.modelArtifactsRetention) {
      v.range('modelArtifactsRetention', props.modelArtifactsRetention.toDays(), 1, 36500);
    }
    v.throwIfAny();

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the ML data store ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy,
      });
    this.accessLogsBucket = new AccessLogsBucket(this, 'AccessLogs', { removalPolicy }).bucket;
    const common = {
      encryptionKey: this.encryptionKey,
      serverAccessLogsBucket: this.accessLogsBucket,
      removalPolicy,
    };
    const gb = props.expectedStorageGb ?? {};

    this.datasets = new EncryptedBucket(this, 'Datasets', {
      ...common,
      // Datasets are read in bursts then sit for months: let S3 move cold objects itself.
      transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, after: Duration.days(0) }],
      expectedStorageGb: gb.datasets,
    });
    const layout = this.lakeLayout;
    // Lifecycle rules filter on key prefixes, so each lake area can age on its own schedule.
    this.datasets.bucket.addLifecycleRule({
      id: 'expire-error-records',
      prefix: layout.errors,
      expiration: props.errorRecordExpiration ?? Duration.days(90),
    });
    if (props.rawDataExpiration) {
      this.datasets.bucket.addLifecycleRule({
        id: 'expire-raw-data',
        prefix: layout.raw,
        expiration: props.rawDataExpiration,
      });
    }
    this.modelArtifacts = new EncryptedBucket(this, 'ModelArtifacts', {
      ...common,
      objectLockRetention: props.modelArtifactsRetention,
      expectedStorageGb: gb.modelArtifacts,
    });
    this.checkpoints = new EncryptedBucket(this, 'Checkpoints', {
      ...common,
      expiration: props.checkpointExpiration ?? Duration.days(30),
      noncurrentVersionExpiration: Duration.days(1),
      expectedStorageGb: gb.checkpoints,
      noReplicationReason:
        'Checkpoints are temporary restart points that expire; a lost checkpoint costs a re-run, not data.',
    });
    this.dataCapture = new EncryptedBucket(this, 'DataCapture', {
      ...common,
      expiration: props.dataCaptureExpiration ?? Duration.days(90),
      expectedStorageGb: gb.dataCapture,
    });
  }

  /** Read datasets (training jobs). */
  public grantReadDatasets(grantee: iam.IGrantable): iam.Grant {
    return this.datasets.grantRead(grantee);
  }

  /** Read and write checkpoints under `prefix` (training jobs). */
  public grantCheckpoints(grantee: iam.IGrantable, prefix = '*'): iam.Grant {
    return this.checkpoints.grantReadWrite(grantee, prefix);
  }

  /** Read model artifacts under `prefix` (inference). */
  public grantReadModelArtifacts(grantee: iam.IGrantable, prefix = '*'): iam.Grant {
    return this.modelArtifacts.grantRead(grantee, prefix);
  }

  /** Write model artifacts under `prefix` (training jobs that publish models). */
  public grantWriteModelArtifacts(grantee: iam.IGrantable, prefix = '*'): iam.Grant {
    return this.modelArtifacts.grantPut(grantee, prefix);
  }
}
