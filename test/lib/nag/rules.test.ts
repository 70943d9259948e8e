import { CfnCondition, CfnParameter, Fn, Stack, type CfnResource } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as fsx from 'aws-cdk-lib/aws-fsx';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ML_PLATFORM_RULES } from '../../../lib/nag';
import { describeRuleTable, type RuleCases } from '../../support/rule-table';
import { mlPlatformApp, packFindingsByStack } from './pack-findings';

const ACCOUNT = '123456789012';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ml-model-execution`;
const IMAGE = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/inference:1.4.2`;
const SUBNET = 'subnet-0123456789abcdef0';
const SECURITY_GROUP = 'sg-0123456789abcdef0';
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:ml-platform-alarms`;

// ---- SageMaker ---------------------------------------------------------------------------------

function model(stack: Stack, overrides: Partial<sagemaker.CfnModelProps> = {}): CfnResource {
  return new sagemaker.CfnModel(stack, 'Resource', {
    executionRoleArn: ROLE_ARN,
    primaryContainer: { image: IMAGE, modelDataUrl: 's3://ml-artifacts/model.tar.gz' },
    enableNetworkIsolation: true,
    vpcConfig: { subnets: [SUBNET], securityGroupIds: [SECURITY_GROUP] },
    ...overrides,
  });
}

const INSTANCE_VARIANT: sagemaker.CfnEndpointConfig.ProductionVariantProperty = {
  variantName: 'AllTraffic',
  modelName: 'classifier',
  instanceType: 'ml.m5.xlarge',
  initialInstanceCount: 1,
  initialVariantWeight: 1,
};

const SERVERLESS_VARIANT: sagemaker.CfnEndpointConfig.ProductionVariantProperty = {
  variantName: 'Serverless',
  modelName: 'classifier',
  serverlessConfig: { maxConcurrency: 5, memorySizeInMb: 2048 },
};

const CAPTURE: sagemaker.CfnEndpointConfig.DataCaptureConfigProperty = {
  captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
  destinationS3Uri: 's3://ml-capture/classifier',
  initialSamplingPercentage: 20,
  kmsKeyId: KEY_ARN,
};

function endpointConfig(
  stack: Stack,
  overrides: Partial<sagemaker.CfnEndpointConfigProps> = {},
): CfnResource {
  return new sagemaker.CfnEndpointConfig(stack, 'Resource', {
    productionVariants: [INSTANCE_VARIANT],
    kmsKeyId: KEY_ARN,
    ...overrides,
  });
}

// ---- Batch ---------------------------------------------------------------------------------------

const COMPLIANT_TEMPLATE_DATA: ec2.CfnLaunchTemplate.LaunchTemplateDataProperty = {
  metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 2 },
  blockDeviceMappings: [
    {
      deviceName: '/dev/xvda',
      ebs: { encrypted: true, kmsKeyId: KEY_ARN, volumeSize: 100, volumeType: 'gp3' },
    },
  ],
};

type LaunchTemplateUse = 'id' | 'name' | 'override';

/** A launch template and a managed EC2 compute environment that launches from it. */
function batchLaunchTemplate(
  stack: Stack,
  data: ec2.CfnLaunchTemplate.LaunchTemplateDataProperty,
  use: LaunchTemplateUse = 'id',
): CfnResource {
  const lt = new ec2.CfnLaunchTemplate(stack, 'LaunchTemplate', {
    launchTemplateName: `${stack.node.id}-gpu`,
    launchTemplateData: data,
  });
  const launchTemplate: batch.CfnComputeEnvironment.LaunchTemplateSpecificationProperty = {
    id: { launchTemplateId: lt.ref, version: lt.attrLatestVersionNumber },
    name: { launchTemplateName: `${stack.node.id}-gpu`, version: '$Latest' },
    override: {
      launchTemplateName: 'shared-base-template',
      overrides: [{ launchTemplateId: lt.ref, targetInstanceTypes: ['p4d.24xlarge'] }],
    },
  }[use];
  new batch.CfnComputeEnvironment(stack, 'ComputeEnvironment', {
    type: 'MANAGED',
    computeResources: {
      type: 'EC2',
      minvCpus: 0,
      maxvCpus: 64,
      instanceTypes: ['g5.xlarge'],
      instanceRole: `arn:aws:iam::${ACCOUNT}:instance-profile/batch-gpu`,
      subnets: [SUBNET],
      securityGroupIds: [SECURITY_GROUP],
      launchTemplate,
    },
  });
  return lt;
}

/** The same through the L2s a platform construct uses (ec2.LaunchTemplate + aws-batch). */
function l2BatchLaunchTemplate(stack: Stack): CfnResource {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a'],
    privateSubnetIds: [SUBNET],
  });
  const launchTemplate = new ec2.LaunchTemplate(stack, 'LaunchTemplate', {
    requireImdsv2: true,
    blockDevices: [
      {
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(100, {
          encrypted: true,
          kmsKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN),
          volumeType: ec2.EbsDeviceVolumeType.GP3,
        }),
      },
    ],
  });
  new batch.ManagedEc2EcsComputeEnvironment(stack, 'ComputeEnvironment', {
    vpc,
    launchTemplate,
    instanceTypes: [new ec2.InstanceType('g5.xlarge')],
  });
  return launchTemplate.node.defaultChild as CfnResource;
}

// ---- FSx, ECR, CloudWatch -----------------------------------------------------------------------

function lustre(stack: Stack, overrides: Partial<fsx.CfnFileSystemProps> = {}): CfnResource {
  return new fsx.CfnFileSystem(stack, 'Resource', {
    fileSystemType: 'LUSTRE',
    storageCapacity: 1200,
    subnetIds: [SUBNET],
    securityGroupIds: [SECURITY_GROUP],
    kmsKeyId: KEY_ARN,
    lustreConfiguration: { deploymentType: 'PERSISTENT_2', perUnitStorageThroughput: 125 },
    ...overrides,
  });
}

function repository(stack: Stack, overrides: Partial<ecr.CfnRepositoryProps> = {}): CfnResource {
  return new ecr.CfnRepository(stack, 'Resource', {
    imageScanningConfiguration: { scanOnPush: true },
    imageTagMutability: 'IMMUTABLE',
    ...overrides,
  });
}

function alarm(stack: Stack, overrides: Partial<cloudwatch.CfnAlarmProps> = {}): CfnResource {
  return new cloudwatch.CfnAlarm(stack, 'Resource', {
    namespace: 'AWS/SageMaker',
    metricName: 'Invocation5XXErrors',
    statistic: 'Sum',
    period: 60,
    evaluationPeriods: 5,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    alarmActions: [TOPIC_ARN],
    ...overrides,
  });
}

function compositeAlarm(
  stack: Stack,
  overrides: Partial<cloudwatch.CfnCompositeAlarmProps> = {},
): CfnResource {
  return new cloudwatch.CfnCompositeAlarm(stack, 'Resource', {
    alarmRule: 'ALARM("endpoint-5xx") OR ALARM("endpoint-latency")',
    alarmActions: [TOPIC_ARN],
    ...overrides,
  });
}

function deployTimeCondition(stack: Stack): CfnCondition {
  const flag = new CfnParameter(stack, 'Flag', {
    type: 'String',
    allowedValues: ['yes', 'no'],
    default: 'yes',
  });
  return new CfnCondition(stack, 'FlagOn', { expression: Fn.conditionEquals(flag.valueAsString, 'yes') });
}

// ---- Policies (issue 15: least privilege) ---------------------------------------------------------

const SOURCE_CONDITION = {
  StringEquals: { 'aws:SourceAccount': ACCOUNT },
  ArnLike: { 'aws:SourceArn': `arn:aws:sagemaker:us-east-1:${ACCOUNT}:*` },
};

function trustRole(stack: Stack, service: string, condition?: Record<string, unknown>): CfnResource {
  return new iam.CfnRole(stack, 'Resource', {
    assumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', Condition: condition },
      ],
    },
  });
}

/** An unconditioned ECS-tasks role named by a Batch job definition under each of `as`. */
function ecsTasksRoleOfBatchJob(stack: Stack, as: ('executionRoleArn' | 'jobRoleArn')[]): CfnResource {
  const role = trustRole(stack, 'ecs-tasks.amazonaws.com') as iam.CfnRole;
  new batch.CfnJobDefinition(stack, 'Job', {
    type: 'container',
    containerProperties: {
      image: 'public.ecr.aws/docker/library/busybox:latest',
      ...Object.fromEntries(as.map((key) => [key, role.attrArn])),
    },
  });
  return role;
}

function topicPolicy(stack: Stack, statements: Record<string, unknown>[]): CfnResource {
  return new sns.CfnTopicPolicy(stack, 'Resource', {
    topics: [TOPIC_ARN],
    policyDocument: { Version: '2012-10-17', Statement: statements },
  });
}

function publishStatement(service: string, condition?: Record<string, unknown>): Record<string, unknown> {
  return {
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sns:Publish',
    Resource: TOPIC_ARN,
    Condition: condition,
  };
}

function keyWith(stack: Stack, statement: Record<string, unknown>): CfnResource {
  return new kms.CfnKey(stack, 'Resource', {
    keyPolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        { Resource: '*', ...statement },
      ],
    },
  });
}

function bucketPolicy(stack: Stack, service: string, condition?: Record<string, unknown>): CfnResource {
  return new s3.CfnBucketPolicy(stack, 'Resource', {
    bucket: 'ml-access-logs',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: service },
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::ml-access-logs/*',
          Condition: condition,
        },
      ],
    },
  });
}

function queuePolicy(stack: Stack, service: string, condition?: Record<string, unknown>): CfnResource {
  const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:ml-dead-letters`;
  return new sqs.CfnQueuePolicy(stack, 'Resource', {
    queues: [`https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/ml-dead-letters`],
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: service },
          Action: 'sqs:SendMessage',
          Resource: queueArn,
          Condition: condition,
        },
      ],
    },
  });
}

