import { Annotations, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fsx from 'aws-cdk-lib/aws-fsx';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PropValidator } from '../core/errors';

/** Options of the shared FSx for Lustre scratch file system. */
export interface TrainingScratchOptions {
  /** Storage capacity in GiB: 1200, or a multiple of 2400 (PERSISTENT_2). */
  readonly storageCapacityGiB: number;
  /**
   * Throughput per TiB of storage in MB/s: 125, 250, 500 or 1000.
   * @default 125
   */
  readonly throughputPerTiBMBps?: number;
  /**
   * Path inside the file system where the datasets bucket appears (a data repository association).
   * @default '/datasets'
   */
  readonly datasetsPath?: string;
  /**
   * What happens to the file system when the stack is deleted.
   * @default RemovalPolicy.DESTROY - scratch data; durable copies live in S3
   */
  readonly removalPolicy?: RemovalPolicy;
}

export interface TrainingScratchFileSystemProps extends TrainingScratchOptions {
  /** The subnet (one AZ) the file system lives in. */
  readonly subnet: ec2.ISubnet;
  readonly vpc: ec2.IVpc;
  /** The cluster's security group; Lustre traffic (TCP 988-1023) is admitted from the group itself. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** KMS key for the file system. */
  readonly encryptionKey: kms.IKey;
  /**
   * Bucket linked at `datasetsPath`, read-only from the file system's side: objects are imported lazily
   * on first read and bucket changes are imported; nothing written under the path goes back to S3.
   * @default - no link
   */
  readonly datasetsBucket?: s3.IBucket;
}

/**
 * FSx for Lustre PERSISTENT_2 shared scratch for a training cluster: encrypted with the platform
 * KMS key, LZ4 compression, and the datasets bucket linked (import only) through a data repository
 * association.
 */
export class TrainingScratchFileSystem extends Construct {
  public readonly fileSystem: fsx.LustreFileSystem;

  constructor(scope: Construct, id: string, props: TrainingScratchFileSystemProps) {
    super(scope, id);
    const v = new PropValidator('TrainingScratchFileSystem', this);
    if (!Token.isUnresolved(props.storageCapacityGiB)) {
      v.check(
        isValidLustreCapacity(props.storageCapacityGiB),
        'storageCapacityGiB',
        props.storageCapacityGiB,
        LUSTRE_CAPACITY_RULE,
      );
    }
    if (props.throughputPerTiBMBps !== undefined) {
      v.oneOf('throughputPerTiBMBps', String(props.throughputPerTiBMBps), LUSTRE_THROUGHPUTS.map(String));
    }
    v.throwIfAny();
    this.fileSystem = new fsx.LustreFileSystem(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnet: props.subnet,
      securityGroup: props.securityGroup,
      storageCapacityGiB: props.storageCapacityGiB,
      kmsKey: props.encryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      lustreConfiguration: {
        deploymentType: fsx.LustreDeploymentType.PERSISTENT_2,
        perUnitStorageThroughput: props.throughputPerTiBMBps ?? 125,
        dataCompressionType: fsx.LustreDataCompressionType.LZ4,
      },
    });

    if (props.datasetsBucket) {
      // PERSISTENT_2 links S3 only through an association; the L2 has no prop for it.
      new fsx.CfnDataRepositoryAssociation(this, 'DatasetsLink', {
        fileSystemId: this.fileSystem.fileSystemId,
        fileSystemPath: props.datasetsPath ?? '/datasets',
        dataRepositoryPath: `s3://${props.datasetsBucket.bucketName}/`,
        batchImportMetaDataOnCreate: true,
        // Import only: datasets are input. An export policy would write every file created under the
        // path back to the bucket, and every rm there would delete (or delete-mark) the dataset object.
        s3: { autoImportPolicy: { events: ['NEW', 'CHANGED', 'DELETED'] } },
      });
      if (props.datasetsBucket.encryptionKey) allowFsxToReadBucket(this, props.datasetsBucket);
    }
  }
}

/**
 * "If you want to link your Amazon FSx file system to an S3 bucket encrypted using SSE-KMS encryption,
 * you must add a statement to your customer managed key policy that allows Amazon FSx to encrypt and
 * decrypt objects in your S3 bucket using your AWS KMS key" (FSx for Lustre user guide, working with
 * server-side encrypted Amazon S3 buckets). The guide names the link's service-linked role
 * (`AWSServiceRoleForFSxS3Access_<file system id>`) as the principal. That role exists only once the
 * file system is linked, and naming the file system in the policy of a key the file system itself is
 * encrypted with would be a dependency cycle; so the statement admits any principal of this account
 * whose ARN is such a role, through S3 only. When the bucket's name is known at synth, the statement is
 * also limited to it by encryption context (bucket ARN for S3 Bucket Keys, as the guide notes, and
 * object ARNs); a bucket of this app encrypted with this key cannot be named in its key's policy
 * (another cycle), and the link roles reach only the buckets they link.
 */
function allowFsxToReadBucket(scope: Construct, bucket: s3.IBucket): void {
  const key = bucket.encryptionKey!;
  const stack = Stack.of(scope);
  const statement = new iam.PolicyStatement({
    sid: `FsxLinkOf${scope.node.addr.slice(0, 8)}`,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    resources: ['*'],
    conditions: {
      StringEquals: {
        'kms:CallerAccount': stack.account,
        'kms:ViaService': `s3.${stack.region}.amazonaws.com`,
      },
      ArnLike: {
        'aws:PrincipalArn': `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_*`,
      },
      ...(!Token.isUnresolved(bucket.bucketName) && {
        StringLike: {
          'kms:EncryptionContext:aws:s3:arn': [bucket.bucketArn, bucket.arnForObjects('*')],
        },
      }),
    },
  });
  if (!key.addToResourcePolicy(statement).statementAdded) {
    Annotations.of(scope).addWarningV2(
      'cdk-ml-platform:fsxLinkKeyPolicy',
      `The datasets bucket is encrypted with an imported KMS key: its owner must let the FSx link's service-linked role (AWSServiceRoleForFSxS3Access_<file system id>) use it through S3 (kms:Decrypt, kms:GenerateDataKey*, kms:Encrypt, kms:ReEncrypt*, kms:DescribeKey; kms:ViaService s3.${stack.region}.amazonaws.com), or the link cannot import objects.`,
    );
  }
}

/** PERSISTENT_2 throughput tiers in MB/s per TiB. */
export const LUSTRE_THROUGHPUTS: readonly number[] = [125, 250, 500, 1000];

/** PERSISTENT_2 storage capacity rule, for validation messages. */
export const LUSTRE_CAPACITY_RULE = '1200 or a multiple of 2400 (FSx for Lustre PERSISTENT_2)';

export function isValidLustreCapacity(gib: number): boolean {
  return Number.isInteger(gib) && (gib === 1200 || (gib > 0 && gib % 2400 === 0));
}
