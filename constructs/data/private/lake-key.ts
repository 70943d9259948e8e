import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { PropValidator } from '../../core/errors';

/** The props by which the data-plane constructs name the lake bucket and its key. */
export interface LakeBucketKeyProps {
  readonly bucket: s3.IBucket;
  readonly bucketEncryptionKey?: kms.IKey;
}

/** Records the problem of a lake bucket without a known key (`bucketEncryptionKey`, else the bucket's own). */
export function checkLakeKey(v: PropValidator, props: LakeBucketKeyProps): void {
  v.check(
    lakeKeyOf(props) !== undefined,
    'bucketEncryptionKey',
    undefined,
    'the KMS key of the lake bucket (the bucket was given without one)',
  );
}

/** The key of the lake bucket: `bucketEncryptionKey`, else the bucket's own key. */
export function lakeKeyOf(props: LakeBucketKeyProps): kms.IKey | undefined {
  return props.bucketEncryptionKey ?? props.bucket.encryptionKey;
}
