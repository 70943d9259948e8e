import type { CfnResource } from 'aws-cdk-lib';
import { CfnBucketPolicy } from 'aws-cdk-lib/aws-s3';
import { CfnQueuePolicy } from 'aws-cdk-lib/aws-sqs';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { documentStatements, hasSourceCondition } from '../../private/statements';

/**
 * Service principals that deliver to S3 buckets or SQS queues and whose documentation puts
 * `aws:SourceAccount`/`aws:SourceArn` in the bucket or queue policy:
 * - `logging.s3.amazonaws.com`: S3 User Guide, "Enabling Amazon S3 server access logging" (the
 *   destination bucket policy names the source bucket and account);
 * - `delivery.logs.amazonaws.com`: CloudWatch Logs User Guide, "Enable logging from AWS services"
 *   (vended logs, e.g. flow logs to S3, "to help prevent the confused deputy problem");
 * - `cloudtrail.amazonaws.com`: CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail"
 *   (`aws:SourceArn` of the trail);
 * - `config.amazonaws.com`: AWS Config Developer Guide, "Permissions for the Amazon S3 bucket"
 *   (`aws:SourceAccount`);
 * - `events.amazonaws.com`: EventBridge User Guide, "Amazon SQS permissions" (`aws:SourceArn` of the rule);
 * - `sns.amazonaws.com`: SNS Developer Guide, fanout to SQS (`aws:SourceArn` of the topic);
 * - `s3.amazonaws.com`: S3 User Guide, event notification destinations (`aws:SourceArn` of the bucket,
 *   `aws:SourceAccount`).
 */
export const SOURCE_CONDITIONED_DELIVERY_SERVICES: readonly string[] = [
  'logging.s3.amazonaws.com',
  'delivery.logs.amazonaws.com',
  'cloudtrail.amazonaws.com',
  'config.amazonaws.com',
  'events.amazonaws.com',
  'sns.amazonaws.com',
  's3.amazonaws.com',
];

/**
 * S3 bucket policies and SQS queue policies admit the services in
 * `SOURCE_CONDITIONED_DELIVERY_SERVICES` for this account's resources only: every Allow statement
 * naming one of them carries `aws:SourceAccount` or `aws:SourceArn`. Without it, that service writes
 * into the bucket or queue on behalf of any account's bucket, trail, rule or topic (confused deputy).
 * Other principals, and services not in the table: not applicable.
 * @param node the CfnResource to check
 */
export function ResourcePolicySourceConditions(node: CfnResource): NagRuleResult {
  let document: unknown;
  if (node instanceof CfnBucketPolicy || node instanceof CfnQueuePolicy) document = node.policyDocument;
  else return NagRuleCompliance.NOT_APPLICABLE;
  const statements = documentStatements(node, document).filter(
    (s) => s.effect === 'Allow' && s.services.some((p) => SOURCE_CONDITIONED_DELIVERY_SERVICES.includes(p)),
  );
  if (statements.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  return statements.every(hasSourceCondition) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
