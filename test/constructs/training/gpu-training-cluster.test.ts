import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, test } from 'vitest';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  DEFAULT_TRAINING_INSTANCE_TYPES,
  GpuLaunchTemplate,
  gpuMetricsAgentConfig,
  GpuTrainingCluster,
  SpotToOnDemandRetry,
  TrainingScratchFileSystem,
  type GpuTrainingClusterProps,
} from '../../../constructs/training';
import { CAPACITY_STATUS_REASONS } from '../../../constructs/monitoring';
import { anyRevisionArn } from '../../../constructs/training/private/job-definition-arn';
import { USAGE_METADATA_KEY } from '../../../cost/usage-metadata';
import { fullClusterProps, IMAGE, NO_BUNDLING, trainingStack } from './fixtures';

// One app, synthesized once, for every template assertion of this file.
const app = new App({ context: NO_BUNDLING });
const defaults = trainingStack(app, 'Defaults');
const defaultCluster = new GpuTrainingCluster(defaults.stack, 'Cluster', {
  vpc: defaults.vpc,
  checkpointBucket: defaults.checkpointBucket,
});
defaultCluster.addGpuJob('Finetune', { image: IMAGE });

const full = trainingStack(app, 'Full');
const fullCluster = new GpuTrainingCluster(full.stack, 'Cluster', {
  ...fullClusterProps(full),
  capacityTimeout: Duration.minutes(30),
  rootVolumeSize: Size.gibibytes(500),
  spotBidPercentage: 70,
});
const submitter = new iam.Role(full.stack, 'Submitter', { assumedBy: new iam.AccountRootPrincipal() });
fullCluster.grantSubmitJob(submitter);
const finetune = fullCluster.addGpuJob('Finetune', {
  image: IMAGE,
  command: ['python', 'train.py'],
  gpus: 1,
  environment: { LR: '0.0001' },
  timeout: Duration.hours(12),
});
const pretrain = fullCluster.addMultiNodeJob('Pretrain', { image: IMAGE, nodes: 4, efa: true });

const ownedVpc = trainingStack(app, 'OwnedBucket');
const owned: Stack = ownedVpc.stack;
const ownedBucket = new s3.Bucket(owned, 'OwnedCheckpoints');
new GpuTrainingCluster(owned, 'Cluster', {
  vpc: ownedVpc.vpc,
  clusterName: 'owned',
  checkpointBucket: ownedBucket,
  instanceTypes: [new ec2.InstanceType('g6.xlarge')],
  maxGpus: 2,
});

/** Every revision of a job definition of this app: the first six parts of its ARN (`Ref`) and `*`. */
function anyRevision(logicalIdPrefix: string): unknown {
  return {
    'Fn::Join': [
      ':',
      [
        ...[0, 1, 2, 3, 4, 5].map((i) => ({
          'Fn::Select': [i, { 'Fn::Split': [':', { Ref: Match.stringLikeRegexp(`^${logicalIdPrefix}`) }] }],
        })),
        '*',
      ],
    ],
  };
}

/** An ARN as CDK renders it for imported resources: `arn:` + the partition + the rest. */
function partitionArn(rest: string): unknown {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] };
}

let d: Template;
let f: Template;

beforeAll(() => {
  d = Template.fromStack(defaults.stack);
  f = Template.fromStack(full.stack);
});

