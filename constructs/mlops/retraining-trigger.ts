import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PropValidator } from '../core/errors';
import { acknowledgeGrantWildcards } from '../core/wildcards';
import type { IGpuTrainingCluster } from '../training';
import type { IModelRegistry } from './model-registry';
import { CATCH_ALL, sdkTask, serviceTask, Workflow } from './private/workflow';
import type { StatesDefinition } from './states-definition';

/** The image and settings the registered model package serves with. */
export interface ServingSpec {
  /** Image URI of the serving container (an ECR image or an AWS Deep Learning Container). */
  readonly imageUri: string;
  /**
   * The repository of `imageUri` when it is this account's, so the registering role may read it.
   * @default - none (a public or AWS-owned image)
   */
  readonly repository?: ecr.IRepository;
  /**
   * Container environment of the package.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /** @default ['application/json'] */
  readonly contentTypes?: string[];
  /** @default ['application/json'] */
  readonly responseTypes?: string[];
}

export interface RetrainingTriggerProps {
  /** The cluster whose queue runs the training job. */
  readonly cluster: IGpuTrainingCluster;
  /** The training job (e.g. from `cluster.addGpuJob`). */
  readonly jobDefinition: batch.IJobDefinition;
  /**
   * The queue the job goes to.
   * @default - the cluster's spot queue
   */
  readonly jobQueue?: batch.IJobQueue;
  /** Where the new version is registered. */
  readonly registry: IModelRegistry;
  /**
   * Bucket the job writes `model.tar.gz` and `evaluation.json` to, under
   * `<outputPrefix>/<execution name>/` (given to the job as `MODEL_OUTPUT_S3_URI`).
   */
  readonly outputBucket: s3.IBucket;
  /** @default 'retraining' */
  readonly outputPrefix?: string;
  /**
   * The job's role, granted write on the output prefix.
   * @default - none granted (grant it yourself)
   */
  readonly jobRole?: iam.IRole;
  /** How the package serves. */
  readonly serving: ServingSpec;
  /**
   * Alarms (e.g. `ModelMonitoring.alarms`) whose ALARM state starts retraining.
   * @default - none (then `schedule` is required)
   */
  readonly driftAlarms?: cloudwatch.IAlarm[];
  /**
   * A schedule that starts retraining too (e.g. weekly).
   * @default - none (then `driftAlarms` is required)
   */
  readonly schedule?: events.Schedule;
  /**
   * Register new versions as `Approved` (which rolls them out when a `ModelRollout` watches the
   * group) instead of `PendingManualApproval`. For development environments.
   * @default false
   */
  readonly autoApprove?: boolean;
  /** Completed registrations and failures are published here. */
  readonly topic: sns.ITopic;
  /** Key of the execution logs (CloudWatch Logs encryption). */
  readonly logKey: kms.IKey;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Expected retraining runs per month, for the cost estimate of the state machine.
   * @default 4
   */
  readonly expectedRunsPerMonth?: number;
}

/**
 * Retraining when data drifts or on a schedule: a state machine submits the training job to the
 * cluster's queue and waits for it (`batch:submitJob.sync`), registers the result as a model package
 * with its evaluation metrics (pending manual approval unless `autoApprove`), and reports to the
 * topic. Batch retries spot reclaims itself; an application failure fails the execution, which is
 * reported and raises `alarms`.
 */
