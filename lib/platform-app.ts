import type { App } from 'aws-cdk-lib';
import { applyCompliancePacks, COMPLIANCE_PACKS } from '../constructs/core/compliance';
import { ML_PLATFORM_PACK_NAME, MlPlatformChecks } from './nag';
import { DEPLOY_PREFLIGHT_PACK_NAME, DeployPreflightChecks } from './preflight';

/** The validation packs the reference platform passes, by the name each reports under. */
export const REFERENCE_PACKS: readonly string[] = [
  ...COMPLIANCE_PACKS,
  ML_PLATFORM_PACK_NAME,
  DEPLOY_PREFLIGHT_PACK_NAME,
];
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { TrainingReservation } from '../constructs/training/training-reservation';
import type { PlatformConfig, ReservedCapacityConfig } from './config';
import { MlPlatformStack } from './platform-stack';

/**
 * Adds the reference platform to an app: the compliance packs (plus our `MlPlatform` rule pack and the
 * `DeployPreflight` pack, so `cdk synth` fails on what would fail at deploy), then one `MlPlatform-<preset>`
 * stack per configured preset, account-agnostic, in the configured region (plus, outside us-east-1,
 * a `MlPlatform-<preset>-CostAnomalies` stack in us-east-1 that the preset's stack depends on).
 */
export function addReferencePlatform(app: App, config: PlatformConfig): MlPlatformStack[] {
  applyCompliancePacks(app, { extraPlugins: [new MlPlatformChecks(app), new DeployPreflightChecks(app)] });
  return config.presets.map(
    (preset) =>
      new MlPlatformStack(app, `MlPlatform-${preset}`, {
        preset: preset as 'dev' | 'prod',
        platformName: config.platformName,
        alarmEmails: config.alarmEmails,
        team: config.team,
        costCenter: config.costCenter,
        monthlyBudgetUsd: config.monthlyBudgetUsd?.[preset],
        model: config.model,
        reservedCapacity: (config.reservedCapacity ?? [])
          .filter((r) => r.preset === preset)
          .map(toTrainingReservation),
        env: { region: config.region },
        description: `cdk-ml-platform reference ML platform (${preset})`,
      }),
  );
}

/** A `reservedCapacity` entry of the configuration as the training cluster takes it. */
export function toTrainingReservation(r: ReservedCapacityConfig): TrainingReservation {
  const common = {
    reservationId: r.reservationId,
    instanceType: new ec2.InstanceType(r.instanceType),
    availabilityZone: r.availabilityZone,
    instanceCount: r.instanceCount,
    name: r.name,
  };
  return r.kind === 'capacity-block'
    ? TrainingReservation.capacityBlock({
        ...common,
        endsAt: r.endsAt!,
        startsAt: r.startsAt,
        upfrontFeeUsd: r.upfrontFeeUsd,
      })
    : TrainingReservation.capacityReservation(common);
}
