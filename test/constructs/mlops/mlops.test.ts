import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, test } from 'vitest';
import { InferenceEndpoint, InferenceInstanceType } from '../../../constructs/inference';
import {
  ModelMonitoring,
  type ModelMonitoringProps,
  ModelRegistry,
  ModelRollout,
  MonitoringFrequency,
  RetrainingTrigger,
} from '../../../constructs/mlops';
import { GpuTrainingCluster } from '../../../constructs/training';
import { httpsToVpcOnly, prefixListLookupId } from '../../support/egress';
import { contextApp, formatFindings, nagApp, synthFindings } from '../../support/nag';
import { ENV, inferenceFixtures } from '../inference/fixtures';

/** One stack with a real endpoint and every MLOps construct, synthesized once. */
function loop(stack: Stack) {
  const f = inferenceFixtures(stack);
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const topic = new sns.Topic(stack, 'Topic', { masterKey: key, enforceSSL: true });
  const endpoint = new InferenceEndpoint(stack, 'Endpoint', {
    vpc: f.vpc,
    image: f.image,
    modelData: f.modelData,
    instanceType: InferenceInstanceType.ML_G5_XLARGE,
    autoScaling: { minCapacity: 2, maxCapacity: 4 },
    dataCapture: { bucket: f.capture },
    encryptionKey: key,
    alarmTopic: topic,
  });
  const registry = new ModelRegistry(stack, 'Registry', {
    modelPackageGroupName: 'churn',
    description: 'Churn scorers',
    crossAccountReaders: ['210987654321'],
    tags: { team: 'growth' },
  });
  const rollout = new ModelRollout(stack, 'Rollout', { registry, endpoint, topic });
  const monitoring = new ModelMonitoring(stack, 'Monitoring', {
    endpoint,
    captureBucket: f.capture,
    outputBucket: f.artifacts,
    encryptionKey: key,
    baselineDataset: 's3://ml-datasets/churn/train.csv',
    driftFeatures: ['tenure', 'spend'],
    topic,
    vpc: f.vpc,
    vpcSubnets: { subnets: f.vpc.isolatedSubnets },
  });
  const cluster = GpuTrainingCluster.fromGpuTrainingClusterAttributes(stack, 'Cluster', {
    clusterName: 'research',
    spotJobQueueArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/research-spot',
    jobDefinitionArns: ['arn:aws:batch:us-east-1:123456789012:job-definition/retrain'],
  });
  const jobDefinition = batch.EcsJobDefinition.fromJobDefinitionArn(
    stack,
    'Job',
    'arn:aws:batch:us-east-1:123456789012:job-definition/retrain:3',
  );
  const retraining = new RetrainingTrigger(stack, 'Retraining', {
    cluster,
    jobDefinition,
    registry,
    outputBucket: f.artifacts,
    serving: { imageUri: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311' },
    driftAlarms: monitoring.alarms.slice(0, 2),
    schedule: events.Schedule.cron({ weekDay: 'SUN', hour: '3', minute: '0' }),
    topic,
    logKey: key,
  });
  return { endpoint, registry, rollout, monitoring, retraining, topic, key, f };
}

/**
 * Creates, when called, another ModelMonitoring of `loop`'s endpoint in a fresh stack, with the props
 * `extra` makes in that stack (bad-input cases).
 */
function otherMonitoring(extra: (s: Stack) => Partial<ModelMonitoringProps>): () => ModelMonitoring {
  const s = new Stack(undefined, 'S', { env: ENV });
  const p = loop(s);
  const props = extra(s);
  return () =>
    new ModelMonitoring(s, 'Other', {
      endpoint: p.endpoint,
      captureBucket: p.f.capture,
      outputBucket: p.f.artifacts,
      encryptionKey: p.key,
      topic: p.topic,
      ...props,
    });
}

let template: Template;
let parts: ReturnType<typeof loop>;
let stack: Stack;
beforeAll(() => {
  const app = contextApp();
  stack = new Stack(app, 'Loop', { env: ENV });
  parts = loop(stack);
  template = Template.fromStack(stack);
});

function definitionOf(logicalPrefix: string): Record<string, unknown> {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const id = Object.keys(machines).find((k) => k.startsWith(logicalPrefix));
  expect(id, `state machine ${logicalPrefix}`).toBeDefined();
  const body = machines[id!].Properties.DefinitionString;
  // Fn::Join of literal parts and references: render references as placeholders.
  const text = (body['Fn::Join'][1] as unknown[])
    .map((p) => (typeof p === 'string' ? p : `<${JSON.stringify(p).replace(/"/g, "'")}>`))
    .join('');
  return JSON.parse(text);
}

describe('ModelRegistry', () => {
  test('a model package group with the family tag and a cross-account read policy', () => {
    template.hasResourceProperties('AWS::SageMaker::ModelPackageGroup', {
      ModelPackageGroupName: 'churn',
      ModelPackageGroupDescription: 'Churn scorers',
      Tags: Match.arrayWith([
        { Key: 'cdk-ml-platform:model-family', Value: 'churn' },
        { Key: 'team', Value: 'growth' },
      ]),
      ModelPackageGroupPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CrossAccountReadPackages',
            Action: ['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages'],
            Principal: { AWS: Match.anyValue() },
          }),
        ]),
      }),
    });
  });

  test('no resource policy unless readers are named; grants scope to the group and its packages', () => {
    const s = new Stack(undefined, 'S', { env: ENV });
    const r = new ModelRegistry(s, 'R', { modelPackageGroupName: 'fraud' });
    const role = new iam.Role(s, 'Ci', { assumedBy: new iam.AccountRootPrincipal() });
    r.grantApprove(role);
    r.grantRead(role);
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::SageMaker::ModelPackageGroup', {
      ModelPackageGroupPolicy: Match.absent(),
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['sagemaker:UpdateModelPackage', 'sagemaker:DescribeModelPackage'],
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':sagemaker:us-east-1:123456789012:model-package/fraud/*',
                ],
              ],
            },
          }),
        ]),
      },
    });
    expect(ModelRegistry.fromModelPackageGroupName(s, 'I', 'fraud').modelPackageGroupArn).toContain(
      'model-package-group/fraud',
    );
  });

  test.each([
    [{ modelPackageGroupName: 'Churn' }, /modelPackageGroupName must be 1-63 lower-case/],
    [{ modelPackageGroupName: 'a'.repeat(64) }, /modelPackageGroupName must be/],
    [
      { modelPackageGroupName: 'ok', crossAccountReaders: ['12'] },
      /crossAccountReaders\[0\] must be a 12-digit/,
    ],
  ])('rejects %j', (props, message) => {
    const s = new Stack(undefined, 'S', { env: ENV });
    expect(() => new ModelRegistry(s, 'R', props)).toThrow(message);
  });
});

