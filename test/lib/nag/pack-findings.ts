import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { ML_PLATFORM_PACK_NAME, MlPlatformChecks } from '../../../lib/nag';
import { synthFindings } from '../../support/nag';

/**
 * An app with only the MlPlatform pack registered (cdk-nag's `test/rules/utils.ts` habit: judge our
 * rules alone), writing to a throw-away outdir. CDK's CloudFormation schema validation is off: it
 * judges the template, not our rules, and costs more than the pack on many small stacks.
 */
export function mlPlatformApp(): App {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'nag-ml-')),
    builtinCloudFormationValidation: false,
  });
  Validations.of(app).addPlugins(new MlPlatformChecks(app));
  return app;
}

/**
 * Synthesizes the app once and returns the MlPlatform findings as `<rule> at <construct path>` lines,
 * grouped by the top-level stack they sit in (stacks without findings are absent).
 */
export function packFindingsByStack(app: App): Map<string, string[]> {
  const byStack = new Map<string, string[]>();
  for (const f of synthFindings(app)) {
    if (f.pack !== ML_PLATFORM_PACK_NAME) continue;
    const stack = f.path.split('/')[0];
    byStack.set(stack, [...(byStack.get(stack) ?? []), `${f.rule} at ${f.path}`]);
  }
  return byStack;
}
