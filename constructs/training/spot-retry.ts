import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import {
  acknowledgeFindings,
  acknowledgeGrantPolicy,
  LAMBDA_CONCURRENCY_RULES,
  UNRESERVED_CONCURRENCY_REASON,
} from '../core/compliance';
import { PropValidator } from '../core/errors';
import { handlerEntry } from '../core/handler-entry';
import { acknowledgeResourceWildcards, acknowledgeWildcards } from './private/acknowledge';
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
 * the VPC with an encrypted dead-letter queue and an encrypted log group (no reserved concurrency: see
 * `UNRESERVED_CONCURRENCY_REASON`).
 */
export class SpotToOnDemandRetry extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly rule: events.Rule;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly logGroup: logs.LogGroup;
  private readonly submitStatement: iam.PolicyStatement;
  private readonly policy: IConstruct;

  constructor(scope: Construct, id: string, props: SpotToOnDemandRetryProps) {
    super(scope, id);
    new PropValidator('SpotToOnDemandRetry', this)
      .range('afterSpotReclaims', props.afterSpotReclaims, 1, 10)
      .check(props.spotQueues.length > 0, 'spotQueues', props.spotQueues.length, 'at least one queue')
      .throwIfAny();
    const stack = Stack.of(this);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.encryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeFindings(
      this.deadLetterQueue,
      ['AwsSolutions-SQS3'],
      `${this.deadLetterQueue.node.path} is itself the dead-letter queue of the spot retry function; a queue behind it would never be read.`,
    );

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Spot retry function: HTTPS out to the AWS Batch API, nothing in',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the AWS Batch API');

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Spot to on-demand retry of ${this.node.path}`,
    });
    this.logGroup.grantWrite(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // What AWSLambdaVPCAccessExecutionRole grants, without the managed policy.
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['batch:DescribeJobs', 'batch:ListJobs'], resources: ['*'] }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['batch:TagResource'],
        resources: [stack.formatArn({ service: 'batch', resource: 'job', resourceName: '*' })],
      }),
    );
    // The dead-letter queue is encrypted with the key: Lambda sends to it as this role, which needs
    // the data key to encrypt the message.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.encryptionKey.keyArn],
      }),
    );
    this.submitStatement = new iam.PolicyStatement({
      actions: ['batch:SubmitJob'],
      resources: [props.onDemandQueue.jobQueueArn],
    });
    role.addToPrincipalPolicy(this.submitStatement);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: handlerEntry(join(__dirname, 'private'), 'spot-retry-handler'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      description: 'Resubmits Batch jobs to the on-demand queue after repeated spot reclaims',
      role,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
      deadLetterQueue: this.deadLetterQueue,
      logGroup: this.logGroup,
      environment: {
        ON_DEMAND_JOB_QUEUE: props.onDemandQueue.jobQueueArn,
        SPOT_JOB_QUEUES: props.spotQueues.map((q) => q.jobQueueArn).join(','),
        SPOT_RECLAIMS_BEFORE_FALLBACK: String(props.afterSpotReclaims),
      },
      bundling: {
        // The Node.js runtime ships the AWS SDK v3.
        externalModules: ['@aws-sdk/*'],
        minify: true,
        sourceMap: false,
        forceDockerBundling: false,
      },
    });

    acknowledgeFindings(this.function, LAMBDA_CONCURRENCY_RULES, UNRESERVED_CONCURRENCY_REASON);

    this.rule = new events.Rule(this, 'Rule', {
      description: 'Failed jobs of the spot queue: resubmit to on-demand after repeated spot reclaims',
      eventPattern: {
        source: ['aws.batch'],
        detailType: ['Batch Job State Change'],
        detail: { status: ['FAILED'], jobQueue: props.spotQueues.map((q) => q.jobQueueArn) },
      },
      targets: [
        new targets.LambdaFunction(this.function, { retryAttempts: 4, maxEventAge: Duration.hours(6) }),
      ],
    });

    acknowledgeGrantPolicy(
      role,
      'its log group, its dead-letter queue and its key, the on-demand job queue and the cluster job definitions',
    );
    this.policy = role.node.findChild('DefaultPolicy');
    acknowledgeWildcards(
      this.policy,
      `Role of ${this.function.node.path}: ENI management for a VPC function and batch:DescribeJobs/ListJobs support no resource-level permissions; batch:TagResource applies to jobs created at run time; log streams are created per container in its own log group.`,
    );
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
