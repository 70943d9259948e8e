import { RemovalPolicy, Stack, type App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { LakeDatabase } from '../../../constructs/data';
import { LakeColumnType, type LakeColumn } from '../../../constructs/data/lake-table';
import { EncryptedBucket } from '../../../constructs/storage/encrypted-bucket';

export const ENV = { account: '123456789012', region: 'us-east-1' };

export const EVENT_COLUMNS: LakeColumn[] = [
  { name: 'event_id', type: LakeColumnType.STRING },
  { name: 'user_id', type: LakeColumnType.STRING },
  { name: 'amount', type: LakeColumnType.decimal(12, 2) },
  { name: 'event_time', type: LakeColumnType.TIMESTAMP },
];

/** A stack with a KMS lake bucket, the lake's Glue database, an imported private VPC and a topic. */
export function lakeStack(app: App, id = 'Lake') {
  const stack = new Stack(app, id, { env: ENV });
  const lake = new EncryptedBucket(stack, 'Lake', { removalPolicy: RemovalPolicy.DESTROY });
  const database = new LakeDatabase(stack, 'Database', { databaseName: 'ml_lake', bucket: lake.bucket });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0aaaaaaaaaaaaaaa2'],
  });
  const topic = sns.Topic.fromTopicArn(stack, 'Alarms', 'arn:aws:sns:us-east-1:123456789012:ml-alarms');
  return { stack, lake, bucket: lake.bucket, database, vpc, topic };
}
