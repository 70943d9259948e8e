import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { GpuTrainingCluster, type GpuTrainingClusterProps } from '../../../constructs/training';

export const ENV = { account: '123456789012', region: 'us-east-1' };

/** Skips esbuild bundling in apps that do not look at the retry function's code. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

/** A stack with an imported private VPC and imported buckets: the cluster's resources are all it holds. */
export function trainingStack(
  app: App,
  id = 'Training',
): {
  stack: Stack;
  vpc: ec2.IVpc;
  checkpointBucket: s3.IBucket;
  datasetsBucket: s3.IBucket;
  topic: sns.ITopic;
} {
  const stack = new Stack(app, id, { env: ENV });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0aaaaaaaaaaaaaaa2'],
  });
  const dataKey = kms.Key.fromKeyArn(
    stack,
    'DataKey',
    `arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555`,
  );
  const checkpointBucket = s3.Bucket.fromBucketAttributes(stack, 'Checkpoints', {
    bucketName: 'ml-checkpoints-123456789012',
    encryptionKey: dataKey,
  });
  const datasetsBucket = s3.Bucket.fromBucketAttributes(stack, 'Datasets', {
    bucketName: 'ml-datasets-123456789012',
    encryptionKey: dataKey,
  });
  const topic = sns.Topic.fromTopicArn(stack, 'Alarms', 'arn:aws:sns:us-east-1:123456789012:ml-alarms');
  return { stack, vpc, checkpointBucket, datasetsBucket, topic };
}

/** Every feature on: on-demand fallback, EFA multi-node, FSx, fair share, alarms, usage. */
export function fullClusterProps(f: ReturnType<typeof trainingStack>): GpuTrainingClusterProps {
  return {
    vpc: f.vpc,
    clusterName: 'research',
    checkpointBucket: f.checkpointBucket,
    datasetsBucket: f.datasetsBucket,
    alarmTopic: f.topic,
    expectedUsage: { monthlyGpuHours: 600 },
    maxGpus: 16,
    onDemandFallback: { maxGpus: 4 },
    efa: { maxGpus: 16 },
    fsx: { storageCapacityGiB: 1200 },
    fairShare: { shares: { vision: 2, nlp: 1 } },
  };
}

export const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12');

export function fullCluster(f: ReturnType<typeof trainingStack>): GpuTrainingCluster {
  const cluster = new GpuTrainingCluster(f.stack, 'Cluster', fullClusterProps(f));
  cluster.addGpuJob('Finetune', { image: IMAGE, command: ['python', 'train.py'] });
  cluster.addMultiNodeJob('Pretrain', { image: IMAGE, nodes: 4, efa: true });
  return cluster;
}
