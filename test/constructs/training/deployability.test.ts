/**
 * Regressions of issue 12 (the training cluster would deploy broken): each test names the AWS
 * documentation sentence the behaviour rests on.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, test } from 'vitest';
import { MlDataStore } from '../../../constructs/storage';
import { GpuTrainingCluster } from '../../../constructs/training';
import { ENV, IMAGE, NO_BUNDLING } from './fixtures';

function vpcOf(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0aaaaaaaaaaaaaaa2'],
  });
}

// GIVEN one app: a platform-shaped stack (MlDataStore buckets with the platform key, EFA, FSx linked
// to the KMS datasets bucket, on-demand fallback) and a stack whose bucket already expires everything.
const app = new App({ context: NO_BUNDLING });
const platform = new Stack(app, 'Platform', { env: ENV });
const key = new kms.Key(platform, 'PlatformKey', { enableKeyRotation: true });
const data = new MlDataStore(platform, 'Data', { encryptionKey: key });
const cluster = new GpuTrainingCluster(platform, 'Training', {
  vpc: vpcOf(platform),
  clusterName: 'platform',
  encryptionKey: key,
  checkpointBucket: data.checkpoints.bucket,
  datasetsBucket: data.datasets.bucket,
  onDemandFallback: { maxGpus: 4 },
  efa: { maxGpus: 16 },
  fsx: { storageCapacityGiB: 1200 },
});
cluster.addMultiNodeJob('Pretrain', { image: IMAGE, nodes: 2, efa: true });

let t: Template;
beforeAll(() => {
  t = Template.fromStack(platform);
});

describe('issue 12: training deploys as the AWS documentation says', () => {
  test('EFA compute environment keeps the security group: "The elastic network interfaces that are created and attached to an MNP task will use the security groups specified in your compute environment"', () => {
    const envs = t.findResources('AWS::Batch::ComputeEnvironment', {
      Properties: { ComputeResources: { PlacementGroup: Match.anyValue() } },
    });
    expect(Object.keys(envs)).toHaveLength(1);
    const [efa] = Object.values(envs) as Array<{ Properties: { ComputeResources: Record<string, unknown> } }>;
    expect(efa.Properties.ComputeResources.SecurityGroupIds).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^TrainingSecurityGroup/), 'GroupId'] },
    ]);
    // ...and the group admits all traffic from itself (nodes rendezvous over it).
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: '-1',
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrainingSecurityGroup'), 'GroupId'] },
    });
  });

  test('every compute environment names its launch template by version number, not $Latest/$Default: "When updating a compute environment, changing the launch template requires an infrastructure update of the compute environment"', () => {
    const envs = Object.values(t.findResources('AWS::Batch::ComputeEnvironment')) as Array<{
      Properties: { ComputeResources: { LaunchTemplate: { LaunchTemplateId: unknown; Version: unknown } } };
    }>;
    expect(envs).toHaveLength(3);
    for (const env of envs) {
      const lt = env.Properties.ComputeResources.LaunchTemplate;
      const ref = (lt.LaunchTemplateId as { Ref: string }).Ref;
      expect(lt.Version).toEqual({ 'Fn::GetAtt': [ref, 'LatestVersionNumber'] });
    }
  });

  test('no function reserves concurrency: "You can reserve up to the Unreserved account concurrency value that is shown, minus 100"; the NIST/HIPAA concurrency rule is acknowledged with that reason', () => {
    const fns = t.findResources('AWS::Lambda::Function');
    expect(Object.keys(fns).length).toBeGreaterThan(0);
    for (const fn of Object.values(fns) as Array<{ Properties: Record<string, unknown> }>) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  test('FSx link to a KMS bucket: the key admits the link\'s service-linked role through S3 ("you must add a statement to your customer managed key policy that allows Amazon FSx to encrypt and decrypt objects")', () => {
    const policy = JSON.stringify(t.findResources('AWS::KMS::Key'));
    expect(policy).toContain('AWSServiceRoleForFSxS3Access_*');
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { AWS: '*' },
            Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey*']),
            Condition: Match.objectLike({
              StringEquals: {
                'kms:CallerAccount': '123456789012',
                'kms:ViaService': 's3.us-east-1.amazonaws.com',
              },
              ArnLike: {
                'aws:PrincipalArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':iam::123456789012:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_*',
                    ],
                  ],
                },
              },
            }),
          }),
        ]),
      },
    });
  });

  test('the checkpoints bucket keeps one expiration per object: "if two expiration policies overlap, the shorter expiration policy is honored"', () => {
    const checkpoints = Object.keys(t.findResources('AWS::S3::Bucket')).filter((id) =>
      id.startsWith('DataCheckpoints'),
    );
    expect(checkpoints).toHaveLength(1);
    for (const b of Object.values(t.findResources('AWS::S3::Bucket')) as Array<{
      Properties: {
        LifecycleConfiguration?: { Rules: Array<{ Prefix?: string; ExpirationInDays?: number }> };
      };
    }>) {
      const expiring = (b.Properties.LifecycleConfiguration?.Rules ?? []).filter(
        (r) => r.ExpirationInDays !== undefined,
      );
      for (const a of expiring) {
        for (const other of expiring) {
          if (a === other) continue;
          const [p, q] = [a.Prefix ?? '', other.Prefix ?? ''];
          expect(p.startsWith(q) || q.startsWith(p), `${p} and ${q} overlap`).toBe(false);
        }
      }
    }
  });
});

describe('checkpointExpiration', () => {
  test('on a bucket of the app without an expiry: a rule on the cluster prefix that only expires', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Own', { env: ENV });
    const bucket = new s3.Bucket(stack, 'Checkpoints');
    new GpuTrainingCluster(stack, 'Cluster', {
      vpc: vpcOf(stack),
      clusterName: 'own',
      checkpointBucket: bucket,
      checkpointExpiration: Duration.days(14),
      instanceTypes: [
        new ec2.InstanceType('g6.xlarge'),
        new ec2.InstanceType('g5.xlarge'),
        new ec2.InstanceType('g6e.xlarge'),
      ],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'expire-own-checkpoints',
            Prefix: 'checkpoints/own/',
            ExpirationInDays: 14,
            Status: 'Enabled',
          },
        ],
      },
    });
  });

  test('on a bucket that already expires every object: synth fails naming the prop, the rule and the fix', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Overlap', { env: ENV });
    const store = new MlDataStore(stack, 'Data');
    new GpuTrainingCluster(stack, 'Cluster', {
      vpc: vpcOf(stack),
      clusterName: 'overlap',
      checkpointBucket: store.checkpoints.bucket,
      checkpointExpiration: Duration.days(60),
    });
    expect(() => Template.fromStack(stack)).toThrow(
      /GpuTrainingCluster: checkpointExpiration must be unset when the checkpoint bucket already expires checkpoints\/overlap\/ \(rule abort-incomplete-uploads-and-old-versions, 30 days\)/,
    );
  });

  test('an imported KMS key on the linked datasets bucket: a warning says what its owner must allow', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Imported', { env: ENV });
    const importedKey = kms.Key.fromKeyArn(
      stack,
      'Key',
      'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
    );
    new GpuTrainingCluster(stack, 'Cluster', {
      vpc: vpcOf(stack),
      checkpointBucket: s3.Bucket.fromBucketName(stack, 'Checkpoints', 'ckpt'),
      datasetsBucket: s3.Bucket.fromBucketAttributes(stack, 'Datasets', {
        bucketName: 'datasets',
        encryptionKey: importedKey,
      }),
      fsx: { storageCapacityGiB: 1200 },
    });
    Annotations.fromStack(stack).hasWarning(
      '/Imported/Cluster/Scratch',
      Match.stringLikeRegexp('its owner must let the FSx link.s service-linked role'),
    );
  });
});
