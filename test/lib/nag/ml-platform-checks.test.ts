import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { beforeAll, describe, expect, test } from 'vitest';
import { acknowledgeFindings, applyCompliancePacks } from '../../../constructs/core/compliance';
import { ML_PLATFORM_RULES, MlPlatformChecks } from '../../../lib/nag';
import { CDK_JSON_CONTEXT, synthFindings, type Finding } from '../../support/nag';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/ml-model-execution';

/** A model with neither network isolation nor a VPC: two MlPlatform findings. */
function openModel(stack: Stack, id: string): sagemaker.CfnModel {
  return new sagemaker.CfnModel(stack, id, {
    executionRoleArn: ROLE_ARN,
    primaryContainer: { image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/inference:1.4.2' },
  });
}

describe('MlPlatformChecks', () => {
  test('reports under the MlPlatform name, one MlPlatform-<Rule> id per rule', () => {
    // GIVEN
    const pack = new MlPlatformChecks();
    // THEN
    expect(pack.name).toBe('MlPlatform');
    expect(pack.readPackName).toBe('MlPlatform');
    expect(pack.ruleIds).toEqual([
      'MlPlatform-SageMakerModelNetworkIsolation',
      'MlPlatform-SageMakerModelVpcConfig',
      'MlPlatform-SageMakerEndpointConfigKms',
      'MlPlatform-SageMakerDataCaptureKms',
      'MlPlatform-BatchLaunchTemplateImdsV2',
      'MlPlatform-BatchLaunchTemplateEncryptedVolumes',
      'MlPlatform-FsxLustreCustomerManagedKey',
      'MlPlatform-EcrScanOnPushImmutable',
      'MlPlatform-AlarmHasActions',
      'MlPlatform-IamRoleTrustSourceConditions',
      'MlPlatform-SnsTopicPolicySourceConditions',
      'MlPlatform-KmsKeyPolicyPrincipalsScoped',
      'MlPlatform-VpcEndpointPolicy',
      'MlPlatform-SecurityGroupEgressScoped',
      'MlPlatform-IamNetworkInterfaceScoped',
      'MlPlatform-LambdaPermissionSourceConditions',
      'MlPlatform-ResourcePolicySourceConditions',
    ]);
    for (const rule of ML_PLATFORM_RULES) {
      expect(rule.info).toMatch(/^The .+\.$/);
      expect(rule.explanation.length).toBeGreaterThan(100);
    }
  });

  test('validateScope judges a construct tree without synthesis; verbose findings carry the explanation', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Direct');
    openModel(stack, 'Model');
    const rule = ML_PLATFORM_RULES.find((r) => r.name === 'SageMakerModelVpcConfig')!;
    // WHEN
    const report = new MlPlatformChecks(undefined, { verbose: true }).validateScope(stack);
    // THEN
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => v.ruleName)).toEqual([
      'MlPlatform-SageMakerModelNetworkIsolation',
      'MlPlatform-SageMakerModelVpcConfig',
    ]);
    expect(report.violations[1]).toEqual({
      ruleName: 'MlPlatform-SageMakerModelVpcConfig',
      description: `${rule.info} ${rule.explanation}`,
      severity: 'error',
      violatingResources: [{ constructPath: 'Direct/Model', locations: ['Properties'] }],
    });
  });

  describe('registered next to the cdk-nag packs with applyCompliancePacks', () => {
    // GIVEN the reference app's context and packs, plus ours, synthesized once
    let findings: Finding[];
    beforeAll(() => {
      const app = new App({
        outdir: mkdtempSync(join(tmpdir(), 'nag-ml-')),
        context: CDK_JSON_CONTEXT,
        builtinCloudFormationValidation: false,
      });
      applyCompliancePacks(app, { extraPlugins: [new MlPlatformChecks(app)] });
      const stack = new Stack(app, 'Registered', { env: { region: 'us-east-1' } });
      openModel(stack, 'Model');
      const images = new ecr.CfnRepository(stack, 'Images', {});
      acknowledgeFindings(
        images,
        ['MlPlatform-EcrScanOnPushImmutable'],
        'Registry-level enhanced scanning covers this repository; tags are pinned by digest in job definitions.',
      );
      new sagemaker.CfnEndpointConfig(stack, 'InstanceConfig', {
        productionVariants: [
          {
            variantName: 'AllTraffic',
            modelName: 'm',
            instanceType: 'ml.m5.xlarge',
            initialInstanceCount: 1,
          },
        ],
      });
      new sagemaker.CfnEndpointConfig(stack, 'ServerlessConfig', {
        productionVariants: [
          {
            variantName: 'AllTraffic',
            modelName: 'm',
            serverlessConfig: { maxConcurrency: 5, memorySizeInMb: 2048 },
          },
        ],
      });
      // WHEN
      findings = synthFindings(app);
    });

    function rulesAt(path: string, pack: string): string[] {
      return findings
        .filter((f) => f.path === path && f.pack === pack)
        .map((f) => f.rule)
        .sort();
    }

    test('its findings appear in the validation report under the MlPlatform pack', () => {
      // THEN
      expect(rulesAt('Registered/Model', 'MlPlatform')).toEqual([
        'MlPlatform-SageMakerModelNetworkIsolation',
        'MlPlatform-SageMakerModelVpcConfig',
      ]);
    });

    test('an acknowledged finding is not reported', () => {
      // THEN
      expect(rulesAt('Registered/Images', 'MlPlatform')).toEqual([]);
    });

    test('instance-backed endpoint configs are flagged by NIST and by us; serverless-only ones by NIST only', () => {
      // THEN
      expect(rulesAt('Registered/InstanceConfig', 'MlPlatform')).toEqual([
        'MlPlatform-SageMakerEndpointConfigKms',
      ]);
      expect(rulesAt('Registered/InstanceConfig', 'NIST.800.53.R5')).toContain(
        'NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured',
      );
      expect(rulesAt('Registered/ServerlessConfig', 'MlPlatform')).toEqual([]);
      expect(rulesAt('Registered/ServerlessConfig', 'NIST.800.53.R5')).toContain(
        'NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured',
      );
    });
  });
});