describe('ModelRollout', () => {
  test('approval and rejection events of the group start the state machine (which reports rejections)', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.sagemaker'],
        'detail-type': ['SageMaker Model Package State Change'],
        detail: { ModelPackageGroupName: ['churn'], ModelApprovalStatus: ['Approved', 'Rejected'] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^RolloutWorkflow') } })],
    });
    const d = parts.rollout.definition.States;
    expect(d.StillApproved.Choices).toEqual([
      { Condition: "{% $decision = 'Approved' and $approval = 'Approved' %}", Next: 'DescribeEndpoint' },
      { Condition: "{% $decision = 'Rejected' %}", Next: 'NotifyRejected' },
    ]);
    expect(d.NotifyRejected.Resource).toMatch(/:states:::sns:publish$/);
  });

  test('the definition creates model and config from the package and updates with the endpoint blue/green policy', () => {
    const d = definitionOf('RolloutWorkflow') as {
      QueryLanguage: string;
      States: Record<string, Record<string, unknown>>;
    };
    expect(d.QueryLanguage).toBe('JSONata');
    expect(Object.keys(d.States)).toEqual([
      'DescribeModelPackage',
      'StillApproved',
      'NotifyRejected',
      'NotifySkipped',
      'DescribeEndpoint',
      'DescribeEndpointConfig',
      'DescribeCurrentModel',
      'CreateModel',
      'CreateEndpointConfig',
      'UpdateEndpoint',
      'WaitForUpdate',
      'DescribeUpdate',
      'UpdateDone',
      'NotifySuccess',
      'NotifyRollback',
      'RolledBack',
      'NotifyFailure',
      'Failed',
    ]);
    expect(d.States.CreateModel.Resource).toMatch(/:states:::aws-sdk:sagemaker:createModel$/);
    expect(d.States.CreateModel.Arguments).toContain("'PrimaryContainer': {'ModelPackageName': $packageArn}");
    expect(d.States.CreateEndpointConfig.Arguments).toContain("$v.VariantName = 'AllTraffic'");
    const update = d.States.UpdateEndpoint.Arguments as Record<string, unknown>;
    expect(update.RetainAllVariantProperties).toBe(true);
    expect(update.DeploymentConfig).toMatchObject({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 } },
      },
      AutoRollbackConfiguration: {
        Alarms: expect.arrayContaining([expect.objectContaining({ AlarmName: expect.any(String) })]),
      },
    });
    expect(
      (update.DeploymentConfig as { AutoRollbackConfiguration: { Alarms: unknown[] } })
        .AutoRollbackConfiguration.Alarms,
    ).toHaveLength(parts.endpoint.rollbackAlarms.length);
    expect(d.States.UpdateDone.Choices).toEqual([
      expect.objectContaining({ Next: 'WaitForUpdate' }),
      { Condition: "{% $status = 'InService' and $servedConfig = $newName %}", Next: 'NotifySuccess' },
    ]);
    expect(d.States.NotifyFailure.Resource).toMatch(/:states:::sns:publish$/);
  });

  test('the role passes only the model role and creates only prefixed models and configurations', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^RolloutWorkflowRole') }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    ) as Array<{
      Action: string | string[];
      Resource: unknown;
    }>;
    const by = (action: string) => statements.filter((s) => [s.Action].flat().includes(action));
    expect(JSON.stringify(by('sagemaker:CreateModel'))).toContain('model/churn-*');
    expect(JSON.stringify(by('iam:PassRole')[0].Resource)).toContain('EndpointModelRole');
    expect(JSON.stringify(by('kms:CreateGrant'))).toContain('Key');
  });

  test.each([
    [{ variantName: 'nope' }, /variantName must be one of the endpoint's production variants \(AllTraffic\)/],
    [{ namePrefix: 'Bad_Prefix' }, /namePrefix must be 1-40 lower-case/],
    [{ pollInterval: Duration.seconds(1) }, /pollInterval \(seconds\) must be an integer from 10 to 3600/],
  ])('rejects %j', (extra, message) => {
    const s = new Stack(undefined, 'S', { env: ENV });
    const p = loop(s);
    expect(
      () =>
        new ModelRollout(s, 'Other', {
          registry: p.registry,
          endpoint: p.endpoint,
          topic: p.topic,
          ...extra,
        }),
    ).toThrow(message);
  });

  test('an imported endpoint needs the model role', () => {
    const s = new Stack(undefined, 'S', { env: ENV });
    const endpoint = InferenceEndpoint.fromEndpointAttributes(s, 'E', { endpointName: 'churn' });
    const registry = new ModelRegistry(s, 'R', { modelPackageGroupName: 'churn' });
    const topic = sns.Topic.fromTopicArn(s, 'T', 'arn:aws:sns:us-east-1:123456789012:t');
    expect(() => new ModelRollout(s, 'Ro', { registry, endpoint, topic })).toThrow(
      /modelRole must be the role the new model runs as/,
    );
    const modelRole = iam.Role.fromRoleArn(s, 'M', 'arn:aws:iam::123456789012:role/model');
    const rollout = new ModelRollout(s, 'Ro2', {
      registry,
      endpoint,
      topic,
      modelRole,
      logKey: new kms.Key(s, 'K'),
    });
    const update = (
      rollout.definition.States.UpdateEndpoint.Arguments as Record<string, Record<string, unknown>>
    ).DeploymentConfig;
    expect(update).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 600 },
        TerminationWaitInSeconds: 300,
      },
    });
  });
});

