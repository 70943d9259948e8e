import { Duration, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { CfnDataQualityJobDefinition, CfnMonitoringSchedule } from 'aws-cdk-lib/aws-sagemaker';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../cost/usage-metadata';
import { notifyTopic } from '../core/alarm-actions';
import { acknowledgeGrantPolicy } from '../core/compliance';
import { PropValidator } from '../core/errors';
import { allowHttpsToAwsEndpoints, knownVpcCidr, vpcCidrRequired } from '../network/s3-prefix-list';
import { allowSageMakerNetworkInterfaces } from '../core/sagemaker-network';
import { chooseVpcSubnets } from '../core/subnets';
import { sourceScopedPrincipal } from '../core/service-principals';
import { acknowledgePolicyWildcards } from '../core/wildcards';
import type { IInferenceEndpoint } from '../inference';
import { CATCH_ALL, serviceTask, Workflow } from './private/workflow';

/** How often the data-quality job runs: SageMaker takes hourly or daily schedules. */
export enum MonitoringFrequency {
  /** Every hour, on the hour (`cron(0 * ? * * *)`). */
  HOURLY = 'cron(0 * ? * * *)',
  /** Once a day at midnight UTC (`cron(0 0 ? * * *)`). */
  DAILY = 'cron(0 0 ? * * *)',
}

/** Statistics and constraints the captured data is compared with (the baseline job's output). */
export interface MonitoringBaseline {
  /** `s3://.../statistics.json`. */
  readonly statisticsUri: string;
  /** `s3://.../constraints.json`. */
  readonly constraintsUri: string;
}

export interface ModelMonitoringProps {
  /** A real-time endpoint with data capture on. */
  readonly endpoint: IInferenceEndpoint;
  /** The bucket the endpoint captures to; the monitoring role reads it. */
  readonly captureBucket: s3.IBucket;
  /** Where reports, violations and the baseline go (the platform's encrypted bucket). */
  readonly outputBucket: s3.IBucket;
  /**
   * Key prefix in `outputBucket`.
   * @default 'monitoring/<endpoint construct id>'
   */
  readonly outputPrefix?: string;
  /** Key of the job's volume and its output. */
  readonly encryptionKey: kms.IKey;
  /**
   * The baseline to compare with; without one the job only computes statistics and raises no violation.
   * @default - the baseline job's output when `baselineDataset` is set, else none
   */
  readonly baseline?: MonitoringBaseline;
  /**
   * S3 URI of a CSV training dataset with a header row: adds a baseline state machine that computes
   * statistics and constraints from it into `<outputPrefix>/baseline/`, which the schedule then uses.
   * Run it once after deploy (and after each retraining); executions before that fail for want of a baseline.
   * @default - no baseline job
   */
  readonly baselineDataset?: string;
  /**
   * S3 URI of a Python record preprocessor (`preprocess_handler(inference_record)`) that turns each
   * captured record into flat JSON, for models whose requests are not flat JSON or CSV.
   * @default - none (captured requests must be CSV or flat JSON)
   */
  readonly recordPreprocessorUri?: string;
  /** @default MonitoringFrequency.HOURLY */
  readonly frequency?: MonitoringFrequency;
  /** @default 'ml.m5.large' */
  readonly instanceType?: string;
  /**
   * Longest one run may take (at most 1 hour for an hourly schedule).
   * @default Duration.minutes(30)
   */
  readonly maxRuntime?: Duration;
  /**
   * Expected length of one run, for the cost estimate (processing jobs bill per second of instance time).
   * @default Duration.minutes(10)
   */
  readonly expectedRunDuration?: Duration;
  /**
   * Run the job in this VPC (no internet path needed with S3, CloudWatch and SageMaker endpoints). Its
   * security group allows HTTPS to the VPC's CIDR block (interface endpoints) and to the Region's S3
   * prefix list (looked up at deploy time, one lookup per stack), nothing else.
   * @default - no VPC
   */
  readonly vpc?: ec2.IVpc;
  /** @default - private subnets */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Features whose `feature_baseline_drift_<name>` metric raises an alarm above `driftThreshold`.
   * @default - no drift alarms
   */
  readonly driftFeatures?: string[];
  /**
   * Drift distance above which a feature alarms (the baseline's default comparison threshold is 0.1).
   * @default 0.1
   */
  readonly driftThreshold?: number;
  /** Topic of the drift alarms and the baseline job's failures. */
  readonly topic: sns.ITopic;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Data-quality monitoring of a real-time endpoint's captured traffic with SageMaker Model Monitor's
 * built-in analyzer: a job definition and an hourly (or daily) schedule, results in the encrypted
 * bucket, CloudWatch metrics per feature, drift alarms, and an optional baseline job.
 *
 * Contracts: a schedule over an endpoint needs the endpoint to exist with data capture enabled
 * (CreateMonitoringSchedule, `EndpointInput`), so the schedule depends on the endpoint; "Amazon
 * SageMaker Model Monitor is no longer open to new customers" (SageMaker Developer Guide, Model
 * Monitor availability change): accounts that never used it cannot create schedules.
 */
export class ModelMonitoring extends Construct {
  public readonly schedule: CfnMonitoringSchedule;
  public readonly jobDefinition: CfnDataQualityJobDefinition;
  /** The role the monitoring and baseline jobs run as. */
  public readonly role: iam.Role;
  /** One alarm per drift feature. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** Computes the baseline from `baselineDataset`, when set. */
  public readonly baselineStateMachine?: sfn.StateMachine;
  /** `s3://<bucket>/<prefix>`: reports and violations, one folder per run. */
  public readonly outputUri: string;
  public readonly scheduleName: string;
  /** Dashboard widgets: drift per feature and the alarms. */
  public readonly widgets: readonly cloudwatch.IWidget[];

  constructor(scope: Construct, id: string, props: ModelMonitoringProps) {
    super(scope, id);
    const instanceType = props.instanceType ?? 'ml.m5.large';
    const frequency = props.frequency ?? MonitoringFrequency.HOURLY;
    const maxRuntime = props.maxRuntime ?? Duration.minutes(30);
    const runDuration = props.expectedRunDuration ?? Duration.minutes(10);
    const prefix = props.outputPrefix ?? `monitoring/${props.endpoint.node.id}`;
    const threshold = props.driftThreshold ?? 0.1;
    const features = props.driftFeatures ?? [];

    const v = new PropValidator('ModelMonitoring', this);
    v.check(
      props.endpoint.mode === 'real-time',
      'endpoint.mode',
      props.endpoint.mode,
      "'real-time' (Model Monitor schedules data-quality jobs over real-time endpoints' captured data)",
    );
    v.check(
      Token.isUnresolved(instanceType) || /^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceType),
      'instanceType',
      instanceType,
      "a SageMaker processing instance type such as 'ml.m5.large'",
    );
    const hourly = frequency === MonitoringFrequency.HOURLY;
    v.range('maxRuntime (seconds)', maxRuntime.toSeconds(), 60, hourly ? 3600 : 86400);
    v.range('expectedRunDuration (seconds)', runDuration.toSeconds(), 60, maxRuntime.toSeconds());
    v.range('driftThreshold', threshold, 0, 1, { integer: false });
    v.check(
      !(props.baseline && props.baselineDataset),
      'baselineDataset',
      props.baselineDataset,
      'left out when baseline is given (one baseline per schedule)',
    );
    v.check(
      props.baselineDataset === undefined ||
        Token.isUnresolved(props.baselineDataset) ||
        props.baselineDataset.startsWith('s3://'),
      'baselineDataset',
      props.baselineDataset,
      'an s3:// URI of a CSV dataset',
    );
    for (const [i, f] of features.entries()) {
      v.check(
        /^[A-Za-z0-9_.-]{1,200}$/.test(f),
        `driftFeatures[${i}]`,
        f,
        'a feature name of letters, digits, _ . -',
      );
    }
    v.check(
      props.vpc === undefined || knownVpcCidr(props.vpc) !== undefined,
      'vpc',
      props.vpc?.vpcId,
      vpcCidrRequired(false),
    );
    v.throwIfAny();

    const stack = Stack.of(this);
    const image = analyzerImage(this);
    this.outputUri = `s3://${props.outputBucket.bucketName}/${prefix}`;
    const baselineUri = `${this.outputUri}/baseline`;
    const baseline =
      props.baseline ??
      (props.baselineDataset
        ? {
            statisticsUri: `${baselineUri}/statistics.json`,
            constraintsUri: `${baselineUri}/constraints.json`,
          }
        : undefined);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: sourceScopedPrincipal(this, 'sagemaker.amazonaws.com'),
      description: `Runs the data-quality jobs of ${props.endpoint.node.path}`,
    });
    props.captureBucket.grantRead(this.role);
    props.outputBucket.grantReadWrite(this.role, `${prefix}/*`);
    props.encryptionKey.grant(
      this.role,
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'kms:CreateGrant',
      'kms:DescribeKey',
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        // PutMetricData has no resource-level permission; the namespace condition narrows it.
        conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE } },
      }),
    );

    let networkConfig: CfnDataQualityJobDefinition.NetworkConfigProperty = {
      enableInterContainerTrafficEncryption: true,
      enableNetworkIsolation: true,
    };
    if (props.vpc) {
      const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: `Data-quality jobs of ${props.endpoint.node.path}: HTTPS to AWS endpoints only`,
        allowAllOutbound: false,
      });
      // HTTPS to the interface endpoints in the VPC (SageMaker, CloudWatch, logs, KMS, ECR) and to S3
      // (captured data in, reports out) through the gateway endpoint's prefix list.
      allowHttpsToAwsEndpoints(sg, props.vpc, {
        s3: true,
        endpointsDescription: 'HTTPS to the CloudWatch, SageMaker and other interface endpoints in the VPC',
      });
      // A VPC without the subnets is our validation error naming vpcSubnets, not CDK's.
      const subnets = chooseVpcSubnets(this, props.vpc, {
        constructType: 'ModelMonitoring',
        selection: props.vpcSubnets,
        defaultType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
      });
      networkConfig = {
        ...networkConfig,
        vpcConfig: { securityGroupIds: [sg.securityGroupId], subnets: subnets.subnetIds },
      };
      allowSageMakerNetworkInterfaces(this.role);
    }

    this.jobDefinition = new CfnDataQualityJobDefinition(this, 'JobDefinition', {
      dataQualityAppSpecification: {
        imageUri: image,
        recordPreprocessorSourceUri: props.recordPreprocessorUri,
        // Emit per-feature CloudWatch metrics (built-in container, "publish_cloudwatch_metrics").
        environment: { publish_cloudwatch_metrics: 'Enabled' },
      },
      dataQualityBaselineConfig: baseline && {
        constraintsResource: { s3Uri: baseline.constraintsUri },
        statisticsResource: { s3Uri: baseline.statisticsUri },
      },
      dataQualityJobInput: {
        endpointInput: {
          endpointName: props.endpoint.endpointName,
          localPath: '/opt/ml/processing/input/endpoint',
          s3InputMode: 'File',
          s3DataDistributionType: 'FullyReplicated',
        },
      },
      dataQualityJobOutputConfig: {
        kmsKeyId: props.encryptionKey.keyArn,
        monitoringOutputs: [
          {
            s3Output: {
              localPath: '/opt/ml/processing/output',
              s3Uri: `${this.outputUri}/reports`,
              s3UploadMode: 'EndOfJob',
            },
          },
        ],
      },
      jobResources: {
        clusterConfig: {
          instanceCount: 1,
          instanceType,
          volumeSizeInGb: 20,
          volumeKmsKeyId: props.encryptionKey.keyArn,
        },
      },
      networkConfig,
      roleArn: this.role.roleArn,
      stoppingCondition: { maxRuntimeInSeconds: maxRuntime.toSeconds() },
    });
    this.jobDefinition.node.addDependency(this.role);
    // Jobs read captured data from S3 through the group's S3 rule, a resource of its own.
    const group = this.node.tryFindChild('SecurityGroup');
    if (group) this.jobDefinition.node.addDependency(group);

    this.scheduleName = `data-quality-${this.node.addr.slice(0, 12)}`;
    this.schedule = new CfnMonitoringSchedule(this, 'Resource', {
      monitoringScheduleName: this.scheduleName,
      monitoringScheduleConfig: {
        monitoringType: 'DataQuality',
        // The job definition's ARN ends in /<generated name>; a generated name lets CloudFormation replace it.
        monitoringJobDefinitionName: Fn.select(1, Fn.split('/', this.jobDefinition.attrJobDefinitionArn)),
        scheduleConfig: { scheduleExpression: frequency },
      },
      endpointName: props.endpoint.endpointName,
    });
    // The endpoint (with capture) must exist before the schedule is created over it.
    this.schedule.node.addDependency(props.endpoint);
    const runsPerMonth = hourly ? 730 : 730 / 24;
    const usage: UsageAssumptions = {
      source: 'ModelMonitoring.expectedRunDuration',
      monthlyInstanceHours: round3(runsPerMonth * (runDuration.toSeconds() / 3600)),
      note: `${hourly ? 'hourly' : 'daily'} runs of ${runDuration.toMinutes({ integral: false })} min on one ${instanceType}`,
    };
    this.schedule.addMetadata(USAGE_METADATA_KEY, usage);
    this.schedule.addMetadata('cdk-ml-platform:monitoring', { instanceType, instanceCount: 1 });

    const driftMetric = (feature: string) =>
      new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName: `feature_baseline_drift_${feature}`,
        dimensionsMap: { Endpoint: props.endpoint.endpointName, MonitoringSchedule: this.scheduleName },
        statistic: 'Maximum',
        period: hourly ? Duration.hours(1) : Duration.days(1),
      });
    this.alarms = features.map(
      (feature) =>
        new cloudwatch.Alarm(this, `Drift-${feature}`, {
          alarmDescription: `Captured ${feature} of ${props.endpoint.endpointName} drifted from the baseline by more than ${threshold}`,
          metric: driftMetric(feature),
          threshold,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );
    for (const alarm of this.alarms) notifyTopic(alarm, props.topic);
    this.widgets = features.length
      ? [
          new cloudwatch.GraphWidget({
            title: `Baseline drift of ${props.endpoint.endpointName}`,
            left: features.map((f) => driftMetric(f).with({ label: f })),
            leftAnnotations: [{ value: threshold, label: 'alarm' }],
            width: 12,
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Drift alarms', alarms: [...this.alarms], width: 12 }),
        ]
      : [];

    if (props.baselineDataset) {
      const workflow = new Workflow(this, 'Baseline', {
        purpose: 'monitoring baseline',
        expectedUsage: {
          source: 'ModelMonitoring.baselineDataset',
          transitionsPerMonth: 3,
          note: 'one baseline run a month × 3 state transitions',
        },
        encryptionKey: props.encryptionKey,
        logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
        topic: props.topic,
        definition: {
          Comment: `Computes the data-quality baseline of ${props.endpoint.endpointName} from ${props.baselineDataset}`,
          QueryLanguage: 'JSONata',
          StartAt: 'SuggestBaseline',
          TimeoutSeconds: 4 * 3600,
          States: {
            // The optimised integration waits for the processing job (".sync", Step Functions and SageMaker AI).
            SuggestBaseline: serviceTask(this, 'sagemaker:createProcessingJob.sync', {
              Arguments: {
                ProcessingJobName:
                  "{% 'baseline-' & $substring($uuid(), 0, 8) & '-' & $string($toMillis($now())) %}",
                RoleArn: this.role.roleArn,
                AppSpecification: { ImageUri: image },
                // The built-in analyzer's baseline mode (what DefaultModelMonitor.suggest_baseline sends).
                Environment: {
                  dataset_format: '{"csv": {"header": true, "output_columns_position": "START"}}',
                  dataset_source: '/opt/ml/processing/input/baseline_dataset_input',
                  output_path: '/opt/ml/processing/output',
                  publish_cloudwatch_metrics: 'Disabled',
                },
                ProcessingInputs: [
                  {
                    InputName: 'baseline_dataset_input',
                    S3Input: {
                      S3Uri: props.baselineDataset,
                      LocalPath: '/opt/ml/processing/input/baseline_dataset_input',
                      S3DataType: 'S3Prefix',
                      S3InputMode: 'File',
                      S3DataDistributionType: 'FullyReplicated',
                    },
                  },
                ],
                ProcessingOutputConfig: {
                  KmsKeyId: props.encryptionKey.keyArn,
                  Outputs: [
                    {
                      OutputName: 'monitoring_output',
                      S3Output: {
                        S3Uri: baselineUri,
                        LocalPath: '/opt/ml/processing/output',
                        S3UploadMode: 'EndOfJob',
                      },
                    },
                  ],
                },
                ProcessingResources: {
                  ClusterConfig: {
                    InstanceCount: 1,
                    InstanceType: instanceType,
                    VolumeSizeInGB: 20,
                    VolumeKmsKeyId: props.encryptionKey.keyArn,
                  },
                },
                NetworkConfig: {
                  EnableNetworkIsolation: true,
                  EnableInterContainerTrafficEncryption: true,
                  ...(networkConfig.vpcConfig && {
                    VpcConfig: {
                      SecurityGroupIds: (networkConfig.vpcConfig as { securityGroupIds: string[] })
                        .securityGroupIds,
                      Subnets: (networkConfig.vpcConfig as { subnets: string[] }).subnets,
                    },
                  }),
                },
                StoppingCondition: { MaxRuntimeInSeconds: 3600 },
              },
              Catch: CATCH_ALL('NotifyFailure'),
              End: true,
            }),
            NotifyFailure: serviceTask(this, 'sns:publish', {
              Arguments: {
                TopicArn: props.topic.topicArn,
                Subject: 'cdk-ml-platform monitoring baseline',
                Message: `{% 'The baseline job of ${props.endpoint.endpointName} failed: ' & $string($error) %}`,
              },
              Next: 'Failed',
            }),
            Failed: { Type: 'Fail', Error: 'BaselineFailed', Cause: 'The baseline processing job failed' },
          },
        },
      });
      const processingJobs = stack.formatArn({
        service: 'sagemaker',
        resource: 'processing-job',
        resourceName: 'baseline-*',
      });
      workflow.allow(
        ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob'],
        [processingJobs],
      );
      // The .sync integration watches the job through a rule Step Functions manages (Step Functions
      // guide, IAM policies for SageMaker AI: "StepFunctionsGetEventsForSageMakerProcessingJobsRule").
      workflow.allow(
        ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        [
          stack.formatArn({
            service: 'events',
            resource: 'rule',
            resourceName: 'StepFunctionsGetEventsForSageMakerProcessingJobsRule',
          }),
        ],
      );
      this.role.grantPassRole(workflow.role);
      workflow.acknowledge('Baseline jobs are named at run time under the baseline- prefix.');
      this.baselineStateMachine = workflow.stateMachine;
      this.alarms = [...this.alarms, workflow.failedAlarm];
      const datasetBucket = /^s3:\/\/([^/]+)/.exec(props.baselineDataset)?.[1];
      if (datasetBucket) {
        this.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ['s3:GetObject', 's3:ListBucket'],
            resources: [
              `arn:${stack.partition}:s3:::${datasetBucket}`,
              `arn:${stack.partition}:s3:::${datasetBucket}/*`,
            ],
          }),
        );
      }
    }
    acknowledgePolicyWildcards(
      this.role.node.tryFindChild('DefaultPolicy'),
      'CDK bucket and key grants (object prefixes, s3:GetObject*/List*, kms:GenerateDataKey*/ReEncrypt*) on the capture bucket, the output prefix, the baseline dataset and the platform key; the ENI and PutMetricData actions have no resource-level permission (PutMetricData is held to the Model Monitor namespace by condition).',
    );
    acknowledgeGrantPolicy(this.role, 'the endpoint capture, its output prefix, its key and its namespace');
  }
}

