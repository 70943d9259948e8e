import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { beforeAll, describe, expect, test } from 'vitest';
import { readPlatformConfig } from '../../../lib/config';
import { addReferencePlatform } from '../../../lib/platform-app';
import {
  applyDeployPreflight,
  DEFAULT_LAMBDA_CONCURRENCY_QUOTA,
  deployPreflightRules,
  DeployPreflightChecks,
  reservableConcurrency,
} from '../../../lib/preflight';
import { CDK_JSON_CONTEXT, contextApp, synthFindings } from '../../support/nag';
import { preflightApp, preflightFindingsByStack } from './preflight-findings';

const ACCOUNT = '123456789012';

function reservedFunction(stack: Stack, id: string, reserved: number): lambda.CfnFunction {
  return new lambda.CfnFunction(stack, id, {
    role: `arn:aws:iam::${ACCOUNT}:role/fn`,
    runtime: 'nodejs22.x',
    handler: 'index.handler',
    code: { zipFile: 'exports.handler = async () => ({});' },
    reservedConcurrentExecutions: reserved,
  });
}

/** A model whose model data sits in a bucket the same stack creates (empty). */
function modelOnOwnBucket(stack: Stack): sagemaker.CfnModel {
  const bucket = new s3.Bucket(stack, 'Artifacts', { enforceSSL: true });
  (bucket.node.defaultChild as CfnResource).overrideLogicalId('Artifacts');
  return new sagemaker.CfnModel(stack, 'Model', {
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/model`,
    primaryContainer: {
      image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311',
      modelDataUrl: bucket.s3UrlForObject('churn/model.tar.gz'),
    },
  });
}

describe('DeployPreflightChecks', () => {
  test('reports under the DeployPreflight name, one DeployPreflight-<Rule> id per rule', () => {
    // GIVEN
    const pack = new DeployPreflightChecks();
    // THEN
    expect(pack.name).toBe('DeployPreflight');
    expect(pack.readPackName).toBe('DeployPreflight');
    expect(pack.ruleIds).toEqual(deployPreflightRules().map((r) => `DeployPreflight-${r.name}`));
    expect(pack.ruleIds).toHaveLength(17);
  });

  test.each(deployPreflightRules().map((r) => [r.name, r] as const))(
    '%s says what fails at deploy, the fix, and quotes the AWS documentation',
    (_name, rule) => {
      // THEN
      expect(rule.info).toMatch(/^(The|A) .+ Fix: .+\.$/);
      expect(rule.explanation).toMatch(/"[^"]{20,}"|AWS .+ guide/);
    },
  );

  test('applyDeployPreflight registers the pack on the app and returns it', () => {
    // GIVEN
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'preflight-apply-')) });
    // WHEN
    const pack = applyDeployPreflight(app, { lambdaConcurrencyQuota: 1000 });
    modelOnOwnBucket(new Stack(app, 'Models', { env: { region: 'us-east-1' } }));
    // THEN
    expect(pack).toBeInstanceOf(DeployPreflightChecks);
    expect(synthFindings(app).filter((f) => f.pack === 'DeployPreflight')).toEqual([
      {
        pack: 'DeployPreflight',
        rule: 'DeployPreflight-SageMakerModelArtifactFromSameStack[PrimaryContainer.ModelDataUrl::s3://${Artifacts}/churn/model.tar.gz]',
        path: 'Models/Model',
      },
    ]);
  });

  test.each([-1, 1.5, Number.NaN])('lambdaConcurrencyQuota %s is rejected with the value', (quota) => {
    // THEN
    expect(() => new DeployPreflightChecks(undefined, { lambdaConcurrencyQuota: quota })).toThrow(
      `DeployPreflightChecks: lambdaConcurrencyQuota must be a whole number of 0 or more, got ${quota}`,
    );
  });

  test.each([
    [10, 0],
    [100, 0],
    [101, 1],
    [1000, 900],
  ])('an account quota of %i leaves %i to reserve (Lambda keeps 100 unreserved)', (quota, reservable) => {
    expect(reservableConcurrency(quota)).toBe(reservable);
  });

  describe('with its defaults, synthesized', () => {
    let findings: Map<string, string[]>;
    beforeAll(() => {
      // GIVEN
      const app = preflightApp();
      const functions = new Stack(app, 'Functions', { env: { region: 'us-east-1' } });
      reservedFunction(functions, 'Queue', 1);
      reservedFunction(functions, 'Retry', 2);
      const acknowledged = new Stack(app, 'Acknowledged', { env: { region: 'us-east-1' } });
      const model = modelOnOwnBucket(acknowledged);
      Validations.of(model).acknowledge({
        id: 'DeployPreflight-SageMakerModelArtifactFromSameStack[PrimaryContainer.ModelDataUrl::s3://${Artifacts}/churn/model.tar.gz]',
        reason:
          'A pipeline uploads the artifact before this stack is deployed; the bucket is retained across deployments.',
      });
      // WHEN
      findings = preflightFindingsByStack(app);
    });

    test(`assumes a new account's Lambda quota (${DEFAULT_LAMBDA_CONCURRENCY_QUOTA}) and sums the stack's reservations`, () => {
      const detail = `ReservedConcurrentExecutions::total=3,reservable=0,quota=${DEFAULT_LAMBDA_CONCURRENCY_QUOTA}`;
      expect(findings.get('Functions')).toEqual([
        `DeployPreflight-LambdaReservedConcurrencyQuota[${detail}] at Functions/Queue`,
        `DeployPreflight-LambdaReservedConcurrencyQuota[${detail}] at Functions/Retry`,
      ]);
    });

    test('a finding acknowledged by its detailed id is not reported', () => {
      expect(findings.get('Acknowledged')).toBeUndefined();
    });
  });

  test('validateScope without synthesis judges L1 properties; property overrides are judged at synth', () => {
    // GIVEN a compute environment whose version is only set by an override
    const app = preflightApp();
    const stack = new Stack(app, 'Overridden', { env: { region: 'us-east-1' } });
    const ce = new batch.CfnComputeEnvironment(stack, 'Compute', {
      type: 'MANAGED',
      computeResources: {
        type: 'EC2',
        maxvCpus: 16,
        subnets: ['subnet-0123456789abcdef0'],
        securityGroupIds: ['sg-0123456789abcdef0'],
        instanceRole: `arn:aws:iam::${ACCOUNT}:instance-profile/batch`,
        launchTemplate: { launchTemplateName: 'gpu', version: '4' },
      },
    });
    ce.addPropertyOverride('ComputeResources.LaunchTemplate.Version', '$Latest');
    // WHEN
    const direct = new DeployPreflightChecks().validateScope(stack);
    const synthesized = preflightFindingsByStack(app);
    // THEN
    expect(direct.violations).toEqual([]);
    expect(synthesized.get('Overridden')).toEqual([
      'DeployPreflight-BatchLaunchTemplateVersionPinned[LaunchTemplate::$Latest] at Overridden/Compute',
    ]);
  });

  describe('on the reference app, next to a user stack whose model data is in its own new bucket', () => {
    // GIVEN the reference platform's composition (which registers the compliance packs and this pack) plus one user stack
    let message: string;
    let preflight: Array<{ rule: string; path: string }>;
    beforeAll(() => {
      const app: App = contextApp();
      const config = readPlatformConfig({
        ...(CDK_JSON_CONTEXT['cdk-ml-platform'] as object),
        presets: ['dev'],
      });
      addReferencePlatform(app, config);
      modelOnOwnBucket(new Stack(app, 'UserModels', { env: { region: 'us-east-1' } }));
      // WHEN
      try {
        app.synth();
        message = '';
      } catch (e) {
        message = (e as Error).message;
      }
      const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: Array<{
          pluginName: string;
          violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }>;
        }>;
      };
      preflight = report.pluginReports
        .filter((p) => p.pluginName === 'DeployPreflight')
        .flatMap((p) =>
          p.violations.flatMap((v) =>
            v.violatingConstructs.map((c) => ({ rule: v.ruleName, path: c.constructPath })),
          ),
        );
      rmSync(app.outdir, { recursive: true, force: true });
    }, 300_000);

    test('synth fails with an error naming the model, its artifact, the AWS rule and the fix', () => {
      // THEN
      expect(message).toContain('UserModels/Model');
      expect(message).toContain('PrimaryContainer.ModelDataUrl::s3://${Artifacts}/churn/model.tar.gz');
      expect(message).toContain('so CreateModel fails');
      expect(message).toContain('Fix: ship the artifact as a CDK asset');
    });

    test('the user stack has exactly that finding', () => {
      // THEN
      expect(preflight.filter((f) => f.path.startsWith('UserModels/'))).toEqual([
        {
          rule: 'DeployPreflight-SageMakerModelArtifactFromSameStack[PrimaryContainer.ModelDataUrl::s3://${Artifacts}/churn/model.tar.gz]',
          path: 'UserModels/Model',
        },
      ]);
    });
  });
});
