import { Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { beforeAll, describe, expect, test } from 'vitest';
import { SYNTH_TIME_CONTEXT_KEY, parseIsoInstant, synthTime } from '../../../constructs/core/clock';
import { PlatformAlarmTopic } from '../../../constructs/monitoring';
import {
  GpuTrainingCluster,
  TrainingReservation,
  type GpuTrainingClusterProps,
} from '../../../constructs/training';
import { USAGE_METADATA_KEY } from '../../../cost/usage-metadata';
import { MlPlatformChecks } from '../../../lib/nag';
import { DeployPreflightChecks } from '../../../lib/preflight';
import { formatFindings, nagApp, synthFindings, type Finding } from '../../support/nag';
import { ENV, IMAGE, NO_BUNDLING, trainingStack } from './fixtures';

const NOW = '2027-01-01T00:00:00Z';
const RESERVATION_ID = 'cr-0123456789abcdef0';
const BLOCK_ID = 'cr-0fedcba9876543210';
const BLOCK_END = '2027-01-15T11:30:00Z';

const reservation = TrainingReservation.capacityReservation({
  reservationId: RESERVATION_ID,
  instanceType: new ec2.InstanceType('p5.48xlarge'),
  availabilityZone: 'us-east-1a',
  instanceCount: 2,
});
const block = TrainingReservation.capacityBlock({
  name: 'january-block',
  reservationId: BLOCK_ID,
  instanceType: new ec2.InstanceType('p5.48xlarge'),
  availabilityZone: 'us-east-1b',
  instanceCount: 4,
  startsAt: '2027-01-08T11:30:00Z',
  endsAt: BLOCK_END,
  upfrontFeeUsd: 98_765.43,
});

// GIVEN one app under every pack the platform runs (AwsSolutions, NIST, HIPAA, MlPlatform,
// DeployPreflight), with the clock pinned, a KMS-encrypted alarm topic and both kinds of reservation
const app = nagApp({ context: { ...NO_BUNDLING, [SYNTH_TIME_CONTEXT_KEY]: NOW } });
Validations.of(app).addPlugins(new MlPlatformChecks(app), new DeployPreflightChecks(app));
const f = trainingStack(app, 'Reserved');
const alarms = new PlatformAlarmTopic(f.stack, 'AlarmTopic');
const cluster = new GpuTrainingCluster(f.stack, 'Cluster', {
  vpc: f.vpc,
  clusterName: 'research',
  checkpointBucket: f.checkpointBucket,
  alarmTopic: alarms.topic,
  onDemandFallback: { maxGpus: 4 },
  reservedCapacity: [reservation, block],
});
cluster.addMultiNodeJob('Pretrain', {
  image: IMAGE,
  nodes: 4,
  efa: true,
  instanceType: new ec2.InstanceType('p5.48xlarge'),
});
const template = Template.fromStack(f.stack);
let findings: Finding[];

beforeAll(() => {
  findings = synthFindings(app);
});

function launchTemplateOf(ceLogicalIdPrefix: string): Record<string, unknown> {
  const ces = template.findResources('AWS::Batch::ComputeEnvironment');
  const [, ce] = Object.entries(ces).find(([id]) => id.startsWith(ceLogicalIdPrefix))!;
  const ltRef = (
    ce as { Properties: { ComputeResources: { LaunchTemplate: { LaunchTemplateId: { Ref: string } } } } }
  ).Properties.ComputeResources.LaunchTemplate.LaunchTemplateId.Ref;
  return (
    template.toJSON().Resources[ltRef] as { Properties: { LaunchTemplateData: Record<string, unknown> } }
  ).Properties.LaunchTemplateData;
}

describe('GpuTrainingCluster reservedCapacity', () => {
  test('each reservation is an on-demand compute environment of its type, in its zone, capped at its instances', () => {
    // THEN the capacity reservation: 2 × p5.48xlarge (192 vCPUs) in us-east-1a's subnet only
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({
        Type: 'EC2',
        AllocationStrategy: 'BEST_FIT_PROGRESSIVE',
        InstanceTypes: ['p5.48xlarge'],
        MinvCpus: 0,
        MaxvCpus: 384,
        Subnets: ['subnet-0aaaaaaaaaaaaaaa1'],
      }),
    });
    // and the named block: 4 instances in us-east-1b
    template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeResources: Match.objectLike({ MaxvCpus: 768, Subnets: ['subnet-0aaaaaaaaaaaaaaa2'] }),
    });
    expect(cluster.reservedCapacity.map((r) => r.name)).toEqual([RESERVATION_ID, 'january-block']);
  });

  test('the launch template targets the reservation id; a Capacity Block adds the capacity-block market type', () => {
    const odcr = launchTemplateOf(`ClusterReservedcr0123456789abcdef0`);
    expect(odcr.CapacityReservationSpecification).toEqual({
      CapacityReservationTarget: { CapacityReservationId: RESERVATION_ID },
    });
    expect(odcr.InstanceMarketOptions).toBeUndefined();
    const cb = launchTemplateOf('ClusterReservedjanuaryblock');
    expect(cb.CapacityReservationSpecification).toEqual({
      CapacityReservationTarget: { CapacityReservationId: BLOCK_ID },
    });
    expect(cb.InstanceMarketOptions).toEqual({ MarketType: 'capacity-block' });
    // p5.48xlarge has 32 EFA network cards: multi-node EFA jobs can use the reserved instances
    expect((cb.NetworkInterfaces as Array<{ InterfaceType: string }>).length).toBe(32);
    expect(cb.MetadataOptions).toMatchObject({ HttpTokens: 'required' });
  });

  test('each reservation has its own queue, evaluated before the spot and on-demand queues (priority 20 > 10)', () => {
    const queues = template.findResources('AWS::Batch::JobQueue');
    const priorities = Object.entries(queues).map(([id, q]) => [
      id.replace(/[0-9A-F]{8}$/, ''),
      (q as { Properties: { Priority: number } }).Properties.Priority,
    ]);
    expect(Object.fromEntries(priorities)).toEqual({
      ClusterSpotQueue: 10,
      ClusterOnDemandQueue: 10,
      ClusterReservedcr0123456789abcdef0Queue: 20,
      ClusterReservedjanuaryblockQueue: 20,
    });
    expect(cluster.jobQueues).toHaveLength(4);
  });

  test('a multi-node EFA job may run on a reserved EFA type, with all its EFA devices', () => {
    template.hasResourceProperties('AWS::Batch::JobDefinition', {
      Type: 'multinode',
      NodeProperties: Match.objectLike({
        NodeRangeProperties: [
          Match.objectLike({
            Container: Match.objectLike({
              InstanceType: 'p5.48xlarge',
              LinuxParameters: Match.objectLike({
                Devices: Match.arrayWith([Match.objectLike({ HostPath: '/dev/infiniband/uverbs31' })]),
              }),
            }),
          }),
        ],
      }),
    });
  });

  test('usage metadata follows the reservation contract of the cost estimate', () => {
    const ces = Object.values(template.findResources('AWS::Batch::ComputeEnvironment'))
      .map(
        (ce) =>
          (ce as { Metadata?: Record<string, { reservation?: unknown }> }).Metadata?.[USAGE_METADATA_KEY],
      )
      .filter((u) => u?.reservation !== undefined);
    expect(ces).toEqual([
      expect.objectContaining({
        source: 'GpuTrainingCluster.reservedCapacity',
        reservation: {
          kind: 'capacity-reservation',
          reservationId: RESERVATION_ID,
          instanceType: 'p5.48xlarge',
          instanceCount: 2,
          availabilityZone: 'us-east-1a',
        },
      }),
      expect.objectContaining({
        reservation: {
          kind: 'capacity-block',
          reservationId: BLOCK_ID,
          instanceType: 'p5.48xlarge',
          instanceCount: 4,
          availabilityZone: 'us-east-1b',
          startsAt: '2027-01-08T11:30:00.000Z',
          endsAt: '2027-01-15T11:30:00.000Z',
          upfrontFeeUsd: 98_765.43,
        },
      }),
    ]);
  });

  test('a Capacity Block notifies the alarm topic one day and one hour before it ends, in UTC', () => {
    // THEN two one-time schedules, nothing for the capacity reservation
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')) as Array<{
      Properties: Record<string, unknown> & { Target: Record<string, unknown> };
    }>;
    expect(
      schedules.map((s) => [s.Properties.ScheduleExpression, s.Properties.ScheduleExpressionTimezone]),
    ).toEqual([
      ['at(2027-01-14T11:30:00)', 'Etc/UTC'],
      ['at(2027-01-15T10:30:00)', 'Etc/UTC'],
    ]);
    for (const s of schedules) {
      expect(s.Properties.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
      expect((s.Properties.Target.Arn as { Ref: string }).Ref).toMatch(/^AlarmTopic/);
      expect(s.Properties.Target.Input).toContain(BLOCK_ID);
    }
    expect(cluster.reservedCapacity[1].expiryNotices).toHaveLength(2);
    expect(cluster.reservedCapacity[0].expiryNotices).toHaveLength(0);
  });

  test("the notices' role is assumed only by this account's schedules and may publish to the topic and use its key", () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': ENV.account },
              ArnLike: {
                'aws:SourceArn': Match.stringLikeRegexp(
                  ':scheduler:us-east-1:123456789012:schedule-group/default',
                ),
              },
            },
          }),
        ],
      },
    });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p).includes('ClusterReservationNoticeRole'),
    );
    const statements = JSON.stringify(policies);
    expect(statements).toContain('sns:Publish');
    expect(statements).toContain('kms:GenerateDataKey*');
    // and the topic policy names the role
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCapacityBlockNotices',
            Action: 'sns:Publish',
            Principal: {
              AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterReservationNoticeRole'), 'Arn'] },
            },
          }),
        ]),
      },
    });
  });

  test('an imported cluster takes the reserved queues, and grants cover them', () => {
    const arn = 'arn:aws:batch:us-east-1:123456789012:job-queue/research-reserved';
    const imported = GpuTrainingCluster.fromGpuTrainingClusterAttributes(new Stack(), 'Imported', {
      clusterName: 'research',
      spotJobQueueArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/research-spot',
      reservedJobQueueArns: [arn],
    });
    expect(imported.jobQueues.map((q) => q.jobQueueArn)).toEqual([
      'arn:aws:batch:us-east-1:123456789012:job-queue/research-spot',
      arn,
    ]);
  });

  test('zero unacknowledged findings under AwsSolutions, NIST, HIPAA, MlPlatform and DeployPreflight', () => {
    expect(formatFindings(findings)).toBe('');
  });
});

