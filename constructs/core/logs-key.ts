import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';

/**
 * ARN pattern of CloudWatch Logs log groups in the scope's account and region,
 * `arn:<partition>:logs:<region>:<account>:log-group:<namePattern>`.
 *
 * The key policy cannot name a log group that is itself encrypted with the key (the log group
 * depends on the key, so the key cannot depend on the log group): the name is a pattern.
 *
 * @param namePattern the log group name or a pattern of names
 * @default namePattern '*'
 */
export function logGroupArnPattern(scope: IConstruct, namePattern = '*'): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${namePattern}`;
}

/**
 * Lets CloudWatch Logs (`logs.<region>.amazonaws.com`) use a key of this app for log groups whose ARN
 * matches `logGroupArnPattern` only (`kms:EncryptionContext:aws:logs:arn`), as the CloudWatch Logs
 * guide prescribes. Identical statements from several constructs sharing one key are merged by CDK.
 * An imported key is left alone: its owner writes its policy.
 */
export function allowLogsToUseKey(key: kms.IKey, logGroupArnPattern: string): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${Stack.of(key).region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroupArnPattern } },
    }),
  );
}
