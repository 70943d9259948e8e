import { join } from 'node:path';
import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../cost/usage-metadata';
import { bundledHandlerCode } from '../core/bundled-handler';
import {
  acknowledgeFindings,
  acknowledgeGrantPolicy,
  LAMBDA_CONCURRENCY_RULES,
  UNRESERVED_CONCURRENCY_REASON,
} from '../core/compliance';
import { handlerEntry } from '../core/handler-entry';
import { PREFIX_LIST_ID_ATTRIBUTE } from './private/s3-prefix-list-handler';
import { latestNodeRuntime } from '../core/vpc-function';

/** The construct id of the one lookup per stack, a direct child of the stack (ids are API). */
export const S3_PREFIX_LIST_ID = 'S3PrefixList';

/** The CloudFormation type of the lookup. */
export const S3_PREFIX_LIST_RESOURCE_TYPE = 'Custom::S3PrefixList';

/**
 * The id of the Region's AWS-managed prefix list for Amazon S3 (`com.amazonaws.<region>.s3`),
 * looked up when the stack deploys. One per stack, shared by every construct of the stack that
 * reaches S3 (`S3PrefixList.of(scope)`).
 *
 * Why a lookup: "The rules for the security groups for your instances that access Amazon S3 through
 * a gateway endpoint must allow traffic to and from Amazon S3. You can reference the ID of the prefix
 * list for Amazon S3 in security group rules" (Amazon VPC, Gateway endpoints for Amazon S3), and the
 * id differs per Region and cannot be known by an offline synth. A custom resource (a Lambda function
 * outside any VPC, on the newest Node.js runtime the app's aws-cdk-lib knows) calls EC2
 * DescribeManagedPrefixLists with the `prefix-list-name` filter on create and update; the id is the
 * custom resource's `PrefixListId` attribute. The action "Describes your managed prefix lists and any
 * AWS-managed prefix lists" and, like EC2's other Describe actions, takes no resource-level
 * permission, so the role allows it on `*` and nothing else.
 */
export class S3PrefixList extends Construct {
  /** The stack's lookup, created on first use. */
  public static of(scope: IConstruct): S3PrefixList {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(S3_PREFIX_LIST_ID);
    if (existing instanceof S3PrefixList) return existing;
    if (existing) {
      throw new Error(
        `${stack.node.path} already has a child ${S3_PREFIX_LIST_ID} that is not an S3PrefixList; rename it (the id is reserved for the S3 prefix-list lookup)`,
      );
    }
    return new S3PrefixList(stack, S3_PREFIX_LIST_ID);
  }

  /** `com.amazonaws.<region>.s3` (a token in an environment-agnostic stack). */
  public readonly prefixListName: string;
  /** The prefix list id (`pl-...`), known at deploy time. */
  public readonly prefixListId: string;
  /** The lookup function. */
  public readonly function: lambda.Function;
  /** The custom resource whose attribute is the id. */
  public readonly resource: CustomResource;

