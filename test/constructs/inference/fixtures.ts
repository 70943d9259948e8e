import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ModelImage } from '../../../constructs/inference';

export const ENV = { account: '123456789012', region: 'us-east-1' };

/** Imported VPC, buckets, key and repository: they add no resources, so findings come from the endpoint alone. */
export function inferenceFixtures(stack: Stack) {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    isolatedSubnetIds: ['subnet-0000000000000000a', 'subnet-0000000000000000b'],
  });
  const dataKey = kms.Key.fromKeyArn(
    stack,
    'DataKey',
    'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
  );
  const artifacts = s3.Bucket.fromBucketAttributes(stack, 'Artifacts', {
    bucketName: 'ml-artifacts',
    encryptionKey: dataKey,
  });
  const capture = s3.Bucket.fromBucketAttributes(stack, 'Capture', {
    bucketName: 'ml-capture',
    encryptionKey: dataKey,
  });
  const repository = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-model');
  return {
    vpc,
    dataKey,
    artifacts,
    capture,
    repository,
    image: ModelImage.fromEcrRepository(repository, '1.4.0'),
    modelData: { bucket: artifacts, key: 'models/churn/1.4.0/model.tar.gz' },
  };
}
