import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PlatformAlarmTopic } from '../../../constructs/monitoring/alarm-topic';
import { BatchQueueMetrics } from '../../../constructs/monitoring/batch-queue-metrics';
import {
  PlatformMonitoring,
  type PlatformMonitoringProps,
} from '../../../constructs/monitoring/platform-monitoring';
import { Construct } from 'constructs';
import { InferenceEndpoint, InferenceInstanceType } from '../../../constructs/inference';
import { GpuTrainingCluster } from '../../../constructs/training';
import { MlPlatformValidationError } from '../../../constructs/core/errors';
import { formatFindings, nagApp, synthFindings, type Finding } from '../../support/nag';
import { inferenceFixtures } from '../inference/fixtures';
import { NO_BUNDLING, trainingStack } from '../training/fixtures';
import { buildMonitoredStack, ENV, fakeEndpoint, FakeTrainingCluster, importedVpc } from './fixtures';
import { hashScrubbingSerializer, renderCfnString } from './snapshot-serializer';

expect.addSnapshotSerializer(hashScrubbingSerializer);

let template: Template;
let monitoring: PlatformMonitoring;
let topicRef: { Ref: string };
let findings: Finding[] = [];
let outdir: string;

beforeAll(() => {
  // GIVEN the reference composition: budget, one training cluster, a two-variant and an async endpoint,
  // in an app with the three cdk-nag packs (one synthesis serves the compliance check and the assertions)
  const app = nagApp();
  outdir = app.outdir;
  const built = buildMonitoredStack(app);
  monitoring = built.monitoring;
  topicRef = { Ref: built.stack.getLogicalId(monitoring.alarmTopic.node.defaultChild as never) };
  // WHEN
  try {
    template = Template.fromStack(built.stack);
  } catch (e) {
    findings = synthFindings(app);
    if (findings.length === 0) throw e;
  }
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

test('no unacknowledged findings in the AwsSolutions, NIST 800-53 R5 and HIPAA packs', () => {
  // THEN
  expect(formatFindings(findings)).toBe('');
});

function resourcesOf(
  type: string,
): Array<{ id: string; props: Record<string, unknown>; resource: Record<string, unknown> }> {
  return Object.entries(template.findResources(type)).map(([id, resource]) => ({
    id,
    props: (resource.Properties ?? {}) as Record<string, unknown>,
    resource,
  }));
}

function alarmNamed(suffix: string): Record<string, unknown> {
  const found = resourcesOf('AWS::CloudWatch::Alarm').filter((a) =>
    String(a.props.AlarmName).endsWith(suffix),
  );
  expect(found, `one alarm named *${suffix}`).toHaveLength(1);
  return found[0].props;
}

describe('alarm topic', () => {
  test('is KMS-encrypted, TLS-only, subscribed by e-mail, and lets Budgets and Cost Anomaly Detection publish', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ml-oncall@example.com',
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'budgets.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': ENV.account } }),
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'costalerts.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
    // The topic's key lets each publishing service encrypt.
    const topicKeyId = (
      template.findResources('AWS::SNS::Topic')[topicRef.Ref].Properties.KmsMasterKeyId as {
        'Fn::GetAtt': [string, string];
      }
    )['Fn::GetAtt'][0];
    const keyStatements = (
      resourcesOf('AWS::KMS::Key').find((k) => k.id === topicKeyId)!.props.KeyPolicy as {
        Statement: Array<{ Action: string | string[]; Principal: { Service?: string | string[] } }>;
      }
    ).Statement;
    const mayEncrypt = keyStatements
      .filter((st) => [st.Action].flat().includes('kms:GenerateDataKey*'))
      .flatMap((st) => [st.Principal.Service ?? []].flat());
    expect(new Set(mayEncrypt)).toEqual(
      new Set([
        'budgets.amazonaws.com',
        'cloudwatch.amazonaws.com',
        'costalerts.amazonaws.com',
        'events.amazonaws.com',
      ]),
    );
    // One statement per publisher, each for SNS topics of this account and region. The SNS guide
    // ("Enable compatibility between event sources from AWS services and encrypted topics", step 3)
    // documents aws:SourceAccount/aws:SourceArn on the key for the services, except EventBridge, for
    // which they are "not supported": a conditioned EventBridge statement drops every event.
    const topics = { 'kms:EncryptionContext:aws:sns:topicArn': `arn:aws:sns:${ENV.region}:${ENV.account}:*` };
    const byService = Object.fromEntries(
      keyStatements
        .filter((st) => st.Principal.Service !== undefined)
        .map((st) => [String(st.Principal.Service), (st as { Condition?: unknown }).Condition]),
    );
    expect(byService).toEqual({
      'budgets.amazonaws.com': {
        StringLike: topics,
        StringEquals: { 'aws:SourceAccount': ENV.account },
        ArnLike: { 'aws:SourceArn': `arn:aws:budgets::${ENV.account}:*` },
      },
      'cloudwatch.amazonaws.com': {
        StringLike: topics,
        StringEquals: { 'aws:SourceAccount': ENV.account },
        ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${ENV.region}:${ENV.account}:alarm:*` },
      },
      'costalerts.amazonaws.com': { StringLike: topics, StringEquals: { 'aws:SourceAccount': ENV.account } },
      'events.amazonaws.com': { StringLike: topics },
    });
  });

  test("admits CloudWatch alarms to the topic policy that enforceSSL creates (it replaces the default policy), pinned to this account's alarms", () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': ENV.account },
              ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${ENV.region}:${ENV.account}:alarm:*` },
            },
          }),
        ]),
      },
    });
    // EventBridge is admitted rule by rule (topicRuleTarget), never for every rule or without a condition.
    const eventBridge = resourcesOf('AWS::SNS::TopicPolicy')
      .flatMap((p) => (p.props.PolicyDocument as { Statement: Array<Record<string, any>> }).Statement) // eslint-disable-line @typescript-eslint/no-explicit-any
      .filter((st) => st.Principal?.Service === 'events.amazonaws.com');
    expect(eventBridge.length).toBeGreaterThan(0);
    for (const st of eventBridge) {
      expect(st.Condition.StringEquals).toEqual({ 'aws:SourceAccount': ENV.account });
      const arn = st.Condition.ArnLike['aws:SourceArn'];
      expect(arn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
      expect(resourcesOf('AWS::Events::Rule').map((r) => r.id)).toContain(arn['Fn::GetAtt'][0]);
    }
  });
});

