import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  InferenceAutoScaling,
  InferenceEndpoint,
  type InferenceEndpointProps,
  InferenceInstanceType,
  InferenceScalingTarget,
  RolloutStrategy,
} from '../../../constructs/inference';
import { USAGE_METADATA_KEY } from '../../../cost/usage-metadata';
import { ENV, inferenceFixtures } from './fixtures';
import { httpsToVpcOnly, prefixListLookupId } from '../../support/egress';

type Fixtures = ReturnType<typeof inferenceFixtures>;

/** One stack with an endpoint per mode plus an A/B + shadow endpoint, synthesized once for the file. */
let stack: Stack;
let template: Template;
let f: Fixtures;
let realTime: InferenceEndpoint;
let async: InferenceEndpoint;
let serverless: InferenceEndpoint;
let scaleToZero: InferenceEndpoint;
let shadowed: InferenceEndpoint;
let invoker: iam.Role;
let asyncInvoker: iam.Role;

beforeAll(() => {
  // GIVEN
  const app = new App();
  stack = new Stack(app, 'Inference', { env: ENV });
  f = inferenceFixtures(stack);
  const topic = new sns.Topic(stack, 'Notifications', { enforceSSL: true });
  realTime = new InferenceEndpoint(stack, 'RealTime', {
    vpc: f.vpc,
    image: f.image,
    modelData: f.modelData,
    environment: { MODEL_NAME: 'churn' },
    instanceType: InferenceInstanceType.ML_G5_XLARGE,
    autoScaling: {
      minCapacity: 2,
      maxCapacity: 6,
      schedules: [
        {
          id: 'BusinessHours',
          schedule: appscaling.Schedule.cron({ weekDay: 'MON-FRI', hour: '7', minute: '0' }),
          minCapacity: 3,
        },
        {
          id: 'Night',
          schedule: appscaling.Schedule.cron({ weekDay: 'MON-FRI', hour: '19', minute: '0' }),
          minCapacity: 2,
        },
      ],
    },
    variants: [
      {
        variantName: 'challenger',
        weight: 0.1,
        image: f.image,
        instanceType: InferenceInstanceType.ML_G6_XLARGE,
        autoScaling: {
          minCapacity: 2,
          maxCapacity: 3,
          target: InferenceScalingTarget.concurrentRequestsPerModel(4),
        },
      },
    ],
    variantWeight: 0.9,
    dataCapture: { bucket: f.capture, prefix: 'capture/churn', samplingPercentage: 35 },
    expectedUsage: { averageInstanceCount: 2.5 },
    alarmTopic: topic,
  });
  async = new InferenceEndpoint(stack, 'Async', {
    vpc: f.vpc,
    mode: 'async',
    image: f.image,
    instanceType: InferenceInstanceType.ML_M5_XLARGE,
    async: {
      outputBucket: f.artifacts,
      successTopic: topic,
      errorTopic: topic,
      maxConcurrentInvocationsPerInstance: 4,
    },
    dataCapture: { bucket: f.capture },
    expectedUsage: { averageInstanceCount: 0.3 },
  });
  serverless = new InferenceEndpoint(stack, 'Serverless', {
    vpc: f.vpc,
    mode: 'serverless',
    image: f.image,
    serverless: { memorySize: Size.gibibytes(3), maxConcurrency: 20, provisionedConcurrency: 2 },
    deployment: { strategy: RolloutStrategy.allAtOnce() },
    expectedUsage: { monthlyRequests: 1_000_000, averageDurationMs: 120 },
    endpointName: 'churn-serverless',
  });
  scaleToZero = new InferenceEndpoint(stack, 'ScaleToZero', {
    vpc: f.vpc,
    mode: 'scale-to-zero',
    image: f.image,
    modelData: f.modelData,
    instanceType: InferenceInstanceType.ML_G5_2XLARGE,
    autoScaling: { maxCapacity: 4, target: InferenceScalingTarget.concurrentRequestsPerCopy(4) },
    scaleToZero: { memoryRequired: Size.gibibytes(16), cpuCoresRequired: 2 },
    expectedUsage: { averageInstanceCount: 0.2 },
  });
  shadowed = new InferenceEndpoint(stack, 'Shadowed', {
    vpc: f.vpc,
    image: f.image,
    instanceType: InferenceInstanceType.ML_C5_XLARGE,
    shadowVariant: {
      image: f.image,
      instanceType: InferenceInstanceType.ML_C6I_XLARGE,
      samplingPercentage: 50,
    },
    dataCapture: { enabled: false },
    deployment: { autoRollback: false },
  });
  invoker = new iam.Role(stack, 'Invoker', { assumedBy: new iam.AccountRootPrincipal() });
  realTime.grantInvoke(invoker);
  asyncInvoker = new iam.Role(stack, 'AsyncInvoker', { assumedBy: new iam.AccountRootPrincipal() });
  async.grantInvoke(asyncInvoker);
  scaleToZero.grantInvoke(asyncInvoker);
  template = Template.fromStack(stack);
});

/** Warnings on the construct itself (reading metadata avoids a second synthesis through Annotations.fromStack). */
function warnings(endpoint: InferenceEndpoint): string[] {
  return endpoint.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
}

function configOf(endpoint: InferenceEndpoint) {
  return template.toJSON().Resources[stack.getLogicalId(endpoint.endpointConfig)];
}

