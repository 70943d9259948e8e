import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { allowLogsToUseKey, logGroupArnPattern } from '../../core/logs-key';

/**
 * Key-policy statements a `GpuTrainingCluster` (`scope`) needs on a key of this app (an imported
 * key's owner adds them): EBS through EC2 for the root volumes, CloudWatch Logs for its log groups.
 */
export function allowServicesToUseKey(scope: Construct, key: kms.Key): void {
  const stack = Stack.of(scope);
  // Batch launches instances through EC2 service-linked roles (Auto Scaling, EC2 Fleet), which
  // need the key for the encrypted root volumes. Those roles may not exist yet when the key is created
  // (naming a missing principal fails the key policy), so the statements name any principal of this
  // account (kms:CallerAccount) and only through EC2 in this region (kms:ViaService). Grants (EBS
  // attaches a volume by creating one) must be for an AWS resource: "kms:GrantIsForAWSResource ...
  // allows or denies permission ... only when an AWS service integrated with AWS KMS calls the
  // operation on the user's behalf" (AWS KMS Developer Guide, condition keys), so no principal of the
  // account can create a grant on this key for itself through EC2.
  const sid = scope.node.addr.slice(0, 8);
  const throughEc2 = {
    'kms:ViaService': `ec2.${stack.region}.amazonaws.com`,
    'kms:CallerAccount': stack.account,
  };
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `EbsThroughEc2For${sid}`,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: throughEc2 },
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `EbsGrantsThroughEc2For${sid}`,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { StringEquals: throughEc2, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  );
  allowLogsToUseKey(key, logGroupArnPattern(scope));
}