describe('alarms', () => {
  test('there are at least six, and every alarm notifies the topic on ALARM and on OK', () => {
    // THEN
    const alarms = resourcesOf('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(6);
    expect(alarms).toHaveLength(monitoring.alarms.length);
    for (const alarm of alarms) {
      expect(alarm.props.AlarmActions, alarm.id).toEqual([topicRef]);
      expect(alarm.props.OKActions, alarm.id).toEqual([topicRef]);
      expect(String(alarm.props.AlarmDescription).length, alarm.id).toBeGreaterThan(40);
    }
  });

  test('training: oldest RUNNABLE job at half the capacity timeout, from the custom Batch metric', () => {
    expect(alarmNamed('-llm-OldestRunnableJobAge')).toMatchObject({
      Namespace: 'CDKMLPlatform/Batch',
      MetricName: 'OldestRunnableJobAge',
      Dimensions: [{ Name: 'ClusterName', Value: 'llm' }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1800,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
  });

  test('training: idle GPUs below 10% for 30 minutes, no instances = not breaching', () => {
    expect(alarmNamed('-llm-IdleGpus')).toMatchObject({
      Namespace: 'CDKMLPlatform/GPU',
      Dimensions: [{ Name: 'ClusterName', Value: 'llm' }],
      Statistic: 'Average',
      Threshold: 10,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 6,
      TreatMissingData: 'notBreaching',
    });
  });

  test('training: spot reclaims per hour, capacity cancellations and retry-function errors', () => {
    expect(alarmNamed('-llm-SpotReclaims')).toMatchObject({
      Namespace: 'AWS/Events',
      MetricName: 'MatchedEvents',
      Period: 3600,
      Statistic: 'Sum',
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(alarmNamed('-llm-CapacityCancellations')).toMatchObject({
      MetricName: 'MatchedEvents',
      Threshold: 1,
    });
    expect(alarmNamed('-llm-RetryFunctionErrors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: 'llm-spot-retry' }],
      Threshold: 1,
    });
    expect(alarmNamed('-QueueMetricsErrors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Period: 900,
      Threshold: 3,
    });
  });

  test('inference: 5xx and 4xx rates, latency p99 per variant, backlog for async endpoints', () => {
    const serverErrors = alarmNamed('-chat-ServerErrorRate-green');
    expect(serverErrors).toMatchObject({
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(serverErrors.Metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Expression: '100 * FILL(errors, 0)', ReturnData: true }),
        expect.objectContaining({
          Id: 'errors',
          MetricStat: expect.objectContaining({
            Metric: expect.objectContaining({
              MetricName: 'Invocation5XXErrors',
              Dimensions: expect.arrayContaining([{ Name: 'VariantName', Value: 'green' }]),
            }),
            // SageMaker sends 1 per 5xx response and 0 otherwise: the Average is the rate.
            Stat: 'Average',
          }),
        }),
      ]),
    );
    expect(alarmNamed('-chat-ClientErrorRate')).toMatchObject({ Threshold: 5 });
    // Async endpoints do not publish Invocations: no alarm of theirs may read it.
    expect(JSON.stringify(alarmNamed('-embeddings-async-ServerErrorRate').Metrics)).not.toContain(
      '"MetricName":"Invocations"',
    );
    const latency = alarmNamed('-chat-ModelLatencyP99');
    expect(latency).toMatchObject({ Threshold: 2000, EvaluationPeriods: 3 });
    expect(JSON.stringify(latency.Metrics)).toContain('"Stat":"p99"');
    // A single-variant endpoint keeps short alarm names.
    expect(alarmNamed('-embeddings-async-ServerErrorRate')).toBeDefined();
    expect(alarmNamed('-embeddings-async-AsyncBacklog')).toMatchObject({
      MetricName: 'ApproximateBacklogSize',
      Threshold: 100,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(
      resourcesOf('AWS::CloudWatch::Alarm').filter((a) =>
        String(a.props.AlarmName).includes('chat-AsyncBacklog'),
      ),
    ).toEqual([]);
  });
});

describe('event rules', () => {
  test('failed Batch jobs of the cluster queues go to the topic with a readable message', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.batch'],
        'detail-type': ['Batch Job State Change'],
        detail: {
          jobQueue: [
            'arn:aws:batch:us-east-1:123456789012:job-queue/llm-spot',
            'arn:aws:batch:us-east-1:123456789012:job-queue/llm-on-demand',
          ],
          status: ['FAILED'],
        },
      },
      Targets: [
        Match.objectLike({
          Arn: topicRef,
          InputTransformer: Match.objectLike({
            InputPathsMap: Match.objectLike({
              'detail-jobName': '$.detail.jobName',
              'detail-statusReason': '$.detail.statusReason',
            }),
          }),
        }),
      ],
    });
  });

  test('spot reclaims, capacity cancellations and on-demand retries are counted', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { detail: { statusReason: [{ prefix: 'Host EC2' }] } },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        detail: {
          status: ['FAILED'],
          statusReason: [
            { wildcard: '*INSUFFICIENT_INSTANCE_CAPACITY*' },
            { wildcard: '*COMPUTE_ENVIRONMENT_MAX_RESOURCE*' },
            { wildcard: '*JOB_RESOURCE_REQUIREMENT*' },
          ],
        },
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        detail: {
          jobQueue: ['arn:aws:batch:us-east-1:123456789012:job-queue/llm-on-demand'],
          status: ['RUNNABLE'],
        },
      },
    });
  });

  test('failed SageMaker endpoint updates and rollbacks go to the topic, per endpoint', () => {
    for (const endpointName of ['chat', 'embeddings-async']) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.sagemaker'],
          'detail-type': ['SageMaker Endpoint State Change', 'SageMaker Endpoint Deployment State Change'],
          detail: {
            EndpointName: [endpointName],
            EndpointStatus: ['FAILED', 'ROLLING_BACK', 'UPDATE_ROLLBACK_FAILED'],
          },
        },
        Targets: [Match.objectLike({ Arn: topicRef })],
      });
    }
  });
});

