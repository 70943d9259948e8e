import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, test } from 'vitest';
import { GpuTrainingCluster, type IGpuTrainingCluster } from '../../../constructs/training';
import { ENV, NO_BUNDLING } from './fixtures';

const ECR_IMAGE = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/trainer:v3';

const app = new App({ context: NO_BUNDLING });
const stack = new Stack(app, 'Api', { env: ENV });
const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
  vpcId: 'vpc-0123456789abcdef0',
  availabilityZones: ['us-east-1a', 'us-east-1b'],
  privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
  privateSubnetRouteTableIds: ['rtb-1', 'rtb-2'],
});
const cluster = new GpuTrainingCluster(stack, 'Cluster', {
  vpc,
  clusterName: 'api',
  checkpointBucket: s3.Bucket.fromBucketName(stack, 'Checkpoints', 'ckpt'),
  instanceTypes: [
    ec2.InstanceType.of(ec2.InstanceClass.G5, ec2.InstanceSize.XLARGE),
    new ec2.InstanceType('g6.xlarge'),
    new ec2.InstanceType('g6e.xlarge'),
  ],
});
const fromEcr = cluster.addGpuJob('FromEcr', { image: ecs.ContainerImage.fromRegistry(ECR_IMAGE) });
const fromHub = cluster.addGpuJob('FromHub', {
  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12'),
});

const imported: IGpuTrainingCluster = GpuTrainingCluster.fromGpuTrainingClusterAttributes(stack, 'Imported', {
  clusterName: 'elsewhere',
  spotJobQueueArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/elsewhere-spot',
  onDemandJobQueueArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/elsewhere-od',
  jobDefinitionArns: ['arn:aws:batch:us-east-1:123456789012:job-definition/train:3'],
  capacityTimeout: Duration.minutes(30),
});
const submitter = new iam.Role(stack, 'Submitter', { assumedBy: new iam.AccountRootPrincipal() });
imported.grantSubmitJob(submitter);

let t: Template;
beforeAll(() => {
  t = Template.fromStack(stack);
});

describe('IGpuTrainingCluster', () => {
  test('the cluster is an IResource and IConnectable: connections carry its instances security group', () => {
    const asInterface: IGpuTrainingCluster = cluster;
    expect(asInterface.stack).toBe(stack);
    expect(cluster.connections.securityGroups).toEqual([cluster.securityGroup]);
  });

  test('an imported cluster exposes its queues, timeout and GPU metrics, and grants SubmitJob on its queues and job definitions (any revision)', () => {
    expect(imported.jobQueues.map((q) => q.jobQueueArn)).toEqual([
      'arn:aws:batch:us-east-1:123456789012:job-queue/elsewhere-spot',
      'arn:aws:batch:us-east-1:123456789012:job-queue/elsewhere-od',
    ]);
    expect(imported.efaQueue).toBeUndefined();
    expect(imported.capacityTimeout.toMinutes()).toBe(30);
    expect(imported.metricGpuUtilization().dimensions).toEqual({ ClusterName: 'elsewhere' });
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Submitter') }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'batch:SubmitJob',
            Resource: [
              'arn:aws:batch:us-east-1:123456789012:job-queue/elsewhere-spot',
              'arn:aws:batch:us-east-1:123456789012:job-queue/elsewhere-od',
              'arn:aws:batch:us-east-1:123456789012:job-definition/train:*',
            ],
          }),
        ],
      },
    });
  });

  test('jobDefinitions is a read-only copy: changing it cannot change what grantSubmitJob covers', () => {
    const defs = cluster.jobDefinitions as unknown as unknown[];
    defs.pop();
    expect(cluster.jobDefinitions).toEqual([fromEcr, fromHub]);
  });
});

describe('ECR images named by URI', () => {
  test('ContainerImage.fromRegistry(<ECR URI>): the execution role may pull from that repository', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
            Resource: 'arn:aws:ecr:eu-west-1:111122223333:repository/team/trainer',
          }),
          Match.objectLike({ Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
        ]),
      },
    });
  });

  test("CDK's warning that such an image needs pull permissions is acknowledged (they are granted)", () => {
    // THEN
    const ecrWarnings = (path: string) =>
      app
        .synth()
        .getStackByName(stack.stackName)
        .findMetadataByType('aws:cdk:warning')
        .filter((m) => m.path.startsWith(path) && String(m.data).includes('ecrImageRequiresPolicy'));
    expect(ecrWarnings(`/${fromEcr.node.scope!.node.path}`)).toEqual([]);
  });

  test('an image outside ECR gets no ECR grant', () => {
    const policies = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(policies.match(/ecr:BatchGetImage/g)).toHaveLength(1);
  });
});

test('a VPC without the default subnets: the cluster names vpcSubnets and the fix', () => {
  const s = new Stack(new App({ context: NO_BUNDLING }), 'Isolated', { env: ENV });
  const isolatedOnly = ec2.Vpc.fromVpcAttributes(s, 'Vpc', {
    vpcId: 'vpc-1',
    availabilityZones: ['us-east-1a'],
    isolatedSubnetIds: ['subnet-iso'],
    isolatedSubnetRouteTableIds: ['rtb-iso'],
  });
  expect(
    () =>
      new GpuTrainingCluster(s, 'Cluster', {
        vpc: isolatedOnly,
        checkpointBucket: s3.Bucket.fromBucketName(s, 'C', 'checkpoints'),
      }),
  ).toThrow(
    '[Isolated/Cluster] GpuTrainingCluster: vpcSubnets must be set (the default, PRIVATE_WITH_EGRESS subnets, is missing from the VPC, which has PRIVATE_ISOLATED subnets): pass e.g. { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } or { subnets: [...] }, got undefined',
  );
});
