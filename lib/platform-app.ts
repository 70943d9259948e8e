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
import type { PlatformConfig } from './config';
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
        env: { region: config.region },
        description: `cdk-ml-platform reference ML platform (${preset})`,
      }),
  );
}
