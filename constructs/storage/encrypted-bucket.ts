import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeFindings } from '../core/compliance';
import { PropValidator } from '../core/errors';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../cost/usage-metadata';

/** A storage-class transition after a number of days. */
export interface BucketTransition {
  readonly storageClass: s3.StorageClass;
  /** Days after creation, at least 0 (Intelligent-Tiering), 30 for the IA classes. */
  readonly after: Duration;
}

export interface EncryptedBucketProps {
  /**
   * Customer-managed KMS key for default encryption.
   * @default - a new key with automatic rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Bucket that receives the server access logs.
   * @default - a new SSE-S3 log bucket (S3 access logging cannot write to SSE-KMS buckets)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /**
   * Prefix of this bucket's access logs in the log bucket.
   * @default - the construct id followed by '/'
   */
  readonly serverAccessLogsPrefix?: string;
  /**
   * Storage-class transitions of current versions.
   * @default - none
   */
  readonly transitions?: BucketTransition[];
  /**
   * Delete current versions this long after creation (checkpoints, captured data).
   * @default - never
   */
  readonly expiration?: Duration;
  /**
   * Delete noncurrent versions this long after they become noncurrent.
   * @default Duration.days(90)
   */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * Object Lock in governance mode with this default retention (model artifacts in prod).
   * Object Lock can only be turned on when the bucket is created.
   * @default - no Object Lock
   */
  readonly objectLockRetention?: Duration;
  /**
   * What happens to the bucket when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Expected average GB stored, recorded for the cost estimate (`cdk-ml-platform:usage`).
   * @default - none: the estimate shows S3 storage as usage-based
   */
  readonly expectedStorageGb?: number;
  /**
   * Why this bucket has no cross-region replication; recorded with the NIST/HIPAA acknowledgment.
   * @default - 'Versioning (and Object Lock where set) protect the data in-region; cross-region replication is a disaster-recovery choice left to the operator.'
   */
  readonly noReplicationReason?: string;
}

/**
 * An S3 bucket with every default a regulated ML platform needs: a customer-managed KMS key with
 * rotation and bucket keys, TLS-only access, versioning, public access blocked, server access logs,
 * aborted multipart uploads cleaned after 7 days, optional transitions, expiry and Object Lock,
 * and RETAIN on delete.
 */