describe('ModelMonitoring', () => {
  test('a data-quality schedule over the endpoint, after it, with results in the encrypted bucket', () => {
    const schedules = template.findResources('AWS::SageMaker::MonitoringSchedule');
    const [id, schedule] = Object.entries(schedules)[0];
    expect(schedule.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^Endpoint/)]));
    expect(schedule.Properties.MonitoringScheduleConfig).toMatchObject({
      MonitoringType: 'DataQuality',
      ScheduleConfig: { ScheduleExpression: MonitoringFrequency.HOURLY },
    });
    expect(schedule.Metadata['cdk-ml-platform:usage']).toEqual({
      source: 'ModelMonitoring.expectedRunDuration',
      monthlyInstanceHours: 121.667,
      note: 'hourly runs of 10 min on one ml.m5.large',
    });
    expect(id).toMatch(/^Monitoring/);
    template.hasResourceProperties('AWS::SageMaker::DataQualityJobDefinition', {
      DataQualityAppSpecification: {
        ImageUri: '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer',
        Environment: { publish_cloudwatch_metrics: 'Enabled' },
      },
      DataQualityBaselineConfig: {
        ConstraintsResource: { S3Uri: 's3://ml-artifacts/monitoring/Endpoint/baseline/constraints.json' },
        StatisticsResource: { S3Uri: 's3://ml-artifacts/monitoring/Endpoint/baseline/statistics.json' },
      },
      DataQualityJobInput: { EndpointInput: Match.objectLike({ EndpointName: Match.anyValue() }) },
      DataQualityJobOutputConfig: {
        KmsKeyId: Match.anyValue(),
        MonitoringOutputs: [
          { S3Output: Match.objectLike({ S3Uri: 's3://ml-artifacts/monitoring/Endpoint/reports' }) },
        ],
      },
      NetworkConfig: Match.objectLike({ EnableNetworkIsolation: true, VpcConfig: Match.anyValue() }),
      JobResources: {
        ClusterConfig: Match.objectLike({ InstanceType: 'ml.m5.large', VolumeKmsKeyId: Match.anyValue() }),
      },
    });
  });

  test('the job security group allows HTTPS to the VPC and to the S3 prefix list only, and the job definition waits for it', () => {
    // THEN
    const groups = template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('^Data-quality jobs of ') },
    });
    const [groupId, group] = Object.entries(groups)[0];
    expect(group.Properties.SecurityGroupEgress).toEqual(httpsToVpcOnly('10.0.0.0/16'));
    // One lookup for the endpoint's models and the monitoring job (S3PrefixList.of is per stack).
    const lookup = prefixListLookupId(template);
    const rules = template.findResources('AWS::EC2::SecurityGroupEgress', {
      Properties: { GroupId: { 'Fn::GetAtt': [groupId, 'GroupId'] } },
    });
    const [ruleId, rule] = Object.entries(rules)[0];
    expect(rule.Properties).toMatchObject({
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      DestinationPrefixListId: { 'Fn::GetAtt': [lookup, 'PrefixListId'] },
    });
    const definitions = template.findResources('AWS::SageMaker::DataQualityJobDefinition');
    expect(Object.values(definitions)[0].DependsOn).toEqual(expect.arrayContaining([groupId, ruleId]));
  });

  test('a VPC imported without its CIDR block is a validation error naming vpc', () => {
    const create = otherMonitoring((s) => ({
      vpc: ec2.Vpc.fromVpcAttributes(s, 'NoCidr', {
        vpcId: 'vpc-0fedcba9876543210',
        availabilityZones: ['us-east-1a'],
        privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1'],
      }),
    }));
    expect(create).toThrow(
      'ModelMonitoring: vpc must be a VPC with a known CIDR block (ec2.Vpc.fromVpcAttributes({ vpcCidrBlock, ... }) or ec2.Vpc.fromLookup), so the security group can allow HTTPS to the interface endpoints in it, got "vpc-0fedcba9876543210"',
    );
  });

  test('one drift alarm per feature on the Model Monitor namespace, and widgets', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'aws/sagemaker/Endpoints/data-metrics',
      MetricName: 'feature_baseline_drift_tenure',
      Threshold: 0.1,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // 2 drift alarms + the baseline job's failure alarm.
    expect(parts.monitoring.alarms).toHaveLength(3);
    expect(parts.monitoring.widgets).toHaveLength(2);
  });

  test('the baseline state machine runs the analyzer as a processing job and waits for it', () => {
    const d = definitionOf('MonitoringBaseline') as { States: Record<string, Record<string, unknown>> };
    expect(d.States.SuggestBaseline.Resource).toMatch(/:states:::sagemaker:createProcessingJob\.sync$/);
    expect(d.States.SuggestBaseline.Arguments).toMatchObject({
      Environment: {
        dataset_source: '/opt/ml/processing/input/baseline_dataset_input',
        output_path: '/opt/ml/processing/output',
      },
      ProcessingInputs: [
        expect.objectContaining({
          S3Input: expect.objectContaining({ S3Uri: 's3://ml-datasets/churn/train.csv' }),
        }),
      ],
    });
  });

  test.each([
    [{ instanceType: 'm5.large' }, /instanceType must be a SageMaker processing instance type/],
    [{ maxRuntime: Duration.hours(2) }, /maxRuntime \(seconds\) must be an integer from 60 to 3600/],
    [{ driftThreshold: 2 }, /driftThreshold must be a number from 0 to 1/],
    [{ baselineDataset: 'https://x' }, /baselineDataset must be an s3:\/\/ URI/],
    [{ driftFeatures: ['a b'] }, /driftFeatures\[0\] must be a feature name/],
  ])('rejects %j', (extra, message) => {
    expect(otherMonitoring(() => extra)).toThrow(message);
  });

  test('a VPC without private subnets is a validation error naming vpcSubnets, not a CDK error', () => {
    const create = otherMonitoring((s) => ({
      vpc: new ec2.Vpc(s, 'PublicOnly', {
        natGateways: 0,
        subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
      }),
    }));
    expect(create).toThrow(
      /ModelMonitoring: vpcSubnets must be set \(the default, PRIVATE_WITH_EGRESS subnets, is missing from the VPC/,
    );
  });

  test('rejects endpoints that are not real-time', () => {
    const s = new Stack(undefined, 'S', { env: ENV });
    const endpoint = InferenceEndpoint.fromEndpointAttributes(s, 'E', { endpointName: 'a', mode: 'async' });
    const bucket = s3.Bucket.fromBucketName(s, 'B', 'capture-bucket');
    expect(
      () =>
        new ModelMonitoring(s, 'M', {
          endpoint,
          captureBucket: bucket,
          outputBucket: bucket,
          encryptionKey: new kms.Key(s, 'K'),
          topic: sns.Topic.fromTopicArn(s, 'T', 'arn:aws:sns:us-east-1:123456789012:t'),
        }),
    ).toThrow(/endpoint.mode must be 'real-time'/);
  });
});

