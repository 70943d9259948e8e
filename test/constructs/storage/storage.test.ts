import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, test } from 'vitest';
import { USAGE_METADATA_KEY } from '../../../cost/usage-metadata';
import { EncryptedBucket, type EncryptedBucketProps } from '../../../constructs/storage/encrypted-bucket';
import { MlDataStore, type MlDataStoreProps } from '../../../constructs/storage/ml-data-store';
import {
  ModelImageRepository,
  type ModelImageRepositoryProps,
} from '../../../constructs/storage/model-image-repository';
import { CDK_JSON_CONTEXT, formatFindings, nagApp, synthFindings } from '../../support/nag';
import { expectValidationError } from '../../support/validation';

function newStack(): Stack {
  return new Stack(new App({ context: CDK_JSON_CONTEXT }), 'StorageStack', { env: { region: 'us-east-1' } });
}

describe('EncryptedBucket defaults', () => {
  let template: Template;
  beforeAll(() => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Bucket');
    template = Template.fromStack(stack);
  });

  test('SSE-KMS with a rotating customer-managed key and bucket keys', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
          },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'Bucket/' },
    });
    template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('TLS-only bucket policy', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('aborts incomplete uploads after 7 days and expires old versions', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            NoncurrentVersionExpiration: { NoncurrentDays: 90 },
            Status: 'Enabled',
          }),
        ],
      },
    });
  });

  test('retained on delete, with an SSE-S3 access-log bucket', () => {
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
    });
    template.resourceCountIs('AWS::S3::Bucket', 2);
  });
});

describe('EncryptedBucket overrides', () => {
  test('given key and log bucket, transitions, expiry, Object Lock and usage metadata', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const logs = new s3.Bucket(stack, 'Logs');
    new EncryptedBucket(stack, 'Bucket', {
      encryptionKey: key,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'custom/',
      transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, after: Duration.days(30) }],
      expiration: Duration.days(400),
      objectLockRetention: Duration.days(30),
      removalPolicy: RemovalPolicy.DESTROY,
      expectedStorageGb: 500,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
        },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: Match.stringLikeRegexp('^Logs') },
          LogFilePrefix: 'custom/',
        },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              ExpirationInDays: 400,
              Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
            }),
          ],
        },
      }),
      Metadata: Match.objectLike({
        [USAGE_METADATA_KEY]: { storageGb: 500, source: 'EncryptedBucket.expectedStorageGb' },
      }),
      DeletionPolicy: 'Delete',
    });
  });

  test('grants are scoped to the bucket, the prefix and its key', () => {
    const stack = newStack();
    const bucket = new EncryptedBucket(stack, 'Bucket');
    const role = new iam.Role(stack, 'Reader', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    });
    bucket.grantRead(role, 'models/*');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['s3:GetObject*']),
            Resource: Match.arrayWith([
              {
                'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Bucket'), 'Arn'] }, '/models/*']],
              },
            ]),
          }),
          Match.objectLike({
            Action: ['kms:Decrypt', 'kms:DescribeKey'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BucketKey'), 'Arn'] },
          }),
        ]),
      },
    });
  });
});

describe('MlDataStore', () => {
  let template: Template;
  let store: MlDataStore;
  beforeAll(() => {
    const stack = newStack();
    store = new MlDataStore(stack, 'Data', { modelArtifactsRetention: Duration.days(365) });
    template = Template.fromStack(stack);
  });

  test('four KMS buckets under one key, plus one access-log bucket', () => {
    template.resourceCountIs('AWS::S3::Bucket', 5);
    template.resourceCountIs('AWS::KMS::Key', 1);
    const kmsBuckets = template.findResources('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
        },
      },
    });
    expect(Object.keys(kmsBuckets)).toHaveLength(4);
  });

  test('datasets move to Intelligent-Tiering, checkpoints and captures expire, artifacts are locked', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 0 }] }),
          // The lake's failed records (errors/) expire; raw/ is kept unless rawDataExpiration is set.
          { Id: 'expire-error-records', Prefix: 'errors/', ExpirationInDays: 90, Status: 'Enabled' },
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }),
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } },
      },
    });
  });

  test('grant helpers reach the right bucket', () => {
    expect(store.checkpoints.bucket).toBeInstanceOf(s3.Bucket);
    const stack = Stack.of(store);
    const role = new iam.Role(stack, 'Trainer', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    });
    const grant = store.grantCheckpoints(role, 'jobs/*');
    expect(grant.success).toBe(true);
  });
});

