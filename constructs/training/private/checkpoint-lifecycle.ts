import { Stack, type Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/**
 * Adds the cluster's checkpoint expiry (`checkpointExpiration`) as a lifecycle rule on its prefix of a
 * bucket of this app, and fails synth if another rule of the bucket expires the same objects.
 *
 * "If two expiration policies overlap, the shorter expiration policy is honored" (S3 user guide, how S3
 * handles conflicts in lifecycle configurations): next to a bucket-wide expiry the prefix rule would not
 * do what its prop says, and S3 rejects overlapping prefixes for the same action in rules written with
 * the rule-level `Prefix` that CloudFormation renders ("Found overlapping prefixes ... for same action
 * type 'Expiration'"). An imported bucket's owner sets its own rules: nothing is added there.
 */
export function addCheckpointExpiry(
  cluster: Construct,
  bucket: s3.IBucket,
  prefix: string,
  expiration: Duration,
  ruleId: string,
): void {
  if (!(bucket instanceof s3.Bucket)) return;
  bucket.addLifecycleRule({ id: ruleId, prefix, expiration });
  cluster.node.addValidation({
    validate: () => {
      const cfn = bucket.node.defaultChild as s3.CfnBucket;
      const config = Stack.of(bucket).resolve(cfn.lifecycleConfiguration) as
        { rules?: ResolvedRule[] } | undefined;
      const overlapping = (config?.rules ?? []).filter(
        (rule) =>
          rule.id !== ruleId &&
          rule.status !== 'Disabled' &&
          (rule.expirationInDays !== undefined || rule.expirationDate !== undefined) &&
          prefixesOverlap(rule.prefix ?? '', prefix),
      );
      return overlapping.map(
        (rule) =>
          `GpuTrainingCluster: checkpointExpiration must be unset when the checkpoint bucket already expires ${prefix} (rule ${rule.id ?? '(no id)'}${rule.expirationInDays !== undefined ? `, ${rule.expirationInDays} days` : ''}): S3 honours the shorter of two overlapping expirations. Set the expiry on the bucket (e.g. MlDataStore checkpointExpiration) or drop that rule.`,
      );
    },
  });
}

interface ResolvedRule {
  readonly id?: string;
  readonly status?: string;
  readonly prefix?: string;
  readonly expirationInDays?: number;
  readonly expirationDate?: unknown;
}

function prefixesOverlap(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}
