import { Size, Stack } from 'aws-cdk-lib';
import { describe, expect, test } from 'vitest';
import {
  InferenceEndpoint,
  InferenceInstanceType,
  InferenceScalingTarget,
  ModelImage,
} from '../../../constructs/inference';
import { formatFindings, nagApp, synthFindings } from '../../support/nag';
import { ENV, inferenceFixtures } from './fixtures';

describe('InferenceEndpoint compliance', () => {
  test('one endpoint per mode has no unacknowledged AwsSolutions, NIST 800-53 R5 or HIPAA findings', () => {
    // GIVEN
    const app = nagApp();
    const stack = new Stack(app, 'InferenceModes', { env: ENV });
    const f = inferenceFixtures(stack);
    // WHEN
    new InferenceEndpoint(stack, 'RealTime', {
      vpc: f.vpc,
      image: f.image,
      modelData: f.modelData,
      instanceType: InferenceInstanceType.ML_G5_XLARGE,
      autoScaling: { minCapacity: 2, maxCapacity: 4 },
      variants: [
        {
          variantName: 'challenger',
          weight: 0.1,
          image: f.image,
          instanceType: InferenceInstanceType.ML_P3_2XLARGE,
        },
      ],
      dataCapture: { bucket: f.capture },
    });
    new InferenceEndpoint(stack, 'Async', {
      vpc: f.vpc,
      mode: 'async',
      image: ModelImage.fromImageUri(
        '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311',
      ),
      instanceType: InferenceInstanceType.ML_M5_XLARGE,
      async: { outputBucket: f.artifacts },
      // No dataCapture: the endpoint's own capture bucket (and its access-log bucket) are checked too.
    });
    new InferenceEndpoint(stack, 'Serverless', {
      vpc: f.vpc,
      mode: 'serverless',
      image: f.image,
      serverless: { memorySize: Size.gibibytes(2), maxConcurrency: 5 },
    });
    new InferenceEndpoint(stack, 'ScaleToZero', {
      vpc: f.vpc,
      mode: 'scale-to-zero',
      image: f.image,
      modelData: f.modelData,
      instanceType: InferenceInstanceType.ML_G5_XLARGE,
      autoScaling: { maxCapacity: 2, target: InferenceScalingTarget.concurrentRequestsPerCopy(4) },
    });
    // THEN
    const findings = synthFindings(app);
    expect(findings, formatFindings(findings)).toEqual([]);
  });
});