describe('defaults', () => {
  test('a spot compute environment with price-capacity-optimized allocation over three GPU families, scaling to zero', () => {
    // THEN
    d.resourceCountIs('AWS::Batch::ComputeEnvironment', 1);
    d.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      Type: 'managed',
      ComputeResources: Match.objectLike({
        Type: 'SPOT',
        AllocationStrategy: 'SPOT_PRICE_CAPACITY_OPTIMIZED',
        MinvCpus: 0,
        MaxvCpus: 32,
        InstanceTypes: [...DEFAULT_TRAINING_INSTANCE_TYPES],
        Ec2Configuration: [{ ImageType: 'ECS_AL2023_NVIDIA' }],
        Subnets: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
        LaunchTemplate: {
          LaunchTemplateId: { Ref: Match.stringLikeRegexp('^ClusterLaunchTemplate') },
          Version: {
            'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterLaunchTemplate'), 'LatestVersionNumber'],
          },
        },
        BidPercentage: Match.absent(),
        PlacementGroup: Match.absent(),
      }),
    });
    const families = new Set(DEFAULT_TRAINING_INSTANCE_TYPES.map((t) => t.split('.')[0]));
    expect(families.size).toBeGreaterThanOrEqual(3);
  });

  test('the launch template requires IMDSv2 with hop limit 1 and encrypts a 200 GiB gp3 root volume with the new key', () => {
    d.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/xvda',
            Ebs: {
              Encrypted: true,
              VolumeType: 'gp3',
              VolumeSize: 200,
              DeleteOnTermination: true,
              KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterKey'), 'Arn'] },
            },
          },
        ],
        NetworkInterfaces: Match.absent(),
      }),
    });
    d.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('user data is MIME multi-part and starts the CloudWatch agent with the GPU metrics config', () => {
    const lt = Object.values(d.findResources('AWS::EC2::LaunchTemplate'))[0] as {
      Properties: { LaunchTemplateData: { UserData: { 'Fn::Base64': unknown } } };
    };
    const userData = JSON.stringify(lt.Properties.LaunchTemplateData.UserData['Fn::Base64']);
    expect(userData).toContain('Content-Type: multipart/mixed');
    expect(userData).toContain('dnf install -y amazon-cloudwatch-agent');
    expect(userData).toContain('amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s');
    expect(userData).toContain(
      JSON.stringify(
        JSON.stringify(gpuMetricsAgentConfig(defaultCluster.clusterName, 'CDKMLPlatform/GPU')),
      ).slice(1, -1),
    );
    expect(userData).not.toContain('lustre');
    expect(userData).not.toContain('efa_installer');
  });

  test('one spot queue with capacity time limits of 60 minutes; no on-demand, EFA, FSx, function or fair share', () => {
    d.resourceCountIs('AWS::Batch::JobQueue', 1);
    d.hasResourceProperties('AWS::Batch::JobQueue', {
      JobStateTimeLimitActions: [
        {
          Action: 'CANCEL',
          MaxTimeSeconds: 3600,
          Reason: 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY',
          State: 'RUNNABLE',
        },
        {
          Action: 'CANCEL',
          MaxTimeSeconds: 3600,
          Reason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT',
          State: 'RUNNABLE',
        },
      ],
      SchedulingPolicyArn: Match.absent(),
    });
    for (const type of [
      'AWS::Lambda::Function',
      'AWS::Events::Rule',
      'AWS::FSx::FileSystem',
      'AWS::EC2::PlacementGroup',
      'AWS::Batch::SchedulingPolicy',
    ]) {
      d.resourceCountIs(type, 0);
    }
    expect(defaultCluster.onDemandQueue).toBeUndefined();
    expect(defaultCluster.retryFunction).toBeUndefined();
    expect(defaultCluster.jobQueues).toEqual([defaultCluster.spotQueue]);
    expect(defaultCluster.capacityTimeout.toMinutes()).toBe(60);
  });

  test('the cluster name derives from the construct path; no usage metadata without expectedUsage', () => {
    expect(defaultCluster.clusterName).toBe('Defaults-Cluster');
    const ce = Object.values(d.findResources('AWS::Batch::ComputeEnvironment'))[0] as {
      Metadata?: Record<string, unknown>;
    };
    expect(ce.Metadata?.[USAGE_METADATA_KEY]).toBeUndefined();
  });

  test('a GPU job gets the checkpoint contract, spot-aware retries, a 24 h timeout and encrypted logs', () => {
    d.hasResourceProperties('AWS::Batch::JobDefinition', {
      Type: 'container',
      PlatformCapabilities: ['EC2'],
      Timeout: { AttemptDurationSeconds: 86400 },
      RetryStrategy: {
        Attempts: 3,
        EvaluateOnExit: [
          { Action: 'RETRY', OnStatusReason: 'Host EC2*' },
          { Action: 'EXIT', OnReason: '*' },
        ],
      },
      ContainerProperties: Match.objectLike({
        Environment: [
          {
            Name: 'CHECKPOINT_S3_URI',
            Value: 's3://ml-checkpoints-123456789012/checkpoints/Defaults-Cluster/Finetune/',
          },
        ],
        ResourceRequirements: [
          { Type: 'MEMORY', Value: '14336' },
          { Type: 'VCPU', Value: '4' },
          { Type: 'GPU', Value: '1' },
        ],
        LinuxParameters: { InitProcessEnabled: true, SharedMemorySize: 8192 },
        LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
      }),
    });
    d.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterKey'), 'Arn'] },
    });
  });

  test('the job role may touch only its checkpoint prefix, with S3 using the bucket key', () => {
    d.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
            Resource: partitionArn(
              ':s3:::ml-checkpoints-123456789012/checkpoints/Defaults-Cluster/Finetune/*',
            ),
          },
          {
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: partitionArn(':s3:::ml-checkpoints-123456789012'),
            Condition: { StringLike: { 's3:prefix': ['checkpoints/Defaults-Cluster/Finetune/*'] } },
          },
          {
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
            Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
          },
        ],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^ClusterFinetuneJobRole') }],
    });
  });

  test('the instance role publishes metrics only in the GPU namespace', () => {
    d.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'cloudwatch:PutMetricData',
            Resource: '*',
            Condition: { StringEquals: { 'cloudwatch:namespace': 'CDKMLPlatform/GPU' } },
          },
        ],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^ClusterInstanceRole') }],
    });
  });

  test('the key lets EC2 (for Batch launches) and CloudWatch Logs use it, nothing else', () => {
    d.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: Match.stringLikeRegexp('^EbsThroughEc2For[0-9a-f]{8}$'),
            Principal: { AWS: '*' },
            Condition: {
              StringEquals: {
                'kms:ViaService': 'ec2.us-east-1.amazonaws.com',
                'kms:CallerAccount': '123456789012',
              },
            },
          }),
          Match.objectLike({
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': partitionArn(
                  ':logs:us-east-1:123456789012:log-group:*',
                ),
              },
            },
          }),
        ]),
      },
    });
  });

  test('CloudWatch Logs gets no key-policy statement without the log-group encryption-context condition', () => {
    // Regression: grantEncryptDecrypt(logs) gave the service unconditioned use of the key.
    for (const template of [d, f]) {
      const keys = Object.values(template.findResources('AWS::KMS::Key')) as Array<{
        Properties: {
          KeyPolicy: { Statement: Array<{ Principal?: { Service?: string }; Condition?: unknown }> };
        };
      }>;
      const logStatements = keys.flatMap((k) =>
        k.Properties.KeyPolicy.Statement.filter(
          (st) => st.Principal?.Service === 'logs.us-east-1.amazonaws.com',
        ),
      );
      expect(logStatements).toHaveLength(1);
      expect(logStatements[0].Condition).toEqual({
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': partitionArn(':logs:us-east-1:123456789012:log-group:*'),
        },
      });
    }
  });
});