describe('RetrainingTrigger', () => {
  test('drift alarms and a schedule start the retraining state machine', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { state: { value: ['ALARM'] } },
      }),
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^RetrainingWorkflow') } })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 3 ? * SUN *)',
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^RetrainingWorkflow') } })],
    });
  });

  test('the definition waits for the Batch job, registers a pending package with metrics and notifies', () => {
    const d = definitionOf('RetrainingWorkflow') as { States: Record<string, Record<string, unknown>> };
    expect(d.States.Train.Resource).toMatch(/:states:::batch:submitJob\.sync$/);
    expect(d.States.Train.Arguments).toMatchObject({
      JobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/research-spot',
      JobDefinition: 'arn:aws:batch:us-east-1:123456789012:job-definition/retrain:3',
    });
    expect(JSON.stringify(d.States.Train.Arguments)).toContain('$states.input.`detail-type`');
    expect(d.States.Register.Resource).toMatch(/:states:::aws-sdk:sagemaker:createModelPackage$/);
    expect(d.States.Register.Arguments).toMatchObject({
      ModelPackageGroupName: 'churn',
      ModelApprovalStatus: 'PendingManualApproval',
      ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json' } } },
    });
    expect(d.States.NotifyRegistered.Resource).toMatch(/:states:::sns:publish$/);
  });

  test('autoApprove registers approved packages', () => {
    const s = new Stack(undefined, 'S', { env: ENV });
    const p = loop(s);
    const t = new RetrainingTrigger(s, 'Dev', {
      cluster: GpuTrainingCluster.fromGpuTrainingClusterAttributes(s, 'C2', {
        clusterName: 'c',
        spotJobQueueArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/c',
      }),
      jobDefinition: batch.EcsJobDefinition.fromJobDefinitionArn(
        s,
        'J2',
        'arn:aws:batch:us-east-1:123456789012:job-definition/j:1',
      ),
      registry: p.registry,
      outputBucket: p.f.artifacts,
      serving: { imageUri: 'x' },
      schedule: events.Schedule.rate(Duration.days(7)),
      autoApprove: true,
      topic: p.topic,
      logKey: p.key,
    });
    expect((t.definition.States.Register.Arguments as Record<string, unknown>).ModelApprovalStatus).toBe(
      'Approved',
    );
  });

  test('something must start retraining', () => {
    const s = new Stack(undefined, 'S', { env: ENV });
    const p = loop(s);
    expect(
      () =>
        new RetrainingTrigger(s, 'None', {
          cluster: GpuTrainingCluster.fromGpuTrainingClusterAttributes(s, 'C3', {
            clusterName: 'c',
            spotJobQueueArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/c',
          }),
          jobDefinition: batch.EcsJobDefinition.fromJobDefinitionArn(
            s,
            'J3',
            'arn:aws:batch:us-east-1:123456789012:job-definition/j:1',
          ),
          registry: p.registry,
          outputBucket: p.f.artifacts,
          serving: { imageUri: 'x' },
          topic: p.topic,
          logKey: p.key,
        }),
    ).toThrow(/driftAlarms must be at least one alarm, or a schedule/);
  });
});