describe('real-time endpoint', () => {
  test('every model is VPC-only in the isolated subnets with network isolation, a closed security group and its own role', () => {
    // THEN
    const models = template.findResources('AWS::SageMaker::Model');
    const inVpc = Object.entries(models).filter(([id]) => !id.startsWith('Serverless'));
    expect(inVpc.length).toBe(6);
    for (const [, model] of inVpc) {
      expect(model.Properties.EnableNetworkIsolation).toBe(true);
      expect(model.Properties.VpcConfig.Subnets).toEqual([
        'subnet-0000000000000000a',
        'subnet-0000000000000000b',
      ]);
      expect(model.Properties.VpcConfig.SecurityGroupIds).toHaveLength(1);
    }
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: {
        Image: {
          'Fn::Join': [
            '',
            ['123456789012.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/churn-model:1.4.0'],
          ],
        },
        ModelDataUrl: 's3://ml-artifacts/models/churn/1.4.0/model.tar.gz',
        Environment: { MODEL_NAME: 'churn' },
      },
    });
    // Egress narrowed: HTTPS to the VPC (interface endpoints) and to the S3 prefix list the stack's one
    // lookup returns (VPC "Gateway endpoints for Amazon S3": security groups "must allow traffic to and
    // from Amazon S3. You can reference the ID of the prefix list for Amazon S3 in security group rules").
    const groups = template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('^SageMaker model ') },
    });
    expect(Object.keys(groups).length).toBe(6);
    for (const group of Object.values(groups)) {
      expect(group.Properties.SecurityGroupIngress).toBeUndefined();
      expect(group.Properties.SecurityGroupEgress).toEqual(httpsToVpcOnly('10.0.0.0/16'));
    }
    const s3Rules = template.findResources('AWS::EC2::SecurityGroupEgress', {
      Properties: {
        DestinationPrefixListId: { 'Fn::GetAtt': [prefixListLookupId(template), 'PrefixListId'] },
      },
    });
    expect(Object.keys(s3Rules).length).toBe(6);
    expect(JSON.stringify(template.toJSON())).not.toContain('0.0.0.0/0');
  });

  test('the execution role is least privilege: one repository, one object, its keys, its logs; no managed policies', () => {
    // THEN
    const roleId = stack.getLogicalId(realTime.models.AllTraffic.role.node.defaultChild as never);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
    const statements = Object.values(policies)[0].Properties.PolicyDocument.Statement as Array<{
      Action: string | string[];
      Resource: unknown;
    }>;
    const byAction = (a: string) => statements.filter((s) => ([] as string[]).concat(s.Action).includes(a));
    expect(byAction('ecr:BatchGetImage')[0].Resource).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:123456789012:repository/churn-model'],
      ],
    });
    expect(byAction('s3:GetObject')[0].Resource).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':s3:::ml-artifacts/models/churn/1.4.0/model.tar.gz'],
      ],
    });
    expect(byAction('s3:PutObject')[0].Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::ml-capture/capture/churn/*']],
    });
    expect(byAction('logs:PutLogEvents')[0].Resource).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/*',
        ],
      ],
    });
    const wildcards = statements
      .filter((s) => s.Resource === '*')
      .flatMap((s) => ([] as string[]).concat(s.Action));
    expect(wildcards.sort()).toEqual(
      [
        'cloudwatch:PutMetricData',
        'ec2:DeleteNetworkInterfacePermission',
        'ec2:DescribeDhcpOptions',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSubnets',
        'ec2:DescribeVpcs',
        'ecr:GetAuthorizationToken',
      ].sort(),
    );
    expect(JSON.stringify(statements)).not.toMatch(/sagemaker:\*|s3:\*|"\*:\*"|AmazonSageMakerFullAccess/);
    // Network interfaces: created and deleted in this account and region, with no ec2:Vpc condition
    // (a check of the role without the VPC context would refuse the model).
    const create = byAction('ec2:CreateNetworkInterface')[0] as { Condition?: unknown; Resource: unknown };
    expect(create.Condition).toBeUndefined();
    expect(JSON.stringify(create.Resource)).toContain(':ec2:us-east-1:123456789012:subnet/*');
    expect(byAction('ec2:DeleteNetworkInterface')[0].Resource).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':ec2:us-east-1:123456789012:network-interface/*'],
      ],
    });
  });

  test('weighted A/B variants, each with its own model and instance type; data capture on with a KMS key', () => {
    // THEN
    expect(realTime.variantNames).toEqual(['AllTraffic', 'challenger']);
    expect(realTime.mode).toBe('real-time');
    const config = configOf(realTime);
    expect(config.Properties.ProductionVariants).toEqual([
      Match.objectLike({}) &&
        expect.objectContaining({
          VariantName: 'AllTraffic',
          InstanceType: 'ml.g5.xlarge',
          InitialInstanceCount: 2,
          InitialVariantWeight: 0.9,
        }),
      expect.objectContaining({
        VariantName: 'challenger',
        InstanceType: 'ml.g6.xlarge',
        InitialInstanceCount: 2,
        InitialVariantWeight: 0.1,
      }),
    ]);
    expect(config.Properties.ProductionVariants[0].ModelName).not.toEqual(
      config.Properties.ProductionVariants[1].ModelName,
    );
    expect(config.Properties.DataCaptureConfig).toEqual({
      EnableCapture: true,
      InitialSamplingPercentage: 35,
      DestinationS3Uri: 's3://ml-capture/capture/churn',
      KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
      CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
    });
  });

  test('instance types with local NVMe get no KmsKeyId (SageMaker refuses it); EBS-only types get the endpoint key', () => {
    // THEN
    expect(configOf(realTime).Properties.KmsKeyId).toBeUndefined();
    expect(configOf(shadowed).Properties.KmsKeyId).toEqual({
      'Fn::GetAtt': [stack.getLogicalId(shadowed.encryptionKey.node.defaultChild as never), 'Arn'],
    });
    expect(configOf(async).Properties.KmsKeyId).toBeDefined();
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('canary blue/green rollout with automatic rollback on three alarms per variant, each notifying the topic', () => {
    // THEN
    expect(realTime.rollbackAlarms).toHaveLength(6);
    const endpoint = template.toJSON().Resources[stack.getLogicalId(realTime.cfnEndpoint)];
    const policy = endpoint.Properties.DeploymentConfig;
    expect(policy.BlueGreenUpdatePolicy).toEqual({
      TrafficRoutingConfiguration: {
        Type: 'CANARY',
        CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 },
        WaitIntervalInSeconds: 600,
      },
      TerminationWaitInSeconds: 300,
    });
    const names = policy.AutoRollbackConfiguration.Alarms.map((a: { AlarmName: string }) => a.AlarmName);
    expect(names).toHaveLength(6);
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    for (const name of names) {
      expect(typeof name).toBe('string');
      const alarm = Object.values(alarms).find((a) => a.Properties.AlarmName === name);
      expect(alarm, name).toBeDefined();
      expect(alarm!.Properties.AlarmActions).toEqual(
        [{ Ref: 'NotificationsB6B8E1E4' }].map(() =>
          expect.objectContaining({ Ref: expect.stringMatching(/^Notifications/) }),
        ),
      );
      expect(alarm!.Properties.OKActions).toHaveLength(1);
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SageMaker',
      MetricName: 'ModelLatency',
      ExtendedStatistic: 'p99',
      Threshold: 2_000_000,
      Dimensions: Match.arrayWith([{ Name: 'VariantName', Value: 'challenger' }]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Invocation5XXErrors',
      Statistic: 'Average',
      Threshold: 0.01,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'InvocationModelErrors',
      Statistic: 'Sum',
      Threshold: 5,
    });
  });

  test('every model role may cloudwatch:DescribeAlarms its rollback alarms ("Ensure that your IAM execution role has permission to perform the cloudwatch:DescribeAlarms action on the auto-rollback alarms")', () => {
    // THEN
    const names = realTime.rollbackAlarms.map(
      (a) => (a.node.defaultChild as { alarmName?: string }).alarmName,
    );
    expect(names).toHaveLength(6);
    for (const model of Object.values(realTime.models)) {
      const policy =
        template.toJSON().Resources[
          stack.getLogicalId(model.role.node.findChild('DefaultPolicy').node.defaultChild as never)
        ];
      const statement = policy.Properties.PolicyDocument.Statement.find(
        (st: { Action: unknown }) => st.Action === 'cloudwatch:DescribeAlarms',
      );
      expect(statement, model.node.path).toBeDefined();
      const arns = JSON.stringify(statement.Resource);
      for (const name of names) expect(arns).toContain(`:alarm:${name}`);
    }
  });

  test('config updates keep autoscaled instance counts (RetainAllVariantProperties) but apply new weights', () => {
    // THEN
    const endpoint = template.toJSON().Resources[stack.getLogicalId(realTime.cfnEndpoint)];
    expect(endpoint.Properties.RetainAllVariantProperties).toBe(true);
    expect(endpoint.Properties.ExcludeRetainedVariantProperties).toEqual([
      { VariantPropertyType: 'DesiredWeight' },
    ]);
    // Without autoscaling the configured instance count must apply on update.
    const fixed = template.toJSON().Resources[stack.getLogicalId(shadowed.cfnEndpoint)];
    expect(fixed.Properties.RetainAllVariantProperties).toBeUndefined();
  });

  test('scalable targets join the endpoint name; target tracking on invocations per instance by default, concurrency when asked; schedules', () => {
    // THEN
    const endpointId = stack.getLogicalId(realTime.cfnEndpoint);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      MinCapacity: 2,
      MaxCapacity: 6,
      ResourceId: {
        'Fn::Join': [
          '',
          ['endpoint/', { 'Fn::GetAtt': [endpointId, 'EndpointName'] }, '/variant/AllTraffic'],
        ],
      },
      RoleARN: Match.objectLike({
        'Fn::Join': [
          '',
          Match.arrayWith([
            Match.stringLikeRegexp('AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint'),
          ]),
        ],
      }),
      ScheduledActions: [
        Match.objectLike({ Schedule: 'cron(0 7 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 3 } }),
        Match.objectLike({ Schedule: 'cron(0 19 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 2 } }),
      ],
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 3,
      ResourceId: {
        'Fn::Join': [
          '',
          ['endpoint/', { 'Fn::GetAtt': [endpointId, 'EndpointName'] }, '/variant/challenger'],
        ],
      },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        TargetValue: 70,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'SageMakerVariantConcurrentRequestsPerModelHighResolution',
        },
        TargetValue: 4,
      }),
    });
  });

  test('usage assumptions are recorded on the endpoint configuration for the cost estimator', () => {
    // THEN
    expect(configOf(realTime).Metadata[USAGE_METADATA_KEY]).toEqual({
      source: 'InferenceEndpoint.expectedUsage',
      averageInstanceCount: 2.5,
    });
    expect(configOf(shadowed).Metadata?.[USAGE_METADATA_KEY]).toBeUndefined();
  });

  test('a shadow variant gets its own model and the sampled share of traffic; no alarms when autoRollback is off', () => {
    // THEN
    const config = configOf(shadowed);
    expect(config.Properties.ShadowProductionVariants).toEqual([
      expect.objectContaining({
        VariantName: 'Shadow',
        InstanceType: 'ml.c6i.xlarge',
        InitialInstanceCount: 1,
        InitialVariantWeight: 0.5,
      }),
    ]);
    expect(config.Properties.DataCaptureConfig).toBeUndefined();
    expect(shadowed.rollbackAlarms).toEqual([]);
    const endpoint = template.toJSON().Resources[stack.getLogicalId(shadowed.cfnEndpoint)];
    expect(endpoint.Properties.DeploymentConfig.AutoRollbackConfiguration).toBeUndefined();
  });

  test('without an alarmTopic (and unmonitored) the rollback alarms notify a KMS-encrypted child AlarmTopic, and synth warns that nobody subscribes', () => {
    expect(
      async.node.metadata.some(
        (m) => m.type === 'aws:cdk:warning' && String(m.data).includes('which has no subscriber'),
      ),
    ).toBe(true);
    expect(realTime.node.metadata.some((m) => String(m.data).includes('which has no subscriber'))).toBe(
      false,
    );
    // THEN
    expect(async.node.tryFindChild('AlarmTopic')).toBeDefined();
    expect(realTime.node.tryFindChild('AlarmTopic')).toBeUndefined();
    const topicId = stack.getLogicalId(async.alarmTopic.node.defaultChild as never);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const asyncAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      String(a.Properties.AlarmName ?? '').includes('-Async-'),
    );
    expect(asyncAlarms).toHaveLength(2);
    for (const a of asyncAlarms) expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  test('accelerated instance types warn about the zero default quota', () => {
    // THEN
    expect(warnings(realTime)).toEqual([
      expect.stringMatching(
        /^ml\.g5\.xlarge is accelerated: new accounts start with a SageMaker endpoint quota of 0 for it\. Request "ml\.g5\.xlarge for endpoint usage"/,
      ),
      expect.stringMatching(/^ml\.g6\.xlarge is accelerated/),
    ]);
    expect(warnings(shadowed)).toEqual([]);
  });
});

describe('async endpoint', () => {
  test('S3 output and failure paths encrypted with the key, success and error topics, client concurrency', () => {
    // THEN
    expect(configOf(async).Properties.AsyncInferenceConfig).toEqual({
      OutputConfig: {
        S3OutputPath: 's3://ml-artifacts/async/output',
        S3FailurePath: 's3://ml-artifacts/async/failures',
        KmsKeyId: {
          'Fn::GetAtt': [stack.getLogicalId(async.encryptionKey.node.defaultChild as never), 'Arn'],
        },
        NotificationConfig: {
          SuccessTopic: { Ref: expect.stringMatching(/^Notifications/) },
          ErrorTopic: { Ref: expect.stringMatching(/^Notifications/) },
        },
      },
      ClientConfig: { MaxConcurrentInvocationsPerInstance: 4 },
    });
  });

  test('scales on backlog per instance from 0, and from zero on HasBacklogWithoutCapacity', () => {
    // THEN
    const endpointId = stack.getLogicalId(async.cfnEndpoint);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 0,
      MaxCapacity: 2,
      ResourceId: {
        'Fn::Join': [
          '',
          ['endpoint/', { 'Fn::GetAtt': [endpointId, 'EndpointName'] }, '/variant/AllTraffic'],
        ],
      },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        CustomizedMetricSpecification: {
          MetricName: 'ApproximateBacklogSizePerInstance',
          Namespace: 'AWS/SageMaker',
          Statistic: 'Average',
          Dimensions: [{ Name: 'EndpointName', Value: { 'Fn::GetAtt': [endpointId, 'EndpointName'] } }],
        },
        TargetValue: 5,
      }),
    });
    const alarm = async.autoScaling.AllTraffic.scaleFromZeroAlarm!;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HasBacklogWithoutCapacity',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AsyncAutoScalingScaleFromZero') }],
    });
    expect(alarm).toBeDefined();
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'ChangeInCapacity',
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
        Cooldown: 60,
      },
    });
  });

  test('rolls out all at once by default: it may run 0-1 instances, and "CanarySize ... must be less than or equal to 50% of the variant\'s total instance count"', () => {
    // THEN
    const endpoint = template.toJSON().Resources[stack.getLogicalId(async.cfnEndpoint)];
    expect(endpoint.Properties.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration).toEqual({
      Type: 'ALL_AT_ONCE',
      WaitIntervalInSeconds: 600,
    });
  });

  test('async endpoints publish no InvocationModelErrors: two rollback alarms per variant (5xx rate, latency)', () => {
    // THEN
    expect(async.rollbackAlarms).toHaveLength(2);
    const endpointName = { 'Fn::GetAtt': [stack.getLogicalId(async.cfnEndpoint), 'EndpointName'] };
    const metrics = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .filter((a) =>
        (a.Properties.Dimensions ?? []).some(
          (d: { Name: string; Value: unknown }) =>
            d.Name === 'EndpointName' && JSON.stringify(d.Value) === JSON.stringify(endpointName),
        ),
      )
      .map((a) => a.Properties.MetricName);
    expect(metrics).not.toContain('InvocationModelErrors');
    expect(metrics).not.toContain('Invocations');
    expect(metrics).toEqual(expect.arrayContaining(['Invocation5XXErrors', 'ModelLatency']));
  });

  test('the model may read requests, write answers and publish to the topics; grantInvoke gives InvokeEndpointAsync', () => {
    // THEN
    const roleId = stack.getLogicalId(async.models.AllTraffic.role.node.defaultChild as never);
    const policy = Object.values(
      template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
    )[0];
    const text = JSON.stringify(policy.Properties.PolicyDocument);
    expect(text).toContain(':s3:::ml-artifacts/async/input/*');
    expect(text).toContain(':s3:::ml-artifacts/async/output/*');
    expect(text).toContain(':s3:::ml-artifacts/async/failures/*');
    expect(text).toContain('"sns:Publish"');
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(asyncInvoker.node.defaultChild as never) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sagemaker:InvokeEndpointAsync',
            Resource: { 'Fn::GetAtt': [stack.getLogicalId(async.cfnEndpoint), 'EndpointArn'] },
          }),
        ]),
      },
    });
  });
});

describe('serverless endpoint', () => {
  test('memory, concurrency and provisioned concurrency; no VPC, no isolation, no capture; usage in requests', () => {
    // THEN
    const config = configOf(serverless);
    expect(config.Properties.ProductionVariants).toEqual([
      {
        VariantName: 'AllTraffic',
        ModelName: { 'Fn::GetAtt': [stack.getLogicalId(serverless.models.AllTraffic.cfnModel), 'ModelName'] },
        ServerlessConfig: { MemorySizeInMB: 3072, MaxConcurrency: 20, ProvisionedConcurrency: 2 },
      },
    ]);
    expect(config.Properties.KmsKeyId).toBeUndefined();
    expect(config.Properties.DataCaptureConfig).toBeUndefined();
    expect(config.Metadata[USAGE_METADATA_KEY]).toEqual({
      source: 'InferenceEndpoint.expectedUsage',
      monthlyRequests: 1_000_000,
      averageDurationMs: 120,
    });
    const model = template.toJSON().Resources[stack.getLogicalId(serverless.models.AllTraffic.cfnModel)];
    expect(model.Properties.VpcConfig).toBeUndefined();
    expect(model.Properties.EnableNetworkIsolation).toBe(false);
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      EndpointName: 'churn-serverless',
      DeploymentConfig: Match.objectLike({
        BlueGreenUpdatePolicy: Match.objectLike({
          TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 600 },
        }),
      }),
    });
    expect(warnings(serverless).filter((w) => !w.includes('unsubscribed-alarm-topic'))).toEqual([
      expect.stringMatching(/^Serverless endpoints run outside your VPC/),
    ]);
  });
});

describe('scale-to-zero endpoint', () => {
  test('an inference component on a managed-scaling variant that may drop to zero instances', () => {
    // THEN
    const config = configOf(scaleToZero);
    expect(config.Properties.ProductionVariants).toEqual([
      {
        VariantName: 'AllTraffic',
        InstanceType: 'ml.g5.2xlarge',
        InitialInstanceCount: 1,
        ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 4 },
        RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
      },
    ]);
    expect(config.Properties.EnableNetworkIsolation).toBe(true);
    expect(config.Properties.VpcConfig.Subnets).toEqual([
      'subnet-0000000000000000a',
      'subnet-0000000000000000b',
    ]);
    expect(config.Properties.ExecutionRoleArn).toEqual({
      'Fn::GetAtt': [
        stack.getLogicalId(scaleToZero.models.AllTraffic.role.node.defaultChild as never),
        'Arn',
      ],
    });
    template.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      EndpointName: { 'Fn::GetAtt': [stack.getLogicalId(scaleToZero.cfnEndpoint), 'EndpointName'] },
      VariantName: 'AllTraffic',
      Specification: {
        ModelName: Match.anyValue(),
        ComputeResourceRequirements: {
          MinMemoryRequiredInMb: 16384,
          NumberOfCpuCoresRequired: 2,
          NumberOfAcceleratorDevicesRequired: 1,
        },
      },
      RuntimeConfig: { CopyCount: 1 },
      DeploymentConfig: {
        RollingUpdatePolicy: Match.objectLike({
          MaximumBatchSize: { Type: 'COPY_COUNT', Value: 1 },
          WaitIntervalInSeconds: 600,
        }),
        AutoRollbackConfiguration: {
          Alarms: Match.arrayWith([
            Match.objectLike({ AlarmName: Match.stringLikeRegexp('ModelLatencyP99') }),
          ]),
        },
      },
    });
    const component = template.toJSON().Resources[stack.getLogicalId(scaleToZero.inferenceComponent!)];
    expect(component.Metadata[USAGE_METADATA_KEY]).toEqual({
      source: 'InferenceEndpoint.expectedUsage',
      averageInstanceCount: 0.2,
    });
  });

  test('copies scale 0..max on concurrency per copy, and from zero on NoCapacityInvocationFailures', () => {
    // THEN
    const componentArn = {
      'Fn::GetAtt': [stack.getLogicalId(scaleToZero.inferenceComponent!), 'InferenceComponentArn'],
    };
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
      MinCapacity: 0,
      MaxCapacity: 4,
      ResourceId: {
        'Fn::Join': [
          '',
          ['inference-component/', { 'Fn::Select': [1, { 'Fn::Split': ['/', componentArn] }] }],
        ],
      },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution',
        },
        TargetValue: 4,
      }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'NoCapacityInvocationFailures',
      Dimensions: [
        {
          Name: 'InferenceComponentName',
          Value: { 'Fn::Select': [1, { 'Fn::Split': ['/', componentArn] }] },
        },
      ],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^ScaleToZeroAutoScalingScaleFromZero') }],
    });
  });

  test('grantInvoke covers the endpoint and its inference component', () => {
    // THEN
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(asyncInvoker.node.defaultChild as never) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
            Effect: 'Allow',
            Resource: [
              { 'Fn::GetAtt': [stack.getLogicalId(scaleToZero.cfnEndpoint), 'EndpointArn'] },
              {
                'Fn::GetAtt': [stack.getLogicalId(scaleToZero.inferenceComponent!), 'InferenceComponentArn'],
              },
            ],
          },
        ]),
      },
    });
  });
});

describe('grants, metrics and imports', () => {
  test('grantInvoke on a real-time endpoint: InvokeEndpoint and streaming, on this endpoint only', () => {
    // THEN
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(invoker.node.defaultChild as never) }],
      PolicyDocument: {
        Statement: [
          {
            Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [stack.getLogicalId(realTime.cfnEndpoint), 'EndpointArn'] },
          },
        ],
      },
    });
  });

  test.each([
    ['metricInvocations', 'AWS/SageMaker', 'Invocations', 'Sum'],
    ['metricModelLatency', 'AWS/SageMaker', 'ModelLatency', 'p99'],
    ['metricInvocation5XXErrors', 'AWS/SageMaker', 'Invocation5XXErrors', 'Sum'],
    ['metricInvocation4XXErrors', 'AWS/SageMaker', 'Invocation4XXErrors', 'Sum'],
    ['metricInvocationsPerInstance', 'AWS/SageMaker', 'InvocationsPerInstance', 'Sum'],
    ['metricCpuUtilization', '/aws/sagemaker/Endpoints', 'CPUUtilization', 'Average'],
    ['metricGpuUtilization', '/aws/sagemaker/Endpoints', 'GPUUtilization', 'Average'],
    ['metricGpuMemoryUtilization', '/aws/sagemaker/Endpoints', 'GPUMemoryUtilization', 'Average'],
    ['metricMemoryUtilization', '/aws/sagemaker/Endpoints', 'MemoryUtilization', 'Average'],
  ] as const)('%s: %s %s, default statistic %s, per variant', (method, namespace, metricName, statistic) => {
    // WHEN
    const m = realTime[method]();
    const challenger = realTime[method]({ variantName: 'challenger', period: Duration.minutes(1) });
    // THEN
    expect(m.namespace).toBe(namespace);
    expect(m.metricName).toBe(metricName);
    expect(m.statistic).toBe(statistic);
    expect(stack.resolve(m.dimensions)).toEqual({
      EndpointName: { 'Fn::GetAtt': [stack.getLogicalId(realTime.cfnEndpoint), 'EndpointName'] },
      VariantName: 'AllTraffic',
    });
    expect(challenger.dimensions!.VariantName).toBe('challenger');
    expect(challenger.period.toMinutes()).toBe(1);
  });

  test('metricApproximateBacklogSize is per endpoint; metric() reads any SageMaker metric', () => {
    // WHEN
    const backlog = async.metricApproximateBacklogSize({ variantName: 'ignored' });
    const custom = async.metric('OverheadLatency', { statistic: 'p90' });
    // THEN
    expect(backlog.metricName).toBe('ApproximateBacklogSize');
    expect(backlog.statistic).toBe('Average');
    expect(Object.keys(backlog.dimensions!)).toEqual(['EndpointName']);
    expect(custom.namespace).toBe('AWS/SageMaker');
    expect(custom.statistic).toBe('p90');
  });

  test('fromEndpointAttributes: ARN with the lower-cased name, default variant and mode, grants and metrics', () => {
    // GIVEN
    const s = new Stack(new App(), 'Imports', { env: ENV });
    const role = new iam.Role(s, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    // WHEN
    const plain = InferenceEndpoint.fromEndpointAttributes(s, 'Plain', { endpointName: 'Churn-Prod' });
    const queued = InferenceEndpoint.fromEndpointAttributes(s, 'Queued', {
      endpointName: 'batchy',
      variantNames: ['blue'],
      mode: 'async',
    });
    plain.grantInvoke(role);
    queued.grantInvoke(role);
    // THEN
    expect(plain.variantNames).toEqual(['AllTraffic']);
    expect(plain.mode).toBe('real-time');
    expect(s.resolve(plain.endpointArn)).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:endpoint/churn-prod'],
      ],
    });
    expect(queued.metricGpuUtilization().dimensions).toEqual({ EndpointName: 'batchy', VariantName: 'blue' });
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
          }),
          Match.objectLike({ Action: 'sagemaker:InvokeEndpointAsync' }),
        ],
      },
    });
    expect(() =>
      InferenceEndpoint.fromEndpointAttributes(s, 'Bad', { endpointName: 'no_underscores' }),
    ).toThrow(
      '[Imports/Bad] InferenceEndpoint.fromEndpointAttributes: endpointName must be letters, digits and hyphens, 1–63 characters, starting and ending with a letter or digit, got "no_underscores"',
    );
  });
});

describe('data capture without a bucket', () => {
  test('a real-time endpoint captures into an encrypted bucket it creates, expiring after 90 days; models may write only its prefix', () => {
    // GIVEN no dataCapture at all, as the README's first example once did
    const s = new Stack(new App(), 'NoCaptureBucket', { env: ENV });
    const fx = inferenceFixtures(s);
    const endpoint = new InferenceEndpoint(s, 'Endpoint', {
      vpc: fx.vpc,
      image: fx.image,
      modelData: fx.modelData,
      instanceType: InferenceInstanceType.ML_G5_XLARGE,
    });
    // WHEN
    const t = Template.fromStack(s);
    // THEN the bucket is the endpoint's child, under the endpoint's key
    expect(endpoint.dataCaptureBucket?.node.path).toBe('NoCaptureBucket/Endpoint/CaptureBucket/Resource');
    const bucketId = s.getLogicalId(endpoint.dataCaptureBucket!.node.defaultChild as never);
    const keyArn = s.resolve(endpoint.encryptionKey.keyArn);
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn },
          }),
        ],
      },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 90 })]) },
    });
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: Match.objectLike({
        EnableCapture: true,
        InitialSamplingPercentage: 20,
        KmsKeyId: keyArn,
        DestinationS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/data-capture/Endpoint']] },
      }),
    });
    const policies = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('/data-capture/Endpoint/*');
  });

  test('capture off or a given bucket: no bucket is created', () => {
    // GIVEN
    const s = new Stack(new App(), 'Buckets', { env: ENV });
    const fx = inferenceFixtures(s);
    const base = { vpc: fx.vpc, image: fx.image, instanceType: InferenceInstanceType.ML_M5_LARGE };
    // WHEN
    const off = new InferenceEndpoint(s, 'Off', { ...base, dataCapture: { enabled: false } });
    const given = new InferenceEndpoint(s, 'Given', { ...base, dataCapture: { bucket: fx.capture } });
    // THEN
    expect(off.dataCaptureBucket).toBeUndefined();
    expect(given.dataCaptureBucket).toBe(fx.capture);
    Template.fromStack(s).resourceCountIs('AWS::S3::Bucket', 0);
  });
});

describe('InferenceAutoScaling on its own', () => {
  test('takes one props object: the scaled resource and the scaling options', () => {
    // GIVEN
    const s = new Stack(new App(), 'Scaling', { env: ENV });
    // WHEN
    const scaling = new InferenceAutoScaling(s, 'Scaling', {
      scaledResource: { mode: 'real-time', resourceId: 'endpoint/churn/variant/AllTraffic' },
      minCapacity: 2,
      maxCapacity: 4,
    });
    // THEN
    expect([scaling.minCapacity, scaling.maxCapacity]).toEqual([2, 4]);
    Template.fromStack(s).hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ResourceId: 'endpoint/churn/variant/AllTraffic',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      MinCapacity: 2,
      MaxCapacity: 4,
    });
  });

  test.each([
    [
      'min above max',
      {
        scaledResource: { mode: 'real-time', resourceId: 'endpoint/e/variant/v' },
        minCapacity: 5,
        maxCapacity: 2,
      },
      'minCapacity must be at most maxCapacity',
    ],
    [
      'async without the endpoint name its backlog metrics need',
      { scaledResource: { mode: 'async', resourceId: 'endpoint/e/variant/v' }, maxCapacity: 2 },
      'scaledResource.endpointName must be the endpoint name, for the backlog metrics of an async endpoint, got undefined',
    ],
    [
      'scale-to-zero without the inference component name',
      { scaledResource: { mode: 'scale-to-zero', resourceId: 'inference-component/c' }, maxCapacity: 2 },
      'scaledResource.inferenceComponentName must be the inference component name, for the scale-from-zero metric, got undefined',
    ],
  ] as const)('rejects %s', (_name, props, message) => {
    const s = new Stack(new App(), 'Bad', { env: ENV });
    expect(() => new InferenceAutoScaling(s, 'Scaling', props)).toThrow(
      `[Bad/Scaling] InferenceAutoScaling: ${message}`,
    );
  });
});

describe('validation', () => {
  const G5 = InferenceInstanceType.ML_G5_XLARGE;
  const T2 = InferenceInstanceType.ML_T2_MEDIUM;
  const M5 = InferenceInstanceType.ML_M5_LARGE;
  const cases: Array<[string, (fx: Fixtures) => Partial<InferenceEndpointProps>, string]> = [
    [
      'missing instance type',
      () => ({ instanceType: undefined, dataCapture: { enabled: false } }),
      'instanceType must be an InferenceInstanceType (required for real-time endpoints), got undefined',
    ],
    [
      'sampling above 100',
      (fx) => ({ dataCapture: { bucket: fx.capture, samplingPercentage: 101 } }),
      'dataCapture.samplingPercentage must be an integer from 0 to 100, got 101',
    ],
    [
      'bad capture prefix',
      (fx) => ({ dataCapture: { bucket: fx.capture, prefix: '/capture/' } }),
      'dataCapture.prefix must be an S3 key prefix of letters, digits, -, _, . and / without a leading or trailing slash, got "/capture/"',
    ],
    [
      'burstable with autoscaling',
      () => ({ instanceType: T2, autoScaling: { maxCapacity: 2 } }),
      'instanceType must be a non-burstable type when autoscaling (burstable ml.t* instances run out of CPU credits under load), got "ml.t2.medium"',
    ],
    [
      'min above max',
      () => ({ autoScaling: { minCapacity: 3, maxCapacity: 2 } }),
      'autoScaling.minCapacity must be at most autoScaling.maxCapacity (2), got 3',
    ],
    [
      'real-time min 0',
      () => ({ autoScaling: { minCapacity: 0, maxCapacity: 2 } }),
      'autoScaling.minCapacity must be an integer from 1 to 100, got 0',
    ],
    [
      'max 0',
      () => ({ autoScaling: { maxCapacity: 0 } }),
      'autoScaling.maxCapacity must be an integer from 1 to 100, got 0',
    ],
    [
      'initial outside min..max',
      () => ({ initialInstanceCount: 5, autoScaling: { minCapacity: 1, maxCapacity: 3 } }),
      'initialInstanceCount must be within autoScaling min..max (1..3), got 5',
    ],
    [
      'target of another mode',
      () => ({ autoScaling: { maxCapacity: 3, target: InferenceScalingTarget.backlogPerInstance(5) } }),
      'autoScaling.target must be a target for real-time endpoints (invocationsPerInstance or concurrentRequestsPerModel), got "backlogPerInstance"',
    ],
    [
      'negative target',
      () => ({ autoScaling: { maxCapacity: 3, target: InferenceScalingTarget.invocationsPerInstance(-1) } }),
      'autoScaling.target.targetValue must be a number from 0.001 to 1000000, got -1',
    ],
    [
      'cooldown over an hour',
      () => ({ autoScaling: { maxCapacity: 3, scaleInCooldown: Duration.hours(2) } }),
      'autoScaling.scaleInCooldown (seconds) must be an integer from 0 to 3600, got 7200',
    ],
    [
      'schedule without capacity',
      () => ({
        autoScaling: {
          maxCapacity: 3,
          schedules: [{ id: 'Noop', schedule: appscaling.Schedule.rate(Duration.hours(1)) }],
        },
      }),
      'autoScaling.schedules[0] must be a schedule that sets minCapacity or maxCapacity, got "Noop"',
    ],
    [
      '11 variants',
      (fx) => ({
        variants: Array.from({ length: 10 }, (_, i) => ({
          variantName: `v${i}`,
          weight: 1,
          image: fx.image,
          instanceType: M5,
        })),
      }),
      'variants (count including the primary) must be an integer from 1 to 10, got 11',
    ],
    [
      'negative weight',
      (fx) => ({ variants: [{ variantName: 'b', weight: -1, image: fx.image, instanceType: M5 }] }),
      'variants[0].weight must be a number from 0 to 1000000, got -1',
    ],
    [
      'all weights zero',
      (fx) => ({
        variantWeight: 0,
        variants: [{ variantName: 'b', weight: 0, image: fx.image, instanceType: M5 }],
      }),
      'variant weights must be weights whose sum is above 0, got [0,0]',
    ],
    [
      'duplicate variant names',
      (fx) => ({ variants: [{ variantName: 'AllTraffic', weight: 1, image: fx.image, instanceType: M5 }] }),
      'variant names must be unique across the primary, variants and shadowVariant, got "AllTraffic"',
    ],
    [
      'bad variant name',
      (fx) => ({ variants: [{ variantName: 'blue_green', weight: 1, image: fx.image, instanceType: M5 }] }),
      'variants[0].variantName must be letters, digits and hyphens, 1–63 characters, starting and ending with a letter or digit, got "blue_green"',
    ],
    [
      'shadow with A/B variants',
      (fx) => ({
        variants: [{ variantName: 'b', weight: 1, image: fx.image, instanceType: M5 }],
        shadowVariant: { image: fx.image, instanceType: M5 },
      }),
      'shadowVariant must be used with a single production variant (leave variants out), got "set with variants"',
    ],
    [
      'shadow sampling 0',
      (fx) => ({ shadowVariant: { image: fx.image, instanceType: M5, samplingPercentage: 0 } }),
      'shadowVariant.samplingPercentage must be an integer from 1 to 100, got 0',
    ],
    [
      'async options in real-time mode',
      (fx) => ({ async: { outputBucket: fx.artifacts } }),
      `async must be left out unless mode is 'async' (mode is 'real-time'), got "set"`,
    ],
    [
      'async mode without options',
      () => ({ mode: 'async' }),
      `async must be the async options (outputBucket, ...) when mode is 'async', got undefined`,
    ],
    [
      'async with A/B variants',
      (fx) => ({
        mode: 'async',
        async: { outputBucket: fx.artifacts },
        variants: [{ variantName: 'b', weight: 1, image: fx.image, instanceType: M5 }],
      }),
      'variants must be left out for async endpoints (one production variant only), got "set"',
    ],
    [
      'serverless mode without options',
      () => ({ mode: 'serverless', instanceType: undefined }),
      `serverless must be the serverless options (memorySize, maxConcurrency) when mode is 'serverless', got undefined`,
    ],
    [
      'serverless with an instance type',
      () => ({ mode: 'serverless', serverless: { memorySize: Size.gibibytes(2), maxConcurrency: 1 } }),
      'instanceType must be left out for serverless endpoints (SageMaker sizes, scales and networks them itself), got "ml.g5.xlarge"',
    ],
    [
      'serverless memory not in GB steps',
      () => ({
        mode: 'serverless',
        instanceType: undefined,
        serverless: { memorySize: Size.mebibytes(1500), maxConcurrency: 1 },
      }),
      'serverless.memorySize (MiB) must be one of 1024, 2048, 3072, 4096, 5120, 6144, got 1500',
    ],
    [
      'serverless memory 8 GB',
      () => ({
        mode: 'serverless',
        instanceType: undefined,
        serverless: { memorySize: Size.gibibytes(8), maxConcurrency: 1 },
      }),
      'serverless.memorySize (MiB) must be one of 1024, 2048, 3072, 4096, 5120, 6144, got 8192',
    ],
    [
      'serverless concurrency 201',
      () => ({
        mode: 'serverless',
        instanceType: undefined,
        serverless: { memorySize: Size.gibibytes(1), maxConcurrency: 201 },
      }),
      'serverless.maxConcurrency must be an integer from 1 to 200, got 201',
    ],
    [
      'provisioned above max',
      () => ({
        mode: 'serverless',
        instanceType: undefined,
        serverless: { memorySize: Size.gibibytes(1), maxConcurrency: 2, provisionedConcurrency: 3 },
      }),
      'serverless.provisionedConcurrency must be an integer from 1 to 2, got 3',
    ],
    [
      'serverless with capture',
      (fx) => ({
        mode: 'serverless',
        instanceType: undefined,
        serverless: { memorySize: Size.gibibytes(1), maxConcurrency: 2 },
        dataCapture: { bucket: fx.capture },
      }),
      'dataCapture.enabled must be false or left out for serverless endpoints (SageMaker does not capture their data), got true',
    ],
    [
      'scale-to-zero options in real-time mode',
      () => ({ scaleToZero: {} }),
      `scaleToZero must be left out unless mode is 'scale-to-zero' (mode is 'real-time'), got "set"`,
    ],
    [
      'scale-to-zero with a shadow',
      (fx) => ({
        mode: 'scale-to-zero',
        dataCapture: undefined,
        shadowVariant: { image: fx.image, instanceType: M5 },
      }),
      'shadowVariant must be left out for scale-to-zero endpoints, got "set"',
    ],
    [
      'unknown mode',
      () => ({ mode: 'batch' as never }),
      'mode must be one of real-time, async, serverless, scale-to-zero, got "batch"',
    ],
    [
      'canary above 50%',
      () => ({ deployment: { strategy: RolloutStrategy.canary({ canaryPercent: 60 }) } }),
      'deployment.strategy.canaryPercent must be an integer from 1 to 50, got 60',
    ],
    [
      'linear step below 10%',
      () => ({ deployment: { strategy: RolloutStrategy.linear({ stepPercent: 5 }) } }),
      'deployment.strategy.stepPercent must be an integer from 10 to 50, got 5',
    ],
    [
      'bake over an hour',
      () => ({ deployment: { strategy: RolloutStrategy.allAtOnce({ bakeTime: Duration.hours(2) }) } }),
      'deployment.strategy.bakeTime (seconds) must be an integer from 0 to 3600, got 7200',
    ],
    [
      'execution timeout too short',
      () => ({ deployment: { maximumExecutionTimeout: Duration.minutes(5) } }),
      'deployment.maximumExecutionTimeout (seconds) must be an integer from 600 to 14400, got 300',
    ],
    [
      'too many rollback alarms',
      (fx) => ({
        variants: ['b', 'c', 'd'].map((n) => ({
          variantName: n,
          weight: 1,
          image: fx.image,
          instanceType: M5,
        })),
      }),
      'deployment rollback alarms (3 per production variant, 2 for async, + extraRollbackAlarms) must be an integer from 0 to 10, got 12',
    ],
    [
      "a canary on a one-instance variant (CanarySize must be at most 50% of the variant's instances)",
      () => ({ deployment: { strategy: RolloutStrategy.canary() } }),
      "deployment.strategy.canaryPercent must be a share that stays within 50% of every variant's instances: variant AllTraffic may run 1 instance(s) (initialInstanceCount), where 10% is 1 instance(s); keep at least 2 instances or use RolloutStrategy.allAtOnce(), got 10",
    ],
    [
      'a 50% linear step on an autoscaled variant that may shrink to 3 instances',
      () => ({
        autoScaling: { minCapacity: 3, maxCapacity: 6 },
        deployment: { strategy: RolloutStrategy.linear({ stepPercent: 50 }) },
      }),
      "deployment.strategy.stepPercent must be a share that stays within 50% of every variant's instances: variant AllTraffic may run 3 instance(s) (autoScaling.minCapacity), where 50% is 2 instance(s); keep at least 2 instances or use RolloutStrategy.allAtOnce(), got 50",
    ],
    [
      'negative expected instances',
      () => ({ expectedUsage: { averageInstanceCount: -1 } }),
      'expectedUsage.averageInstanceCount must be a number from 0 to 10000, got -1',
    ],
    [
      'bad endpoint name',
      () => ({ endpointName: 'churn_prod' }),
      'endpointName must be letters, digits and hyphens, 1–63 characters, starting and ending with a letter or digit, got "churn_prod"',
    ],
  ];

  test.each(cases)('%s', (_name, overrides, message) => {
    // GIVEN
    const s = new Stack(new App(), 'Bad', { env: ENV });
    const fx = inferenceFixtures(s);
    const props = {
      vpc: fx.vpc,
      image: fx.image,
      instanceType: G5,
      dataCapture: { enabled: false },
      ...overrides(fx),
    } as InferenceEndpointProps;
    // WHEN / THEN
    expect(() => new InferenceEndpoint(s, 'Endpoint', props)).toThrow(
      `[Bad/Endpoint] InferenceEndpoint: ${message}`,
    );
  });

  test('several problems are reported at once', () => {
    // GIVEN
    const s = new Stack(new App(), 'Bad', { env: ENV });
    const fx = inferenceFixtures(s);
    // WHEN / THEN
    expect(
      () =>
        new InferenceEndpoint(s, 'Endpoint', {
          vpc: fx.vpc,
          image: fx.image,
          instanceType: G5,
          autoScaling: { minCapacity: 4, maxCapacity: 2 },
          dataCapture: { bucket: fx.capture, samplingPercentage: 150 },
        }),
    ).toThrow(
      '[Bad/Endpoint] InferenceEndpoint: autoScaling.minCapacity must be at most autoScaling.maxCapacity (2), got 4; dataCapture.samplingPercentage must be an integer from 0 to 100, got 150',
    );
  });
});