describe('reservedCapacity edge cases', () => {
  function build(
    reservedCapacity: TrainingReservation[],
    props: Partial<GpuTrainingClusterProps> = {},
    now = NOW,
  ) {
    const a = nagApp({ context: { ...NO_BUNDLING, [SYNTH_TIME_CONTEXT_KEY]: now } });
    const fx = trainingStack(a, 'Edge');
    const c = new GpuTrainingCluster(fx.stack, 'Cluster', {
      vpc: fx.vpc,
      checkpointBucket: fx.checkpointBucket,
      reservedCapacity,
      ...props,
    });
    return { stack: fx.stack, cluster: c, topic: fx.topic };
  }

  test('without alarmTopic a Capacity Block gets no notice, and a warning says to set one', () => {
    const { stack } = build([block], {}, '2027-01-15T00:00:00Z');
    const fx = Template.fromStack(stack);
    // no alarm topic: no schedule at all, and a warning says so
    fx.resourceCountIs('AWS::Scheduler::Schedule', 0);
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('set alarmTopic'));
  });

  test('with an imported topic in the same account, the notice past at synth is skipped with a warning', () => {
    const a = nagApp({ context: { ...NO_BUNDLING, [SYNTH_TIME_CONTEXT_KEY]: '2027-01-15T00:00:00Z' } });
    const fx = trainingStack(a, 'Late');
    new GpuTrainingCluster(fx.stack, 'Cluster', {
      vpc: fx.vpc,
      checkpointBucket: fx.checkpointBucket,
      alarmTopic: fx.topic,
      reservedCapacity: [block],
    });
    const t = Template.fromStack(fx.stack);
    t.resourceCountIs('AWS::Scheduler::Schedule', 1);
    t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'at(2027-01-15T10:30:00)' });
    Annotations.fromStack(fx.stack).hasWarning('*', Match.stringLikeRegexp('1 day before is already past'));
  });

  test('a reserved type without EFA gets no EFA interfaces, and multi-node jobs without EFA may use it', () => {
    const { stack, cluster: c } = build([
      TrainingReservation.capacityReservation({
        reservationId: RESERVATION_ID,
        instanceType: new ec2.InstanceType('g5.xlarge'),
        availabilityZone: 'us-east-1a',
        instanceCount: 3,
      }),
    ]);
    c.addMultiNodeJob('Small', { image: IMAGE, nodes: 2 });
    const lt = Object.values(Template.fromStack(stack).findResources('AWS::EC2::LaunchTemplate')).find((r) =>
      JSON.stringify(r).includes(RESERVATION_ID),
    ) as { Properties: { LaunchTemplateData: Record<string, unknown> } };
    expect(lt.Properties.LaunchTemplateData.NetworkInterfaces).toBeUndefined();
    expect(() => c.addMultiNodeJob('Efa', { image: IMAGE, nodes: 2, efa: true })).toThrow(
      /efa must be false unless the cluster has EFA capacity/,
    );
  });

  test('a single-node job may ask for every GPU of a reserved type, and no more', () => {
    const { cluster: c } = build([reservation]);
    expect(() => c.addGpuJob('EightGpus', { image: IMAGE, gpus: 8 })).not.toThrow();
    expect(() => c.addGpuJob('NineGpus', { image: IMAGE, gpus: 9 })).toThrow(
      /gpus must be an integer from 1 to 8, got 9/,
    );
  });

  test('consecutive blocks of one pool are accepted', () => {
    expect(() =>
      build([
        block,
        TrainingReservation.capacityBlock({
          reservationId: 'cr-0aaaaaaaaaaaaaaaa',
          instanceType: new ec2.InstanceType('p5.48xlarge'),
          availabilityZone: 'us-east-1b',
          instanceCount: 4,
          startsAt: BLOCK_END,
          endsAt: '2027-01-22T11:30:00Z',
        }),
      ]),
    ).not.toThrow();
  });

  test('an environment-agnostic stack cannot place a reservation: the error says why', () => {
    const a = nagApp({ context: { ...NO_BUNDLING, [SYNTH_TIME_CONTEXT_KEY]: NOW } });
    const stack = new Stack(a, 'Agnostic');
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    const fx = trainingStack(a, 'ForBucket');
    expect(
      () =>
        new GpuTrainingCluster(stack, 'Cluster', {
          vpc,
          vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
          checkpointBucket: fx.checkpointBucket,
          reservedCapacity: [reservation],
        }),
    ).toThrow(
      /reservedCapacity\[0\]\.availabilityZone must be a zone the cluster can find a subnet in.*environment-agnostic/,
    );
  });

  test.each([
    [
      'an unknown zone',
      { availabilityZone: 'us-east-1c' },
      /reservedCapacity\[0\]\.availabilityZone must be an availability zone of the cluster's subnets \(us-east-1a, us-east-1b\).*got "us-east-1c"/,
    ],
    [
      'a CPU instance type',
      { instanceType: new ec2.InstanceType('m5.24xlarge') },
      /reservedCapacity\[0\]\.instanceType must be an NVIDIA GPU instance type.*got "m5.24xlarge"/,
    ],
    [
      'zero instances',
      { instanceCount: 0 },
      /reservedCapacity\[0\]\.instanceCount must be an integer from 1 to 10000, got 0/,
    ],
    ['1.5 instances', { instanceCount: 1.5 }, /instanceCount must be an integer from 1 to 10000, got 1.5/],
    [
      'a malformed id',
      { reservationId: 'cr-123' },
      /reservationId must be a literal capacity reservation id: cr- followed by 17 hexadecimal digits, got "cr-123"/,
    ],
    [
      'a name with a slash',
      { name: 'team/a' },
      /reservedCapacity\[0\]\.name must be 1 to 40 letters, digits or hyphens/,
    ],
  ])('rejects %s', (_what, override, message) => {
    expect(() =>
      build([TrainingReservation.capacityReservation({ ...reservationOptions(), ...override })]),
    ).toThrow(message);
  });

  test.each([
    [
      'an end without a zone',
      { endsAt: '2027-01-15T11:30:00' },
      /reservedCapacity\[0\]\.endsAt must be an ISO-8601 date-time with a zone.*got "2027-01-15T11:30:00"/,
    ],
    ['30 February', { endsAt: '2027-02-30T00:00:00Z' }, /endsAt must be an ISO-8601 date-time/],
    [
      'an end in the past',
      { endsAt: '2026-12-31T23:00:00Z', startsAt: undefined },
      /endsAt must be a time after the synth clock \(2027-01-01T00:00:00.000Z\)/,
    ],
    ['a start after the end', { startsAt: '2027-01-16T00:00:00Z' }, /startsAt must be a time before endsAt/],
    ['a negative fee', { upfrontFeeUsd: -1 }, /upfrontFeeUsd must be a positive number of USD/],
  ])('rejects a Capacity Block with %s', (_what, override, message) => {
    expect(() => build([TrainingReservation.capacityBlock({ ...blockOptions(), ...override })])).toThrow(
      message,
    );
  });

  test('rejects duplicate names and ids, and overlapping blocks of one pool, all in one error', () => {
    const overlapping = TrainingReservation.capacityBlock({
      ...blockOptions(),
      reservationId: 'cr-0bbbbbbbbbbbbbbbb',
      startsAt: '2027-01-10T00:00:00Z',
      endsAt: '2027-01-20T00:00:00Z',
    });
    const sameEnd = TrainingReservation.capacityBlock({
      ...blockOptions(),
      reservationId: 'cr-0cccccccccccccccc',
      name: 'other',
      startsAt: undefined,
    });
    const duplicateId = TrainingReservation.capacityReservation({
      ...reservationOptions(),
      name: 'again',
      reservationId: BLOCK_ID,
    });
    let message = '';
    try {
      build([block, overlapping, sameEnd, duplicateId]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /reservedCapacity\[1\]\.name must be a name no other reservation has \(reservedCapacity\[0\] has it\), got "january-block"/,
    );
    expect(message).toMatch(
      /reservedCapacity\[3\]\.reservationId must be an id no other reservation has \(reservedCapacity\[0\] has it\)/,
    );
    expect(message).toMatch(
      /reservedCapacity\[1\] must be a Capacity Block that does not overlap reservedCapacity\[0\]/,
    );
    expect(message).toMatch(
      /reservedCapacity\[2\] must be a Capacity Block that does not overlap reservedCapacity\[0\]/,
    );
    // blocks in another zone or of another type are another pool
    expect(message).not.toMatch(/reservedCapacity\[3\] must be a Capacity Block/);
  });
});