export class EncryptedBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly encryptionKey: kms.IKey;
  /** The log bucket, when this construct created it. */
  public readonly accessLogsBucket?: s3.Bucket;

  constructor(scope: Construct, id: string, props: EncryptedBucketProps = {}) {
    super(scope, id);
    const v = new PropValidator('EncryptedBucket', this);
    for (const [i, t] of (props.transitions ?? []).entries()) {
      const days = t.after.toDays();
      const minDays = MIN_TRANSITION_DAYS[t.storageClass.value] ?? 0;
      v.check(
        days >= minDays,
        `transitions[${i}].after`,
        `${days} days`,
        `at least ${minDays} days for ${t.storageClass.value}`,
      );
    }
    if (props.expiration) v.range('expiration', props.expiration.toDays(), 1, 36500);
    if (props.objectLockRetention)
      v.range('objectLockRetention', props.objectLockRetention.toDays(), 1, 36500);
    if (props.expectedStorageGb !== undefined && !Token.isUnresolved(props.expectedStorageGb)) {
      v.check(
        props.expectedStorageGb >= 0,
        'expectedStorageGb',
        props.expectedStorageGb,
        'a number of GB, 0 or more',
      );
    }
    v.throwIfAny();

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the S3 bucket ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy,
      });

    let logsBucket = props.serverAccessLogsBucket;
    if (!logsBucket) {
      this.accessLogsBucket = new AccessLogsBucket(this, 'AccessLogs', { removalPolicy }).bucket;
      logsBucket = this.accessLogsBucket;
    }

    this.bucket = new s3.Bucket(this, 'Resource', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsPrefix ?? `${id}/`,
      objectLockEnabled: props.objectLockRetention ? true : undefined,
      objectLockDefaultRetention: props.objectLockRetention
        ? s3.ObjectLockRetention.governance(props.objectLockRetention)
        : undefined,
      lifecycleRules: [
        {
          id: 'abort-incomplete-uploads-and-old-versions',
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(90),
          transitions: props.transitions?.map((t) => ({
            storageClass: t.storageClass,
            transitionAfter: t.after,
          })),
          expiration: props.expiration,
        },
      ],
      removalPolicy,
    });

    if (props.expectedStorageGb !== undefined) {
      const usage: UsageAssumptions = {
        storageGb: props.expectedStorageGb,
        source: 'EncryptedBucket.expectedStorageGb',
      };
      (this.bucket.node.defaultChild as s3.CfnBucket).addMetadata(USAGE_METADATA_KEY, usage);
    }

    acknowledgeFindings(
      this.bucket,
      ['NIST.800.53.R5-S3BucketReplicationEnabled', 'HIPAA.Security-S3BucketReplicationEnabled'],
      `${this.node.path}: ${props.noReplicationReason ?? 'Versioning (and Object Lock where set) protect the data in-region; cross-region replication is a disaster-recovery choice left to the operator.'}`,
    );
  }

  public get bucketName(): string {
    return this.bucket.bucketName;
  }

  public get bucketArn(): string {
    return this.bucket.bucketArn;
  }

  /** Read objects under `prefix` (default: all), and decrypt them with the bucket key. */
  public grantRead(grantee: iam.IGrantable, prefix = '*'): iam.Grant {
    return this.bucket.grantRead(grantee, prefix);
  }

  /** Read and write objects under `prefix` (default: all). */
  public grantReadWrite(grantee: iam.IGrantable, prefix = '*'): iam.Grant {
    return this.bucket.grantReadWrite(grantee, prefix);
  }

  /** Write objects under `prefix` (default: all). */
  public grantPut(grantee: iam.IGrantable, prefix = '*'): iam.Grant {
    return this.bucket.grantPut(grantee, prefix);
  }
}

export interface AccessLogsBucketProps {
  /**
   * What happens to the log bucket when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long access logs are kept.
   * @default Duration.days(365)
   */
  readonly retention?: Duration;
}

/**
 * The sink for S3 server access logs: SSE-S3 (the only encryption S3 log delivery supports),
 * TLS-only, versioned, public access blocked, logs expired after a year.
 */
export class AccessLogsBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogsBucketProps = {}) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Resource', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: props.retention ?? Duration.days(365),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const where = this.bucket.node.path;
    acknowledgeFindings(
      this.bucket,
      ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'HIPAA.Security-S3BucketLoggingEnabled'],
      `${where} is the server-access-log destination; logging it into itself would loop, and S3 records its own delivery.`,
    );
    acknowledgeFindings(
      this.bucket,
      ['NIST.800.53.R5-S3DefaultEncryptionKMS', 'HIPAA.Security-S3DefaultEncryptionKMS'],
      `${where} receives S3 server access logs, which S3 delivers only to SSE-S3 buckets (SSE-KMS is not supported for log delivery).`,
    );
    acknowledgeFindings(
      this.bucket,
      ['NIST.800.53.R5-S3BucketReplicationEnabled', 'HIPAA.Security-S3BucketReplicationEnabled'],
      `${where} holds access logs only, versioned and expired after their retention; replicating logs is left to the account's central logging.`,
    );
  }
}

/** S3's minimum age before a transition into each class. */
const MIN_TRANSITION_DAYS: Record<string, number> = {
  STANDARD_IA: 30,
  ONEZONE_IA: 30,
  INTELLIGENT_TIERING: 0,
  GLACIER_IR: 0,
  GLACIER: 0,
  DEEP_ARCHIVE: 0,
};
