import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { COMPLIANCE_PACKS } from '../../constructs/core/compliance';
import { readPlatformConfig } from '../../lib/config';
import { addReferencePlatform } from '../../lib/platform-app';
import { MlPlatformStack } from '../../lib/platform-stack';
import { CDK_JSON_CONTEXT, contextApp, formatFindings, synthFindings, type Finding } from '../support/nag';
import {
  collectAcknowledgments,
  COMPLIANCE_DOC,
  currentSecurityBlock,
  renderSecurityTable,
} from '../../scripts/docs/security-doc';
import { expectValidationError } from '../support/validation';

// The reference platform is synthesized once for the whole file: it is the slowest fixture.
let findings: Finding[];
let dev: Template;
let prod: Template;
let stacks: MlPlatformStack[];
let app: App;

beforeAll(() => {
  app = contextApp(); // addReferencePlatform registers the packs itself
  stacks = addReferencePlatform(app, readPlatformConfig(CDK_JSON_CONTEXT['cdk-ml-platform']));
  dev = Template.fromStack(stacks[0]);
  prod = Template.fromStack(stacks[1]);
  findings = synthFindings(app);
});

describe('reference platform', () => {
  test('synthesizes a dev and a prod stack, account-agnostic, in us-east-1', () => {
    expect(stacks.map((s) => s.stackName)).toEqual(['MlPlatform-dev', 'MlPlatform-prod']);
    for (const stack of stacks) {
      expect(stack.region).toBe('us-east-1');
      expect(stack.account).toMatch(/^\$\{Token/);
    }
  });

  test.each([...COMPLIANCE_PACKS, 'MlPlatform'])('zero unacknowledged %s findings', (pack) => {
    expect(formatFindings(findings.filter((f) => f.pack === pack))).toBe('');
  });

  test('no finding from any other validation plugin (CloudFormation validation included)', () => {
    expect(formatFindings(findings)).toBe('');
  });

  test('prod has more NAT gateways than dev', () => {
    const count = (t: Template) => Object.keys(t.findResources('AWS::EC2::NatGateway')).length;
    expect(count(dev)).toBe(1);
    expect(count(prod)).toBeGreaterThan(count(dev));
  });

  test.each([
    ['dev', () => dev],
    ['prod', () => prod],
  ])(
    '%s: every bucket encrypted (KMS, or SSE-S3 for the access-log bucket), public access blocked',
    (_n, t) => {
      for (const [id, bucket] of Object.entries(t().findResources('AWS::S3::Bucket'))) {
        const sse =
          bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]
            .ServerSideEncryptionByDefault.SSEAlgorithm;
        expect([id, sse]).toEqual([id, id.includes('AccessLogs') ? 'AES256' : 'aws:kms']);
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
      }
    },
  );

  test.each([
    ['dev', () => dev],
    ['prod', () => prod],
  ])(
    '%s: every KMS key rotates, every VPC has flow logs, ≥ 4 interface endpoints and an S3 gateway',
    (_n, t) => {
      t().allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      expect(Object.keys(t().findResources('AWS::EC2::VPC')).length).toBe(
        Object.keys(t().findResources('AWS::EC2::FlowLog')).length,
      );
      const endpoints = Object.values(t().findResources('AWS::EC2::VPCEndpoint'));
      expect(
        endpoints.filter((e) => e.Properties.VpcEndpointType === 'Interface').length,
      ).toBeGreaterThanOrEqual(4);
      expect(endpoints.filter((e) => e.Properties.VpcEndpointType === 'Gateway').length).toBe(1);
    },
  );

  test('prod locks model artifacts; dev does not', () => {
    expect(
      Object.keys(prod.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } })),
    ).toHaveLength(1);
    expect(
      Object.keys(dev.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } })),
    ).toHaveLength(0);
  });
});

test('an unknown preset name is rejected', () => {
  expectValidationError(
    (stack) => new MlPlatformStack(stack, 'P', { preset: 'staging' as 'dev' }),
    'preset must be one of dev, prod or a PlatformPreset object, got "staging"',
  );
});

test('a user stack composes the platform under its own app', () => {
  const app = new App({ context: CDK_JSON_CONTEXT });
  const stack = new MlPlatformStack(app, 'Team-ml', { preset: 'dev', env: { region: 'eu-west-1' } });
  expect(stack.network.vpc).toBeDefined();
  expect(stack.dataStore.checkpoints).toBeDefined();
});

test('docs/compliance.md lists every acknowledged finding, where and why (npm run docs regenerates it)', () => {
  const doc = readFileSync(COMPLIANCE_DOC, 'utf8');
  const rows = collectAcknowledgments(app);
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row.reason.length).toBeGreaterThanOrEqual(20);
  expect(currentSecurityBlock(doc), 'docs/compliance.md is stale: run npm run docs').toBe(
    renderSecurityTable(rows),
  );
});