const TOPICS_OF_ACCOUNT = { 'kms:EncryptionContext:aws:sns:topicArn': `arn:aws:sns:us-east-1:${ACCOUNT}:*` };

const THROUGH_EC2 = { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com', 'kms:CallerAccount': ACCOUNT };

function endpoint(stack: Stack, service: string, policyDocument?: Record<string, unknown>): CfnResource {
  return new ec2.CfnVPCEndpoint(stack, 'Resource', {
    vpcId: 'vpc-0123456789abcdef0',
    serviceName: service,
    vpcEndpointType: service.endsWith('.s3') ? 'Gateway' : 'Interface',
    policyDocument,
  });
}

const ACCOUNT_ONLY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: '*',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
    },
  ],
};

function eniPolicy(stack: Stack, statement: Record<string, unknown>): CfnResource {
  return new iam.CfnPolicy(stack, 'Resource', {
    policyName: 'eni',
    roles: ['model-role'],
    policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] },
  });
}

function permission(stack: Stack, props: Partial<lambda.CfnPermissionProps> = {}): CfnResource {
  return new lambda.CfnPermission(stack, 'Resource', {
    action: 'lambda:InvokeFunction',
    functionName: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:spot-retry`,
    principal: 'events.amazonaws.com',
    ...props,
  });
}

// ---- Security group egress ------------------------------------------------------------------------

const HTTPS = { ipProtocol: 'tcp', fromPort: 443, toPort: 443 };

/** A group with inline egress rules, used by a compliant SageMaker model when `forModel`. */
function group(
  stack: Stack,
  egress: ec2.CfnSecurityGroup.EgressProperty[],
  options: { forModel?: boolean; description?: string } = {},
): ec2.CfnSecurityGroup {
  const sg = new ec2.CfnSecurityGroup(stack, 'Group', {
    vpcId: 'vpc-0123456789abcdef0',
    groupDescription: options.description ?? 'Model containers: no ingress',
    securityGroupEgress: egress,
  });
  if (options.forModel ?? true) {
    model(stack, { vpcConfig: { subnets: [SUBNET], securityGroupIds: [sg.attrGroupId] } });
  }
  return sg;
}

// ---- The table -----------------------------------------------------------------------------------

const CASES: Record<string, RuleCases> = {
  SageMakerModelNetworkIsolation: {
    compliant: { 'network isolation enabled': (s) => model(s) },
    nonCompliant: {
      'EnableNetworkIsolation omitted': (s) => model(s, { enableNetworkIsolation: undefined }),
      'EnableNetworkIsolation false': (s) => model(s, { enableNetworkIsolation: false }),
    },
    unresolvable: {
      'EnableNetworkIsolation from Fn::If': (s) =>
        model(s, { enableNetworkIsolation: Fn.conditionIf(deployTimeCondition(s).logicalId, true, false) }),
    },
  },
  SageMakerModelVpcConfig: {
    compliant: {
      'subnets and security groups': (s) => model(s),
      'subnets from a deploy-time list': (s) =>
        model(s, {
          vpcConfig: {
            subnets: Fn.split(',', new CfnParameter(s, 'Subnets', { type: 'String' }).valueAsString),
            securityGroupIds: [SECURITY_GROUP],
          },
        }),
    },
    nonCompliant: {
      'VpcConfig omitted': (s) => model(s, { vpcConfig: undefined }),
      'no subnets': (s) => model(s, { vpcConfig: { subnets: [], securityGroupIds: [SECURITY_GROUP] } }),
    },
  },
  SageMakerEndpointConfigKms: {
    compliant: {
      'instance variant with a key ARN': (s) => endpointConfig(s),
      'instance variant with a key from the stack': (s) =>
        endpointConfig(s, {
          kmsKeyId: new kms.Key(s, 'Key', { enableKeyRotation: true }).keyArn,
        }),
    },
    nonCompliant: {
      'instance variant without KmsKeyId': (s) => endpointConfig(s, { kmsKeyId: undefined }),
      'serverless production variant, instance shadow variant, no KmsKeyId': (s) =>
        endpointConfig(s, {
          kmsKeyId: undefined,
          productionVariants: [SERVERLESS_VARIANT],
          shadowProductionVariants: [{ ...INSTANCE_VARIANT, variantName: 'Shadow' }],
        }),
    },
    notApplicable: {
      'serverless-only configuration': (s) =>
        endpointConfig(s, { kmsKeyId: undefined, productionVariants: [SERVERLESS_VARIANT] }),
      'ml.g5.xlarge variant: local NVMe, SageMaker rejects a KmsKeyId': (s) =>
        endpointConfig(s, {
          kmsKeyId: undefined,
          productionVariants: [{ ...INSTANCE_VARIANT, instanceType: 'ml.g5.xlarge' }],
        }),
      'ml.m5.xlarge variant next to an ml.g4dn.xlarge shadow (local NVMe)': (s) =>
        endpointConfig(s, {
          kmsKeyId: undefined,
          shadowProductionVariants: [
            { ...INSTANCE_VARIANT, variantName: 'Shadow', instanceType: 'ml.g4dn.xlarge' },
          ],
        }),
    },
  },
  SageMakerDataCaptureKms: {
    compliant: { 'capture with a key': (s) => endpointConfig(s, { dataCaptureConfig: CAPTURE }) },
    nonCompliant: {
      'capture without a key': (s) =>
        endpointConfig(s, { dataCaptureConfig: { ...CAPTURE, kmsKeyId: undefined } }),
      'capture enabled explicitly without a key': (s) =>
        endpointConfig(s, { dataCaptureConfig: { ...CAPTURE, enableCapture: true, kmsKeyId: undefined } }),
    },
    notApplicable: {
      'no DataCaptureConfig': (s) => endpointConfig(s),
      'capture disabled': (s) =>
        endpointConfig(s, { dataCaptureConfig: { ...CAPTURE, enableCapture: false, kmsKeyId: undefined } }),
    },
  },
  BatchLaunchTemplateImdsV2: {
    compliant: {
      'used by id': (s) => batchLaunchTemplate(s, COMPLIANT_TEMPLATE_DATA, 'id'),
      'used by name': (s) => batchLaunchTemplate(s, COMPLIANT_TEMPLATE_DATA, 'name'),
      'used in launch template overrides': (s) => batchLaunchTemplate(s, COMPLIANT_TEMPLATE_DATA, 'override'),
      'L2 LaunchTemplate with requireImdsv2 in a ManagedEc2EcsComputeEnvironment': (s) =>
        l2BatchLaunchTemplate(s),
    },
    nonCompliant: {
      'HttpTokens optional': (s) =>
        batchLaunchTemplate(s, { ...COMPLIANT_TEMPLATE_DATA, metadataOptions: { httpTokens: 'optional' } }),
      'MetadataOptions omitted, used by name': (s) =>
        batchLaunchTemplate(s, { ...COMPLIANT_TEMPLATE_DATA, metadataOptions: undefined }, 'name'),
      'MetadataOptions omitted, used in overrides': (s) =>
        batchLaunchTemplate(s, { ...COMPLIANT_TEMPLATE_DATA, metadataOptions: undefined }, 'override'),
    },
    notApplicable: {
      'launch template no compute environment uses': (s) =>
        new ec2.CfnLaunchTemplate(s, 'Resource', { launchTemplateData: { instanceType: 'g5.xlarge' } }),
    },
    unresolvable: {
      'HttpTokens from a parameter': (s) =>
        batchLaunchTemplate(s, {
          ...COMPLIANT_TEMPLATE_DATA,
          metadataOptions: {
            httpTokens: new CfnParameter(s, 'HttpTokens', { type: 'String' }).valueAsString,
          },
        }),
    },
  },
  BatchLaunchTemplateEncryptedVolumes: {
    compliant: {
      'encrypted with a key': (s) => batchLaunchTemplate(s, COMPLIANT_TEMPLATE_DATA),
      'instance-store mapping next to an encrypted volume': (s) =>
        batchLaunchTemplate(s, {
          ...COMPLIANT_TEMPLATE_DATA,
          blockDeviceMappings: [
            ...(COMPLIANT_TEMPLATE_DATA.blockDeviceMappings as ec2.CfnLaunchTemplate.BlockDeviceMappingProperty[]),
            { deviceName: '/dev/sdb', virtualName: 'ephemeral0' },
          ],
        }),
    },
    nonCompliant: {
      'Encrypted false': (s) =>
        batchLaunchTemplate(s, {
          ...COMPLIANT_TEMPLATE_DATA,
          blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { encrypted: false, volumeSize: 100 } }],
        }),
      'Encrypted without KmsKeyId': (s) =>
        batchLaunchTemplate(s, {
          ...COMPLIANT_TEMPLATE_DATA,
          blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { encrypted: true, volumeSize: 100 } }],
        }),
      'second volume unencrypted': (s) =>
        batchLaunchTemplate(s, {
          ...COMPLIANT_TEMPLATE_DATA,
          blockDeviceMappings: [
            ...(COMPLIANT_TEMPLATE_DATA.blockDeviceMappings as ec2.CfnLaunchTemplate.BlockDeviceMappingProperty[]),
            { deviceName: '/dev/sdf', ebs: { volumeSize: 500, volumeType: 'gp3' } },
          ],
        }),
      'no EBS mapping (root volume left to the AMI)': (s) =>
        batchLaunchTemplate(s, { ...COMPLIANT_TEMPLATE_DATA, blockDeviceMappings: undefined }),
    },
  },
  FsxLustreCustomerManagedKey: {
    compliant: { 'persistent file system with a key': (s) => lustre(s) },
    nonCompliant: {
      'persistent file system without KmsKeyId': (s) => lustre(s, { kmsKeyId: undefined }),
      'scratch file system (cannot take a key)': (s) =>
        lustre(s, { kmsKeyId: undefined, lustreConfiguration: { deploymentType: 'SCRATCH_2' } }),
    },
    notApplicable: {
      'FSx for Windows File Server': (s) =>
        new fsx.CfnFileSystem(s, 'Resource', {
          fileSystemType: 'WINDOWS',
          storageCapacity: 32,
          subnetIds: [SUBNET],
          windowsConfiguration: { throughputCapacity: 8, deploymentType: 'SINGLE_AZ_2' },
        }),
    },
  },
  EcrScanOnPushImmutable: {
    compliant: {
      'scan on push, immutable tags': (s) => repository(s),
      'L2 Repository with imageScanOnPush and IMMUTABLE': (s) =>
        new ecr.Repository(s, 'Repository', {
          imageScanOnPush: true,
          imageTagMutability: ecr.TagMutability.IMMUTABLE,
        }).node.defaultChild as CfnResource,
    },
    nonCompliant: {
      'mutable tags': (s) => repository(s, { imageTagMutability: 'MUTABLE' }),
      'no scan on push': (s) => repository(s, { imageScanningConfiguration: { scanOnPush: false } }),
      'repository defaults': (s) =>
        repository(s, { imageScanningConfiguration: undefined, imageTagMutability: undefined }),
    },
  },
  AlarmHasActions: {
    compliant: {
      'alarm with an alarm action': (s) => alarm(s),
      'composite alarm with an alarm action': (s) => compositeAlarm(s),
      'L2 Alarm with an SNS action': (s) => {
        const l2 = new cloudwatch.Alarm(s, 'Alarm', {
          metric: new cloudwatch.Metric({ namespace: 'AWS/Batch', metricName: 'PendingJobs' }),
          threshold: 100,
          evaluationPeriods: 3,
        });
        l2.addAlarmAction(new cwActions.SnsAction(sns.Topic.fromTopicArn(s, 'Topic', TOPIC_ARN)));
        return l2.node.defaultChild as CfnResource;
      },
    },
    nonCompliant: {
      'no actions': (s) => alarm(s, { alarmActions: undefined }),
      'ActionsEnabled false': (s) => alarm(s, { actionsEnabled: false }),
      'OK action only': (s) => alarm(s, { alarmActions: undefined, okActions: [TOPIC_ARN] }),
      'composite alarm without actions': (s) => compositeAlarm(s, { alarmActions: undefined }),
      'composite alarm with ActionsEnabled false': (s) => compositeAlarm(s, { actionsEnabled: false }),
    },
    unresolvable: {
      'ActionsEnabled from Fn::If': (s) =>
        alarm(s, { actionsEnabled: Fn.conditionIf(deployTimeCondition(s).logicalId, true, false) }),
    },
  },
  IamRoleTrustSourceConditions: {
    compliant: {
      'SageMaker with aws:SourceAccount and aws:SourceArn': (s) =>
        trustRole(s, 'sagemaker.amazonaws.com', SOURCE_CONDITION),
      'ECS tasks with aws:SourceAccount only': (s) =>
        trustRole(s, 'ecs-tasks.amazonaws.com', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }),
      'Firehose with sts:ExternalId': (s) =>
        trustRole(s, 'firehose.amazonaws.com', { StringEquals: { 'sts:ExternalId': ACCOUNT } }),
      'Step Functions limited to state machines of the account': (s) =>
        trustRole(s, 'states.amazonaws.com', {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          ArnLike: { 'aws:SourceArn': `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:*` },
        }),
    },
    nonCompliant: {
      'flow-log role without conditions': (s) => trustRole(s, 'vpc-flow-logs.amazonaws.com'),
      'state-machine role without conditions (aws-stepfunctions default)': (s) =>
        trustRole(s, 'states.amazonaws.com'),
      'EventBridge target role without conditions (aws-events-targets default)': (s) =>
        trustRole(s, 'events.amazonaws.com'),
      'EventBridge Scheduler role without conditions': (s) => trustRole(s, 'scheduler.amazonaws.com'),
      'SageMaker model role without conditions': (s) => trustRole(s, 'sagemaker.amazonaws.com'),
      'ECS task role conditioned on something else': (s) =>
        trustRole(s, 'ecs-tasks.amazonaws.com', { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } }),
      'one role as both the execution role and the job role of a Batch job, without conditions': (s) =>
        ecsTasksRoleOfBatchJob(s, ['executionRoleArn', 'jobRoleArn']),
    },
    notApplicable: {
      'ECS task execution role of a task definition (ECS documents no condition for it)': (s) => {
        const role = trustRole(s, 'ecs-tasks.amazonaws.com');
        new ecs.CfnTaskDefinition(s, 'Task', {
          executionRoleArn: (role as iam.CfnRole).attrArn,
          containerDefinitions: [{ name: 'c', image: 'public.ecr.aws/docker/library/busybox:latest' }],
        });
        return role;
      },
      "Batch job definition's execution role (containerProperties.executionRoleArn)": (s) =>
        ecsTasksRoleOfBatchJob(s, ['executionRoleArn']),
      'Lambda (no documented source condition for execution roles)': (s) =>
        trustRole(s, 'lambda.amazonaws.com'),
      'EC2 instance role (no documented source condition)': (s) => trustRole(s, 'ec2.amazonaws.com'),
    },
  },
  SnsTopicPolicySourceConditions: {
    compliant: {
      'EventBridge limited to one rule': (s) =>
        topicPolicy(s, [
          publishStatement('events.amazonaws.com', {
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
            ArnLike: { 'aws:SourceArn': `arn:aws:events:us-east-1:${ACCOUNT}:rule/failed-jobs` },
          }),
        ]),
    },
    nonCompliant: {
      'EventBridge without a condition (aws-events-targets SnsTopic)': (s) =>
        topicPolicy(s, [publishStatement('events.amazonaws.com')]),
      'Budgets conditioned, CloudWatch not': (s) =>
        topicPolicy(s, [
          publishStatement('budgets.amazonaws.com', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }),
          publishStatement('cloudwatch.amazonaws.com'),
        ]),
    },
    notApplicable: {
      'only the account publishes': (s) =>
        topicPolicy(s, [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: 'sns:Publish',
            Resource: TOPIC_ARN,
          },
        ]),
    },
  },
  KmsKeyPolicyPrincipalsScoped: {
    compliant: {
      'EBS through EC2, grants for AWS resources only': (s) =>
        keyWith(s, {
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['kms:GenerateDataKey*', 'kms:CreateGrant'],
          Condition: { StringEquals: THROUGH_EC2, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
      'CloudWatch bound to SNS topics and alarms of the account': (s) =>
        keyWith(s, {
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: {
            StringLike: TOPICS_OF_ACCOUNT,
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
            ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:*` },
          },
        }),
      'EventBridge bound to SNS topics of the account only': (s) =>
        keyWith(s, {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: { StringLike: TOPICS_OF_ACCOUNT },
        }),
    },
    nonCompliant: {
      'CreateGrant through EC2 without kms:GrantIsForAWSResource': (s) =>
        keyWith(s, {
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['kms:Decrypt', 'kms:CreateGrant'],
          Condition: { StringEquals: THROUGH_EC2 },
        }),
      'everyone through EC2 from any account': (s) =>
        keyWith(s, {
          Effect: 'Allow',
          Principal: '*',
          Action: 'kms:Decrypt',
          Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } },
        }),
      'CloudWatch and EventBridge in one statement bound by the topic encryption context only': (s) =>
        keyWith(s, {
          Effect: 'Allow',
          Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: { StringLike: TOPICS_OF_ACCOUNT },
        }),
      'EventBridge with aws:SourceAccount (not supported for encrypted topics: every event dropped)': (s) =>
        keyWith(s, {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: { StringLike: TOPICS_OF_ACCOUNT, StringEquals: { 'aws:SourceAccount': ACCOUNT } },
        }),
      'Budgets with source conditions but any SNS topic of any account': (s) =>
        keyWith(s, {
          Effect: 'Allow',
          Principal: { Service: 'budgets.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
        }),
      'EventBridge on the key without the topic encryption context': (s) =>
        keyWith(s, {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        }),
    },
    notApplicable: {
      'account root only': (s) =>
        keyWith(s, { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*' }),
    },
  },
  VpcEndpointPolicy: {
    compliant: {
      'interface endpoint for principals of the account': (s) =>
        endpoint(s, 'com.amazonaws.us-east-1.sts', ACCOUNT_ONLY_POLICY),
      'S3 gateway endpoint limited to named buckets': (s) =>
        endpoint(s, 'com.amazonaws.us-east-1.s3', {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: '*',
              Action: 's3:GetObject',
              Resource: 'arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*',
            },
          ],
        }),
    },
    nonCompliant: {
      'no policy (full access)': (s) => endpoint(s, 'com.amazonaws.us-east-1.sagemaker.runtime'),
      'explicit full-access policy': (s) =>
        endpoint(s, 'com.amazonaws.us-east-1.s3', {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }],
        }),
    },
    notApplicable: {
      'ECS agent endpoint (no endpoint policy support)': (s) =>
        endpoint(s, 'com.amazonaws.us-east-1.ecs-agent'),
    },
  },
  SecurityGroupEgressScoped: {
    compliant: {
      'model group with HTTPS to the VPC CIDR and to the S3 prefix list': (s) => {
        const sg = group(s, [{ ...HTTPS, cidrIp: '10.0.0.0/16' }]);
        new ec2.CfnSecurityGroupEgress(s, 'S3Egress', {
          ...HTTPS,
          groupId: sg.attrGroupId,
          destinationPrefixListId: 'pl-63a5400a',
        });
        return sg;
      },
      "a rule to the VPC's own CIDR block (GetAtt) on an imported model group": (s) => {
        const vpc = new ec2.CfnVPC(s, 'Vpc', { cidrBlock: '10.0.0.0/16' });
        model(s);
        return new ec2.CfnSecurityGroupEgress(s, 'Rule', {
          ...HTTPS,
          groupId: SECURITY_GROUP,
          cidrIp: vpc.attrCidrBlock,
          description: 'HTTPS to the interface endpoints in the VPC',
        });
      },
    },
    nonCompliant: {
      'HTTPS to 0.0.0.0/0 on the group of a model': (s) => group(s, [{ ...HTTPS, cidrIp: '0.0.0.0/0' }]),
      'a separate ::/0 rule on the group of a model': (s) => {
        const sg = group(s, [{ ...HTTPS, cidrIp: '10.0.0.0/16' }]);
        return new ec2.CfnSecurityGroupEgress(s, 'Rule', {
          ...HTTPS,
          groupId: sg.attrGroupId,
          cidrIpv6: '::/0',
        });
      },
      'an open rule on an imported group a model names by id': (s) => {
        model(s);
        return new ec2.CfnSecurityGroupEgress(s, 'Rule', {
          ...HTTPS,
          groupId: SECURITY_GROUP,
          cidrIp: '0.0.0.0/0',
        });
      },
      'a group described as reaching VPC endpoints, open to 0.0.0.0/0, used by nothing SageMaker': (s) =>
        group(s, [{ ipProtocol: '-1', cidrIp: '0.0.0.0/0' }], {
          forModel: false,
          description: 'Batch jobs: HTTPS egress to VPC endpoints',
        }),
      'an open rule described as going to the gateway endpoint': (s) =>
        group(
          s,
          [{ ...HTTPS, cidrIp: '0.0.0.0/0', description: 'HTTPS to S3 through the gateway endpoint' }],
          { forModel: false, description: 'Workers' },
        ),
    },
    notApplicable: {
      'open egress of a group no SageMaker model or job uses (NAT-routed training nodes)': (s) =>
        group(s, [{ ipProtocol: '-1', cidrIp: '0.0.0.0/0' }], {
          forModel: false,
          description: 'GPU training instances: no inbound from outside the group',
        }),
      'open egress of a group described as serving a SageMaker inference endpoint, not reaching VPC endpoints':
        (s) =>
          group(s, [{ ...HTTPS, cidrIp: '0.0.0.0/0' }], {
            forModel: false,
            description: 'Function that invokes the churn endpoint',
          }),
    },
    unresolvable: {
      'a parameter as the destination of a model group': (s) =>
        group(s, [{ ...HTTPS, cidrIp: new CfnParameter(s, 'Cidr', { type: 'String' }).valueAsString }]),
    },
  },
  IamNetworkInterfaceScoped: {
    compliant: {
      'ARNs of the account and region': (s) =>
        eniPolicy(s, {
          Action: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'],
          Resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:network-interface/*`,
        }),
      'Resource * with an ec2:Vpc condition': (s) =>
        eniPolicy(s, {
          Action: 'ec2:CreateNetworkInterface',
          Resource: '*',
          Condition: {
            ArnEquals: { 'ec2:Vpc': `arn:aws:ec2:us-east-1:${ACCOUNT}:vpc/vpc-0123456789abcdef0` },
          },
        }),
    },
    nonCompliant: {
      'CreateNetworkInterface on Resource *': (s) =>
        eniPolicy(s, {
          Action: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces'],
          Resource: '*',
        }),
      'ec2:*NetworkInterface on Resource *': (s) =>
        eniPolicy(s, { Action: 'ec2:*NetworkInterface', Resource: '*' }),
    },
    notApplicable: {
      'Describe calls only': (s) => eniPolicy(s, { Action: 'ec2:DescribeNetworkInterfaces', Resource: '*' }),
    },
  },
  LambdaPermissionSourceConditions: {
    compliant: {
      'EventBridge limited to one rule': (s) =>
        permission(s, { sourceArn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/spot-reclaims` }),
      'S3 limited to the account': (s) =>
        permission(s, { principal: 's3.amazonaws.com', sourceAccount: ACCOUNT }),
    },
    nonCompliant: {
      'EventBridge without SourceArn': (s) => permission(s),
      'SNS without SourceArn or SourceAccount': (s) => permission(s, { principal: 'sns.amazonaws.com' }),
    },
    notApplicable: {
      'another account': (s) => permission(s, { principal: '210987654321' }),
    },
  },
  ResourcePolicySourceConditions: {
    compliant: {
      'server access logging limited to the logged bucket and account (CDK)': (s) =>
        bucketPolicy(s, 'logging.s3.amazonaws.com', {
          ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::ml-datasets' },
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
        }),
      'EventBridge dead letters from one rule': (s) =>
        queuePolicy(s, 'events.amazonaws.com', {
          ArnEquals: { 'aws:SourceArn': `arn:aws:events:us-east-1:${ACCOUNT}:rule/spot-reclaims` },
        }),
    },
    nonCompliant: {
      'server access logging from any bucket': (s) => bucketPolicy(s, 'logging.s3.amazonaws.com'),
      'flow-log delivery to S3 without conditions': (s) => bucketPolicy(s, 'delivery.logs.amazonaws.com'),
      'SNS fanout into a queue from any topic': (s) => queuePolicy(s, 'sns.amazonaws.com'),
    },
    notApplicable: {
      'a service without a documented source condition here': (s) =>
        bucketPolicy(s, 'logdelivery.elasticloadbalancing.amazonaws.com'),
      'account principals only': (s) =>
        new s3.CfnBucketPolicy(s, 'Resource', {
          bucket: 'ml-datasets',
          policyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                Action: 's3:GetObject',
                Resource: 'arn:aws:s3:::ml-datasets/*',
              },
            ],
          },
        }),
    },
  },
};

describeRuleTable({
  title: 'MlPlatform rules',
  prefix: 'MlPlatform',
  rules: ML_PLATFORM_RULES,
  cases: CASES,
  app: mlPlatformApp,
  findingsByStack: packFindingsByStack,
});
