import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  DEFAULT_INTERFACE_ENDPOINTS,
  MlNetwork,
  type MlNetworkProps,
} from '../../../constructs/network/ml-network';
import { CDK_JSON_CONTEXT, formatFindings, nagApp, synthFindings } from '../../support/nag';
import { expectValidationError } from '../../support/validation';

function networkStack(
  props: MlNetworkProps = {},
  region = 'us-east-1',
): { stack: Stack; network: MlNetwork } {
  const app = new App({ context: CDK_JSON_CONTEXT });
  const stack = new Stack(app, 'NetStack', { env: { region } });
  return { stack, network: new MlNetwork(stack, 'Network', props) };
}

describe('MlNetwork defaults', () => {
  let template: Template;
  let network: MlNetwork;
  beforeAll(() => {
    // GIVEN / WHEN
    const built = networkStack();
    network = built.network;
    template = Template.fromStack(built.stack);
  });

  test('two AZs, one NAT gateway, public/private/isolated subnets', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 6);
    template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'us-east-1b' });
  });

  test('no subnet assigns public IPs on launch', () => {
    for (const subnet of Object.values(template.findResources('AWS::EC2::Subnet'))) {
      expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    }
  });

  test('flow logs of all traffic go to a KMS-encrypted log group with retention', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: Match.objectLike({ 'Fn::GetAtt': Match.arrayWith(['Arn']) }),
      RetentionInDays: 365,
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('CloudWatch Logs may use the flow-log key only for log groups of this account and region', () => {
    // Regression: the key policy gave the logs service principal the key without any condition.
    const keys = Object.values(template.findResources('AWS::KMS::Key')) as Array<{
      Properties: {
        KeyPolicy: {
          Statement: Array<{ Principal?: { Service?: string }; Condition?: unknown; Action: unknown }>;
        };
      };
    }>;
    const logStatements = keys.flatMap((k) =>
      k.Properties.KeyPolicy.Statement.filter(
        (st) => st.Principal?.Service === 'logs.us-east-1.amazonaws.com',
      ),
    );
    expect(logStatements).toHaveLength(1);
    expect(logStatements[0].Condition).toEqual({
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': {
          'Fn::Join': ['', ['arn:aws:logs:us-east-1:', { Ref: 'AWS::AccountId' }, ':log-group:*']],
        },
      },
    });
  });

  test('an S3 gateway endpoint and every default interface endpoint, private DNS on', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('s3')])]),
      }),
    });
    const interfaces = template.findResources('AWS::EC2::VPCEndpoint', {
      Properties: { VpcEndpointType: 'Interface' },
    });
    expect(Object.keys(interfaces)).toHaveLength(DEFAULT_INTERFACE_ENDPOINTS.length);
    expect(DEFAULT_INTERFACE_ENDPOINTS.length).toBeGreaterThanOrEqual(4);
    for (const endpoint of Object.values(interfaces)) {
      expect(endpoint.Properties.PrivateDnsEnabled).toBe(true);
    }
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.us-east-1.sagemaker.runtime',
    });
  });

  test('every endpoint whose service takes a policy is limited to this account; ECS endpoints take none', () => {
    // "Controlling access to Amazon ECS by attaching an endpoint policy to the VPC endpoint isn't
    // currently supported" (ECS Developer Guide); every other default service supports one.
    const accountOnly = (extra: Record<string, unknown> = {}) => ({
      Statement: [
        {
          Sid: 'ThisAccountOnly',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' }, ...extra } },
        },
      ],
      Version: '2012-10-17',
    });
    const byService = new Map(
      Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((r) => [
        JSON.stringify(r.Properties.ServiceName),
        r.Properties.PolicyDocument,
      ]),
    );
    const policy = (name: string) => byService.get(JSON.stringify(`com.amazonaws.us-east-1.${name}`));
    for (const name of ['ecs', 'ecs-agent', 'ecs-telemetry']) expect(policy(name), name).toBeUndefined();
    for (const name of ['sagemaker.api', 'ecr.api', 'ecr.dkr', 'logs', 'monitoring', 'sts']) {
      expect(policy(name), name).toEqual(accountOnly());
    }
    for (const name of ['kms', 'sagemaker.runtime']) {
      expect(policy(name), name).toEqual(accountOnly({ 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } }));
    }
  });

  test('the flow-log role trusts VPC Flow Logs for flow logs of this account and region only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': ['', ['arn:aws:ec2:us-east-1:', { Ref: 'AWS::AccountId' }, ':vpc-flow-log/*']],
                },
              },
            },
          }),
        ],
      },
    });
  });

  test('endpoint security group admits HTTPS from the VPC CIDR only and sends nothing out', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Interface VPC endpoints'),
      SecurityGroupIngress: [
        Match.objectLike({ CidrIp: '10.0.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
      ],
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
  });

  test('the default security group is closed', () => {
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('exposes private and isolated subnet selections', () => {
    expect(network.privateSubnets.subnetType).toBe(ec2.SubnetType.PRIVATE_WITH_EGRESS);
    expect(network.isolatedSubnets.subnetType).toBe(ec2.SubnetType.PRIVATE_ISOLATED);
    expect(network.flowLogGroup).toBeDefined();
  });
});

describe('MlNetwork overrides', () => {
  test('three AZs with one NAT per AZ and a chosen endpoint list', () => {
    const { stack } = networkStack({
      maxAzs: 3,
      natGateways: 3,
      interfaceEndpoints: ['sagemaker-runtime', 'logs'],
      cidr: '10.8.0.0/16',
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
    template.resourceCountIs('AWS::EC2::Subnet', 9);
    expect(
      Object.keys(
        template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }),
      ),
    ).toHaveLength(2);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.8.0.0/16' });
  });

  test('an environment-agnostic stack still synthesizes (two AZs from Fn::GetAZs)', () => {
    const app = new App({ context: CDK_JSON_CONTEXT });
    const stack = new Stack(app, 'Agnostic');
    new MlNetwork(stack, 'Network');
    Template.fromStack(stack).resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('an imported VPC is wrapped without creating network resources', () => {
    const app = new App({ context: CDK_JSON_CONTEXT });
    const stack = new Stack(app, 'Imported', { env: { region: 'us-east-1' } });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
      vpcId: 'vpc-1234',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      privateSubnetIds: ['subnet-1', 'subnet-2'],
      isolatedSubnetIds: ['subnet-3', 'subnet-4'],
    });
    const network = MlNetwork.fromVpc(stack, 'Network', vpc);
    expect(network.vpc).toBe(vpc);
    expect(network.endpointSecurityGroup).toBeUndefined();
    expect(
      stack.node.findAll().filter((c) => c instanceof ec2.CfnVPC || c instanceof ec2.CfnVPCEndpoint),
    ).toEqual([]);
  });
});

describe('MlNetwork bad input', () => {
  test.each<[string, MlNetworkProps, string]>([
    ['one AZ', { maxAzs: 1 }, 'maxAzs must be an integer from 2 to 3, got 1'],
    ['four AZs', { maxAzs: 4 }, 'maxAzs must be an integer from 2 to 3, got 4'],
    ['fractional AZs', { maxAzs: 2.5 }, 'maxAzs must be an integer from 2 to 3, got 2.5'],
    ['no NAT', { natGateways: 0 }, 'natGateways must be an integer from 1 to 2, got 0'],
    [
      'more NATs than AZs',
      { maxAzs: 2, natGateways: 3 },
      'natGateways must be an integer from 1 to 2, got 3',
    ],
    [
      'unknown endpoint',
      { interfaceEndpoints: ['sagemaker-api', 'dynamo' as never] },
      'interfaceEndpoints must be one of sagemaker-api',
    ],
    ['bad CIDR', { cidr: '10.0.0.0' }, 'cidr must be an IPv4 CIDR block from /16 to /24, got "10.0.0.0"'],
    [
      'too small CIDR',
      { cidr: '10.0.0.0/28' },
      'cidr must be an IPv4 CIDR block from /16 to /24, got "10.0.0.0/28"',
    ],
  ])('%s', (_name, props, message) => {
    const error = expectValidationError((stack) => new MlNetwork(stack, 'Network', props), message);
    expect(error.message).toMatch(/^\[Bad\/Network\] MlNetwork: /);
  });

  test('several problems are reported at once', () => {
    const error = expectValidationError(
      (stack) => new MlNetwork(stack, 'Network', { maxAzs: 9, cidr: 'x' }),
      /maxAzs .*; .*cidr/,
    );
    expect(error.problems.map((p) => p.prop)).toEqual(['maxAzs', 'cidr']);
  });
});

test('MlNetwork passes the AwsSolutions, NIST 800-53 R5 and HIPAA packs', () => {
  const app = nagApp();
  const stack = new Stack(app, 'Compliant', { env: { region: 'eu-west-1' } });
  new MlNetwork(stack, 'Network', { maxAzs: 3, natGateways: 3 });
  const findings = synthFindings(app);
  expect(formatFindings(findings)).toBe('');
});
