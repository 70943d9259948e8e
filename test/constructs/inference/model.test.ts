import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, test } from 'vitest';
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
});
