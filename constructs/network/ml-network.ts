import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeFindings, acknowledgeGrantPolicy } from '../core/compliance';
import { PropValidator } from '../core/errors';
import { allowLogsToUseKey, logGroupArnPattern } from '../core/logs-key';
import { sourceScopedPrincipal } from '../core/service-principals';
import { gatewayS3EndpointStatements, interfaceEndpointStatements } from './endpoint-policies';

/**
 * Interface endpoints an ML platform needs so private and isolated subnets reach AWS APIs
 * without a NAT gateway. The keys are the names users pass in `interfaceEndpoints`.
 */
export const ML_INTERFACE_ENDPOINTS = {
  'sagemaker-api': ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_API,
  'sagemaker-runtime': ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_RUNTIME,
  'ecr-api': ec2.InterfaceVpcEndpointAwsService.ECR,
  'ecr-dkr': ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  monitoring: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
  sts: ec2.InterfaceVpcEndpointAwsService.STS,
  kms: ec2.InterfaceVpcEndpointAwsService.KMS,
  ecs: ec2.InterfaceVpcEndpointAwsService.ECS,
  'ecs-agent': ec2.InterfaceVpcEndpointAwsService.ECS_AGENT,
  'ecs-telemetry': ec2.InterfaceVpcEndpointAwsService.ECS_TELEMETRY,
} as const;

export type MlInterfaceEndpointName = keyof typeof ML_INTERFACE_ENDPOINTS;

/** Every endpoint in `ML_INTERFACE_ENDPOINTS`, the default. */
export const DEFAULT_INTERFACE_ENDPOINTS = Object.keys(ML_INTERFACE_ENDPOINTS) as MlInterfaceEndpointName[];

export interface MlNetworkProps {
  /**
   * An existing VPC to use instead of creating one. Endpoints and flow logs are then
   * left to the VPC's owner; `MlNetwork` only exposes the VPC and its subnets.
   * @default - a new VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Number of availability zones (2 or 3).
   * @default 2
   */
  readonly maxAzs?: number;
  /**
   * NAT gateways for the private subnets with egress: 1 saves money, one per AZ survives an AZ outage.
   * @default 1
   */
  readonly natGateways?: number;
  /**
   * CIDR block of the new VPC.
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;
  /**
   * Interface endpoints to create, by name.
   * @default - all of DEFAULT_INTERFACE_ENDPOINTS (SageMaker API and runtime, ECR API and DKR, CloudWatch Logs and Monitoring, STS, KMS, ECS, ECS agent, ECS telemetry)
   */
  readonly interfaceEndpoints?: MlInterfaceEndpointName[];
  /**
   * KMS key for the flow-log group. A key of this app gets a key-policy statement that lets CloudWatch
   * Logs use it for log groups of this account and region only; an imported key must already allow that.
   * @default - a new key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long flow logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * What happens to the flow-log group and its key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A private network for ML workloads: private subnets with egress through NAT, isolated subnets
 * for endpoints and models, flow logs to a KMS-encrypted log group, an S3 gateway endpoint and
 * interface endpoints behind one security group that admits HTTPS from the VPC only. Every endpoint
 * whose service supports endpoint policies gets one: principals of this account only, and for S3 the
 * buckets of this account plus the AWS-owned buckets ECR image layers and Amazon Linux packages live in.
 */
export class MlNetwork extends Construct {
  /** Wrap an existing VPC, e.g. one shared by a networking team. */
  public static fromVpc(scope: Construct, id: string, vpc: ec2.IVpc): MlNetwork {
    return new MlNetwork(scope, id, { vpc });
  }

