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
  // need the key for the encrypted root volumes: allow any principal of this account via EC2 only.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `EbsThroughEc2For${scope.node.addr.slice(0, 8)}`,
      principals: [new iam.AnyPrincipal()],
      actions: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
        'kms:DescribeKey',
        'kms:CreateGrant',
      ],
      resources: ['*'],
      conditions: {
        StringEquals: {
          'kms:ViaService': `ec2.${stack.region}.amazonaws.com`,
          'kms:CallerAccount': stack.account,
        },
      },
    }),
  );
  allowLogsToUseKey(key, logGroupArnPattern(scope));
}
