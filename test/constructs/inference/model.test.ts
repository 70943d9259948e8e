import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, test } from 'vitest';
import { estimate } from '../../../cost';
import { InferenceModel, ModelImage } from '../../../constructs/inference';
import { ENV, inferenceFixtures } from './fixtures';

describe('InferenceModel', () => {
  test('an image URI in ECR grants pull on that repository only; no VPC means no isolation and no network calls', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Models', { env: ENV });
    // WHEN
    const model = new InferenceModel(stack, 'Model', {
      image: ModelImage.fromImageUri(
        '763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-inference:2.3-cpu-py311',
      ),
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::Model', {
      EnableNetworkIsolation: false,
      VpcConfig: Match.absent(),
      PrimaryContainer: {
        Image: '763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-inference:2.3-cpu-py311',
      },
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument
      .Statement;
    expect(statements[0]).toEqual({
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Effect: 'Allow',
      Resource: {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-west-2:763104351884:repository/pytorch-inference'],
        ],
      },
    });
    expect(JSON.stringify(statements)).not.toContain('ec2:CreateNetworkInterface');
    expect(model.networkIsolation).toBe(false);
    expect(model.securityGroups).toEqual([]);
  });

  test.each([
    [
      'a Docker Hub image',
      () => ModelImage.fromImageUri('pytorch/torchserve:latest'),
      'image must be an ECR image URI <account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest] (serverless and VPC-only endpoints cannot pull from other registries), got "pytorch/torchserve:latest"',
    ],
    [
      'a bad tag',
      (f: ReturnType<typeof inferenceFixtures>) => ModelImage.fromEcrRepository(f.repository, '-bad tag'),
      'image.tag must be an image tag of up to 128 letters, digits, _, . and - (not starting with . or -), got "-bad tag"',
    ],
  ])('refuses %s', (_name, image, message) => {
    // GIVEN
    const stack = new Stack(new App(), 'Bad', { env: ENV });
    const f = inferenceFixtures(stack);
    // WHEN / THEN
    expect(() => new InferenceModel(stack, 'Model', { image: image(f) })).toThrow(
      `[Bad/Model] InferenceModel: ${message}`,
    );
  });

  test.each([
    [
      'a leading slash',
      '/models/model.tar.gz',
      'modelData.key must be an S3 object key without a leading slash or wildcard, e.g. models/churn/1/model.tar.gz, got "/models/model.tar.gz"',
    ],
    [
      'a wildcard',
      'models/*',
      'modelData.key must be an S3 object key without a leading slash or wildcard, e.g. models/churn/1/model.tar.gz, got "models/*"',
    ],
  ])('refuses a model data key with %s', (_name, key, message) => {
    // GIVEN
    const stack = new Stack(new App(), 'Bad', { env: ENV });
    const f = inferenceFixtures(stack);
    // WHEN / THEN
    expect(
      () =>
        new InferenceModel(stack, 'Model', {
          image: f.image,
          vpc: f.vpc,
          modelData: { bucket: f.artifacts, key },
        }),
    ).toThrow(`[Bad/Model] InferenceModel: ${message}`);
  });

  test('refuses subnets or security groups without a VPC, and bad environment names', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Bad', { env: ENV });
    const f = inferenceFixtures(stack);
    // WHEN / THEN
    expect(
      () =>
        new InferenceModel(stack, 'Model', {
          image: f.image,
          vpcSubnets: { subnetGroupName: 'isolated' },
          environment: { 'BAD-NAME': 'x' },
        }),
    ).toThrow(
      '[Bad/Model] InferenceModel: environment must be variable names of letters, digits and underscores, got "BAD-NAME"; vpcSubnets/securityGroups must be left out unless vpc is given, got "set without vpc"',
    );
  });

  test('in a VPC: HTTPS to the VPC CIDR and to the S3 prefix list of one lookup per stack; each model waits for its rules', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Egress', { env: ENV });
    const f = inferenceFixtures(stack);
    // WHEN
    const a = new InferenceModel(stack, 'A', { image: f.image, modelData: f.modelData, vpc: f.vpc });
    new InferenceModel(stack, 'B', { image: f.image, modelData: f.modelData, vpc: f.vpc });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::S3PrefixList', 1);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('Custom::S3PrefixList', {
      PrefixListName: 'com.amazonaws.us-east-1.s3',
      ServiceTimeout: '300',
    });
    const lookup = Object.keys(template.findResources('Custom::S3PrefixList'))[0];
    expect(lookup).toMatch(/^S3PrefixList/);
    template.resourcePropertiesCountIs(
      'AWS::EC2::SecurityGroupEgress',
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        DestinationPrefixListId: { 'Fn::GetAtt': [lookup, 'PrefixListId'] },
      },
      2,
    );
    template.allResourcesProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '10.0.0.0/16', FromPort: 443, ToPort: 443 })],
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('0.0.0.0/0');
    // The lookup's role may describe prefix lists and write its own log group, nothing else.
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'ec2:DescribeManagedPrefixLists', Effect: 'Allow', Resource: '*' },
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^S3PrefixListRole') }],
    });
    const modelId = stack.getLogicalId(a.cfnModel);
    const s3Rule = stack.getLogicalId(a.node.findChild('SecurityGroup').node.findChild('S3Egress') as never);
    expect(template.toJSON().Resources[modelId].DependsOn).toEqual(expect.arrayContaining([s3Rule]));
    // The lookup costs nothing measurable and leaves no unpriced line: the custom resource is known
    // free, its function runs on stack operations only (0 requests recorded as usage metadata).
    const report = estimate({ template: template.toJSON(), stackName: 'Egress' }, { region: 'us-east-1' });
    const stackReport = report.stacks[0];
    expect(stackReport.unpriced).toEqual([]);
    expect(stackReport.free.map((f) => f.resourceType)).toContain('Custom::S3PrefixList');
    const lookupLines = stackReport.lines.filter((l) => l.logicalId.startsWith('S3PrefixList'));
    expect(lookupLines.map((l) => l.resourceType)).toContain('AWS::Lambda::Function');
    for (const line of lookupLines) expect(line.monthly).toEqual({ min: 0, expected: 0, max: 0 });
  });

  test('own security groups get no rules and need no CIDR; a VPC imported without its CIDR needs them', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Groups', { env: ENV });
    const f = inferenceFixtures(stack);
    const noCidr = ec2.Vpc.fromVpcAttributes(stack, 'NoCidr', {
      vpcId: 'vpc-0fedcba9876543210',
      availabilityZones: ['us-east-1a'],
      isolatedSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1'],
    });
    const own = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Own', 'sg-0123456789abcdef0');
    // WHEN
    new InferenceModel(stack, 'Mine', { image: f.image, vpc: noCidr, securityGroups: [own] });
    // THEN
    Template.fromStack(stack).resourceCountIs('Custom::S3PrefixList', 0);
    expect(() => new InferenceModel(stack, 'Bad', { image: f.image, vpc: noCidr })).toThrow(
      '[Groups/Bad] InferenceModel: vpc must be a VPC with a known CIDR block (ec2.Vpc.fromVpcAttributes({ vpcCidrBlock, ... }) or ec2.Vpc.fromLookup), so the security group can allow HTTPS to the interface endpoints in it; or pass your own securityGroups, got "vpc-0fedcba9876543210"',
    );
  });
});
