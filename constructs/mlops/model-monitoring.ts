import { Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { CfnDataQualityJobDefinition, CfnMonitoringSchedule } from 'aws-cdk-lib/aws-sagemaker';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../cost/usage-metadata';
import { acknowledgeGrantPolicy } from '../core/compliance';
import { sourceScopedPrincipal } from '../core/service-principals';
import { acknowledgePolicyWildcards } from '../core/wildcards';
import type { IInferenceEndpoint } from '../inference';
import { analyzerImage, METRIC_NAMESPACE } from './private/monitoring-analyzer';
import { baselineWorkflow } from './private/monitoring-baseline';
import { driftAlarms } from './private/monitoring-drift';
import { monitoringNetworkConfig } from './private/monitoring-network';
import { validateMonitoringProps } from './private/monitoring-validate';

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

    const hourly = frequency === MonitoringFrequency.HOURLY;
    validateMonitoringProps(this, props, {
      instanceType,
      hourly,
      maxRuntime,
      runDuration,
      threshold,
      features,
    });

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

    const networkConfig = monitoringNetworkConfig(this, {
      endpointPath: props.endpoint.node.path,
      role: this.role,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
    });

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

    const drift = driftAlarms(this, {
      endpointName: props.endpoint.endpointName,
      scheduleName: this.scheduleName,
      features,
      threshold,
      hourly,
      topic: props.topic,
    });
    this.alarms = drift.alarms;
    this.widgets = drift.widgets;

    if (props.baselineDataset) {
      const baselineJob = baselineWorkflow(this, {
        endpointName: props.endpoint.endpointName,
        baselineDataset: props.baselineDataset,
        baselineUri,
        image,
        role: this.role,
        instanceType,
        encryptionKey: props.encryptionKey,
        networkConfig,
        topic: props.topic,
        logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      this.baselineStateMachine = baselineJob.stateMachine;
      this.alarms = [...this.alarms, baselineJob.failedAlarm];
    }
    acknowledgePolicyWildcards(
      this.role.node.tryFindChild('DefaultPolicy'),
      'CDK bucket and key grants (object prefixes, s3:GetObject*/List*, kms:GenerateDataKey*/ReEncrypt*) on the capture bucket, the output prefix, the baseline dataset and the platform key; the ENI and PutMetricData actions have no resource-level permission (PutMetricData is held to the Model Monitor namespace by condition).',
    );
    acknowledgeGrantPolicy(this.role, 'the endpoint capture, its output prefix, its key and its namespace');
  }
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