describe('confused-deputy conditions of the workflow roles', () => {
  const sourceConditions = (arnTail: string) => ({
    StringEquals: { 'aws:SourceAccount': ENV.account },
    ArnLike: { 'aws:SourceArn': `arn:aws:${arnTail}` },
  });

  test('every state-machine role may be assumed by Step Functions for state machines of this account and region only', () => {
    // Step Functions guide, "Prevent cross-service confused deputy issue": aws:SourceArn and aws:SourceAccount.
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    expect(Object.keys(machines)).toHaveLength(3); // rollout, baseline, retraining
    const roles = template.findResources('AWS::IAM::Role');
    for (const machine of Object.values(machines)) {
      const roleId = (machine.Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(roles[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'states.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: sourceConditions(`states:${ENV.region}:${ENV.account}:stateMachine:*`),
        },
      ]);
    }
  });

  test('the role rules pass to start a state machine may be assumed by EventBridge for rules of this account and region only', () => {
    // EventBridge guide: "For EventBridge event bus rule targets, the value of aws:SourceArn must be the rule ARN."
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties.Targets).includes('Workflow'),
    );
    expect(rules).toHaveLength(3); // rollout decisions, retraining on drift and on schedule
    const roles = template.findResources('AWS::IAM::Role');
    const roleIds = new Set(
      rules.flatMap((r) =>
        (r.Properties.Targets as Array<{ RoleArn: { 'Fn::GetAtt': [string, string] } }>).map(
          (t) => t.RoleArn['Fn::GetAtt'][0],
        ),
      ),
    );
    expect(roleIds.size).toBe(2); // one per state machine, shared by its rules
    for (const id of roleIds) {
      expect(roles[id].Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: sourceConditions(`events:${ENV.region}:${ENV.account}:rule/*`),
        },
      ]);
    }
  });
});

describe('compliance', () => {
  test('the loop has no unacknowledged AwsSolutions, NIST 800-53 R5 or HIPAA findings', () => {
    const app = nagApp();
    const s = new Stack(app, 'LoopNag', { env: ENV });
    loop(s);
    const findings = synthFindings(app).filter(
      (f) =>
        !f.path.startsWith('/LoopNag/Endpoint') &&
        !f.path.startsWith('/LoopNag/Topic') &&
        !f.path.startsWith('/LoopNag/Key'),
    );
    expect(findings, formatFindings(findings)).toEqual([]);
  });
});