/**
 * Model Monitor's built-in analyzer (`sagemaker-model-monitor-analyzer`), from the account SageMaker
 * publishes it in for each region (aws/sagemaker-python-sdk: src/sagemaker/image_uri_config/model-monitor.json).
 */
function analyzerImage(scope: Construct): string {
  const stack = Stack.of(scope);
  const region = stack.region;
  if (Token.isUnresolved(region)) {
    throw new PropValidator('ModelMonitoring', scope)
      .check(false, 'stack region', region, 'a concrete region (the analyzer image is published per region)')
      .throwIfAny() as never;
  }
  const account = ANALYZER_ACCOUNTS[region];
  if (!account) {
    new PropValidator('ModelMonitoring', scope)
      .check(
        false,
        'stack region',
        region,
        `a region with the Model Monitor analyzer (${Object.keys(ANALYZER_ACCOUNTS).join(', ')})`,
      )
      .throwIfAny();
  }
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${account}.dkr.ecr.${region}.${suffix}/sagemaker-model-monitor-analyzer`;
}

/** "For real-time endpoints: /aws/sagemaker/Endpoints/data-metrics", dimensions Endpoint and MonitoringSchedule (Model Monitor, CloudWatch metrics). */
const METRIC_NAMESPACE = 'aws/sagemaker/Endpoints/data-metrics';

const ANALYZER_ACCOUNTS: Record<string, string> = {
  'eu-north-1': '895015795356',
  'me-south-1': '607024016150',
  'ap-south-1': '126357580389',
  'us-east-2': '777275614652',
  'eu-west-1': '468650794304',
  'eu-central-1': '048819808253',
  'sa-east-1': '539772159869',
  'ap-east-1': '001633400207',
  'us-east-1': '156813124566',
  'ap-northeast-2': '709848358524',
  'eu-west-2': '749857270468',
  'eu-west-3': '680080141114',
  'ap-northeast-1': '574779866223',
  'us-west-2': '159807026194',
  'us-west-1': '890145073186',
  'ap-southeast-1': '245545462676',
  'ap-southeast-2': '563025443158',
  'ca-central-1': '536280801234',
  'cn-north-1': '453000072557',
  'cn-northwest-1': '453252182341',
};

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
