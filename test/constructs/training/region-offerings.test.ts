import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, test } from 'vitest';
import { GpuTrainingCluster, type GpuTrainingClusterProps } from '../../../constructs/training';
import { GPU_TYPES_BY_REGION } from '../../../constructs/training/gpu-region-offerings';
import { gpuTypesOfferedIn } from '../../../constructs/training/region-offerings';
import { OFFERINGS_FILE, renderGpuOfferings } from '../../../scripts/catalog/gpu-offerings';
import { NO_BUNDLING } from './fixtures';
import { expectValidationError } from '../../support/validation';

// AWS Batch refuses a compute environment naming a type the region does not sell: "Instance type
// can only be one of [...]" (CreateComputeEnvironment ClientException), and the stack rolls back.

function cluster(region: string | undefined, props: Partial<GpuTrainingClusterProps> = {}): Stack {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'Training', region ? { env: { account: '123456789012', region } } : {});
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ],
  });
  new GpuTrainingCluster(stack, 'Cluster', {
    vpc,
    checkpointBucket: s3.Bucket.fromBucketName(stack, 'Checkpoints', 'ml-checkpoints-123456789012'),
    ...props,
  });
  return stack;
}

function computeEnvironmentTypes(stack: Stack): string[][] {
  return Object.values(Template.fromStack(stack).findResources('AWS::Batch::ComputeEnvironment')).map(
    (r) => r.Properties.ComputeResources.InstanceTypes as string[],
  );
}

describe('GPU types by region', () => {
  test('the table is what the bundled catalog says (npm run catalog:gpu-offerings regenerates it)', async () => {
    expect(readFileSync(OFFERINGS_FILE, 'utf8'), 'gpu-region-offerings.ts is stale').toBe(
      await renderGpuOfferings(),
    );
  });

  test('us-east-1 sells every default type; eu-west-1 sells g5 but not g6 or g6e', () => {
    expect(gpuTypesOfferedIn('us-east-1')).toEqual(expect.any(Set));
    for (const t of ['g5.xlarge', 'g6.xlarge', 'g6e.xlarge', 'p5.48xlarge'])
      expect(gpuTypesOfferedIn('us-east-1')!.has(t)).toBe(true);
    expect(gpuTypesOfferedIn('eu-west-1')!.has('g5.xlarge')).toBe(true);
    expect(gpuTypesOfferedIn('eu-west-1')!.has('g6.xlarge')).toBe(false);
    expect(Object.keys(GPU_TYPES_BY_REGION).length).toBeGreaterThanOrEqual(20);
  });

  test('a token region or a region outside the table checks nothing', () => {
    expect(gpuTypesOfferedIn('${Token[AWS.Region.12]}')).toBeUndefined();
    expect(gpuTypesOfferedIn('xx-nowhere-1')).toBeUndefined();
  });
});

describe('GpuTrainingCluster in a region that sells only some default types', () => {
  test('eu-west-1: the default spot and EFA environments keep only the g5 types', () => {
    const stack = cluster('eu-west-1', { efa: {} });
    const types = computeEnvironmentTypes(stack);
    expect(types).toContainEqual(['g5.xlarge', 'g5.2xlarge']);
    expect(types).toContainEqual(['g5.12xlarge']);
    expect(types.flat().some((t) => t.startsWith('g6'))).toBe(false);
  });

  test('us-east-1 and an environment-agnostic stack keep all six default types', () => {
    for (const region of ['us-east-1', undefined]) {
      Template.fromStack(cluster(region)).hasResourceProperties('AWS::Batch::ComputeEnvironment', {
        ComputeResources: Match.objectLike({
          InstanceTypes: ['g5.xlarge', 'g5.2xlarge', 'g6.xlarge', 'g6.2xlarge', 'g6e.xlarge', 'g6e.2xlarge'],
        }),
      });
    }
  });

  test.each([
    [
      'instanceTypes',
      { instanceTypes: [new ec2.InstanceType('g6.xlarge'), new ec2.InstanceType('g5.xlarge')] },
    ],
    ['efa.instanceTypes', { efa: { instanceTypes: [new ec2.InstanceType('g6e.12xlarge')] } }],
  ])(
    'eu-west-1: a %s type the region does not sell is rejected, naming the region and what it sells',
    (prop, props) => {
      const error = expectValidationError(
        () => cluster('eu-west-1', props),
        /sold in eu-west-1 \(AWS's EC2 price list as of \d{4}-\d{2}-\d{2}; AWS Batch refuses others\): g4dn\.xlarge, .*g5\.xlarge/,
      );
      expect(error.message).toContain(`${prop}[0]`);
    },
  );
});