describe('every feature on', () => {
  test('an on-demand compute environment and queue, capped separately, behind the spot one', () => {
    f.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({
        Type: 'EC2',
        AllocationStrategy: 'BEST_FIT_PROGRESSIVE',
        MinvCpus: 0,
        MaxvCpus: 16,
        InstanceTypes: [...DEFAULT_TRAINING_INSTANCE_TYPES],
        Ec2Configuration: [{ ImageType: 'ECS_AL2023_NVIDIA' }],
      }),
    });
    f.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({ Type: 'SPOT', MaxvCpus: 64, BidPercentage: 70 }),
    });
    f.resourceCountIs('AWS::Batch::JobQueue', 3);
    expect(fullCluster.jobQueues).toEqual([
      fullCluster.spotQueue,
      fullCluster.onDemandQueue,
      fullCluster.efaQueue,
    ]);
    expect(fullCluster.onDemandComputeEnvironment).toBeDefined();
  });

  test('the EFA environment: cluster placement group, one subnet, the security group on the environment (MNP task ENIs) and on the EFA interfaces', () => {
    f.hasResourceProperties('AWS::EC2::PlacementGroup', { Strategy: 'cluster' });
    f.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({
        Type: 'EC2',
        InstanceTypes: ['g6e.12xlarge', 'g5.12xlarge'],
        MaxvCpus: 192,
        Subnets: ['subnet-0aaaaaaaaaaaaaaa1'],
        PlacementGroup: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterPlacementGroup'), 'GroupName'] },
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterSecurityGroup'), 'GroupId'] }],
      }),
    });
    f.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [
          Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true, VolumeSize: 500 }) }),
        ],
        NetworkInterfaces: [
          {
            Description: 'EFA on network card 0',
            DeviceIndex: 0,
            NetworkCardIndex: 0,
            InterfaceType: 'efa',
            Groups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterSecurityGroup'), 'GroupId'] }],
            DeleteOnTermination: true,
          },
        ],
      }),
    });
  });

  test('every launch template requires IMDSv2 and encrypts its volumes', () => {
    const templates = Object.values(f.findResources('AWS::EC2::LaunchTemplate')) as Array<{
      Properties: {
        LaunchTemplateData: {
          MetadataOptions: { HttpTokens: string };
          BlockDeviceMappings: Array<{ Ebs: { Encrypted: boolean } }>;
        };
      };
    }>;
    expect(templates).toHaveLength(2);
    for (const t of templates) {
      expect(t.Properties.LaunchTemplateData.MetadataOptions.HttpTokens).toBe('required');
      expect(t.Properties.LaunchTemplateData.BlockDeviceMappings.every((b) => b.Ebs.Encrypted)).toBe(true);
    }
  });

  test('the security group admits all traffic from itself only (EFA, NCCL), and FSx ports', () => {
    f.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: '-1',
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterSecurityGroup'), 'GroupId'] },
    });
    f.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 988,
      ToPort: 1023,
    });
    f.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [
        { CidrIp: '0.0.0.0/0', IpProtocol: '-1', Description: 'Allow all outbound traffic by default' },
      ],
    });
  });

  test('a multi-node EFA job: nodes, GPUs of the instance type, EFA devices, unlimited memlock, FSx checkpoint dir', () => {
    f.hasResourceProperties('AWS::Batch::JobDefinition', {
      Type: 'multinode',
      NodeProperties: {
        MainNode: 0,
        NumNodes: 4,
        NodeRangeProperties: [
          {
            TargetNodes: '0:3',
            Container: Match.objectLike({
              InstanceType: 'g6e.12xlarge',
              // 90% of g6e.12xlarge's 384 GiB, every vCPU and GPU of the type.
              ResourceRequirements: [
                { Type: 'MEMORY', Value: '353894' },
                { Type: 'VCPU', Value: '48' },
                { Type: 'GPU', Value: '4' },
              ],
              LinuxParameters: Match.objectLike({
                Devices: [
                  {
                    HostPath: '/dev/infiniband/uverbs0',
                    ContainerPath: '/dev/infiniband/uverbs0',
                    Permissions: ['read', 'write', 'mknod'],
                  },
                ],
              }),
              Ulimits: [{ Name: 'memlock', SoftLimit: -1, HardLimit: -1 }],
              Environment: [
                {
                  Name: 'CHECKPOINT_S3_URI',
                  Value: 's3://ml-checkpoints-123456789012/checkpoints/research/Pretrain/',
                },
                { Name: 'CHECKPOINT_LOCAL_DIR', Value: '/fsx/checkpoints/research/Pretrain/' },
              ],
              MountPoints: [{ ContainerPath: '/fsx', SourceVolume: 'fsx' }],
              Volumes: [{ Host: { SourcePath: '/fsx' }, Name: 'fsx' }],
            }),
          },
        ],
      },
      RetryStrategy: Match.objectLike({ Attempts: 2 }),
    });
    expect(pretrain.containers).toHaveLength(1);
  });

  test('a GPU job with overrides keeps the user environment next to the contract, and the fallback attempts', () => {
    f.hasResourceProperties('AWS::Batch::JobDefinition', {
      Type: 'container',
      Timeout: { AttemptDurationSeconds: 43200 },
      RetryStrategy: Match.objectLike({ Attempts: 2 }),
      ContainerProperties: Match.objectLike({
        Command: ['python', 'train.py'],
        Environment: [
          { Name: 'LR', Value: '0.0001' },
          {
            Name: 'CHECKPOINT_S3_URI',
            Value: 's3://ml-checkpoints-123456789012/checkpoints/research/Finetune/',
          },
          { Name: 'CHECKPOINT_LOCAL_DIR', Value: '/fsx/checkpoints/research/Finetune/' },
        ],
      }),
    });
    expect(finetune.retryAttempts).toBe(2);
  });

  test('FSx for Lustre PERSISTENT_2 with the cluster key, linked to the datasets bucket, mounted at /fsx', () => {
    f.hasResourceProperties('AWS::FSx::FileSystem', {
      FileSystemType: 'LUSTRE',
      StorageCapacity: 1200,
      KmsKeyId: { Ref: Match.stringLikeRegexp('^ClusterKey') },
      LustreConfiguration: Match.objectLike({
        DeploymentType: 'PERSISTENT_2',
        PerUnitStorageThroughput: 125,
        DataCompressionType: 'LZ4',
      }),
    });
    f.hasResourceProperties('AWS::FSx::DataRepositoryAssociation', {
      FileSystemPath: '/datasets',
      DataRepositoryPath: 's3://ml-datasets-123456789012/',
      // Import only (regression): an export policy turned every rm under /fsx/datasets into a delete in S3.
      S3: { AutoImportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] }, AutoExportPolicy: Match.absent() },
    });
    const userData = JSON.stringify(f.findResources('AWS::EC2::LaunchTemplate'));
    expect(userData).toContain('dnf install -y lustre-client');
    expect(userData).toContain('@tcp:/');
    expect(userData).toContain('efa_installer.sh -y --minimal');
  });

  test('fair share: a team with twice the share gets half the weight factor, on every queue', () => {
    f.hasResourceProperties('AWS::Batch::SchedulingPolicy', {
      FairsharePolicy: {
        ShareDecaySeconds: 3600,
        ShareDistribution: [
          { ShareIdentifier: 'vision', WeightFactor: 1 },
          { ShareIdentifier: 'nlp', WeightFactor: 2 },
        ],
      },
    });
    const queues = Object.values(f.findResources('AWS::Batch::JobQueue')) as Array<{
      Properties: { SchedulingPolicyArn?: unknown };
    }>;
    expect(queues.every((q) => q.Properties.SchedulingPolicyArn !== undefined)).toBe(true);
    f.hasResourceProperties('AWS::Batch::JobQueue', {
      JobStateTimeLimitActions: Match.arrayWith([Match.objectLike({ MaxTimeSeconds: 1800 })]),
    });
  });

  test('the retry: a rule on failed jobs of the spot queue invokes the function, which may submit to on-demand only', () => {
    f.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.batch'],
        'detail-type': ['Batch Job State Change'],
        detail: {
          status: ['FAILED'],
          jobQueue: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterSpotQueue'), 'JobQueueArn'] }],
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterSpotRetryFunction'), 'Arn'] },
        }),
      ],
    });
    f.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: Match.absent(),
      VpcConfig: Match.objectLike({ SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'] }),
      DeadLetterConfig: {
        TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterSpotRetryDeadLetterQueue'), 'Arn'] },
      },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^ClusterSpotRetryLogGroup') } },
      Environment: {
        Variables: {
          ON_DEMAND_JOB_QUEUE: {
            'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterOnDemandQueue'), 'JobQueueArn'],
          },
          SPOT_JOB_QUEUES: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterSpotQueue'), 'JobQueueArn'] },
          SPOT_RECLAIMS_BEFORE_FALLBACK: '2',
        },
      },
    });
    f.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterKey'), 'Arn'] },
    });
    f.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'batch:SubmitJob',
            Resource: [
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterOnDemandQueue'), 'JobQueueArn'] },
              anyRevision('ClusterFinetune'),
              anyRevision('ClusterPretrain'),
            ],
          },
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^ClusterSpotRetryRole') }],
    });
    // Regression: the dead-letter queue is encrypted with the cluster key, so sending to it needs the key.
    f.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterKey'), 'Arn'] },
          },
          {
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterSpotRetryDeadLetterQueue'), 'Arn'] },
          },
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^ClusterSpotRetryRole') }],
    });
    f.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [
        {
          CidrIp: '0.0.0.0/0',
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          Description: 'HTTPS to the AWS Batch API',
        },
      ],
    });
  });

  test('capacity cancellations of any queue notify the alarm topic, with the pattern monitoring uses', () => {
    // The same statusReason match as BatchJobEventRules.capacityCancellations (one shared contract):
    // the three time-limit reasons, not every MISCONFIGURATION.
    f.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        detail: {
          jobQueue: Match.arrayWith([
            { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterEfaQueue'), 'JobQueueArn'] },
          ]),
          status: ['FAILED'],
          statusReason: CAPACITY_STATUS_REASONS.map((r) => ({ wildcard: `*${r}*` })),
        },
      }),
      Targets: [Match.objectLike({ Arn: 'arn:aws:sns:us-east-1:123456789012:ml-alarms' })],
    });
  });

  test('usage metadata for the estimator on the spot and on-demand compute environments', () => {
    const ces = Object.values(f.findResources('AWS::Batch::ComputeEnvironment')) as Array<{
      Properties: { ComputeResources: { Type: string; PlacementGroup?: unknown } };
      Metadata?: Record<string, unknown>;
    }>;
    const spot = ces.find((c) => c.Properties.ComputeResources.Type === 'SPOT')!;
    expect(spot.Metadata?.[USAGE_METADATA_KEY]).toEqual({
      source: 'GpuTrainingCluster.expectedUsage',
      monthlyGpuHours: 600,
      note: 'spot capacity of research',
    });
    const onDemand = ces.find(
      (c) => c.Properties.ComputeResources.Type === 'EC2' && !c.Properties.ComputeResources.PlacementGroup,
    )!;
    expect(onDemand.Metadata?.[USAGE_METADATA_KEY]).toMatchObject({
      source: 'GpuTrainingCluster.expectedUsage',
      monthlyInstanceHours: 0,
    });
  });

  test('grantSubmitJob covers every queue and every revision of every job definition, including ones added after the grant', () => {
    f.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'batch:SubmitJob',
            Resource: [
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterSpotQueue'), 'JobQueueArn'] },
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterOnDemandQueue'), 'JobQueueArn'] },
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterEfaQueue'), 'JobQueueArn'] },
              // Any revision: jobs submitted before a deploy keep naming the revision they were written for.
              anyRevision('ClusterFinetune'),
              anyRevision('ClusterPretrain'),
            ],
          },
        ],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^Submitter') }],
    });
  });

  test('GPU metrics read the agent namespace with the cluster dimension', () => {
    const util = fullCluster.metricGpuUtilization();
    expect(util.namespace).toBe(GpuTrainingCluster.GPU_METRICS_NAMESPACE);
    expect(util.metricName).toBe('nvidia_smi_utilization_gpu');
    expect(util.dimensions).toEqual({ ClusterName: 'research' });
    expect(util.statistic).toBe('Average');
    expect(util.period.toMinutes()).toBe(5);
    const mem = fullCluster.metricGpuMemoryUtilization({ statistic: 'Maximum', period: Duration.minutes(1) });
    expect(mem.metricName).toBe('nvidia_smi_utilization_memory');
    expect(mem.statistic).toBe('Maximum');
    expect(mem.period.toMinutes()).toBe(1);
  });
});

