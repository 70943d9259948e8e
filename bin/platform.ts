#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { CONFIG_CONTEXT_KEY, readPlatformConfig } from '../lib/config';
import { addReferencePlatform } from '../lib/platform-app';
import { synthWithReports } from '../lib/synth-reports';

// The reference platform: one stack per preset (dev, prod), synthesized offline with the
// compliance packs, then priced from the bundled catalog into cdk.out/cost-report.*.
const app = new App();
addReferencePlatform(app, readPlatformConfig(app.node.tryGetContext(CONFIG_CONTEXT_KEY)));
synthWithReports(app);