describe('queue-metrics function', () => {
  test('CloudWatch Logs may use the key only for log groups of this account and region (shared helper)', () => {
    // THEN every key-policy statement for the logs service carries the encryption-context condition
    const logStatements = resourcesOf('AWS::KMS::Key').flatMap((k) =>
      (
        k.props.KeyPolicy as { Statement: Array<{ Principal?: { Service?: string }; Condition?: unknown }> }
      ).Statement.filter((st) => st.Principal?.Service === 'logs.us-east-1.amazonaws.com'),
    );
    expect(logStatements.length).toBeGreaterThan(0);
    for (const st of logStatements) {
      expect(st.Condition).toEqual({
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': expect.stringMatching(
            /^arn:aws:logs:us-east-1:123456789012:log-group:/,
          ),
        },
      });
    }
  });

  test('runs the latest Node.js runtime in the VPC, with a DLQ and its queues, reserving no concurrency (fails in low-quota accounts)', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      ReservedConcurrentExecutions: Match.absent(),
      DeadLetterConfig: { TargetArn: Match.anyValue() },
      VpcConfig: {
        SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
        SecurityGroupIds: Match.anyValue(),
      },
      Environment: {
        Variables: Match.objectLike({
          QUEUE_METRICS_QUEUES: JSON.stringify([
            { clusterName: 'llm', jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/llm-spot' },
            { clusterName: 'llm', jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/llm-on-demand' },
          ]),
        }),
      },
    });
    template.hasResource('AWS::Lambda::Function', {
      Metadata: {
        'cdk-ml-platform:usage': {
          source: 'BatchQueueMetrics.interval',
          monthlyRequests: 43800,
          averageDurationMs: 1000,
        },
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: Match.anyValue(),
      MessageRetentionPeriod: 1209600,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
      ],
    });
  });

  test('its customer-managed policy allows only what it calls, PutMetricData limited to its namespace', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'ListJobs', Action: 'batch:ListJobs', Resource: '*' }),
          Match.objectLike({
            Sid: 'PutQueueMetrics',
            Action: 'cloudwatch:PutMetricData',
            Condition: { StringEquals: { 'cloudwatch:namespace': 'CDKMLPlatform/Batch' } },
          }),
        ]),
      },
    });
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toContain('arn:aws:iam::aws:policy');
  });

  test('every log group is KMS-encrypted with a retention period', () => {
    const logGroups = resourcesOf('AWS::Logs::LogGroup');
    expect(logGroups.length).toBeGreaterThan(0);
    for (const lg of logGroups) {
      expect(lg.props.KmsKeyId, lg.id).toBeDefined();
      expect(lg.props.RetentionInDays, lg.id).toBe(365);
    }
  });
});