describe('synth clock', () => {
  test('the context pins it, SOURCE_DATE_EPOCH is next, and a bad pin is an error', () => {
    const a = nagApp({ context: { [SYNTH_TIME_CONTEXT_KEY]: '2030-05-01T12:00:00+02:00' } });
    expect(synthTime(a).toISOString()).toBe('2030-05-01T10:00:00.000Z');
    const previous = process.env.SOURCE_DATE_EPOCH;
    try {
      process.env.SOURCE_DATE_EPOCH = '1800000000';
      expect(synthTime(nagApp()).toISOString()).toBe('2027-01-15T08:00:00.000Z');
      process.env.SOURCE_DATE_EPOCH = 'yesterday';
      expect(() => synthTime(nagApp())).toThrow(/SOURCE_DATE_EPOCH must be a whole number of seconds/);
    } finally {
      if (previous === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = previous;
    }
    expect(() => synthTime(nagApp({ context: { [SYNTH_TIME_CONTEXT_KEY]: 'tomorrow' } }))).toThrow(
      /context cdk-ml-platform:synthTime must be an ISO-8601 date-time with a zone.*got "tomorrow"/,
    );
  });

  test.each([
    ['2027-01-15T11:30:00Z', Date.UTC(2027, 0, 15, 11, 30)],
    ['2027-01-15T11:30Z', Date.UTC(2027, 0, 15, 11, 30)],
    ['2027-01-15T11:30:00.5-05:00', Date.UTC(2027, 0, 15, 16, 30, 0, 500)],
    ['2028-02-29T00:00:00Z', Date.UTC(2028, 1, 29)],
    ['2027-02-29T00:00:00Z', undefined],
    ['2027-01-15 11:30:00Z', undefined],
    ['2027-01-15T24:00:00Z', undefined],
    ['2027-01-15T11:30:00+25:00', undefined],
    ['2027-01-15', undefined],
  ])('parseIsoInstant(%s)', (text, expected) => {
    expect(parseIsoInstant(text)).toBe(expected);
  });
});

function reservationOptions() {
  return {
    reservationId: RESERVATION_ID,
    instanceType: new ec2.InstanceType('p5.48xlarge'),
    availabilityZone: 'us-east-1a',
    instanceCount: 2,
  };
}

function blockOptions() {
  return {
    name: 'january-block',
    reservationId: BLOCK_ID,
    instanceType: new ec2.InstanceType('p5.48xlarge'),
    availabilityZone: 'us-east-1b',
    instanceCount: 4,
    startsAt: '2027-01-08T11:30:00Z',
    endsAt: BLOCK_END,
  };
}