  private constructor(scope: Stack, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.prefixListName = `com.amazonaws.${stack.region}.s3`;

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.ONE_YEAR,
      // The logs name a public prefix list and the request outcome; nothing to keep after the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledgeFindings(
      logGroup,
      ['NIST.800.53.R5-CloudWatchLogGroupEncrypted', 'HIPAA.Security-CloudWatchLogGroupEncrypted'],
      `${logGroup.node.path} holds only the AWS-managed S3 prefix-list name and whether its lookup succeeded (public facts, no customer data); a customer-managed key here would add a key per stack for nothing to protect.`,
    );

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Looks up the S3 prefix-list id for ${stack.stackName}`,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ec2:DescribeManagedPrefixLists'], resources: ['*'] }),
    );
    logGroup.grantWrite(role);

    const runtime = latestNodeRuntime();
    this.function = new lambda.Function(this, 'Function', {
      code: bundledHandlerCode(this, {
        entry: handlerEntry(join(__dirname, 'private'), 's3-prefix-list-handler'),
        runtime,
        externalModules: ['@aws-sdk/*'],
      }),
      handler: 'index.handler',
      description: 'CloudFormation custom resource: the id of the com.amazonaws.<region>.s3 prefix list',
      runtime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 128,
      timeout: Duration.minutes(1),
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { NODE_OPTIONS: '--enable-source-maps' },
    });
    const policy = role.node.findChild('DefaultPolicy');
    this.function.node.addDependency(policy);
    acknowledgeGrantPolicy(
      role,
      `ec2:DescribeManagedPrefixLists and its own log group ${logGroup.node.path}`,
    );
    acknowledgeFindings(
      policy,
      ['AwsSolutions-IAM5[Resource::*]'],
      'ec2:DescribeManagedPrefixLists has no resource-level permissions (Service Authorization Reference: no resource type for the action); it only reads prefix-list metadata.',
    );
    acknowledgeFindings(this.function, LAMBDA_CONCURRENCY_RULES, UNRESERVED_CONCURRENCY_REASON);
    acknowledgeFindings(
      this.function,
      ['NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security-LambdaInsideVPC'],
      `${this.function.node.path} runs only when CloudFormation creates, updates or deletes the stack, calls the public EC2 API and PUTs its answer to CloudFormation's pre-signed S3 URL; in the VPC it would need a NAT route and egress to 0.0.0.0/0, the opening this lookup exists to close.`,
    );
    acknowledgeFindings(
      this.function,
      ['NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ'],
      `${this.function.node.path} answers CloudFormation itself, FAILED included; an event that still fails is reported by CloudFormation as a failed stack operation after the custom resource's service timeout, and a queued copy could not answer the expired request.`,
    );
    (this.function.node.defaultChild as lambda.CfnFunction).addMetadata(USAGE_METADATA_KEY, {
      source: 'S3PrefixList',
      monthlyRequests: 0,
      averageDurationMs: 0,
      note: 'invoked by CloudFormation on stack create, update and delete only',
    } satisfies UsageAssumptions);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.function.functionArn,
      resourceType: S3_PREFIX_LIST_RESOURCE_TYPE,
      properties: { PrefixListName: this.prefixListName },
      // "The maximum time, in seconds, that can elapse before a custom resource operation times out"
      // (default 3600): a lookup that never answers fails the stack in minutes, not an hour.
      serviceTimeout: Duration.minutes(5),
    });
    this.prefixListId = this.resource.getAttString(PREFIX_LIST_ID_ATTRIBUTE);
  }
}

/** Options of `allowHttpsToAwsEndpoints`. */
export interface HttpsToAwsEndpointsOptions {
  /** Also allow HTTPS to Amazon S3 through the Region's prefix list. */
  readonly s3: boolean;
  /** Description of the VPC rule, e.g. `HTTPS to the interface endpoints (SageMaker, ECR, logs, KMS)`. */
  readonly endpointsDescription: string;
}

/**
 * Narrows a security group's egress to what a workload that reaches AWS only through VPC endpoints
 * needs: HTTPS to the VPC's CIDR block (interface endpoints have addresses in the VPC's subnets) and,
 * when asked, HTTPS to the S3 prefix list (the gateway endpoint's destinations). The S3 rule is an
 * `AWS::EC2::SecurityGroupEgress` of its own, with the id `S3Egress` under the group.
 */
export function allowHttpsToAwsEndpoints(
  securityGroup: ec2.SecurityGroup,
  vpc: ec2.IVpc,
  options: HttpsToAwsEndpointsOptions,
): void {
  securityGroup.addEgressRule(
    ec2.Peer.ipv4(vpc.vpcCidrBlock),
    ec2.Port.tcp(443),
    options.endpointsDescription,
  );
  if (!options.s3) return;
  const prefixList = S3PrefixList.of(securityGroup);
  // CDK's Peer.prefixList names its rule after the id, a deploy-time token here: a construct id must
  // not depend on token numbering, so the rule is written with a fixed id.
  new ec2.CfnSecurityGroupEgress(securityGroup, 'S3Egress', {
    groupId: securityGroup.securityGroupId,
    ipProtocol: 'tcp',
    fromPort: 443,
    toPort: 443,
    destinationPrefixListId: prefixList.prefixListId,
    description: 'HTTPS to Amazon S3 through the gateway endpoint (the Region S3 prefix list)',
  });
}

/**
 * The VPC's IPv4 CIDR block, or undefined when an imported VPC was given none
 * (`Vpc.fromVpcAttributes` without `vpcCidrBlock` throws on read).
 */
export function knownVpcCidr(vpc: ec2.IVpc): string | undefined {
  try {
    return vpc.vpcCidrBlock;
  } catch {
    return undefined;
  }
}

/** What a construct's validation allows when `knownVpcCidr` is undefined. */
export function vpcCidrRequired(orSecurityGroups: boolean): string {
  return `a VPC with a known CIDR block (ec2.Vpc.fromVpcAttributes({ vpcCidrBlock, ... }) or ec2.Vpc.fromLookup), so the security group can allow HTTPS to the interface endpoints in it${orSecurityGroups ? '; or pass your own securityGroups' : ''}`;
}