describe('cost guardrails', () => {
  test('a monthly COST budget scoped by the platform tag notifies at 80% and 100% actual and 100% forecast', () => {
    template.resourceCountIs('AWS::Budgets::Budget', 1);
    const subscribers = [
      { SubscriptionType: 'SNS', Address: topicRef },
      { SubscriptionType: 'EMAIL', Address: 'ml-oncall@example.com' },
    ];
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetName: 'MlPlatformDev-monthly-cost',
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: 3000, Unit: 'USD' },
        CostFilters: { TagKeyValue: ['user:cdk-ml-platform:platform$mlp'] },
      },
      NotificationsWithSubscribers: [
        {
          Notification: Match.objectLike({
            NotificationType: 'ACTUAL',
            Threshold: 80,
            ThresholdType: 'PERCENTAGE',
          }),
          Subscribers: subscribers,
        },
        {
          Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 100 }),
          Subscribers: subscribers,
        },
        {
          Notification: Match.objectLike({ NotificationType: 'FORECASTED', Threshold: 100 }),
          Subscribers: subscribers,
        },
      ],
    });
  });

  test('a CUSTOM anomaly monitor on the platform tag, and an immediate SNS subscription above 100 USD', () => {
    template.hasResourceProperties('AWS::CE::AnomalyMonitor', {
      MonitorType: 'CUSTOM',
      MonitorSpecification: JSON.stringify({
        Tags: { Key: 'cdk-ml-platform:platform', Values: ['mlp'], MatchOptions: ['EQUALS'] },
      }),
    });
    template.hasResourceProperties('AWS::CE::AnomalySubscription', {
      Frequency: 'IMMEDIATE',
      MonitorArnList: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('AnomalyMonitor'), 'MonitorArn'] }],
      Subscribers: [{ Type: 'SNS', Address: topicRef }],
      ThresholdExpression: JSON.stringify({
        Dimensions: {
          Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE',
          MatchOptions: ['GREATER_THAN_OR_EQUAL'],
          Values: ['100'],
        },
      }),
    });
  });
});

