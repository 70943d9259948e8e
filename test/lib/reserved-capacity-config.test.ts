import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { SYNTH_TIME_CONTEXT_KEY } from '../../constructs/core/clock';
import { MlPlatformValidationError } from '../../constructs/core/errors';
import { TrainingReservationKind } from '../../constructs/training';
import { readPlatformConfig } from '../../lib/config';
import { addReferencePlatform, toTrainingReservation } from '../../lib/platform-app';
import type { MlPlatformStack } from '../../lib/platform-stack';
import { estimate } from '../../cost/index';
import { contextApp, formatFindings, synthFindings, type Finding } from '../support/nag';

/** The example of docs/training.md: a Capacity Block for prod's training cluster. */
const BLOCK = {
  kind: 'capacity-block',
  preset: 'prod',
  reservationId: 'cr-0123456789abcdef0',
  instanceType: 'p5.48xlarge',
  availabilityZone: 'us-east-1a',
  instanceCount: 2,
  endsAt: '2027-01-15T11:30:00Z',
  upfrontFeeUsd: 31_464,
};

describe('reservedCapacity in the app configuration', () => {
  test('none by default: cdk.json has no reservation (a reservation id is yours to buy)', () => {
    expect(readPlatformConfig(undefined).reservedCapacity).toBeUndefined();
  });

  test('an entry becomes the TrainingReservation of its kind', () => {
    const config = readPlatformConfig({
      presets: ['dev', 'prod'],
      reservedCapacity: [
        BLOCK,
        {
          kind: 'capacity-reservation',
          preset: 'dev',
          reservationId: 'cr-0fedcba9876543210',
          instanceType: 'g6e.12xlarge',
          availabilityZone: 'us-east-1b',
          instanceCount: 1,
          name: 'dev-odcr',
        },
      ],
    });
    const [block, odcr] = config.reservedCapacity!.map(toTrainingReservation);
    expect(block).toMatchObject({
      kind: TrainingReservationKind.CAPACITY_BLOCK,
      name: 'cr-0123456789abcdef0',
      endsAt: '2027-01-15T11:30:00Z',
      upfrontFeeUsd: 31_464,
    });
    expect(block.instanceType.toString()).toBe('p5.48xlarge');
    expect(odcr).toMatchObject({ kind: TrainingReservationKind.CAPACITY_RESERVATION, name: 'dev-odcr' });
    expect(odcr.endsAt).toBeUndefined();
  });

  test.each<[string, unknown, string]>([
    ['not a list', { reservedCapacity: {} }, 'reservedCapacity must be a list of reservations, got {}'],
    [
      'an unknown kind',
      { reservedCapacity: [{ ...BLOCK, kind: 'savings-plan' }] },
      'reservedCapacity[0].kind must be one of capacity-reservation, capacity-block, got "savings-plan"',
    ],
    [
      'a preset that is not configured',
      { presets: ['dev'], reservedCapacity: [BLOCK] },
      'reservedCapacity[0].preset must be one of the configured presets (dev), got "prod"',
    ],
    [
      'a block without an end',
      { reservedCapacity: [{ ...BLOCK, endsAt: undefined }] },
      'reservedCapacity[0].endsAt must be an ISO-8601 end of the Capacity Block, got undefined',
    ],
    [
      'an end on a capacity reservation',
      { reservedCapacity: [{ ...BLOCK, kind: 'capacity-reservation', upfrontFeeUsd: undefined }] },
      'reservedCapacity[0].endsAt must be unset unless kind is capacity-block, got "2027-01-15T11:30:00Z"',
    ],
    [
      'a count as text',
      { reservedCapacity: [{ ...BLOCK, instanceCount: '2' }] },
      'reservedCapacity[0].instanceCount must be a number, got "2"',
    ],
    [
      'a misspelt key',
      { reservedCapacity: [{ ...BLOCK, endAt: BLOCK.endsAt }] },
      'reservedCapacity[0] must be only the keys kind, preset',
    ],
  ])('%s is rejected naming the key and the value', (_name, raw, message) => {
    expect(() => readPlatformConfig(raw)).toThrow(MlPlatformValidationError);
    expect(() => readPlatformConfig(raw)).toThrow(message);
  });
});

describe('the reference platform with a configured Capacity Block', () => {
  // GIVEN the reference app (prod only) with the docs' Capacity Block, the clock pinned before it
  const app = contextApp({
    context: { 'aws:cdk:bundling-stacks': [], [SYNTH_TIME_CONTEXT_KEY]: '2027-01-01T00:00:00Z' },
  });
  const [prod] = addReferencePlatform(
    app,
    readPlatformConfig({ presets: ['prod'], reservedCapacity: [BLOCK] }),
  );
  const template = Template.fromStack(prod as MlPlatformStack);
  let findings: Finding[];

  beforeAll(() => {
    findings = synthFindings(app);
  });

  test('prod training launches into the block: the launch template targets it with the capacity-block market type', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: {
        CapacityReservationSpecification: {
          CapacityReservationTarget: { CapacityReservationId: BLOCK.reservationId },
        },
        InstanceMarketOptions: { MarketType: 'capacity-block' },
      },
    });
    expect(prod.training.reservedCapacity).toHaveLength(1);
  });

  test('the alarm topic hears of the end a day and an hour before, and the training cluster adds no second cancellation rule', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).map(
      (s) => (s as { Properties: { ScheduleExpression: string } }).Properties.ScheduleExpression,
    );
    expect(schedules).toEqual(['at(2027-01-14T11:30:00)', 'at(2027-01-15T10:30:00)']);
    expect(prod.training.capacityCancellationRule).toBeUndefined();
  });

  test("the estimate bills the block's quoted fee from the usage metadata, not instance-hours", () => {
    const report = estimate(
      { template: template.toJSON(), stackName: prod.stackName },
      { region: 'us-east-1' },
    );
    const lines = report.stacks[0].lines.filter((l) =>
      l.logicalId.startsWith('TrainingReservedcr0123456789abcdef0'),
    );
    const fee = lines.find((l) => l.component.startsWith('Capacity Block fee'));
    expect(fee?.monthly).toEqual({
      min: BLOCK.upfrontFeeUsd,
      expected: BLOCK.upfrontFeeUsd,
      max: BLOCK.upfrontFeeUsd,
    });
    expect(lines.filter((l) => /instance-hours|On-Demand instance/i.test(l.component))).toEqual([]);
  });

  test('zero unacknowledged findings under every reference pack', () => {
    expect(formatFindings(findings)).toBe('');
  });
});
