#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { CONFIG_CONTEXT_KEY, readPlatformConfig } from '../lib/config';
import { applyCompliancePacks } from '../lib/compliance';
import { MlPlatformStack } from '../lib/platform-stack';

// The reference platform: one stack per preset (dev, prod), environment-agnostic account,
// region from cdk.json. Synthesizes offline with the compliance packs, then prices itself.
const app = new App();
const config = readPlatformConfig(app.node.tryGetContext(CONFIG_CONTEXT_KEY));
applyCompliancePacks(app);

for (const preset of config.presets) {
  new MlPlatformStack(app, `MlPlatform-${preset}`, {
    preset: preset as 'dev' | 'prod',
    platformName: config.platformName,
    alarmEmails: config.alarmEmails,
    team: config.team,
    costCenter: config.costCenter,
    monthlyBudgetUsd: config.monthlyBudgetUsd?.[preset],
    env: { region: config.region },
    description: `cdk-ml-platform reference ML platform (${preset})`,
  });
}

app.synth();
