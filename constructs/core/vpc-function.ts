import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  acknowledgeFindings,
  acknowledgeGrantPolicy,
  LAMBDA_CONCURRENCY_RULES,
  UNRESERVED_CONCURRENCY_REASON,
} from './compliance';
import { acknowledgePolicyWildcards } from './wildcards';
import { bundledHandlerCode } from './bundled-handler';
import { handlerEntry } from './handler-entry';
import { chooseVpcSubnets } from './subnets';

/** Props of the library's one VPC Lambda function. */
export interface VpcFunctionProps {
  /** The construct type that owns the function, named in validation errors (e.g. `BatchQueueMetrics`). */
  readonly ownerType: string;
  /** Folder of the handler, usually `join(__dirname, 'private')`. */
  readonly handlerDir: string;
  /** The handler's file name without extension; it exports `handler`. */
  readonly handlerName: string;
  readonly description: string;
  /** What the function reaches over HTTPS, for the security group's description. */
  readonly reaches: string;
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the function; they need a route (NAT or VPC endpoints) to the APIs it calls.
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Key of the log group and the dead-letter queue; its policy must admit CloudWatch Logs. */
  readonly encryptionKey: kms.IKey;
  readonly timeout: Duration;
  /**
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Lambda's own retries of an asynchronous invocation (0-2).
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The one VPC Lambda function every construct of the library ships (not exported from the package):
 * a KMS-encrypted log group with retention, a KMS-encrypted dead-letter queue, a security group with
 * HTTPS out only, a role with the network-interface permissions Lambda needs in a VPC, and a
 * Lambda function (arm64, JSON logs, source maps) on the newest Node.js runtime the app's aws-cdk-lib
 * knows, its handler bundled by esbuild in the synth process (`bundledHandlerCode`). No reserved concurrency: see `UNRESERVED_CONCURRENCY_REASON`.
 *
 * Owners create it with the id `Default`, which CDK leaves out of logical ids: the resources keep
 * the ids they had when each owner built them itself.
 */
export class VpcFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: VpcFunctionProps) {
    super(scope, id);
    const owner = scope.node.path;
    const subnets = chooseVpcSubnets(scope, props.vpc, {
      constructType: props.ownerType,
      selection: props.vpcSubnets,
      defaultType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: props.encryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
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
      `${this.deadLetterQueue.node.path} is itself the dead-letter queue of the function of ${owner}; a queue behind it would never be read.`,
    );

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Function of ${owner}: HTTPS out to ${props.reaches}, nothing in`,
      allowAllOutbound: false,
    });
    // Open on 443 on purpose: the functions call public AWS APIs (Batch) that have no interface
    // endpoint in MlNetwork and no AWS-managed prefix list, so they leave through the subnets' NAT.
    // The description names the APIs, never "endpoints" (MlPlatform-SecurityGroupEgressScoped).
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), `HTTPS to ${props.reaches}`);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Function of ${owner}`,
    });
    this.logGroup.grantWrite(this.role);
    this.role.addToPrincipalPolicy(networkInterfaceStatement(this));
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // "ec2:DescribeNetworkInterfaces – This action only works if it's allowed on all resources"
        // (Lambda developer guide, VPC execution role permissions).
        actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
        resources: ['*'],
      }),
    );
    // Lambda sends failed events to the encrypted dead-letter queue as this role.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.encryptionKey.keyArn],
      }),
    );

    const runtime = latestNodeRuntime();
    this.function = new lambda.Function(this, 'Function', {
      code: bundledHandlerCode(this, {
        entry: handlerEntry(props.handlerDir, props.handlerName),
        runtime,
        // Every Node.js runtime from 18 on ships the AWS SDK v3.
        externalModules: ['@aws-sdk/*'],
      }),
      handler: 'index.handler',
      description: props.description,
      runtime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      vpc: props.vpc,
      vpcSubnets: subnets.selection,
      securityGroups: [this.securityGroup],
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.retryAttempts,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
    });
    acknowledgeFindings(this.function, LAMBDA_CONCURRENCY_RULES, UNRESERVED_CONCURRENCY_REASON);
  }

  /** Adds a statement to the function's role. */
  public addToRolePolicy(statement: iam.PolicyStatement): void {
    this.role.addToPrincipalPolicy(statement);
  }

  /**
   * Acknowledges the findings of the role's inline policy: call it after the owner's last grant.
   * `wildcards` says why each remaining wildcard resource is needed.
   */
  public acknowledgeRolePolicy(scopedTo: string, wildcards: string): void {
    acknowledgeGrantPolicy(this.role, scopedTo);
    acknowledgePolicyWildcards(
      this.role.node.tryFindChild('DefaultPolicy'),
      `Role of ${this.function.node.path}: ec2:DescribeNetworkInterfaces/DescribeSubnets support no resource-level permissions and network interfaces are created at run time (their ARNs are limited to this account and region); ${wildcards}`,
    );
  }
}

/**
 * The newest Node.js runtime the app's aws-cdk-lib knows. cdk-nag's AwsSolutions-L1 compares a
 * function's runtime with the newest of its family in that same `Runtime.ALL`, so a hard-coded
 * runtime fails as soon as the app upgrades aws-cdk-lib.
 */
export function latestNodeRuntime(): lambda.Runtime {
  let best: lambda.Runtime | undefined;
  let bestVersion = -1;
  for (const runtime of lambda.Runtime.ALL) {
    const m = /^nodejs(\d+)\.x$/.exec(runtime.name);
    if (!m) continue;
    const version = Number(m[1]);
    if (version > bestVersion) {
      best = runtime;
      bestVersion = version;
    }
  }
  return best ?? lambda.Runtime.NODEJS_LATEST;
}

/**
 * Creating, deleting and re-addressing the function's network interfaces, in this account and region
 * only. The Lambda guide asks for `DeleteNetworkInterface` on all network interfaces ("Either specify a
 * unique resource ID, or include all resource IDs"), and Lambda checks the role when the function is
 * created without the `ec2:Vpc`/`ec2:Subnet` context: conditions on them would make that check fail.
 */
function networkInterfaceStatement(scope: Construct): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resources: [
      `arn:${Stack.of(scope).partition}:ec2:${Stack.of(scope).region}:${Stack.of(scope).account}:*/*`,
    ],
  });
}
