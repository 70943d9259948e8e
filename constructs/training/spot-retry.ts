import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { acknowledgeResourceWildcards } from '../core/wildcards';
import { PropValidator } from '../core/errors';
import { VpcFunction } from '../core/vpc-function';
import { anyRevisionArn } from './private/job-definition-arn';

export interface SpotToOnDemandRetryProps {
  /** Queues whose failed jobs are examined. */
  readonly spotQueues: batch.IJobQueue[];
  /** Queue that receives the resubmitted jobs. */
  readonly onDemandQueue: batch.IJobQueue;
  /** Spot reclaims after which a failed job is resubmitted. */
  readonly afterSpotReclaims: number;
  /** VPC the function runs in (it calls the Batch API over HTTPS). */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the function; they need a route to the Batch API.
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** KMS key for the log group and the dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * An EventBridge rule on "Batch Job State Change" events and a small function that resubmits a job
 * to the on-demand queue after N spot reclaims, carrying its checkpoint run id. The function runs in
 * the VPC with an encrypted dead-letter queue and an encrypted log group, without reserved concurrency.
 */
export class SpotToOnDemandRetry extends Construct {
  public readonly function: lambda.IFunction;
  public readonly rule: events.Rule;
  public readonly deadLetterQueue: sqs.IQueue;
  public readonly logGroup: logs.ILogGroup;
  private readonly submitStatement: iam.PolicyStatement;
  private readonly policy: IConstruct;

  constructor(scope: Construct, id: string, props: SpotToOnDemandRetryProps) {
    super(scope, id);
    new PropValidator('SpotToOnDemandRetry', this)
      .range('afterSpotReclaims', props.afterSpotReclaims, 1, 10)
      .check(props.spotQueues.length > 0, 'spotQueues', props.spotQueues.length, 'at least one queue')
      .throwIfAny();
    const stack = Stack.of(this);

    // `Default` keeps the ids this construct's resources had before the function was shared.
    const fn = new VpcFunction(this, 'Default', {
      ownerType: 'SpotToOnDemandRetry',
      handlerDir: join(__dirname, 'private'),
      handlerName: 'spot-retry-handler',
      description: 'Resubmits Batch jobs to the on-demand queue after repeated spot reclaims',
      reaches: 'the AWS Batch API',
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      encryptionKey: props.encryptionKey,
      timeout: Duration.seconds(30),
      logRetention: props.logRetention,
      environment: {
        ON_DEMAND_JOB_QUEUE: props.onDemandQueue.jobQueueArn,
        SPOT_JOB_QUEUES: props.spotQueues.map((q) => q.jobQueueArn).join(','),
        SPOT_RECLAIMS_BEFORE_FALLBACK: String(props.afterSpotReclaims),
      },
    });
    this.function = fn.function;
    this.logGroup = fn.logGroup;
    this.deadLetterQueue = fn.deadLetterQueue;

    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['batch:DescribeJobs', 'batch:ListJobs'], resources: ['*'] }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['batch:TagResource'],
        resources: [stack.formatArn({ service: 'batch', resource: 'job', resourceName: '*' })],
      }),
    );
    this.submitStatement = new iam.PolicyStatement({
      actions: ['batch:SubmitJob'],
      resources: [props.onDemandQueue.jobQueueArn],
    });
    fn.addToRolePolicy(this.submitStatement);

    this.rule = new events.Rule(this, 'Rule', {
      description: 'Failed jobs of the spot queue: resubmit to on-demand after repeated spot reclaims',
      eventPattern: {
        source: ['aws.batch'],
        detailType: ['Batch Job State Change'],
        detail: { status: ['FAILED'], jobQueue: props.spotQueues.map((q) => q.jobQueueArn) },
      },
      targets: [
        new targets.LambdaFunction(fn.function, { retryAttempts: 4, maxEventAge: Duration.hours(6) }),
      ],
    });

    fn.acknowledgeRolePolicy(
      'its log group, its dead-letter queue and its key, the on-demand job queue and the cluster job definitions',
      'batch:DescribeJobs/ListJobs support no resource-level permissions; batch:TagResource applies to jobs created at run time; log streams are created per container in its own log group.',
    );
    this.policy = fn.role.node.findChild('DefaultPolicy');
  }

  /**
   * Lets the function resubmit jobs of this job definition, any revision: a job that failed after a
   * deploy still names the revision it was submitted with.
   */
  public allowResubmit(jobDefinition: batch.IJobDefinition): void {
    const arn = anyRevisionArn(jobDefinition.jobDefinitionArn);
    this.submitStatement.addResources(arn);
    acknowledgeResourceWildcards(
      this.policy,
      [arn],
      `${this.function.node.path} resubmits jobs of ${jobDefinition.node.path} with the revision they ran, which a later deploy may have replaced: the ARN ends in the revision wildcard (:*), not in a prefix.`,
    );
  }
}