describe('owned checkpoint bucket and single instance type', () => {
  test('without checkpointExpiration the cluster adds no lifecycle rule: the bucket decides', () => {
    Template.fromStack(owned).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: Match.absent(),
    });
    expect(ownedBucket.bucketName).toBeDefined();
  });

  test('spot from a single instance type is an acknowledgeable warning', () => {
    Annotations.fromStack(owned).hasWarning(
      '/OwnedBucket/Cluster',
      Match.stringLikeRegexp(
        '^Spot capacity from one instance type \\(g6\\.xlarge\\) is reclaimed and exhausted together',
      ),
    );
    Annotations.fromStack(defaults.stack).hasNoWarning(
      '*',
      Match.stringLikeRegexp('Spot capacity from one instance type'),
    );
  });
});

describe('bad input', () => {
  function build(props: Partial<GpuTrainingClusterProps>): GpuTrainingCluster {
    const a = new App({ context: NO_BUNDLING });
    const fx = trainingStack(a, 'V');
    return new GpuTrainingCluster(fx.stack, 'Cluster', {
      vpc: fx.vpc,
      checkpointBucket: fx.checkpointBucket,
      ...props,
    });
  }
  const P = '[V/Cluster] GpuTrainingCluster: ';
  let sharedCluster: GpuTrainingCluster | undefined;

  test.each<[string, Partial<GpuTrainingClusterProps>, string]>([
    [
      'a CPU instance type',
      { instanceTypes: [new ec2.InstanceType('g5.xlarge'), new ec2.InstanceType('c5.xlarge')] },
      'instanceTypes[1] must be an NVIDIA GPU instance type of the families g4dn, g5, g5g, g6, g6e, gr6, p3, p3dn, p4d, p4de, p5, p5en (e.g. g5.xlarge), got "c5.xlarge"',
    ],
    [
      'mixed CPU architectures',
      { instanceTypes: [new ec2.InstanceType('g5.xlarge'), new ec2.InstanceType('g5g.xlarge')] },
      'instanceTypes must be types of one CPU architecture (one AMI per compute environment): all x86_64 or all arm64, got ["g5.xlarge","g5g.xlarge"]',
    ],
    [
      'an empty type list',
      { instanceTypes: [] },
      'instanceTypes must be a non-empty list of GPU instance types, got []',
    ],
    ['min above max', { minGpus: 9, maxGpus: 8 }, 'minGpus must be at most maxGpus (8), got 9'],
    ['a zero cap', { maxGpus: 0 }, 'maxGpus must be an integer from 1 to 4096, got 0'],
    [
      'a cap too small for the largest type',
      { maxGpus: 1 },
      'maxGpus must be at least 2 so one g5.2xlarge (8 vCPUs) fits under the cap of 4 vCPUs per GPU, or drop g5.2xlarge, got 1',
    ],
    ['a bid of 0%', { spotBidPercentage: 0 }, 'spotBidPercentage must be an integer from 1 to 100, got 0'],
    [
      'a bid above 100%',
      { spotBidPercentage: 120 },
      'spotBidPercentage must be an integer from 1 to 100, got 120',
    ],
    [
      'EFA on a type without EFA',
      { efa: { instanceTypes: [new ec2.InstanceType('g5.xlarge')] } },
      'efa.instanceTypes[0] must be a type with EFA support (e.g. g5.12xlarge, g6e.12xlarge, p4d.24xlarge, p5.48xlarge), got "g5.xlarge"',
    ],
    [
      'EFA on spot (AWS Batch runs multi-node parallel jobs on on-demand only)',
      { efa: { spot: true } as GpuTrainingClusterProps['efa'] },
      'efa.spot must be unset: AWS Batch does not run multi-node parallel jobs on spot, so the EFA compute environment is on-demand, got true',
    ],
    [
      'a capacity timeout under 10 minutes',
      { capacityTimeout: Duration.minutes(5) },
      'capacityTimeout must be a duration from 10 minutes to 24 hours, got "300 seconds"',
    ],
    [
      'a cluster name with spaces',
      { clusterName: 'team a' },
      'clusterName must be 1 to 64 letters, digits, hyphens or underscores, got "team a"',
    ],
    [
      'zero reclaims before fallback',
      { onDemandFallback: { maxGpus: 4, afterSpotReclaims: 0 } },
      'onDemandFallback.afterSpotReclaims must be an integer from 1 to 10, got 0',
    ],
    [
      'an FSx size Lustre does not offer',
      { fsx: { storageCapacityGiB: 1000 } },
      'fsx.storageCapacityGiB must be 1200 or a multiple of 2400 (FSx for Lustre PERSISTENT_2), got 1000',
    ],
    [
      'a zero fair share',
      { fairShare: { shares: { vision: 0 } } },
      'fairShare.shares.vision must be a number above 0 and at most 10000, got 0',
    ],
    [
      'a share id with a dash',
      { fairShare: { shares: { 'team-a': 1 } } },
      'fairShare.shares must be keys of letters, digits and underscores (AWS Batch share identifiers), got "team-a"',
    ],
    [
      'a negative usage',
      { expectedUsage: { monthlyGpuHours: -5 } },
      'expectedUsage.monthlyGpuHours must be a number from 0 to 10000000, got -5',
    ],
    [
      'a root volume below 30 GiB',
      { rootVolumeSize: Size.gibibytes(20) },
      'rootVolumeSize must be from 30 to 16384 GiB in whole GiB, got "20 GiB"',
    ],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(P + message);
  });

  test('several problems are reported in one error', () => {
    expect(() => build({ maxGpus: 0, spotBidPercentage: 101 })).toThrow(
      `${P}maxGpus must be an integer from 1 to 4096, got 0; spotBidPercentage must be an integer from 1 to 100, got 101`,
    );
  });

  test.each<[string, (c: GpuTrainingCluster) => unknown, string]>([
    [
      'EFA on a cluster without EFA capacity',
      (c) => c.addMultiNodeJob('Job', { image: IMAGE, nodes: 2, efa: true }),
      '[V/Cluster/Job] GpuTrainingCluster.addMultiNodeJob: efa must be false unless the cluster has EFA capacity: set the `efa` prop of GpuTrainingCluster (or reserve an EFA instance type in reservedCapacity), got true',
    ],
    [
      'a multi-node job of one node',
      (c) => c.addMultiNodeJob('Job', { image: IMAGE, nodes: 1 }),
      '[V/Cluster/Job] GpuTrainingCluster.addMultiNodeJob: nodes must be an integer from 2 to 1000, got 1',
    ],
    [
      'more GPUs than any instance type has',
      (c) => c.addGpuJob('Job', { image: IMAGE, gpus: 2 }),
      '[V/Cluster/Job] GpuTrainingCluster.addGpuJob: gpus must be an integer from 1 to 1, got 2',
    ],
    [
      'a reserved checkpoint variable',
      (c) => c.addGpuJob('Job', { image: IMAGE, environment: { CHECKPOINT_S3_URI: 's3://elsewhere/' } }),
      '[V/Cluster/Job] GpuTrainingCluster.addGpuJob: environment.CHECKPOINT_S3_URI must be a name that does not start with CHECKPOINT_ (reserved for the checkpoint contract), got "CHECKPOINT_S3_URI"',
    ],
    [
      'a node type outside the cluster',
      (c) =>
        c.addMultiNodeJob('Job', {
          image: IMAGE,
          nodes: 2,
          instanceType: new ec2.InstanceType('p5.48xlarge'),
        }),
      '[V/Cluster/Job] GpuTrainingCluster.addMultiNodeJob: instanceType must be one of the cluster instance types g5.xlarge, g5.2xlarge, g6.xlarge, g6.2xlarge, g6e.xlarge, g6e.2xlarge, got "p5.48xlarge"',
    ],
    [
      'retry attempts above the Batch limit',
      (c) => c.addGpuJob('Job', { image: IMAGE, retryAttempts: 11 }),
      '[V/Cluster/Job] GpuTrainingCluster.addGpuJob: retryAttempts must be an integer from 1 to 10, got 11',
    ],
  ])('%s', (_name, add, message) => {
    // Job props are validated before anything is added, so one cluster serves every case.
    sharedCluster ??= build({ onDemandFallback: { maxGpus: 2 } });
    expect(() => add(sharedCluster!)).toThrow(message);
  });

  test('a multi-node job without EFA needs on-demand capacity: AWS Batch does not run multi-node jobs on spot', () => {
    // Regression: the job's only queue was the spot queue, where it sat RUNNABLE until cancelled.
    const cluster = build({});
    expect(() => cluster.addMultiNodeJob('Job', { image: IMAGE, nodes: 2 })).toThrow(
      '[V/Cluster/Job] GpuTrainingCluster.addMultiNodeJob: efa must be true, or the cluster needs `onDemandFallback`: AWS Batch does not run multi-node parallel jobs on spot, so a multi-node job without EFA runs on the on-demand queue, got false',
    );
  });

  test('EFA jobs must use an EFA type of the cluster', () => {
    const cluster = build({ efa: {} });
    expect(() =>
      cluster.addMultiNodeJob('Job', {
        image: IMAGE,
        nodes: 2,
        efa: true,
        instanceType: new ec2.InstanceType('g5.xlarge'),
      }),
    ).toThrow(
      '[V/Cluster/Job] GpuTrainingCluster.addMultiNodeJob: instanceType must be a type with EFA support from efa.instanceTypes (g6e.12xlarge, g5.12xlarge), got "g5.xlarge"',
    );
  });
});

