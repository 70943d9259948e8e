import { Aws, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as ce from 'aws-cdk-lib/aws-ce';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { deployPreflightRules } from '../../../lib/preflight';
import { describeRuleTable, type RuleCases } from '../../support/rule-table';
import { preflightApp, preflightFindingsByStack } from './preflight-findings';

const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ml-model-execution`;
const IMAGE = `763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311`;
const SUBNET = 'subnet-0123456789abcdef0';
const SECURITY_GROUP = 'sg-0123456789abcdef0';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

// ---- SNS topics and their publishers -------------------------------------------------------------

type Publisher = 'alarm' | 'rule' | 'budget' | 'anomaly';

function publishTo(stack: Stack, topic: sns.CfnTopic, publishers: readonly Publisher[]): void {
  for (const publisher of publishers) {
    if (publisher === 'alarm') {
      new cloudwatch.CfnAlarm(stack, 'Alarm', {
        namespace: 'AWS/Batch',
        metricName: 'PendingJobs',
        statistic: 'Maximum',
        period: 300,
        evaluationPeriods: 3,
        threshold: 100,
        comparisonOperator: 'GreaterThanThreshold',
        alarmActions: [topic.ref],
      });
    } else if (publisher === 'rule') {
      new events.CfnRule(stack, 'FailedJobs', {
        eventPattern: { source: ['aws.batch'], 'detail-type': ['Batch Job State Change'] },
        targets: [{ id: 'Topic', arn: topic.ref }],
      });
    } else if (publisher === 'budget') {
      new budgets.CfnBudget(stack, 'Budget', {
        budget: { budgetType: 'COST', timeUnit: 'MONTHLY', budgetLimit: { amount: 1000, unit: 'USD' } },
        notificationsWithSubscribers: [
          {
            notification: { comparisonOperator: 'GREATER_THAN', notificationType: 'ACTUAL', threshold: 80 },
            subscribers: [{ subscriptionType: 'SNS', address: topic.ref }],
          },
        ],
      });
    } else {
      const monitor = new ce.CfnAnomalyMonitor(stack, 'Monitor', {
        monitorName: 'ml-spend',
        monitorType: 'DIMENSIONAL',
        monitorDimension: 'SERVICE',
      });
      new ce.CfnAnomalySubscription(stack, 'Subscription', {
        subscriptionName: 'ml-spend',
        frequency: 'IMMEDIATE',
        monitorArnList: [monitor.attrMonitorArn],
        subscribers: [{ type: 'SNS', address: topic.ref }],
        thresholdExpression:
          '{"Dimensions":{"Key":"ANOMALY_TOTAL_IMPACT_ABSOLUTE","MatchOptions":["GREATER_THAN_OR_EQUAL"],"Values":["100"]}}',
      });
    }
  }
}

const SERVICE: Record<Publisher, string> = {
  alarm: 'cloudwatch.amazonaws.com',
  rule: 'events.amazonaws.com',
  budget: 'budgets.amazonaws.com',
  anomaly: 'costalerts.amazonaws.com',
};

/** The statement CDK's `enforceSSL` adds, which turns the default topic policy into this one. */
const TLS_ONLY = {
  Sid: 'AllowPublishThroughSSLOnly',
  Effect: 'Deny',
  Principal: '*',
  Action: 'sns:Publish',
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};

function allowPublish(topic: sns.CfnTopic, service: string, condition?: Record<string, unknown>): unknown {
  return {
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sns:Publish',
    Resource: topic.ref,
    ...(condition ? { Condition: condition } : {}),
  };
}

interface TopicOptions {
  readonly publishers: readonly Publisher[];
  /** Statements of an AWS::SNS::TopicPolicy; omitted = no topic policy (SNS's default policy). */
  readonly policy?: (topic: sns.CfnTopic) => unknown[];
  readonly kmsMasterKeyId?: (stack: Stack) => string;
}

function topicWith(stack: Stack, options: TopicOptions): CfnResource {
  const topic = new sns.CfnTopic(stack, 'Topic', { kmsMasterKeyId: options.kmsMasterKeyId?.(stack) });
  if (options.policy) {
    new sns.CfnTopicPolicy(stack, 'TopicPolicy', {
      topics: [topic.ref],
      policyDocument: { Version: '2012-10-17', Statement: options.policy(topic) },
    });
  }
  publishTo(stack, topic, options.publishers);
  return topic;
}

/** A customer managed key whose policy admits these services (with an `aws:SourceAccount` condition). */
function keyAdmitting(services: readonly string[], actions = ['kms:GenerateDataKey*', 'kms:Decrypt']) {
  return (stack: Stack): string => {
    const statements: unknown[] = [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ];
    if (services.length > 0) {
      statements.push({
        Effect: 'Allow',
        Principal: { Service: services },
        Action: actions,
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': stack.account } },
      });
    }
    return new kms.CfnKey(stack, 'Key', {
      enableKeyRotation: true,
      keyPolicy: { Version: '2012-10-17', Statement: statements },
    }).attrArn;
  };
}

// ---- SageMaker -----------------------------------------------------------------------------------

function model(stack: Stack, props: Partial<sagemaker.CfnModelProps> = {}, id = 'Model'): sagemaker.CfnModel {
  return new sagemaker.CfnModel(stack, id, {
    executionRoleArn: ROLE_ARN,
    primaryContainer: { image: IMAGE, modelDataUrl: 's3://ml-artifacts-published/model.tar.gz' },
    ...props,
  });
}

/** A security group of the stack with these inline egress rules (none: EC2's default allow-all). */
function modelGroup(stack: Stack, egress?: ec2.CfnSecurityGroup.EgressProperty[]): ec2.CfnSecurityGroup {
  return new ec2.CfnSecurityGroup(stack, 'Group', {
    vpcId: 'vpc-0123456789abcdef0',
    groupDescription: 'Model containers',
    securityGroupEgress: egress,
  });
}

/** CDK's placeholder for a group with allowAllOutbound false and no rules: it matches no traffic. */
const NO_TRAFFIC: ec2.CfnSecurityGroup.EgressProperty = {
  ipProtocol: 'icmp',
  cidrIp: '255.255.255.255/32',
  fromPort: 252,
  toPort: 86,
};

function modelIn(stack: Stack, group: ec2.CfnSecurityGroup): sagemaker.CfnModel {
  return model(stack, { vpcConfig: { subnets: [SUBNET], securityGroupIds: [group.attrGroupId] } });
}

function variant(
  m: sagemaker.CfnModel,
  overrides: Partial<sagemaker.CfnEndpointConfig.ProductionVariantProperty> = {},
): sagemaker.CfnEndpointConfig.ProductionVariantProperty {
  return {
    variantName: 'AllTraffic',
    modelName: m.attrModelName,
    instanceType: 'ml.m5.xlarge',
    initialInstanceCount: 2,
    initialVariantWeight: 1,
    ...overrides,
  };
}

function endpointConfig(
  stack: Stack,
  props: Partial<sagemaker.CfnEndpointConfigProps> = {},
  m: sagemaker.CfnModel = model(stack),
): sagemaker.CfnEndpointConfig {
  return new sagemaker.CfnEndpointConfig(stack, 'Config', { productionVariants: [variant(m)], ...props });
}

function endpoint(
  stack: Stack,
  config: sagemaker.CfnEndpointConfig,
  deploymentConfig?: sagemaker.CfnEndpoint.DeploymentConfigProperty,
): sagemaker.CfnEndpoint {
  return new sagemaker.CfnEndpoint(stack, 'Endpoint', {
    endpointConfigName: config.attrEndpointConfigName,
    deploymentConfig,
  });
}

function trafficRouting(
  routing: sagemaker.CfnEndpoint.TrafficRoutingConfigProperty,
): sagemaker.CfnEndpoint.DeploymentConfigProperty {
  return { blueGreenUpdatePolicy: { trafficRoutingConfiguration: routing } };
}

/** An endpoint whose variants have these instance counts, updated with this traffic routing. */
function canaryEndpoint(counts: number[], routing: sagemaker.CfnEndpoint.TrafficRoutingConfigProperty) {
  return (stack: Stack): CfnResource => {
    const m = model(stack);
    const config = endpointConfig(
      stack,
      {
        productionVariants: counts.map((count, i) =>
          variant(m, { variantName: i === 0 ? 'AllTraffic' : `v${i}`, initialInstanceCount: count }),
        ),
      },
      m,
    );
    return endpoint(stack, config, trafficRouting(routing));
  };
}

const ROLLBACK_ALARM = 'ep-5xx';

/**
 * An endpoint with one auto-rollback alarm whose model runs under a role of the stack. `grant`
 * receives the role and the alarm to add the permissions the case needs.
 */
function rollbackEndpoint(grant: (stack: Stack, role: iam.CfnRole, alarm: cloudwatch.CfnAlarm) => void) {
  return (stack: Stack): CfnResource => {
    const role = new iam.CfnRole(stack, 'ModelRole', {
      assumeRolePolicyDocument: {
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
    });
    const m = model(stack, { executionRoleArn: role.attrArn });
    const config = endpointConfig(stack, {}, m);
    const ep = endpoint(stack, config, {
      blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'ALL_AT_ONCE' } },
      autoRollbackConfiguration: { alarms: [{ alarmName: ROLLBACK_ALARM }] },
    });
    const alarm = new cloudwatch.CfnAlarm(stack, 'RollbackAlarm', {
      alarmName: ROLLBACK_ALARM,
      namespace: 'AWS/SageMaker',
      metricName: 'Invocation5XXErrors',
      dimensions: [
        { name: 'EndpointName', value: ep.attrEndpointName },
        { name: 'VariantName', value: 'AllTraffic' },
      ],
      statistic: 'Sum',
      period: 60,
      evaluationPeriods: 2,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    grant(stack, role, alarm);
    return ep;
  };
}

function inlinePolicy(role: iam.CfnRole, resource: unknown, action = 'cloudwatch:DescribeAlarms'): void {
  role.policies = [
    {
      policyName: 'rollback-alarms',
      policyDocument: { Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] },
    },
  ];
}

/** An endpoint one of whose variants Application Auto Scaling scales (by reference or by name). */
function scaledEndpoint(retain: boolean | undefined, by: 'reference' | 'name' = 'reference') {
  return (stack: Stack): CfnResource => {
    const config = endpointConfig(stack);
    const ep = new sagemaker.CfnEndpoint(stack, 'Endpoint', {
      endpointName: 'classifier',
      endpointConfigName: config.attrEndpointConfigName,
      retainAllVariantProperties: retain,
    });
    new appscaling.CfnScalableTarget(stack, 'Scaling', {
      serviceNamespace: 'sagemaker',
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      resourceId:
        by === 'reference'
          ? `endpoint/${ep.attrEndpointName}/variant/AllTraffic`
          : 'endpoint/classifier/variant/AllTraffic',
      minCapacity: 2,
      maxCapacity: 6,
    });
    return ep;
  };
}

const ASYNC_CONFIG: sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty = {
  outputConfig: { s3OutputPath: 's3://ml-async/output' },
};

/** An alarm on one SageMaker metric of an endpoint (asynchronous or real-time). */
function endpointAlarm(metricName: string, mode: 'async' | 'realtime', by: 'reference' | 'name' | 'math') {
  return (stack: Stack): CfnResource => {
    const config = endpointConfig(stack, mode === 'async' ? { asyncInferenceConfig: ASYNC_CONFIG } : {});
    const ep = new sagemaker.CfnEndpoint(stack, 'Endpoint', {
      endpointName: 'classifier',
      endpointConfigName: config.attrEndpointConfigName,
    });
    const dimensions = [{ name: 'EndpointName', value: by === 'name' ? 'classifier' : ep.attrEndpointName }];
    const common = { evaluationPeriods: 3, threshold: 5, comparisonOperator: 'GreaterThanThreshold' };
    if (by === 'math') {
      return new cloudwatch.CfnAlarm(stack, 'Alarm', {
        ...common,
        metrics: [
          { id: 'rate', expression: 'IF(m > 0, 100 * e / m, 0)', returnData: true },
          {
            id: 'm',
            returnData: false,
            metricStat: {
              metric: { namespace: 'AWS/SageMaker', metricName, dimensions },
              period: 300,
              stat: 'Sum',
            },
          },
          {
            id: 'e',
            returnData: false,
            metricStat: {
              metric: { namespace: 'AWS/SageMaker', metricName: 'Invocation5XXErrors', dimensions },
              period: 300,
              stat: 'Sum',
            },
          },
        ],
      });
    }
    return new cloudwatch.CfnAlarm(stack, 'Alarm', {
      ...common,
      namespace: 'AWS/SageMaker',
      metricName,
      dimensions,
      statistic: 'Sum',
      period: 300,
    });
  };
}

// ---- Batch ---------------------------------------------------------------------------------------

function computeEnvironment(
  stack: Stack,
  id: string,
  resources: Partial<batch.CfnComputeEnvironment.ComputeResourcesProperty> = {},
): batch.CfnComputeEnvironment {
  return new batch.CfnComputeEnvironment(stack, id, {
    type: 'MANAGED',
    computeResources: {
      type: 'EC2',
      minvCpus: 0,
      maxvCpus: 256,
      instanceTypes: ['p4d.24xlarge'],
      instanceRole: `arn:aws:iam::${ACCOUNT}:instance-profile/batch-gpu`,
      subnets: [SUBNET],
      securityGroupIds: [SECURITY_GROUP],
      ...resources,
    },
  });
}

function multiNodeJob(stack: Stack, type = 'multinode'): batch.CfnJobDefinition {
  return new batch.CfnJobDefinition(stack, 'Job', {
    type,
    ...(type === 'multinode'
      ? {
          nodeProperties: {
            numNodes: 2,
            mainNode: 0,
            nodeRangeProperties: [
              {
                targetNodes: '0:',
                container: { image: IMAGE, vcpus: 96, memory: 1_100_000, instanceType: 'p4d.24xlarge' },
              },
            ],
          },
        }
      : { containerProperties: { image: IMAGE, vcpus: 4, memory: 16_384 } }),
  });
}

/** A job definition submitted by an EventBridge rule to a queue on compute of this type. */
function submittedTo(
  capacity: 'EC2' | 'SPOT',
  jobType = 'multinode',
  via: 'rule' | 'state machine' = 'rule',
) {
  return (stack: Stack): CfnResource => {
    const ce = computeEnvironment(stack, 'Compute', { type: capacity });
    const queue = new batch.CfnJobQueue(stack, 'Queue', {
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce.attrComputeEnvironmentArn }],
    });
    const job = multiNodeJob(stack, jobType);
    if (via === 'rule') {
      new events.CfnRule(stack, 'Nightly', {
        scheduleExpression: 'cron(0 2 * * ? *)',
        targets: [
          {
            id: 'Train',
            arn: queue.attrJobQueueArn,
            roleArn: `arn:aws:iam::${ACCOUNT}:role/events-submit`,
            batchParameters: { jobDefinition: job.ref, jobName: 'nightly' },
          },
        ],
      });
    } else {
      new sfn.CfnStateMachine(stack, 'Pipeline', {
        roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
        definitionString: Fn.sub(
          JSON.stringify({
            StartAt: 'Train',
            States: {
              Train: {
                Type: 'Task',
                Resource: 'arn:aws:states:::batch:submitJob.sync',
                Parameters: { JobName: 'train', JobQueue: '${Queue}', JobDefinition: '${Job}' },
                End: true,
              },
            },
          }),
          { Queue: queue.attrJobQueueArn, Job: job.ref },
        ),
      });
    }
    return job;
  };
}

type VersionSpec = 'latest version number' | '$Latest' | '$Default' | 'omitted' | '7';

/** A compute environment launching from a launch template of the stack, pinned to this version. */
function launchTemplateEnvironment(
  version: VersionSpec,
  options: {
    efa?: boolean;
    securityGroups?: boolean;
    overrideVersion?: (lt: ec2.CfnLaunchTemplate) => string;
  } = {},
) {
  return (stack: Stack): CfnResource => {
    const lt = new ec2.CfnLaunchTemplate(stack, 'LaunchTemplate', {
      launchTemplateData: {
        metadataOptions: { httpTokens: 'required' },
        networkInterfaces: options.efa
          ? [{ deviceIndex: 0, interfaceType: 'efa', groups: [SECURITY_GROUP], subnetId: SUBNET }]
          : undefined,
      },
    });
    const versionValue = {
      'latest version number': lt.attrLatestVersionNumber,
      $Latest: '$Latest',
      $Default: '$Default',
      omitted: undefined,
      '7': '7',
    }[version];
    const ce = computeEnvironment(stack, 'Compute', {
      securityGroupIds: options.securityGroups === false ? undefined : [SECURITY_GROUP],
      launchTemplate: { launchTemplateId: lt.ref, version: versionValue },
    });
    if (options.overrideVersion) {
      ce.addPropertyOverride('ComputeResources.LaunchTemplate.Version', options.overrideVersion(lt));
    }
    return ce;
  };
}

// ---- Reserved capacity -------------------------------------------------------------------------

const RESERVATION_ID = 'cr-0123456789abcdef0';

/** A launch template with these capacity settings (a CapacityReservationSpecification and market options). */
function reservationTemplate(
  stack: Stack,
  options: { preference?: string; reservationId?: string; marketType?: string } = {},
): ec2.CfnLaunchTemplate {
  const spec =
    options.preference !== undefined || options.reservationId !== undefined
      ? {
          capacityReservationPreference: options.preference,
          capacityReservationTarget:
            options.reservationId === undefined
              ? undefined
              : { capacityReservationId: options.reservationId },
        }
      : undefined;
  return new ec2.CfnLaunchTemplate(stack, 'LaunchTemplate', {
    launchTemplateData: {
      metadataOptions: { httpTokens: 'required' },
      capacityReservationSpecification: spec,
      instanceMarketOptions:
        options.marketType === undefined ? undefined : { marketType: options.marketType },
    },
  });
}

/** A compute environment launching from a template that targets a reservation (or a Capacity Block). */
function reservedEnvironment(
  options: { block?: boolean; type?: 'EC2' | 'SPOT'; instanceTypes?: string[]; zones?: string[] } = {},
) {
  return (stack: Stack): CfnResource => {
    const lt = reservationTemplate(stack, {
      reservationId: RESERVATION_ID,
      marketType: options.block ? 'capacity-block' : undefined,
    });
    const subnets = (options.zones ?? ['us-east-1a']).map(
      (zone, i) =>
        new ec2.CfnSubnet(stack, `Subnet${i}`, {
          vpcId: 'vpc-0123456789abcdef0',
          cidrBlock: `10.0.${i}.0/24`,
          availabilityZone: zone,
        }).ref,
    );
    return computeEnvironment(stack, 'Compute', {
      type: options.type ?? 'EC2',
      instanceTypes: options.instanceTypes ?? ['p5.48xlarge'],
      subnets,
      launchTemplate: { launchTemplateId: lt.ref, version: lt.attrLatestVersionNumber },
    });
  };
}

// ---- Lambda --------------------------------------------------------------------------------------

function fn(stack: Stack, id: string, reserved?: number): lambda.CfnFunction {
  return new lambda.CfnFunction(stack, id, {
    role: `arn:aws:iam::${ACCOUNT}:role/fn`,
    runtime: 'nodejs22.x',
    handler: 'index.handler',
    code: { zipFile: 'exports.handler = async () => ({});' },
    reservedConcurrentExecutions: reserved,
  });
}

// ---- The table -----------------------------------------------------------------------------------

/** The quota the table's pack assumes, so that both outcomes of the Lambda rule are reachable. */
const TABLE_LAMBDA_QUOTA = 1000;

const CASES: Record<string, RuleCases> = {
  SnsTopicPolicyAdmitsPublishers: {
    compliant: {
      'no topic policy, CloudWatch alarm (the default policy admits it)': (s) =>
        topicWith(s, { publishers: ['alarm'] }),
      'TLS-only policy admitting every publisher': (s) =>
        topicWith(s, {
          publishers: ['alarm', 'rule', 'budget', 'anomaly'],
          policy: (t) => [TLS_ONLY, ...Object.values(SERVICE).map((service) => allowPublish(t, service))],
        }),
      'aws:SourceArn naming the publishing service': (s) =>
        topicWith(s, {
          publishers: ['budget'],
          policy: (t) => [
            TLS_ONLY,
            allowPublish(t, SERVICE.budget, {
              ArnLike: { 'aws:SourceArn': `arn:aws:budgets::${ACCOUNT}:*` },
            }),
          ],
        }),
      'aws:SourceArn built with the partition reference (`arn:${AWS::Partition}:budgets::…`)': (s) =>
        topicWith(s, {
          publishers: ['budget'],
          policy: (t) => [
            TLS_ONLY,
            allowPublish(t, SERVICE.budget, {
              ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:budgets::${ACCOUNT}:*` },
            }),
          ],
        }),
      'aws:SourceArn: the Arn attribute of the publishing rule (`Fn::GetAtt`, as topicRuleTarget writes it)':
        (s) =>
          topicWith(s, {
            publishers: ['rule'],
            policy: (t) => [
              TLS_ONLY,
              allowPublish(t, SERVICE.rule, {
                ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': ['FailedJobs', 'Arn'] } },
              }),
            ],
          }),
      'L2 topic with enforceSSL and grantPublish to CloudWatch': (s) => {
        const topic = new sns.Topic(s, 'L2Topic', { enforceSSL: true });
        topic.grantPublish(new iam.ServicePrincipal('cloudwatch.amazonaws.com'));
        const alarm = new cloudwatch.Alarm(s, 'L2Alarm', {
          metric: new cloudwatch.Metric({ namespace: 'AWS/Batch', metricName: 'PendingJobs' }),
          threshold: 100,
          evaluationPeriods: 3,
        });
        alarm.addAlarmAction({ bind: () => ({ alarmActionArn: topic.topicArn }) });
        return topic.node.defaultChild as CfnResource;
      },
    },
    nonCompliant: {
      'TLS-only policy (enforceSSL) without CloudWatch': [
        (s) =>
          topicWith(s, {
            publishers: ['alarm', 'budget'],
            policy: (t) => [TLS_ONLY, allowPublish(t, SERVICE.budget)],
          }),
        ['cloudwatch.amazonaws.com'],
      ],
      'no topic policy, Budgets and EventBridge publish': [
        (s) => topicWith(s, { publishers: ['budget', 'rule'] }),
        ['budgets.amazonaws.com', 'events.amazonaws.com'],
      ],
      'aws:SourceArn naming another service': [
        (s) =>
          topicWith(s, {
            publishers: ['anomaly'],
            policy: (t) => [
              allowPublish(t, SERVICE.anomaly, {
                ArnLike: { 'aws:SourceArn': `arn:aws:budgets::${ACCOUNT}:*` },
              }),
            ],
          }),
        ['costalerts.amazonaws.com'],
      ],
      'aws:SourceArn: the Arn attribute of a resource of another service (an alarm for EventBridge)': [
        (s) =>
          topicWith(s, {
            publishers: ['alarm', 'rule'],
            policy: (t) => [
              allowPublish(t, SERVICE.alarm),
              allowPublish(t, SERVICE.rule, {
                ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': ['Alarm', 'Arn'] } },
              }),
            ],
          }),
        ['events.amazonaws.com'],
      ],
      'unconditional Deny of sns:Publish': [
        (s) =>
          topicWith(s, {
            publishers: ['rule'],
            policy: (t) => [
              allowPublish(t, SERVICE.rule),
              { Effect: 'Deny', Principal: '*', Action: 'sns:*', Resource: t.ref },
            ],
          }),
        ['events.amazonaws.com'],
      ],
    },
    notApplicable: {
      'topic nobody in the stack publishes to': (s) =>
        topicWith(s, { publishers: [], policy: () => [TLS_ONLY] }),
    },
  },
  SnsTopicKeyAdmitsPublishers: {
    compliant: {
      'customer managed key admitting CloudWatch by account and EventBridge without a source condition': (
        s,
      ) =>
        topicWith(s, {
          publishers: ['alarm', 'rule'],
          policy: (t) => [allowPublish(t, SERVICE.alarm), allowPublish(t, SERVICE.rule)],
          kmsMasterKeyId: (st) => {
            const key = new kms.CfnKey(st, 'Key', {
              enableKeyRotation: true,
              keyPolicy: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Principal: { Service: SERVICE.alarm },
                    Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
                    Resource: '*',
                    Condition: { StringEquals: { 'aws:SourceAccount': st.account } },
                  },
                  {
                    Effect: 'Allow',
                    Principal: { Service: SERVICE.rule },
                    Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
                    Resource: '*',
                  },
                ],
              },
            });
            return key.attrArn;
          },
        }),
      'key policy granting kms:* to the service': (s) =>
        topicWith(s, { publishers: ['alarm'], kmsMasterKeyId: keyAdmitting([SERVICE.alarm], ['kms:*']) }),
    },
    nonCompliant: {
      'key policy naming only the account': [
        (s) => topicWith(s, { publishers: ['alarm'], kmsMasterKeyId: keyAdmitting([]) }),
        ['cloudwatch.amazonaws.com'],
      ],
      'key policy admitting CloudWatch but not Budgets': [
        (s) =>
          topicWith(s, {
            publishers: ['alarm', 'budget'],
            policy: (t) => [allowPublish(t, SERVICE.alarm), allowPublish(t, SERVICE.budget)],
            kmsMasterKeyId: keyAdmitting([SERVICE.alarm]),
          }),
        ['budgets.amazonaws.com'],
      ],
      'key policy without kms:Decrypt': [
        (s) =>
          topicWith(s, {
            publishers: ['alarm'],
            kmsMasterKeyId: keyAdmitting([SERVICE.alarm], ['kms:GenerateDataKey*']),
          }),
        ['cloudwatch.amazonaws.com'],
      ],
      'EventBridge admitted only with aws:SourceAccount (not supported for EventBridge-to-encrypted topics)':
        [
          (s) =>
            topicWith(s, {
              publishers: ['rule'],
              policy: (t) => [allowPublish(t, SERVICE.rule)],
              kmsMasterKeyId: keyAdmitting([SERVICE.rule]),
            }),
          ['events.amazonaws.com'],
        ],
      'AWS managed key alias/aws/sns': [
        (s) => topicWith(s, { publishers: ['alarm'], kmsMasterKeyId: () => 'alias/aws/sns' }),
        ['cloudwatch.amazonaws.com'],
      ],
    },
    notApplicable: {
      'unencrypted topic': (s) => topicWith(s, { publishers: ['alarm'] }),
      'key from outside the stack (its policy is not in the template)': (s) =>
        topicWith(s, { publishers: ['alarm'], kmsMasterKeyId: () => KEY_ARN }),
    },
  },
  SageMakerModelReachesS3: {
    compliant: {
      'HTTPS to the S3 prefix list as a separate rule': (s) => {
        const group = modelGroup(s, [
          { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/16' },
        ]);
        new ec2.CfnSecurityGroupEgress(s, 'S3', {
          groupId: group.attrGroupId,
          ipProtocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          destinationPrefixListId: 'pl-63a5400a',
        });
        return modelIn(s, group);
      },
      'a group with no egress property keeps the default allow-all rule': (s) => modelIn(s, modelGroup(s)),
      'all traffic to the VPC (an S3 interface endpoint)': (s) =>
        modelIn(s, modelGroup(s, [{ ipProtocol: '-1', cidrIp: '10.0.0.0/16' }])),
    },
    nonCompliant: {
      'allowAllOutbound false and no rule (CDK placeholder only)': [
        (s) => modelIn(s, modelGroup(s, [NO_TRAFFIC])),
        ['SecurityGroupIds::${Group}'],
      ],
      'only DNS and a port range below 443': [
        (s) =>
          modelIn(
            s,
            modelGroup(s, [
              { ipProtocol: 'udp', fromPort: 53, toPort: 53, cidrIp: '10.0.0.2/32' },
              { ipProtocol: 'tcp', fromPort: 80, toPort: 442, cidrIp: '0.0.0.0/0' },
            ]),
          ),
        ['SecurityGroupIds::${Group}'],
      ],
    },
    notApplicable: {
      'no VPC': (s) => model(s),
      'a security group from outside the stack': (s) =>
        model(s, { vpcConfig: { subnets: [SUBNET], securityGroupIds: [SECURITY_GROUP] } }),
      'the image carries the model (no S3 model data)': (s) => {
        const group = modelGroup(s, [NO_TRAFFIC]);
        return model(s, {
          primaryContainer: { image: IMAGE },
          vpcConfig: { subnets: [SUBNET], securityGroupIds: [group.attrGroupId] },
        });
      },
    },
  },
  SageMakerModelArtifactFromSameStack: {
    compliant: {
      'artifacts outside the stack': (s) => model(s),
      'bucket of the stack, filled by a custom resource the model depends on': (s) => {
        const bucket = new s3.CfnBucket(s, 'Artifacts');
        const upload = new CfnResource(s, 'Upload', {
          type: 'Custom::CDKBucketDeployment',
          properties: {
            ServiceToken: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:deploy`,
            DestinationBucketName: bucket.ref,
          },
        });
        const m = model(s, {
          primaryContainer: { image: IMAGE, modelDataUrl: `s3://${bucket.ref}/model.tar.gz` },
        });
        m.addDependency(upload);
        return m;
      },
    },
    nonCompliant: {
      'model data in a bucket of the stack': [
        (s) => {
          const bucket = new s3.CfnBucket(s, 'Artifacts');
          return model(s, {
            primaryContainer: { image: IMAGE, modelDataUrl: `s3://${bucket.ref}/model.tar.gz` },
          });
        },
        ['PrimaryContainer.ModelDataUrl::s3://${Artifacts}/model.tar.gz'],
      ],
      'image in an L2 repository of the stack': [
        (s) => {
          const repository = new ecr.Repository(s, 'Images');
          (repository.node.defaultChild as CfnResource).overrideLogicalId('Images');
          return model(s, {
            primaryContainer: {
              image: repository.repositoryUriForTag('serving-1.0.0'),
              modelDataUrl: 's3://ml-artifacts-published/model.tar.gz',
            },
          });
        },
        ['PrimaryContainer.Image::*.dkr.ecr.*.${AWS::URLSuffix}/${Images}:serving-1.0.0'],
      ],
      'pipeline container with ModelDataSource in an L2 bucket of the stack': [
        (s) => {
          const bucket = new s3.Bucket(s, 'Weights');
          (bucket.node.defaultChild as CfnResource).overrideLogicalId('Weights');
          return model(s, {
            primaryContainer: undefined,
            containers: [
              { image: IMAGE },
              {
                image: IMAGE,
                modelDataSource: {
                  s3DataSource: {
                    s3Uri: bucket.s3UrlForObject('llm/'),
                    s3DataType: 'S3Prefix',
                    compressionType: 'None',
                  },
                },
              },
            ],
          });
        },
        ['Containers[1].ModelDataSource.S3DataSource.S3Uri::s3://${Weights}/llm/'],
      ],
    },
  },
  SageMakerRollbackAlarmsReadable: {
    compliant: {
      'inline policy on the alarm ARN built from pseudo parameters': rollbackEndpoint((_s, role) =>
        inlinePolicy(
          role,
          Fn.sub(
            `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${ROLLBACK_ALARM}`,
          ),
        ),
      ),
      'AWS::IAM::Policy on the alarm Arn attribute': rollbackEndpoint((s, role, alarm) => {
        new iam.CfnPolicy(s, 'RollbackPolicy', {
          policyName: 'rollback',
          roles: [role.ref],
          policyDocument: {
            Statement: [{ Effect: 'Allow', Action: 'cloudwatch:Describe*', Resource: alarm.attrArn }],
          },
        });
      }),
      'wildcard resource': rollbackEndpoint((_s, role) => inlinePolicy(role, '*')),
    },
    nonCompliant: {
      'no policy on the model role': [
        rollbackEndpoint(() => undefined),
        [`Role::ModelRole::Alarm::${ROLLBACK_ALARM}`],
      ],
      'DescribeAlarms on another alarm': [
        rollbackEndpoint((_s, role) =>
          inlinePolicy(role, `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:other-*`),
        ),
        [`Role::ModelRole::Alarm::${ROLLBACK_ALARM}`],
      ],
      'another action on the alarm': [
        rollbackEndpoint((_s, role, alarm) => inlinePolicy(role, alarm.attrArn, 'cloudwatch:PutMetricAlarm')),
        [`Role::ModelRole::Alarm::${ROLLBACK_ALARM}`],
      ],
    },
    notApplicable: {
      'endpoint without auto-rollback alarms': (s) => endpoint(s, endpointConfig(s)),
      'model role from outside the stack': (s) =>
        endpoint(s, endpointConfig(s), {
          autoRollbackConfiguration: { alarms: [{ alarmName: ROLLBACK_ALARM }] },
        }),
    },
  },
  SageMakerCanarySize: {
    compliant: {
      'canary of 1 instance out of 2': canaryEndpoint([2], {
        type: 'CANARY',
        waitIntervalInSeconds: 600,
        canarySize: { type: 'INSTANCE_COUNT', value: 1 },
      }),
      'canary of 50% of 4 instances': canaryEndpoint([4], {
        type: 'CANARY',
        waitIntervalInSeconds: 600,
        canarySize: { type: 'CAPACITY_PERCENT', value: 50 },
      }),
      'linear steps of 25% of 4 instances': canaryEndpoint([4], {
        type: 'LINEAR',
        waitIntervalInSeconds: 300,
        linearStepSize: { type: 'CAPACITY_PERCENT', value: 25 },
      }),
    },
    nonCompliant: {
      'canary of 10% on a one-instance variant (rounds up to the whole variant)': [
        canaryEndpoint([1], {
          type: 'CANARY',
          waitIntervalInSeconds: 600,
          canarySize: { type: 'CAPACITY_PERCENT', value: 10 },
        }),
        ['AllTraffic::instances=1,CANARY=1'],
      ],
      'canary of 3 instances out of 4, on the second variant too': [
        canaryEndpoint([4, 4], {
          type: 'CANARY',
          waitIntervalInSeconds: 600,
          canarySize: { type: 'INSTANCE_COUNT', value: 3 },
        }),
        ['AllTraffic::instances=4,CANARY=3', 'v1::instances=4,CANARY=3'],
      ],
      'linear steps of 5% of 40 instances (below 10%)': [
        canaryEndpoint([40], {
          type: 'LINEAR',
          waitIntervalInSeconds: 300,
          linearStepSize: { type: 'CAPACITY_PERCENT', value: 5 },
        }),
        ['AllTraffic::instances=40,LINEAR=2'],
      ],
    },
    notApplicable: {
      'all-at-once traffic shifting on one instance': canaryEndpoint([1], { type: 'ALL_AT_ONCE' }),
      'no deployment configuration': (s) => endpoint(s, endpointConfig(s)),
    },
  },
  SageMakerAutoscaledEndpointRetainsVariants: {
    compliant: { 'scaled endpoint retaining variant properties': scaledEndpoint(true) },
    nonCompliant: {
      'scaled endpoint, RetainAllVariantProperties omitted': scaledEndpoint(undefined),
      'endpoint scaled by literal name, RetainAllVariantProperties false': scaledEndpoint(false, 'name'),
    },
    notApplicable: { 'endpoint nothing scales': (s) => endpoint(s, endpointConfig(s)) },
  },
  SageMakerKmsOnLocalNvme: {
    compliant: {
      'KmsKeyId with an EBS-backed instance type': (s) => endpointConfig(s, { kmsKeyId: KEY_ARN }),
    },
    nonCompliant: {
      'KmsKeyId with ml.g5 (local NVMe)': [
        (s) => {
          const m = model(s);
          return endpointConfig(
            s,
            { kmsKeyId: KEY_ARN, productionVariants: [variant(m, { instanceType: 'ml.g5.xlarge' })] },
            m,
          );
        },
        ['AllTraffic::ml.g5.xlarge'],
      ],
      'KmsKeyId with an ml.m5d shadow variant': [
        (s) => {
          const m = model(s);
          return endpointConfig(
            s,
            {
              kmsKeyId: KEY_ARN,
              productionVariants: [variant(m)],
              shadowProductionVariants: [variant(m, { variantName: 'Shadow', instanceType: 'ml.m5d.large' })],
            },
            m,
          );
        },
        ['Shadow::ml.m5d.large'],
      ],
    },
    notApplicable: {
      'local NVMe without KmsKeyId': (s) => {
        const m = model(s);
        return endpointConfig(
          s,
          { productionVariants: [variant(m, { instanceType: 'ml.p4d.24xlarge' })] },
          m,
        );
      },
    },
  },
  SageMakerServerlessUnsupportedFeatures: {
    compliant: {
      'serverless variant of a plain model': (s) => {
        const m = model(s);
        return endpointConfig(
          s,
          {
            productionVariants: [
              {
                variantName: 'Serverless',
                modelName: m.attrModelName,
                serverlessConfig: { maxConcurrency: 5, memorySizeInMb: 2048 },
              },
            ],
          },
          m,
        );
      },
    },
    nonCompliant: {
      'serverless variant of a VPC-attached, network-isolated model': [
        (s) => {
          const m = model(s, {
            enableNetworkIsolation: true,
            vpcConfig: { subnets: [SUBNET], securityGroupIds: [SECURITY_GROUP] },
          });
          return endpointConfig(
            s,
            {
              productionVariants: [
                {
                  variantName: 'Serverless',
                  modelName: m.attrModelName,
                  serverlessConfig: { maxConcurrency: 5, memorySizeInMb: 2048 },
                },
              ],
            },
            m,
          );
        },
        ['Serverless::VpcConfig', 'Serverless::EnableNetworkIsolation'],
      ],
      'serverless variant with data capture': [
        (s) => {
          const m = model(s);
          return endpointConfig(
            s,
            {
              productionVariants: [
                {
                  variantName: 'Serverless',
                  modelName: m.attrModelName,
                  serverlessConfig: { maxConcurrency: 5, memorySizeInMb: 2048 },
                },
              ],
              dataCaptureConfig: {
                captureOptions: [{ captureMode: 'Input' }],
                destinationS3Uri: 's3://ml-capture/serverless',
                initialSamplingPercentage: 10,
              },
            },
            m,
          );
        },
        ['Serverless::DataCaptureConfig'],
      ],
    },
    notApplicable: {
      'instance-backed configuration of a VPC model': (s) =>
        endpointConfig(
          s,
          {},
          model(s, { vpcConfig: { subnets: [SUBNET], securityGroupIds: [SECURITY_GROUP] } }),
        ),
    },
  },
  AlarmMetricPublishedByEndpoint: {
    compliant: {
      'backlog alarm on an asynchronous endpoint': endpointAlarm(
        'ApproximateBacklogSize',
        'async',
        'reference',
      ),
      'Invocations alarm on a real-time endpoint': endpointAlarm('Invocations', 'realtime', 'reference'),
    },
    nonCompliant: {
      'Invocations alarm on an asynchronous endpoint': [
        endpointAlarm('Invocations', 'async', 'reference'),
        ['Invocations::Endpoint:asynchronous'],
      ],
      'error-rate expression over Invocations, endpoint named literally': [
        endpointAlarm('Invocations', 'async', 'math'),
        ['Invocations::Endpoint:asynchronous'],
      ],
      'InvocationsPerInstance by literal endpoint name': [
        endpointAlarm('InvocationsPerInstance', 'async', 'name'),
        ['InvocationsPerInstance::Endpoint:asynchronous'],
      ],
    },
    notApplicable: {
      'alarm outside AWS/SageMaker': (s) =>
        topicWith(s, { publishers: ['alarm'] }).node.scope!.node.findChild('Alarm') as CfnResource,
    },
  },
  CostExplorerInUsEast1: {
    compliant: {
      'anomaly monitor in us-east-1': (s) =>
        new ce.CfnAnomalyMonitor(s, 'Monitor', {
          monitorName: 'ml',
          monitorType: 'DIMENSIONAL',
          monitorDimension: 'SERVICE',
        }),
    },
    nonCompliant: {
      'anomaly monitor in eu-west-1': [
        (s) =>
          new ce.CfnAnomalyMonitor(s, 'Monitor', {
            monitorName: 'ml',
            monitorType: 'DIMENSIONAL',
            monitorDimension: 'SERVICE',
          }),
        ['Region::eu-west-1'],
      ],
      'cost category in eu-west-1': [
        (s) =>
          new ce.CfnCostCategory(s, 'Category', {
            name: 'teams',
            ruleVersion: 'CostCategoryExpression.v1',
            rules: '[]',
          }),
        ['Region::eu-west-1'],
      ],
    },
    notApplicable: {
      'budget in eu-west-1 (budgets are global)': (s) =>
        new budgets.CfnBudget(s, 'Budget', {
          budget: { budgetType: 'COST', timeUnit: 'MONTHLY', budgetLimit: { amount: 100, unit: 'USD' } },
        }),
    },
    unresolvable: {
      'anomaly monitor in an environment-agnostic stack': (s) =>
        new ce.CfnAnomalyMonitor(s, 'Monitor', {
          monitorName: 'ml',
          monitorType: 'DIMENSIONAL',
          monitorDimension: 'SERVICE',
        }),
    },
    env: {
      'anomaly monitor in eu-west-1': { region: 'eu-west-1' },
      'cost category in eu-west-1': { region: 'eu-west-1' },
      'budget in eu-west-1 (budgets are global)': { region: 'eu-west-1' },
      'anomaly monitor in an environment-agnostic stack': null,
    },
  },
  BatchMultiNodeOnSpot: {
    compliant: {
      'multi-node job submitted to an On-Demand queue': submittedTo('EC2'),
      'multi-node job submitted by a state machine to an On-Demand queue': submittedTo(
        'EC2',
        'multinode',
        'state machine',
      ),
    },
    nonCompliant: {
      'multi-node job submitted by an EventBridge rule to a Spot queue': [
        submittedTo('SPOT'),
        ['JobQueue::Queue'],
      ],
      'multi-node job submitted by a state machine to a Spot queue': [
        submittedTo('SPOT', 'multinode', 'state machine'),
        ['JobQueue::Queue'],
      ],
    },
    notApplicable: {
      'single-node job on a Spot queue': submittedTo('SPOT', 'container'),
      'multi-node job the stack never submits': (s) => multiNodeJob(s),
    },
  },
  BatchEfaSecurityGroups: {
    compliant: {
      'EFA launch template, security groups on the compute environment': launchTemplateEnvironment(
        'latest version number',
        { efa: true },
      ),
    },
    nonCompliant: {
      'EFA launch template, no security groups on the compute environment': launchTemplateEnvironment(
        'latest version number',
        { efa: true, securityGroups: false },
      ),
    },
    notApplicable: {
      'launch template without EFA, no security groups': launchTemplateEnvironment('latest version number', {
        securityGroups: false,
      }),
    },
  },
  BatchLaunchTemplateVersionPinned: {
    compliant: {
      'LatestVersionNumber attribute': launchTemplateEnvironment('latest version number'),
      'literal version number': launchTemplateEnvironment('7'),
      'LatestVersionNumber through a property override': launchTemplateEnvironment('$Latest', {
        overrideVersion: (lt) => lt.attrLatestVersionNumber,
      }),
    },
    nonCompliant: {
      $Latest: [launchTemplateEnvironment('$Latest'), ['LaunchTemplate::$Latest']],
      'Version omitted ($Default)': [launchTemplateEnvironment('omitted'), ['LaunchTemplate::$Default']],
      '$Latest set by a property override': [
        launchTemplateEnvironment('latest version number', { overrideVersion: () => '$Latest' }),
        ['LaunchTemplate::$Latest'],
      ],
    },
    notApplicable: {
      'compute environment without a launch template': (s) => computeEnvironment(s, 'Compute'),
    },
  },
  Ec2LaunchTemplateReservationTarget: {
    compliant: {
      'a target reservation id alone': (s) => reservationTemplate(s, { reservationId: RESERVATION_ID }),
      'capacity-block with the block reservation id': (s) =>
        reservationTemplate(s, { reservationId: RESERVATION_ID, marketType: 'capacity-block' }),
      'a preference alone': (s) => reservationTemplate(s, { preference: 'none' }),
    },
    nonCompliant: {
      'a preference and a target': [
        (s) => reservationTemplate(s, { preference: 'open', reservationId: RESERVATION_ID }),
        ['CapacityReservationSpecification::preference-and-target'],
      ],
      'capacity-block without a reservation': [
        (s) => reservationTemplate(s, { marketType: 'capacity-block' }),
        ['MarketType::capacity-block-without-reservation'],
      ],
    },
    notApplicable: {
      'no capacity settings': (s) => reservationTemplate(s),
      'a spot market type': (s) => reservationTemplate(s, { marketType: 'spot' }),
    },
  },
  BatchReservationTarget: {
    compliant: {
      'a Capacity Block of p5.48xlarge, On-Demand, one zone': reservedEnvironment({ block: true }),
      'a capacity reservation of g5.12xlarge in one zone': reservedEnvironment({
        instanceTypes: ['g5.12xlarge'],
      }),
    },
    nonCompliant: {
      'a Capacity Block on Spot with a type not sold as blocks': [
        reservedEnvironment({ block: true, type: 'SPOT', instanceTypes: ['p5.48xlarge', 'g5.xlarge'] }),
        ['InstanceTypes::p5.48xlarge,g5.xlarge', 'Type::SPOT', 'InstanceType::g5.xlarge'],
      ],
      'a capacity reservation with subnets in two zones': [
        reservedEnvironment({ zones: ['us-east-1b', 'us-east-1a'] }),
        ['Subnets::us-east-1a,us-east-1b'],
      ],
    },
    notApplicable: {
      'a launch template without a reservation': launchTemplateEnvironment('latest version number'),
    },
  },
  LambdaReservedConcurrencyQuota: {
    compliant: {
      [`100 reserved under a quota of ${TABLE_LAMBDA_QUOTA}`]: (s) => fn(s, 'Fn', 100),
    },
    nonCompliant: {
      [`950 reserved under a quota of ${TABLE_LAMBDA_QUOTA} (900 reservable)`]: [
        (s) => fn(s, 'Fn', 950),
        ['ReservedConcurrentExecutions::total=950,reservable=900,quota=1000'],
      ],
    },
    notApplicable: { 'no reserved concurrency': (s) => fn(s, 'Fn') },
  },
};

describeRuleTable({
  title: 'DeployPreflight rules',
  prefix: 'DeployPreflight',
  rules: deployPreflightRules({ lambdaConcurrencyQuota: TABLE_LAMBDA_QUOTA }),
  cases: CASES,
  app: () => preflightApp({ lambdaConcurrencyQuota: TABLE_LAMBDA_QUOTA }),
  findingsByStack: preflightFindingsByStack,
  defaultEnv: { region: 'us-east-1' },
});