  public readonly vpc: ec2.IVpc;
  /** Subnets with a route to NAT: Batch compute, functions that call AWS. */
  public readonly privateSubnets: ec2.SubnetSelection;
  /** Subnets with no route out: SageMaker models and endpoints. */
  public readonly isolatedSubnets: ec2.SubnetSelection;
  /** The security group of the interface endpoints (HTTPS from the VPC). */
  public readonly endpointSecurityGroup?: ec2.ISecurityGroup;
  /** The flow-log group, when this construct created the VPC. */
  public readonly flowLogGroup?: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: MlNetworkProps = {}) {
    super(scope, id);
    const maxAzs = props.maxAzs ?? 2;
    const natGateways = props.natGateways ?? 1;
    const endpoints = props.interfaceEndpoints ?? DEFAULT_INTERFACE_ENDPOINTS;

    const v = new PropValidator('MlNetwork', this);
    v.range('maxAzs', maxAzs, 2, 3);
    v.range('natGateways', natGateways, 1, maxAzs);
    for (const name of endpoints) {
      v.oneOf('interfaceEndpoints', name, DEFAULT_INTERFACE_ENDPOINTS);
    }
    if (props.cidr !== undefined && !Token.isUnresolved(props.cidr)) {
      const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(props.cidr);
      const prefix = m ? Number(m[5]) : NaN;
      v.check(!!m && prefix >= 16 && prefix <= 24, 'cidr', props.cidr, 'an IPv4 CIDR block from /16 to /24');
    }
    v.throwIfAny();

    this.privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    this.isolatedSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

    if (props.vpc) {
      this.vpc = props.vpc;
      return;
    }

    const key =
      props.encryptionKey ??
      new kms.Key(this, 'FlowLogKey', {
        description: `Encrypts the VPC flow logs of ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      encryptionKey: key,
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs may use the key for log groups of this account and region only (encryption
    // context condition); the key policy cannot name the flow-log group, which depends on the key.
    allowLogsToUseKey(key, logGroupArnPattern(this));
    this.flowLogGroup = flowLogGroup;
    // CDK's own flow-log role trusts vpc-flow-logs.amazonaws.com without a source condition.
    const flowLogRole = new iam.Role(this, 'FlowLogRole', {
      assumedBy: sourceScopedPrincipal(this, 'vpc-flow-logs.amazonaws.com'),
      description: `Delivers the VPC flow logs of ${this.node.path} to their log group`,
    });

    const cidr = props.cidr ?? '10.0.0.0/16';
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      ...azPlacement(Stack.of(this).region, maxAzs),
      natGateways,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        // Public subnets hold only the NAT gateways; nothing else is placed there.
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 },
      ],
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup, flowLogRole),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
    });
    this.vpc = vpc;
    acknowledgeNetworkFindings(vpc, flowLogRole);
    // The gateway endpoint's default policy allows every bucket of every account: an exfiltration
    // path from subnets whose only other route is the NAT (or nothing, for the isolated subnets).
    const s3Endpoint = vpc.node.findChild('S3') as ec2.GatewayVpcEndpoint;
    for (const statement of gatewayS3EndpointStatements(this)) s3Endpoint.addToPolicy(statement);

    const sg = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc,
      description: 'Interface VPC endpoints: HTTPS from inside the VPC only',
      allowAllOutbound: false,
    });
    // The literal CIDR (not the VpcCidrBlock token) keeps the rule checkable at synth.
    sg.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
    this.endpointSecurityGroup = sg;

    for (const name of endpoints) {
      const endpoint = vpc.addInterfaceEndpoint(endpointId(name), {
        service: ML_INTERFACE_ENDPOINTS[name],
        securityGroups: [sg],
        privateDnsEnabled: true,
        subnets: this.privateSubnets,
        open: false,
      });
      for (const statement of interfaceEndpointStatements(this, name)) endpoint.addToPolicy(statement);
    }
  }
}

/** The two findings a private VPC with NAT cannot avoid, acknowledged on the exact resources. */
function acknowledgeNetworkFindings(vpc: ec2.Vpc, flowLogRole: iam.Role): void {
  for (const subnet of vpc.publicSubnets) {
    const route = subnet.node.tryFindChild('DefaultRoute');
    if (route) {
      acknowledgeFindings(
        route,
        ['NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', 'HIPAA.Security-VPCNoUnrestrictedRouteToIGW'],
        `${subnet.node.path} holds only a NAT gateway, which needs this 0.0.0.0/0 route to the internet gateway; workloads run in private and isolated subnets.`,
      );
    }
  }
  acknowledgeGrantPolicy(flowLogRole, 'the VPC flow-log group');
}

/**
 * With a concrete region, name the zones (`<region>a`, `b`, `c`) so a three-AZ VPC synthesizes
 * offline; CDK alone can only place an account-agnostic stack in two zones without a lookup.
 */
function azPlacement(region: string, maxAzs: number): Pick<ec2.VpcProps, 'maxAzs' | 'availabilityZones'> {
  if (Token.isUnresolved(region)) return { maxAzs };
  return { availabilityZones: ['a', 'b', 'c'].slice(0, maxAzs).map((letter) => `${region}${letter}`) };
}

function endpointId(name: string): string {
  return (
    name
      .split('-')
      .map((part) => part[0].toUpperCase() + part.slice(1))
      .join('') + 'Endpoint'
  );
}