describe('tags', () => {
  test('monitoring resources carry the platform cost-allocation tags and component=monitoring', () => {
    for (const type of ['AWS::Lambda::Function', 'AWS::SNS::Topic', 'AWS::SQS::Queue', 'AWS::KMS::Key']) {
      template.hasResourceProperties(type, {
        Tags: Match.arrayWith([
          { Key: 'cdk-ml-platform:component', Value: 'monitoring' },
          { Key: 'cdk-ml-platform:environment', Value: 'dev' },
          { Key: 'cdk-ml-platform:platform', Value: 'mlp' },
          { Key: 'cdk-ml-platform:team', Value: 'ml-research' },
        ]),
      });
    }
  });
});

describe('dashboard', () => {
  test('one dashboard with training and inference sections (snapshot)', () => {
    const dashboards = resourcesOf('AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    // No physical name unless dashboardName is given.
    expect(dashboards[0].props.DashboardName).toBeUndefined();
    const body = JSON.parse(renderCfnString(dashboards[0].props.DashboardBody)) as {
      widgets: Array<{ type: string; properties: { markdown?: string; title?: string } }>;
    };
    const headings = body.widgets
      .filter((w) => w.type === 'text')
      .map((w) => w.properties.markdown!.split('\n')[0]);
    expect(headings).toEqual([
      '# ML platform mlp',
      '# Training',
      '## Training: llm',
      '# Inference',
      '## Inference: chat',
      '## Inference: embeddings-async',
    ]);
    expect(body).toMatchSnapshot();
  });
});

describe('validation', () => {
  const vpcFor = (stack: Stack) => importedVpc(stack);
  const monitoringIn = (stack: Stack, props: Partial<PlatformMonitoringProps> = {}) =>
    new PlatformMonitoring(stack, 'Monitoring', { platformName: 'mlp', vpc: vpcFor(stack), ...props });

  test.each<[string, (stack: Stack) => unknown, string]>([
    [
      'a negative budget',
      (s) => monitoringIn(s, { monthlyBudgetUsd: -5 }),
      'monthlyBudgetUsd must be a positive number of USD up to 1,000,000,000, got -5',
    ],
    [
      'a zero anomaly threshold',
      (s) => monitoringIn(s, { monthlyBudgetUsd: 10, anomalyThresholdUsd: 0 }),
      'anomalyThresholdUsd must be a positive number of USD, got 0',
    ],
    [
      'a bad alarm e-mail',
      (s) => monitoringIn(s, { alarmEmails: ['oncall'] }),
      'emails[0] must be an e-mail address, got "oncall"',
    ],
    [
      'eleven budget e-mails',
      (s) =>
        monitoringIn(s, {
          monthlyBudgetUsd: 10,
          alarmEmails: Array.from({ length: 11 }, (_, i) => `a${i}@example.com`),
          alarmTopic: new PlatformAlarmTopic(s, 'T').topic,
        }),
      'emails must be at most 10 addresses (an AWS Budgets limit per notification), got 11',
    ],
    [
      'a dashboard name with spaces',
      (s) => monitoringIn(s, { dashboardName: 'my dashboard' }),
      'dashboardName must be letters, digits, - and _, 1 to 255 characters, got "my dashboard"',
    ],
    [
      'a platform name that is no tag value',
      (s) => monitoringIn(s, { monthlyBudgetUsd: 10, platformName: 'ml#1' }),
      'platformName must be a tag value of 1 to 256 letters, digits, spaces and _ . : / = + - @, got "ml#1"',
    ],
    [
      'an idle GPU threshold above 100%',
      (s) =>
        monitoringIn(s, { trainingThresholds: { idleGpuUtilizationPercent: 120 } }).monitorTrainingCluster(
          new FakeTrainingCluster(s, 'C', { clusterName: 'c' }),
        ),
      'thresholds.idleGpuUtilizationPercent must be a number from 0 to 100, got 120',
    ],
    [
      'a RUNNABLE age under 5 minutes',
      (s) =>
        monitoringIn(s).monitorTrainingCluster(new FakeTrainingCluster(s, 'C', { clusterName: 'c' }), {
          thresholds: { oldestRunnableJobAge: Duration.minutes(1) },
        }),
      'thresholds.oldestRunnableJobAge must be a duration from 5 to 10080 minutes, got "1 minute"',
    ],
    [
      'a 5xx rate above 100%',
      (s) =>
        monitoringIn(s).monitorEndpoint(fakeEndpoint(s, 'E', 'e', ['v'], 'real-time'), {
          thresholds: { serverErrorRatePercent: 150 },
        }),
      'thresholds.serverErrorRatePercent must be a number from 0 to 100, got 150',
    ],
    [
      'an endpoint without variants',
      (s) => {
        // The importer refuses an empty list; an endpoint of another implementation might not.
        const e = fakeEndpoint(s, 'E', 'e', ['v'], 'real-time');
        Object.defineProperty(e, 'variantNames', { value: [] });
        return monitoringIn(s).monitorEndpoint(e);
      },
      'endpoint.variantNames must be at least one variant name, got []',
    ],
    [
      'a training cluster without a VPC',
      (s) =>
        monitoringIn(s, { vpc: undefined }).monitorTrainingCluster(
          new FakeTrainingCluster(s, 'C', { clusterName: 'c' }),
        ),
      'vpc must be a VPC for the queue-metrics function when training clusters are monitored, got undefined',
    ],
    [
      'an endpoint monitored twice',
      (s) => {
        const m = monitoringIn(s);
        const e = fakeEndpoint(s, 'E', 'e', ['v'], 'real-time');
        m.monitorEndpoint(e);
        m.monitorEndpoint(e);
      },
      'endpoint must be a construct not monitored yet (each is monitored once), got "Bad/E"',
    ],
    [
      'a queue-metrics interval of 90 seconds',
      (s) => new BatchQueueMetrics(s, 'Q', { vpc: vpcFor(s), interval: Duration.seconds(90) }),
      'interval must be whole minutes from 1 to 60, got "1 minute 30 seconds"',
    ],
  ])('rejects %s', (_name, build, message) => {
    // GIVEN a stack that skips asset bundling (these cases never reach synthesis)
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Bad', { env: ENV });
    // WHEN / THEN
    let thrown: unknown;
    try {
      build(stack);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(MlPlatformValidationError);
    expect((thrown as Error).message).toContain(message);
  });

  test('a queue-metrics function with no queues fails synthesis with the fix', () => {
    // GIVEN
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Empty', { env: ENV });
    new BatchQueueMetrics(stack, 'QueueMetrics', { vpc: importedVpc(stack) });
    // WHEN / THEN
    expect(() => Template.fromStack(stack)).toThrow('BatchQueueMetrics has no job queues: call addQueues()');
  });

  test('two clusters with the same construct id: the second needs an explicit id (never numbered by call order)', () => {
    // GIVEN
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Ids', { env: ENV });
    const m = new PlatformMonitoring(stack, 'Monitoring', {
      platformName: 'mlp',
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'V', {
        vpcId: 'vpc-1',
        availabilityZones: ['us-east-1a'],
        privateSubnetIds: ['subnet-1'],
      }),
    });
    const clusterA = new FakeTrainingCluster(new Stack(stack, 'A'), 'Cluster', { clusterName: 'a' });
    const clusterB = new FakeTrainingCluster(new Stack(stack, 'B'), 'Cluster', { clusterName: 'b' });
    // WHEN
    const a = m.monitorTrainingCluster(clusterA);
    // THEN
    expect(() => m.monitorTrainingCluster(clusterB)).toThrow(
      'options.id (default for Ids/B/Cluster) must be an id no other child of Ids/Monitoring has: pass a stable, unique options.id, got "TrainingCluster"',
    );
    const b = m.monitorTrainingCluster(clusterB, { id: 'TrainingB' });
    expect([a.node.id, b.node.id]).toEqual(['TrainingCluster', 'TrainingB']);
  });
});

describe('stable alarm ids and opt-in physical names', () => {
  /** Logical id of every alarm of the monitoring, by construct path. */
  function alarmIds(build: (stack: Stack, m: PlatformMonitoring) => void): Record<string, string> {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Ids', { env: ENV });
    const m = new PlatformMonitoring(stack, 'Monitoring', { platformName: 'mlp', vpc: importedVpc(stack) });
    build(stack, m);
    return Object.fromEntries(
      m.alarms.map((a) => [a.node.path, stack.getLogicalId(a.node.defaultChild as CfnElement)]),
    );
  }

  test("adding a variant keeps every logical id of the primary variant's alarms; the new variant's ids carry its name", () => {
    // GIVEN an endpoint with one variant, then the same endpoint with a second
    const before = alarmIds((s, m) =>
      m.monitorEndpoint(fakeEndpoint(s, 'Chat', 'chat', ['blue'], 'real-time')),
    );
    const after = alarmIds((s, m) =>
      m.monitorEndpoint(fakeEndpoint(s, 'Chat', 'chat', ['blue', 'green'], 'real-time')),
    );
    // THEN nothing of the primary variant is replaced
    expect(Object.keys(before)).toHaveLength(3);
    for (const [path, logicalId] of Object.entries(before)) expect(after[path], path).toBe(logicalId);
    expect(Object.keys(after).filter((p) => !(p in before))).toEqual([
      'Ids/Monitoring/InferenceChat/ServerErrorRate-green',
      'Ids/Monitoring/InferenceChat/ClientErrorRate-green',
      'Ids/Monitoring/InferenceChat/ModelLatencyP99-green',
    ]);
  });

  test('the order of monitorX() calls changes no logical id', () => {
    // GIVEN
    const cluster = (s: Stack) => new FakeTrainingCluster(s, 'Llm', { clusterName: 'llm' });
    const first = (s: Stack) => fakeEndpoint(s, 'Chat', 'chat', ['blue'], 'real-time');
    const second = (s: Stack) => fakeEndpoint(s, 'Search', 'search', ['AllTraffic'], 'real-time');
    // WHEN
    const forward = alarmIds((s, m) => {
      m.monitorTrainingCluster(cluster(s));
      m.monitorEndpoint(first(s));
      m.monitorEndpoint(second(s));
    });
    const backward = alarmIds((s, m) => {
      const [c, e1, e2] = [cluster(s), first(s), second(s)];
      m.monitorEndpoint(e2);
      m.monitorEndpoint(e1);
      m.monitorTrainingCluster(c);
    });
    // THEN
    expect(backward).toEqual(forward);
  });

  test('alarms have no physical name unless alarmNamePrefix is set', () => {
    // GIVEN
    const build = (props: Partial<PlatformMonitoringProps>) => {
      const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Names', { env: ENV });
      const m = new PlatformMonitoring(stack, 'Monitoring', {
        platformName: 'mlp',
        vpc: importedVpc(stack),
        ...props,
      });
      m.monitorTrainingCluster(new FakeTrainingCluster(stack, 'Llm', { clusterName: 'llm' }));
      m.monitorEndpoint(fakeEndpoint(stack, 'Chat', 'chat', ['blue'], 'real-time'));
      return Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map(
        (a) => (a.Properties as { AlarmName?: string }).AlarmName,
      );
    };
    // WHEN / THEN
    const unnamed = build({});
    expect(unnamed.length).toBeGreaterThanOrEqual(8);
    expect(unnamed.filter((n) => n !== undefined)).toEqual([]);
    expect(build({ alarmNamePrefix: 'team-prod' }).sort()).toEqual([
      'team-prod-QueueMetricsErrors',
      'team-prod-chat-ClientErrorRate',
      'team-prod-chat-ModelLatencyP99',
      'team-prod-chat-ServerErrorRate',
      'team-prod-llm-CapacityCancellations',
      'team-prod-llm-IdleGpus',
      'team-prod-llm-OldestRunnableJobAge',
      'team-prod-llm-SpotReclaims',
    ]);
  });
});

describe('with the real GpuTrainingCluster and InferenceEndpoint', () => {
  let realTemplate: Template;
  let cluster: GpuTrainingCluster;
  let stackOf: (c: unknown) => unknown;
  let realEndpoint: InferenceEndpoint;
  let realMonitoring: PlatformMonitoring;

  beforeAll(() => {
    // GIVEN the real training cluster (spot + on-demand fallback) and a real async endpoint
    const f = trainingStack(new App({ context: NO_BUNDLING }), 'RealMonitored');
    cluster = new GpuTrainingCluster(f.stack, 'Cluster', {
      vpc: f.vpc,
      clusterName: 'research',
      checkpointBucket: f.checkpointBucket,
      onDemandFallback: { maxGpus: 4 },
    });
    // The inference fixtures import their own VPC, buckets and repository: give them their own scope.
    const i = inferenceFixtures(new Construct(f.stack, 'InferenceDeps') as Stack);
    const endpoint = new InferenceEndpoint(f.stack, 'Endpoint', {
      vpc: i.vpc,
      mode: 'async',
      image: i.image,
      modelData: i.modelData,
      instanceType: InferenceInstanceType.ML_M5_XLARGE,
      async: { outputBucket: i.artifacts },
      dataCapture: { bucket: i.capture },
    });
    const monitoring = new PlatformMonitoring(f.stack, 'Monitoring', {
      platformName: 'research',
      vpc: f.vpc,
    });
    // WHEN
    monitoring.monitorTrainingCluster(cluster);
    monitoring.monitorEndpoint(endpoint);
    realEndpoint = endpoint;
    realMonitoring = monitoring;
    realTemplate = Template.fromStack(f.stack);
    stackOf = (c) => f.stack.resolve(c);
  });

  test('the real classes satisfy the monitoring interfaces: alarms on their metrics, every alarm with actions', () => {
    // THEN every alarm in the stack (ours and the endpoint's own) notifies a topic
    const alarms = Object.entries(realTemplate.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThanOrEqual(6);
    for (const [id, alarm] of alarms) {
      expect((alarm.Properties as { AlarmActions?: unknown[] }).AlarmActions?.length, id).toBeGreaterThan(0);
    }
    realTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: Match.absent(),
      Namespace: GpuTrainingCluster.GPU_METRICS_NAMESPACE,
      Dimensions: [{ Name: 'ClusterName', Value: 'research' }],
      Threshold: 10,
    });
    // Half of the cluster's default 60-minute capacity timeout.
    realTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'OldestRunnableJobAge',
      Dimensions: [{ Name: 'ClusterName', Value: 'research' }],
      Threshold: 1800,
    });
    realTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: stackOf(cluster.retryFunction!.functionName) }],
    });
    realTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateBacklogSize',
      Dimensions: [{ Name: 'EndpointName', Value: Match.anyValue() }],
    });
  });

  test('monitorEndpoint() wires the rollback alarms the endpoint made before it to the monitoring topic; no unsubscribed-topic warning', () => {
    // THEN
    const monitoringTopic = stackOf(realMonitoring.alarmTopic.topicArn);
    expect(realEndpoint.rollbackAlarms.length).toBeGreaterThan(0);
    for (const alarm of realEndpoint.rollbackAlarms) {
      const id = Stack.of(alarm).getLogicalId(alarm.node.defaultChild as CfnElement);
      const props = realTemplate.toJSON().Resources[id]?.Properties;
      expect(props?.AlarmActions, alarm.node.path).toContainEqual(monitoringTopic);
      expect(props?.OKActions, alarm.node.path).toContainEqual(monitoringTopic);
    }
    const warnings = realEndpoint.node.metadata.filter((m) =>
      String(m.data).includes('unsubscribed-alarm-topic'),
    );
    expect(warnings).toEqual([]);
  });

  test("the failed-job rule and the queue-metrics function cover every one of the cluster's queues", () => {
    const queueArns = cluster.jobQueues.map((q) => stackOf(q.jobQueueArn));
    expect(queueArns).toHaveLength(2);
    realTemplate.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.batch'], detail: { jobQueue: queueArns, status: ['FAILED'] } },
    });
    realTemplate.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        detail: { jobQueue: [stackOf(cluster.onDemandQueue!.jobQueueArn)], status: ['RUNNABLE'] },
      },
    });
    const queuesEnv = Object.values(realTemplate.findResources('AWS::Lambda::Function'))
      .map((r) => JSON.stringify(r.Properties.Environment?.Variables?.QUEUE_METRICS_QUEUES ?? ''))
      .join('');
    for (const arn of queueArns) expect(queuesEnv).toContain(JSON.stringify(arn));
  });
});
