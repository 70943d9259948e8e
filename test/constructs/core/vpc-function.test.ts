import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, test } from 'vitest';
import { MlPlatformValidationError } from '../../../constructs/core/errors';
import { chooseVpcSubnets } from '../../../constructs/core/subnets';
import { latestNodeRuntime, VpcFunction } from '../../../constructs/core/vpc-function';

const ENV = { account: '123456789012', region: 'us-east-1' };
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

/** An imported VPC with the subnet groups given, two AZs each (or one with `oneAz`). */
function vpcWith(
  stack: Stack,
  groups: { isolated?: boolean; privateEgress?: boolean; public?: boolean; oneAz?: boolean },
): ec2.IVpc {
  const azs = groups.oneAz ? ['us-east-1a'] : ['us-east-1a', 'us-east-1b'];
  const ids = (kind: string) => azs.map((_, i) => `subnet-${kind}${i}`);
  const rts = (kind: string) => azs.map((_, i) => `rtb-${kind}${i}`);
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: azs,
    ...(groups.isolated && { isolatedSubnetIds: ids('iso'), isolatedSubnetRouteTableIds: rts('iso') }),
    ...(groups.privateEgress && { privateSubnetIds: ids('prv'), privateSubnetRouteTableIds: rts('prv') }),
    ...(groups.public && { publicSubnetIds: ids('pub'), publicSubnetRouteTableIds: rts('pub') }),
  });
}

describe('VpcFunction', () => {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'Fn', { env: ENV });
  const owner = new ec2.SecurityGroup(stack, 'Unrelated', { vpc: vpcWith(stack, { privateEgress: true }) });
  const fn = new VpcFunction(stack, 'Default', {
    ownerType: 'Test',
    handlerDir: join(__dirname, '../../../constructs/training/private'),
    handlerName: 'spot-retry-handler',
    description: 'test',
    reaches: 'AWS APIs',
    vpc: owner.node.scope!.node.findChild('Vpc') as unknown as ec2.IVpc,
    encryptionKey: new kms.Key(stack, 'Key'),
    timeout: Duration.seconds(10),
  });
  let t: Template;
  beforeAll(() => {
    t = Template.fromStack(stack);
  });

  test('the newest Node.js runtime the installed aws-cdk-lib knows (what AwsSolutions-L1 compares against), arm64, JSON logs, no reserved concurrency', () => {
    const newest = Math.max(
      ...lambda.Runtime.ALL.map((r) => /^nodejs(\d+)\.x$/.exec(r.name)?.[1])
        .filter(Boolean)
        .map(Number),
    );
    expect(latestNodeRuntime().name).toBe(`nodejs${newest}.x`);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: `nodejs${newest}.x`,
      Architectures: ['arm64'],
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      ReservedConcurrentExecutions: Match.absent(),
      VpcConfig: Match.objectLike({ SubnetIds: ['subnet-prv0', 'subnet-prv1'] }),
    });
  });

  test('with the id Default its resources keep the logical ids they had without the wrapper', () => {
    const ids = Object.keys(t.toJSON().Resources);
    expect(ids).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Function[0-9A-F]{8}$/),
        expect.stringMatching(/^Role[0-9A-F]{8}$/),
        expect.stringMatching(/^LogGroup[0-9A-F]{8}$/),
        expect.stringMatching(/^DeadLetterQueue[0-9A-F]{8}$/),
        expect.stringMatching(/^SecurityGroup[0-9A-F]{8}$/),
      ]),
    );
    expect(fn.function).toBeDefined();
  });

  test('network-interface actions are limited to this account and region; only the Describe calls (no resource-level permissions) use *', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: [
              'ec2:CreateNetworkInterface',
              'ec2:DeleteNetworkInterface',
              'ec2:AssignPrivateIpAddresses',
              'ec2:UnassignPrivateIpAddresses',
            ],
            Resource: {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:us-east-1:123456789012:*/*']],
            },
          }),
          Match.objectLike({
            Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
            Resource: '*',
          }),
        ]),
      },
    });
  });
});

test('only VpcFunction and the S3 prefix-list lookup construct Lambda functions, and none a NodejsFunction', () => {
  const root = join(__dirname, '../../../constructs');
  const files: string[] = [];
  const nodejs: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        if (/new\s+lambda\.Function\(/.test(text)) files.push(path.slice(root.length + 1));
        // NodejsFunction spawns `npx esbuild` per handler at synth; bundledHandlerCode runs esbuild in-process.
        if (/NodejsFunction\(|aws-lambda-nodejs/.test(text)) nodejs.push(path.slice(root.length + 1));
      }
    }
  };
  walk(root);
  // The lookup runs outside the VPC (it calls the public EC2 API at deploy time, before the egress it
  // narrows exists); it shares VpcFunction's runtime choice and in-process bundling.
  expect(files.sort()).toEqual(['core/vpc-function.ts', 'network/s3-prefix-list.ts']);
  expect(nodejs).toEqual([]);
});

describe('chooseVpcSubnets: a user VPC', () => {
  const P = '[S] T: ';
  test.each<
    [
      string,
      Parameters<typeof vpcWith>[1],
      Omit<Parameters<typeof chooseVpcSubnets>[2], 'constructType'>,
      string,
    ]
  >([
    [
      'without the default private-with-egress subnets',
      { isolated: true },
      { defaultType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      `${P}vpcSubnets must be set (the default, PRIVATE_WITH_EGRESS subnets, is missing from the VPC, which has PRIVATE_ISOLATED subnets): pass e.g. { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } or { subnets: [...] }, got undefined`,
    ],
    [
      'asked for isolated subnets it lacks',
      { public: true, privateEgress: true },
      {
        selection: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        defaultType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
      },
      `${P}vpcSubnets must be a selection the VPC can satisfy (it has PRIVATE_WITH_EGRESS subnets and PUBLIC subnets): e.g. { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } or { subnets: [...] }, got {"subnetType":"PRIVATE_ISOLATED"}`,
    ],
    [
      'in too few availability zones',
      { privateEgress: true, oneAz: true },
      { defaultType: ec2.SubnetType.PRIVATE_WITH_EGRESS, minAzs: 2 },
      `${P}vpcSubnets must be subnets in at least 2 availability zones, got 1 (us-east-1a), got {"subnetType":"PRIVATE_WITH_EGRESS"}`,
    ],
  ])('%s: MlPlatformValidationError naming vpcSubnets and the fix', (_name, groups, options, message) => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const vpc = vpcWith(stack, groups);
    let error: unknown;
    try {
      chooseVpcSubnets(stack, vpc, { constructType: 'T', ...options });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MlPlatformValidationError);
    expect((error as Error).message).toBe(message);
  });

  test('isolated by default, falling back to private subnets with egress when the VPC has no isolated ones', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const chosen = chooseVpcSubnets(stack, vpcWith(stack, { public: true, privateEgress: true }), {
      constructType: 'T',
      defaultType: ec2.SubnetType.PRIVATE_ISOLATED,
      fallbackType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
    });
    expect(chosen.subnetIds).toEqual(['subnet-prv0', 'subnet-prv1']);
    expect(chosen.selection).toEqual({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  });
});
