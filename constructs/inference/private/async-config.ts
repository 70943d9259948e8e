/**
 * Async inference of an `InferenceEndpoint`: the model's S3 and SNS access and the endpoint configuration's block.
 */
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import type { AsyncInferenceOptions } from '../inference-endpoint-props';
import type { InferenceModel } from '../model';

/**
 * Lets the model read requests from the input prefix, write answers and failure reports and
 * publish to the notification topics; returns the `AsyncInferenceConfig` (output encrypted with `key`).
 */
export function asyncInferenceConfig(
  a: AsyncInferenceOptions,
  model: InferenceModel,
  key: kms.IKey,
): CfnEndpointConfig.AsyncInferenceConfigProperty {
  const outputPrefix = a.outputPrefix ?? 'async/output';
  const failurePrefix = a.failurePrefix ?? 'async/failures';
  const inputPrefix = a.inputPrefix ?? 'async/input';
  model.allowWriteTo(a.outputBucket, outputPrefix, 'async answer');
  model.allowWriteTo(a.outputBucket, failurePrefix, 'async failure report');
  model.allowReadFrom(a.inputBucket ?? a.outputBucket, inputPrefix, 'async request');
  for (const t of [a.successTopic, a.errorTopic]) if (t) model.allowPublishTo(t);
  return {
    outputConfig: {
      s3OutputPath: a.outputBucket.s3UrlForObject(outputPrefix),
      s3FailurePath: a.outputBucket.s3UrlForObject(failurePrefix),
      kmsKeyId: key.keyArn,
      notificationConfig:
        a.successTopic || a.errorTopic
          ? { successTopic: a.successTopic?.topicArn, errorTopic: a.errorTopic?.topicArn }
          : undefined,
    },
    clientConfig: a.maxConcurrentInvocationsPerInstance
      ? { maxConcurrentInvocationsPerInstance: a.maxConcurrentInvocationsPerInstance }
      : undefined,
  };
}
