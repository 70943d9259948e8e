import { describe, expect, test } from 'vitest';
import { readPlatformConfig } from '../../lib/config';
import { MlPlatformValidationError } from '../../constructs/core/errors';
import { CDK_JSON_CONTEXT } from '../support/nag';

describe('readPlatformConfig', () => {
  test('cdk.json holds a valid configuration with dev and prod in us-east-1', () => {
    const config = readPlatformConfig(CDK_JSON_CONTEXT['cdk-ml-platform']);
    expect(config.presets).toEqual(['dev', 'prod']);
    expect(config.region).toBe('us-east-1');
  });

  test('defaults when the context is absent', () => {
    expect(readPlatformConfig(undefined)).toMatchObject({
      platformName: 'ml-platform',
      region: 'us-east-1',
      presets: ['dev', 'prod'],
      alarmEmails: [],
    });
  });

  test('a JSON string from `-c cdk-ml-platform=...` is parsed', () => {
    expect(readPlatformConfig('{"region":"eu-west-1","presets":["dev"]}')).toMatchObject({
      region: 'eu-west-1',
      presets: ['dev'],
    });
  });

  test('your own model: an ECR image and an s3:// artifact', () => {
    const model = {
      imageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4.0',
      modelDataUrl: 's3://models-bucket/churn/1.4.0/model.tar.gz',
      environment: { SAGEMAKER_PROGRAM: 'inference.py' },
    };
    expect(readPlatformConfig({ model }).model).toEqual(model);
  });

  test.each<[string, unknown, string]>([
    ['not JSON', '{region', 'cdk-ml-platform must be a JSON object, got "{region"'],
    ['an array', [], 'cdk-ml-platform must be an object, got []'],
    ['bad region', { region: 'mars-1' }, 'region must be an AWS region such as us-east-1, got "mars-1"'],
    [
      'unknown preset',
      { presets: ['staging'] },
      'presets must be a non-empty list of dev, prod, got ["staging"]',
    ],
    ['empty presets', { presets: [] }, 'presets must be a non-empty list of dev, prod, got []'],
    ['bad e-mail', { alarmEmails: ['ops'] }, 'alarmEmails must be a list of e-mail addresses, got ["ops"]'],
    [
      'bad platform name',
      { platformName: 'ML Platform' },
      'platformName must be lowercase letters, digits and hyphens',
    ],
    ['bad team tag', { team: '' }, 'team must be a tag value'],
    [
      'negative budget',
      { monthlyBudgetUsd: { dev: -5 } },
      'monthlyBudgetUsd.dev must be a positive number of USD, got -5',
    ],
    [
      'a model image that is no ECR URI',
      {
        model: {
          imageUri: 'pytorch/torchserve:latest',
          modelDataUrl: 's3://models-bucket/churn/model.tar.gz',
        },
      },
      'model.imageUri must be an ECR image URI <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>, got "pytorch/torchserve:latest"',
    ],
    [
      'a model artifact that is no S3 URL',
      {
        model: {
          imageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4.0',
          modelDataUrl: 'https://example.com/model.tar.gz',
        },
      },
      'model.modelDataUrl must be s3://<bucket>/<key> of a model.tar.gz, got "https://example.com/model.tar.gz"',
    ],
  ])('%s is rejected naming the key and the value', (_name, raw, message) => {
    expect(() => readPlatformConfig(raw)).toThrow(MlPlatformValidationError);
    expect(() => readPlatformConfig(raw)).toThrow(message);
  });
});