export class RetrainingTrigger extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly rules: readonly events.Rule[];
  public readonly alarms: readonly cloudwatch.Alarm[];
  public readonly role: iam.Role;
  public readonly definition: StatesDefinition;

  constructor(scope: Construct, id: string, props: RetrainingTriggerProps) {
    super(scope, id);
    const prefix = props.outputPrefix ?? 'retraining';
    const runs = props.expectedRunsPerMonth ?? 4;
    const v = new PropValidator('RetrainingTrigger', this);
    v.check(
      (props.driftAlarms?.length ?? 0) > 0 || props.schedule !== undefined,
      'driftAlarms',
      props.driftAlarms?.length ?? 0,
      'at least one alarm, or a schedule (something must start retraining)',
    );
    v.check(
      Token.isUnresolved(prefix) || /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(prefix),
      'outputPrefix',
      prefix,
      'an S3 key prefix without leading or trailing slash',
    );
    v.range('expectedRunsPerMonth', runs, 0, 10000, { integer: false });
    v.throwIfAny();

    const queue = props.jobQueue ?? props.cluster.spotQueue;
    const outputRoot = `s3://${props.outputBucket.bucketName}/${prefix}`;
    this.definition = retrainingDefinition(this, {
      jobQueueArn: queue.jobQueueArn,
      jobDefinitionArn: props.jobDefinition.jobDefinitionArn,
      outputRoot,
      groupName: props.registry.modelPackageGroupName,
      approval: props.autoApprove ? 'Approved' : 'PendingManualApproval',
      serving: props.serving,
      topicArn: props.topic.topicArn,
    });
    const workflow = new Workflow(this, 'Workflow', {
      definition: this.definition,
      encryptionKey: props.logKey,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      topic: props.topic,
      purpose: 'retraining',
      // Train, Register, NotifyRegistered and the start and end of the execution.
      expectedUsage: {
        source: 'RetrainingTrigger.expectedRunsPerMonth',
        transitionsPerMonth: runs * STATE_TRANSITIONS_PER_RUN,
        note: `${runs} runs a month × ${STATE_TRANSITIONS_PER_RUN} state transitions`,
      },
    });
    this.stateMachine = workflow.stateMachine;
    this.role = workflow.role;
    this.alarms = [workflow.failedAlarm];
    const stack = Stack.of(this);
    // Batch .sync: "batch:SubmitJob, batch:DescribeJobs, batch:TerminateJob" and the managed rule
    // StepFunctionsGetEventsForBatchJobsRule (Step Functions guide, IAM policies for AWS Batch).
    props.cluster.grantSubmitJob(this.role);
    workflow.allow(['batch:DescribeJobs'], ['*']);
    workflow.allow(
      ['batch:TerminateJob'],
      [stack.formatArn({ service: 'batch', resource: 'job', resourceName: '*' })],
    );
    workflow.allow(
      ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      [
        stack.formatArn({
          service: 'events',
          resource: 'rule',
          resourceName: 'StepFunctionsGetEventsForBatchJobsRule',
        }),
      ],
    );
    props.registry.grantRegister(this.role);
    props.outputBucket.grantRead(this.role, `${prefix}/*`);
    props.serving.repository?.grantPull(this.role);
    if (props.jobRole) {
      // Only what the job does with its output: write the files, read them back.
      const objects = props.outputBucket.arnForObjects(`${prefix}/*`);
      props.jobRole.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject'], resources: [objects] }),
      );
      props.outputBucket.encryptionKey?.grant(props.jobRole, 'kms:GenerateDataKey', 'kms:Decrypt');
      acknowledgeGrantWildcards(
        props.jobRole,
        [objects],
        `The training job writes model.tar.gz and evaluation.json under ${prefix}/<execution name>/, named per run.`,
      );
    }
    workflow.acknowledge(
      'DescribeJobs has no resource-level permission; Batch job IDs and the output objects are named at run time.',
    );

    const rules: events.Rule[] = [];
    if (props.driftAlarms?.length) {
      // "CloudWatch Alarm State Change" events name the alarm in resources (CloudWatch guide, alarm events).
      rules.push(
        new events.Rule(this, 'OnDrift', {
          description: `Retrains ${props.registry.modelPackageGroupName} when a drift alarm goes to ALARM`,
          eventPattern: {
            source: ['aws.cloudwatch'],
            detailType: ['CloudWatch Alarm State Change'],
            resources: props.driftAlarms.map((a) => a.alarmArn),
            detail: { state: { value: ['ALARM'] } },
          },
          targets: [workflow.ruleTarget()],
        }),
      );
    }
    if (props.schedule) {
      rules.push(
        new events.Rule(this, 'OnSchedule', {
          description: `Retrains ${props.registry.modelPackageGroupName} on a schedule`,
          schedule: props.schedule,
          targets: [workflow.ruleTarget()],
        }),
      );
    }
    this.rules = rules;
    workflow.acknowledgeRuleRole();
  }
}

