import { Token } from 'aws-cdk-lib';
import { describe, expect, test } from 'vitest';
import { InferenceInstanceType } from '../../../constructs/inference';
import { MlPlatformValidationError } from '../../../constructs/core/errors';

describe('InferenceInstanceType', () => {
  test.each([
    ['ml.g5.xlarge', 'g5', 'xlarge', false, true, true],
    ['ml.t2.medium', 't2', 'medium', true, false, false],
    ['ml.t3.medium', 't3', 'medium', true, false, false],
    ['ml.m5.large', 'm5', 'large', false, false, false],
    ['ml.m5d.2xlarge', 'm5d', '2xlarge', false, false, true],
    ['ml.g4dn.xlarge', 'g4dn', 'xlarge', false, true, true],
    ['ml.p3.2xlarge', 'p3', '2xlarge', false, true, false],
    ['ml.p4d.24xlarge', 'p4d', '24xlarge', false, true, true],
    ['ml.inf2.xlarge', 'inf2', 'xlarge', false, true, false],
    ['ml.trn1.32xlarge', 'trn1', '32xlarge', false, true, true],
    ['ml.c6i.xlarge', 'c6i', 'xlarge', false, false, false],
  ])(
    '%s: family %s, size %s, burstable %s, accelerated %s, instance storage %s',
    (name, family, size, burstable, accelerated, storage) => {
      // WHEN
      const t = InferenceInstanceType.of(name);
      // THEN
      expect(t.toString()).toBe(name);
      expect(t.family).toBe(family);
      expect(t.size).toBe(size);
      expect(t.isBurstable).toBe(burstable);
      expect(t.isAccelerated).toBe(accelerated);
      expect(t.hasInstanceStorage).toBe(storage);
    },
  );

  test('the named constants are the same types as of()', () => {
    // GIVEN / WHEN / THEN
    expect(InferenceInstanceType.ML_G5_XLARGE.toString()).toBe('ml.g5.xlarge');
    expect(InferenceInstanceType.ML_T2_MEDIUM.isBurstable).toBe(true);
    expect(InferenceInstanceType.ML_INF2_XLARGE.isAccelerated).toBe(true);
  });

  test.each([
    [
      'g5.xlarge',
      'InferenceInstanceType: instanceType must be a SageMaker hosting instance type of the form ml.<family>.<size>, e.g. ml.g5.xlarge, got "g5.xlarge"',
    ],
    [
      'ml.g5',
      'InferenceInstanceType: instanceType must be a SageMaker hosting instance type of the form ml.<family>.<size>, e.g. ml.g5.xlarge, got "ml.g5"',
    ],
    [
      'ML.G5.XLARGE',
      'InferenceInstanceType: instanceType must be a SageMaker hosting instance type of the form ml.<family>.<size>, e.g. ml.g5.xlarge, got "ML.G5.XLARGE"',
    ],
    [
      'ml.g5.huge',
      'InferenceInstanceType: instanceType must be a SageMaker hosting instance type of the form ml.<family>.<size>, e.g. ml.g5.xlarge, got "ml.g5.huge"',
    ],
    [
      '',
      'InferenceInstanceType: instanceType must be a SageMaker hosting instance type of the form ml.<family>.<size>, e.g. ml.g5.xlarge, got ""',
    ],
  ])('refuses %j', (name, message) => {
    // WHEN / THEN
    expect(() => InferenceInstanceType.of(name)).toThrow(MlPlatformValidationError);
    expect(() => InferenceInstanceType.of(name)).toThrow(`[InferenceInstanceType] ${message}`);
  });

  test('refuses a token: pricing and validation need the literal', () => {
    // GIVEN
    const token = Token.asString({ Ref: 'InstanceTypeParameter' });
    // WHEN / THEN
    expect(() => InferenceInstanceType.of(token)).toThrow(
      /instanceType must be a literal ml\.\* instance type \(pricing and validation need it at synth\)/,
    );
  });
});