describe('building blocks used alone validate their own props', () => {
  const a = new App({ context: NO_BUNDLING });
  const fx = trainingStack(a, 'V');
  const key = new kms.Key(fx.stack, 'Key', { enableKeyRotation: true });
  const queue = (name: string) =>
    batch.JobQueue.fromJobQueueArn(fx.stack, name, `arn:aws:batch:us-east-1:123456789012:job-queue/${name}`);

  test.each<[string, () => unknown, string]>([
    [
      'EFA interfaces without a security group',
      () =>
        new GpuLaunchTemplate(fx.stack, 'Lt', {
          clusterName: 'c',
          metricsNamespace: 'N',
          encryptionKey: key,
          efaInterfaces: 1,
        }),
      '[V/Lt] GpuLaunchTemplate: securityGroup must be set when efaInterfaces is above 0 (EFA interfaces carry the group), got undefined',
    ],
    [
      'a Lustre size and throughput FSx does not offer',
      () =>
        new TrainingScratchFileSystem(fx.stack, 'Fsx', {
          storageCapacityGiB: 3000,
          throughputPerTiBMBps: 100,
          vpc: fx.vpc,
          subnet: fx.vpc.privateSubnets[0],
          securityGroup: new ec2.SecurityGroup(fx.stack, 'Sg', { vpc: fx.vpc }),
          encryptionKey: key,
        }),
      '[V/Fsx] TrainingScratchFileSystem: storageCapacityGiB must be 1200 or a multiple of 2400 (FSx for Lustre PERSISTENT_2), got 3000; throughputPerTiBMBps must be one of 125, 250, 500, 1000, got "100"',
    ],
    [
      'a retry with no spot queue and zero reclaims',
      () =>
        new SpotToOnDemandRetry(fx.stack, 'Retry', {
          spotQueues: [],
          onDemandQueue: queue('od'),
          afterSpotReclaims: 0,
          vpc: fx.vpc,
          encryptionKey: key,
        }),
      '[V/Retry] SpotToOnDemandRetry: afterSpotReclaims must be an integer from 1 to 10, got 0; spotQueues must be at least one queue, got 0',
    ],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});

describe('anyRevisionArn', () => {
  test.each([
    [
      'a revision',
      'arn:aws:batch:us-east-1:123456789012:job-definition/finetune:7',
      'arn:aws:batch:us-east-1:123456789012:job-definition/finetune:*',
    ],
    [
      'no revision',
      'arn:aws:batch:us-east-1:123456789012:job-definition/finetune',
      'arn:aws:batch:us-east-1:123456789012:job-definition/finetune:*',
    ],
  ])('a literal ARN with %s becomes the ARN of every revision', (_name, arn, expected) => {
    // WHEN / THEN
    expect(anyRevisionArn(arn)).toBe(expected);
  });

  test('an imported job definition is resubmittable at any revision', () => {
    // GIVEN
    const a = new App({ context: NO_BUNDLING });
    const fx = trainingStack(a, 'Imported');
    const queue = (name: string) =>
      batch.JobQueue.fromJobQueueArn(
        fx.stack,
        name,
        `arn:aws:batch:us-east-1:123456789012:job-queue/${name}`,
      );
    const retry = new SpotToOnDemandRetry(fx.stack, 'Retry', {
      spotQueues: [queue('spot')],
      onDemandQueue: queue('od'),
      afterSpotReclaims: 2,
      vpc: fx.vpc,
      encryptionKey: new kms.Key(fx.stack, 'Key', { enableKeyRotation: true }),
    });
    // WHEN
    retry.allowResubmit(
      batch.EcsJobDefinition.fromJobDefinitionArn(
        fx.stack,
        'Def',
        'arn:aws:batch:us-east-1:123456789012:job-definition/finetune:3',
      ),
    );
    // THEN
    Template.fromStack(fx.stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'batch:SubmitJob',
            Resource: [
              'arn:aws:batch:us-east-1:123456789012:job-queue/od',
              'arn:aws:batch:us-east-1:123456789012:job-definition/finetune:*',
            ],
          },
        ]),
      },
    });
  });
});