interface RetrainingSpec {
  readonly jobQueueArn: string;
  readonly jobDefinitionArn: string;
  readonly outputRoot: string;
  readonly groupName: string;
  readonly approval: 'Approved' | 'PendingManualApproval';
  readonly serving: ServingSpec;
  readonly topicArn: string;
}

function retrainingDefinition(scope: Construct, s: RetrainingSpec): StatesDefinition {
  const output = `{% '${s.outputRoot}/' & $states.context.Execution.Name %}`;
  return {
    Comment: `Retrains and registers ${s.groupName}`,
    QueryLanguage: 'JSONata',
    StartAt: 'Train',
    TimeoutSeconds: 48 * 3600,
    States: {
      Train: serviceTask(scope, 'batch:submitJob.sync', {
        Arguments: {
          // Job names: letters, digits, hyphens and underscores, at most 128 characters.
          JobName:
            "{% 'retrain-' & $substring($replace($states.context.Execution.Name, /[^A-Za-z0-9_-]/, '-'), 0, 100) %}",
          JobQueue: s.jobQueueArn,
          JobDefinition: s.jobDefinitionArn,
          ContainerOverrides: {
            Environment: [
              { Name: 'MODEL_OUTPUT_S3_URI', Value: output },
              {
                Name: 'RETRAINING_TRIGGER',
                // JSONata names a field with a hyphen in backticks.
                Value: "{% $exists($states.input.`detail-type`) ? $states.input.`detail-type` : 'manual' %}",
              },
            ],
          },
        },
        Assign: { jobId: '{% $states.result.JobId %}', output },
        Catch: CATCH_ALL('NotifyFailure'),
        Next: 'Register',
      }),
      Register: sdkTask(scope, 'sagemaker', 'createModelPackage', {
        Arguments: {
          ModelPackageGroupName: s.groupName,
          ModelPackageDescription: "{% 'Retrained by Batch job ' & $jobId %}",
          ModelApprovalStatus: s.approval,
          InferenceSpecification: {
            Containers: [
              {
                Image: s.serving.imageUri,
                ModelDataUrl: "{% $output & '/model.tar.gz' %}",
                ...(s.serving.environment && { Environment: s.serving.environment }),
              },
            ],
            SupportedContentTypes: s.serving.contentTypes ?? ['application/json'],
            SupportedResponseMIMETypes: s.serving.responseTypes ?? ['application/json'],
          },
          // The job's evaluation, shown with the version in the registry (ModelMetrics.ModelQuality.Statistics).
          ModelMetrics: {
            ModelQuality: {
              Statistics: { ContentType: 'application/json', S3Uri: "{% $output & '/evaluation.json' %}" },
            },
          },
          CustomerMetadataProperties: { BatchJobId: '{% $jobId %}' },
        },
        Assign: { packageArn: '{% $states.result.ModelPackageArn %}' },
        Catch: CATCH_ALL('NotifyFailure'),
        Next: 'NotifyRegistered',
      }),
      NotifyRegistered: serviceTask(scope, 'sns:publish', {
        Arguments: {
          TopicArn: s.topicArn,
          Subject: 'cdk-ml-platform retraining',
          Message: `{% 'Retrained model registered as ' & $packageArn & ' (${s.approval}).' %}`,
        },
        End: true,
      }),
      NotifyFailure: serviceTask(scope, 'sns:publish', {
        Arguments: {
          TopicArn: s.topicArn,
          Subject: 'cdk-ml-platform retraining',
          Message: `{% 'Retraining of ${s.groupName} failed: ' & $string($error) %}`,
        },
        Next: 'Failed',
      }),
      Failed: { Type: 'Fail', Error: 'RetrainingFailed', Cause: 'Training or registration failed' },
    },
  };
}

const STATE_TRANSITIONS_PER_RUN = 5;
