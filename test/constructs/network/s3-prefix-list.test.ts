import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { describe, expect, test } from 'vitest';
import { allowHttpsToAwsEndpoints, S3PrefixList } from '../../../constructs/network';

/** Bundling is not what these tests look at: skip esbuild for every stack. */
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

function vpcIn(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.20.0.0/16',
    availabilityZones: ['us-east-1a'],
    isolatedSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1'],
  });
}

function group(scope: Construct, id: string, vpc: ec2.IVpc): ec2.SecurityGroup {
  return new ec2.SecurityGroup(scope, id, { vpc, allowAllOutbound: false, description: `${id}: HTTPS out` });
}

describe('S3PrefixList', () => {
  test('one lookup per stack, wherever in the tree it is asked for; another stack gets its own', () => {
    // GIVEN
    const app = new App({ context: NO_BUNDLING });
    const stack = new Stack(app, 'A', { env: { region: 'eu-west-1' } });
    const deep = new Construct(new Construct(stack, 'Team'), 'Workers');
    const other = new Stack(app, 'B', { env: { region: 'eu-west-1' } });
    // WHEN
    const first = S3PrefixList.of(stack);
    // THEN
    expect(S3PrefixList.of(deep)).toBe(first);
    expect(first.node.path).toBe('A/S3PrefixList');
    expect(S3PrefixList.of(other)).not.toBe(first);
    Template.fromStack(stack).hasResourceProperties('Custom::S3PrefixList', {
      PrefixListName: 'com.amazonaws.eu-west-1.s3',
    });
  });

  test('an environment-agnostic stack names the list after AWS::Region', () => {
    // GIVEN
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Agnostic');
    // WHEN
    S3PrefixList.of(stack);
    // THEN
    Template.fromStack(stack).hasResourceProperties('Custom::S3PrefixList', {
      PrefixListName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
    });
  });

  test('the id S3PrefixList under a stack is reserved', () => {
    // GIVEN
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Taken');
    new Construct(stack, 'S3PrefixList');
    // WHEN / THEN
    expect(() => S3PrefixList.of(stack)).toThrow(
      'Taken already has a child S3PrefixList that is not an S3PrefixList; rename it (the id is reserved for the S3 prefix-list lookup)',
    );
  });
});

describe('allowHttpsToAwsEndpoints', () => {
  test('s3: false writes the VPC rule only, and no lookup', () => {
    // GIVEN
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'NoS3', { env: { region: 'us-east-1' } });
    const vpc = vpcIn(stack);
    // WHEN
    allowHttpsToAwsEndpoints(group(stack, 'Api', vpc), vpc, {
      s3: false,
      endpointsDescription: 'HTTPS to the interface endpoints',
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [
        {
          CidrIp: '10.20.0.0/16',
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          Description: 'HTTPS to the interface endpoints',
        },
      ],
    });
    template.resourceCountIs('Custom::S3PrefixList', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });

  test('s3: true adds S3Egress under the group, to the lookup of the stack', () => {
    // GIVEN
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'WithS3', { env: { region: 'us-east-1' } });
    const vpc = vpcIn(stack);
    const workers = group(stack, 'Workers', vpc);
    // WHEN
    allowHttpsToAwsEndpoints(workers, vpc, { s3: true, endpointsDescription: 'HTTPS to the endpoints' });
    // THEN
    const template = Template.fromStack(stack);
    const lookup = stack.getLogicalId(S3PrefixList.of(stack).resource.node.defaultChild as never);
    const rule = workers.node.findChild('S3Egress') as ec2.CfnSecurityGroupEgress;
    expect(stack.getLogicalId(rule)).toMatch(/^WorkersS3Egress/);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [stack.getLogicalId(workers.node.defaultChild as never), 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      DestinationPrefixListId: { 'Fn::GetAtt': [lookup, 'PrefixListId'] },
      Description: Match.stringLikeRegexp('S3'),
    });
  });
});
