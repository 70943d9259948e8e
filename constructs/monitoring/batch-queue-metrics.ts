import { join } from 'node:path';
import { Duration, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../cost/usage-metadata';
import { acknowledgeFindings } from '../core/compliance';
import { PropValidator } from '../core/errors';
import { allowLogsToUseKey, logGroupArnPattern } from '../core/logs-key';
import { VpcFunction } from '../core/vpc-function';
import { QUEUES_ENV, type QueueRef } from './private/queue-metrics-contract';
import {
  CLUSTER_DIMENSION,
  OLDEST_RUNNABLE_JOB_AGE_METRIC,
  QUEUE_DIMENSION,
  QUEUE_METRICS_NAMESPACE,
  RUNNABLE_JOBS_METRIC,
} from './queue-metrics-contract';

export interface BatchQueueMetricsProps {
  /** The VPC the function runs in. It calls the Batch and CloudWatch APIs, so its subnets need a route to them. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the function.
   * @default - private subnets with egress (`PRIVATE_WITH_EGRESS`)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Key for the function's log group and dead-letter queue. An imported key must already allow
   * CloudWatch Logs (`logs.<region>.amazonaws.com`) to use it.
   * @default - a new key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How often queues are measured: whole minutes from 1 to 60.
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group (and a key created here) when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Publishes what AWS Batch does not: how many jobs wait RUNNABLE in each queue and how long the
 * oldest has waited (`CDKMLPlatform/Batch` `RunnableJobs` and `OldestRunnableJobAge`, by
 * `ClusterName` and by `ClusterName` + `JobQueue`). A job stuck RUNNABLE is the only symptom of
 * missing GPU capacity or quota.
 *
 * A scheduled Lambda function (bundled locally with esbuild) in the VPC, with a KMS-encrypted
 * dead-letter queue and log group, and a
 * customer-managed policy limited to what it calls.
 */
export class BatchQueueMetrics extends Construct {
  public readonly function: lambda.IFunction;
  public readonly logGroup: logs.ILogGroup;
  public readonly deadLetterQueue: sqs.IQueue;
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly schedule: events.Rule;
  public readonly encryptionKey: kms.IKey;
  private readonly queues: QueueRef[] = [];

  constructor(scope: Construct, id: string, props: BatchQueueMetricsProps) {
    super(scope, id);
    const interval = props.interval ?? Duration.minutes(1);
    const v = new PropValidator('BatchQueueMetrics', this);
    if (!Token.isUnresolved(interval.toSeconds())) {
      const seconds = interval.toSeconds();
      v.check(
        seconds % 60 === 0 && seconds >= 60 && seconds <= 3600,
        'interval',
        interval.toHumanString(),
        'whole minutes from 1 to 60',
      );
    }
    v.throwIfAny();
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const stack = Stack.of(this);

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the logs and dead letters of ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy,
      });
    allowLogsToUseKey(this.encryptionKey, logGroupArnPattern(this));

    // `Default` keeps the ids this construct's resources had before the function was shared.
    const fn = new VpcFunction(this, 'Default', {
      ownerType: 'BatchQueueMetrics',
      handlerDir: join(__dirname, 'private'),
      handlerName: 'queue-metrics-handler',
      description: 'Publishes RUNNABLE job count and oldest RUNNABLE age of AWS Batch queues to CloudWatch',
      reaches: 'the AWS Batch and CloudWatch APIs',
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      encryptionKey: this.encryptionKey,
      // Shorter than the interval, and no retries: runs never overlap, so no minute is published twice.
      timeout: Duration.seconds(Math.min(50, interval.toSeconds() - 10)),
      retryAttempts: 0,
      logRetention: props.logRetention,
      removalPolicy,
      environment: {
        [QUEUES_ENV]: Lazy.string({ produce: () => stack.toJsonString(this.queues) }),
      },
    });
    this.function = fn.function;
    this.logGroup = fn.logGroup;
    this.deadLetterQueue = fn.deadLetterQueue;
    this.securityGroup = fn.securityGroup;

    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Lists RUNNABLE Batch jobs and publishes CDKMLPlatform/Batch metrics',
      roles: [fn.role],
      statements: [
        new iam.PolicyStatement({ sid: 'ListJobs', actions: ['batch:ListJobs'], resources: ['*'] }),
        new iam.PolicyStatement({
          sid: 'PutQueueMetrics',
          actions: ['cloudwatch:PutMetricData'],
          resources: ['*'],
          conditions: { StringEquals: { 'cloudwatch:namespace': QUEUE_METRICS_NAMESPACE } },
        }),
      ],
    });
    acknowledgeFindings(
      policy,
      ['AwsSolutions-IAM5[Resource::*]'],
      'batch:ListJobs and cloudwatch:PutMetricData (limited to the CDKMLPlatform/Batch namespace by condition) support no resource-level permissions.',
    );
    this.function.node.addDependency(policy);
    fn.acknowledgeRolePolicy(
      `its log group ${this.logGroup.node.path}, the dead-letter queue ${this.deadLetterQueue.node.path} and its key`,
      'log streams are created per execution environment in its own log group.',
    );

    const cfnFunction = this.function.node.defaultChild as lambda.CfnFunction;
    const runsPerMonth = Math.round((730 * 3600) / interval.toSeconds());
    cfnFunction.addMetadata(USAGE_METADATA_KEY, {
      source: 'BatchQueueMetrics.interval',
      monthlyRequests: runsPerMonth,
      averageDurationMs: 1000,
      note: `one run every ${interval.toHumanString()}; 256 MB arm64`,
    } satisfies UsageAssumptions);

    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Runs the Batch queue-metrics function every ${interval.toHumanString()}`,
      schedule: events.Schedule.rate(interval),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    this.node.addValidation({
      validate: () =>
        this.queues.length === 0 ? ['BatchQueueMetrics has no job queues: call addQueues()'] : [],
    });
  }

  /** Measures these queues of a cluster on every run. */
  public addQueues(clusterName: string, jobQueues: readonly batch.IJobQueue[]): void {
    for (const q of jobQueues) this.queues.push({ clusterName, jobQueue: q.jobQueueArn });
  }

  /** Jobs waiting RUNNABLE in a cluster (or one of its queues). @default Maximum over 5 minutes */
  public metricRunnableJobs(clusterName: string, options: QueueMetricOptions = {}): cloudwatch.Metric {
    return queueMetric(RUNNABLE_JOBS_METRIC, clusterName, options);
  }

  /** Seconds the oldest RUNNABLE job of a cluster (or queue) has waited since submission. @default Maximum over 5 minutes */
  public metricOldestRunnableJobAge(
    clusterName: string,
    options: QueueMetricOptions = {},
  ): cloudwatch.Metric {
    return queueMetric(OLDEST_RUNNABLE_JOB_AGE_METRIC, clusterName, options);
  }
}

/** Options of the queue metrics: a metric of one queue when `jobQueueName` is given, else of the whole cluster. */
export interface QueueMetricOptions extends cloudwatch.MetricOptions {
  /**
   * A queue's name (not its ARN).
   * @default - the cluster total (count) or maximum (age)
   */
  readonly jobQueueName?: string;
}

function queueMetric(
  metricName: string,
  clusterName: string,
  options: QueueMetricOptions,
): cloudwatch.Metric {
  const { jobQueueName, ...metricOptions } = options;
  return new cloudwatch.Metric({
    namespace: QUEUE_METRICS_NAMESPACE,
    metricName,
    dimensionsMap: {
      [CLUSTER_DIMENSION]: clusterName,
      ...(jobQueueName === undefined ? {} : { [QUEUE_DIMENSION]: jobQueueName }),
    },
    statistic: cloudwatch.Stats.MAXIMUM,
    period: Duration.minutes(5),
    ...metricOptions,
  });
}
