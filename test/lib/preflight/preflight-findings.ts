import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import {
  DEPLOY_PREFLIGHT_PACK_NAME,
  DeployPreflightChecks,
  type DeployPreflightProps,
} from '../../../lib/preflight';
import { synthFindings } from '../../support/nag';

/**
 * An app with only the DeployPreflight pack registered (judge our rules alone), writing to a
 * throw-away outdir. CDK's CloudFormation schema validation is off: it judges the template, not our
 * rules, and costs more than the pack on many small stacks.
 */
export function preflightApp(props: DeployPreflightProps = {}): App {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'preflight-')),
    builtinCloudFormationValidation: false,
  });
  Validations.of(app).addPlugins(new DeployPreflightChecks(app, props));
  return app;
}

/**
 * Synthesizes the app once and returns the DeployPreflight findings as `<rule id> at <construct path>`
 * lines, grouped by the top-level stack they sit in (stacks without findings are absent).
 */
export function preflightFindingsByStack(app: App): Map<string, string[]> {
  const byStack = new Map<string, string[]>();
  for (const f of synthFindings(app)) {
    if (f.pack !== DEPLOY_PREFLIGHT_PACK_NAME) continue;
    const stack = f.path.split('/')[0];
    byStack.set(stack, [...(byStack.get(stack) ?? []), `${f.rule} at ${f.path}`]);
  }
  return byStack;
}
