/**
 * The source a `StreamingIngestion`'s Firehose stream reads: a KMS-encrypted Kinesis data stream, or
 * an MSK Serverless cluster with IAM authentication and private connectivity; each with the delivery
 * role's read access and the delivery stream's source configuration.
 */
import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as msk from 'aws-cdk-lib/aws-msk';
import type { Construct } from 'constructs';
import { acknowledgeFindings } from '../../core/compliance';
import type { KinesisSourceOptions, MskServerlessSourceOptions } from '../ingestion-source';

/** The delivery stream's source properties, and what it must be created after. */
export interface DeliverySource {
  readonly sourceConfig: Partial<firehose.CfnDeliveryStreamProps>;
  readonly dependencies: readonly Construct[];
}

/** A new KMS-encrypted Kinesis stream (id `Stream` under `scope`), readable by `role`. */
export function createKinesisSource(
  scope: Construct,
  options: KinesisSourceOptions | undefined,
  role: iam.Role,
  key: kms.IKey,
  removalPolicy: RemovalPolicy,
): DeliverySource & { readonly stream: kinesis.Stream } {
  const o = options ?? {};
  const mode = o.streamMode ?? kinesis.StreamMode.ON_DEMAND;
  const stream = new kinesis.Stream(scope, 'Stream', {
    streamMode: mode,
    shardCount: mode === kinesis.StreamMode.PROVISIONED ? (o.shardCount ?? 1) : undefined,
    retentionPeriod: o.retentionPeriod ?? Duration.hours(24),
    encryption: kinesis.StreamEncryption.KMS,
    encryptionKey: key,
    removalPolicy,
  });
  // Firehose reads with DescribeStream, GetShardIterator, GetRecords, ListShards and decrypts
  // with the stream's key ("Grant Firehose access to ... Kinesis data stream as source").
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [
        'kinesis:DescribeStream',
        'kinesis:GetShardIterator',
        'kinesis:GetRecords',
        'kinesis:ListShards',
      ],
      resources: [stream.streamArn],
    }),
  );
  key.grantDecrypt(role);
  acknowledgeFindings(
    stream,
    ['AwsSolutions-KDS3'],
    `${scope.node.path} encrypts with a customer-managed key (rotation on, key policy ours) instead of aws/kinesis, as the platform's security baseline requires.`,
  );
  const sourceConfig = {
    deliveryStreamType: 'KinesisStreamAsSource',
    kinesisStreamSourceConfiguration: { kinesisStreamArn: stream.streamArn, roleArn: role.roleArn },
  };
  return { stream, sourceConfig, dependencies: [] };
}

/**
 * A new MSK Serverless cluster (`Cluster`, its security group `ClusterSecurityGroup` and the
 * `ClusterPolicy` Firehose needs), readable by `role`.
 */
export function createMskSource(
  scope: Construct,
  o: MskServerlessSourceOptions,
  role: iam.Role,
  tableName: string,
): DeliverySource & {
  readonly cluster: msk.CfnServerlessCluster;
  readonly securityGroup: ec2.SecurityGroup;
} {
  const stack = Stack.of(scope);
  const securityGroup = new ec2.SecurityGroup(scope, 'ClusterSecurityGroup', {
    vpc: o.vpc,
    description: `MSK Serverless cluster of ${tableName}: producers are allowed explicitly`,
    allowAllOutbound: false,
  });
  const clusterName = `${stack.stackName}-${tableName}`.slice(0, 64).replace(/_/g, '-');
  const cluster = new msk.CfnServerlessCluster(scope, 'Cluster', {
    clusterName,
    // MSK Serverless supports IAM access control only; TLS in transit is always on.
    clientAuthentication: { sasl: { iam: { enabled: true } } },
    vpcConfigs: [
      {
        subnetIds: o.vpc.selectSubnets(o.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS })
          .subnetIds,
        securityGroups: [securityGroup.securityGroupId],
      },
    ],
  });
  // Private bootstrap brokers need "a resource-based policy which grants Firehose service principal
  // the permission to invoke the Amazon MSK CreateVpcConnection API operation".
  const policy = new msk.CfnClusterPolicy(scope, 'ClusterPolicy', {
    clusterArn: cluster.attrArn,
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'firehose.amazonaws.com' },
          Action: [
            'kafka:CreateVpcConnection',
            'kafka:GetBootstrapBrokers',
            'kafka:DescribeCluster',
            'kafka:DescribeClusterV2',
          ],
          Resource: cluster.attrArn,
        },
      ],
    },
  });
  const clusterArn = cluster.attrArn;
  const kafkaArn = (kind: string, rest: string) =>
    stack.formatArn({ service: 'kafka', resource: kind, resourceName: `${clusterName}/${rest}` });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [
        'kafka:GetBootstrapBrokers',
        'kafka:DescribeCluster',
        'kafka:DescribeClusterV2',
        'kafka-cluster:Connect',
      ],
      resources: [clusterArn],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [
        'kafka-cluster:DescribeTopic',
        'kafka-cluster:DescribeTopicDynamicConfiguration',
        'kafka-cluster:ReadData',
      ],
      resources: [kafkaArn('topic', `*/${o.topicName}`)],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kafka-cluster:DescribeGroup'],
      resources: [kafkaArn('group', '*/*')],
    }),
  );
  const sourceConfig = {
    deliveryStreamType: 'MSKAsSource',
    mskSourceConfiguration: {
      mskClusterArn: clusterArn,
      topicName: o.topicName,
      authenticationConfiguration: { roleArn: role.roleArn, connectivity: 'PRIVATE' },
    },
  };
  return { cluster, securityGroup, sourceConfig, dependencies: [policy] };
}