describe('ModelImageRepository', () => {
  test('KMS, scan on push, immutable tags, keeps the last 30 images, pull grant', () => {
    const stack = newStack();
    const repo = new ModelImageRepository(stack, 'Images');
    const role = new iam.Role(stack, 'Puller', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    });
    repo.grantPull(role);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECR::Repository', {
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: Match.anyValue() },
      ImageScanningConfiguration: { ScanOnPush: true },
      ImageTagMutability: 'IMMUTABLE',
      LifecyclePolicy: { LifecyclePolicyText: Match.stringLikeRegexp('"countNumber":30') },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['ecr:BatchGetImage']),
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Images'), 'Arn'] },
          }),
        ]),
      },
    });
  });
});

describe('storage bad input', () => {
  test.each<[string, EncryptedBucketProps, string]>([
    [
      'IA transition too early',
      { transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, after: Duration.days(10) }] },
      'transitions[0].after must be at least 30 days for STANDARD_IA, got "10 days"',
    ],
    [
      'zero-day expiry',
      { expiration: Duration.days(0) },
      'expiration must be an integer from 1 to 36500, got 0',
    ],
    [
      'zero-day Object Lock',
      { objectLockRetention: Duration.days(0) },
      'objectLockRetention must be an integer from 1 to 36500, got 0',
    ],
    [
      'negative storage',
      { expectedStorageGb: -1 },
      'expectedStorageGb must be a number of GB, 0 or more, got -1',
    ],
  ])('EncryptedBucket: %s', (_n, props, message) => {
    expectValidationError((stack) => new EncryptedBucket(stack, 'Bucket', props), message);
  });

  test.each<[string, MlDataStoreProps, string]>([
    [
      'checkpoint expiry 0',
      { checkpointExpiration: Duration.days(0) },
      'checkpointExpiration must be an integer from 1 to 3650, got 0',
    ],
    [
      'capture expiry too long',
      { dataCaptureExpiration: Duration.days(4000) },
      'dataCaptureExpiration must be an integer from 1 to 3650, got 4000',
    ],
  ])('MlDataStore: %s', (_n, props, message) => {
    expectValidationError((stack) => new MlDataStore(stack, 'Data', props), message);
  });

  test.each<[string, ModelImageRepositoryProps, string]>([
    ['no images kept', { maxImageCount: 0 }, 'maxImageCount must be an integer from 1 to 10000, got 0'],
    ['upper-case name', { repositoryName: 'Models' }, 'repositoryName must be 2–256 lowercase letters'],
  ])('ModelImageRepository: %s', (_n, props, message) => {
    expectValidationError((stack) => new ModelImageRepository(stack, 'Images', props), message);
  });
});

test('storage constructs pass the AwsSolutions, NIST 800-53 R5 and HIPAA packs', () => {
  const app = nagApp();
  const stack = new Stack(app, 'Compliant', { env: { region: 'us-east-1' } });
  const store = new MlDataStore(stack, 'Data', { modelArtifactsRetention: Duration.days(30) });
  new EncryptedBucket(stack, 'Solo');
  const repo = new ModelImageRepository(stack, 'Images');
  expect(store.datasets.bucketArn).toBeDefined();
  expect(repo.repositoryUri).toBeDefined();
  expect(formatFindings(synthFindings(app))).toBe('');
});
