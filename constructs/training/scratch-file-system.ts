import { RemovalPolicy, Token } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fsx from 'aws-cdk-lib/aws-fsx';
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
    }
  }
}

/** PERSISTENT_2 throughput tiers in MB/s per TiB. */
export const LUSTRE_THROUGHPUTS: readonly number[] = [125, 250, 500, 1000];

/** PERSISTENT_2 storage capacity rule, for validation messages. */
export const LUSTRE_CAPACITY_RULE = '1200 or a multiple of 2400 (FSx for Lustre PERSISTENT_2)';

export function isValidLustreCapacity(gib: number): boolean {
  return Number.isInteger(gib) && (gib === 1200 || (gib > 0 && gib % 2400 === 0));
}
