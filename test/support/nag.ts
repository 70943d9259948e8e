import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { applyCompliancePacks } from '../../constructs/core/compliance';

/** One unacknowledged finding from the validation report. */
export interface Finding {
  readonly pack: string;
  readonly rule: string;
  readonly path: string;
}

/** The feature flags and configuration of the reference app, so tests synthesize what `cdk synth` does. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8'),
).context;

/** An app with cdk.json's context, writing to a throw-away outdir, with no validation plugin yet. */
export function contextApp(props: AppProps = {}): App {
  return new App({
    outdir: mkdtempSync(join(tmpdir(), 'nag-')),
    ...props,
    context: { ...CDK_JSON_CONTEXT, ...props.context },
  });
}

/** An app with cdk.json's context and the three cdk-nag packs registered, writing to a throw-away outdir. */
export function nagApp(props: AppProps = {}): App {
  const app = contextApp(props);
  applyCompliancePacks(app);
  return app;
}

/**
 * Synthesizes an app and returns every unacknowledged finding of every validation plugin
 * (cdk-nag packs and CDK's CloudFormation validation). An empty list means the app is clean.
 */
export function synthFindings(app: App, onClean?: (assembly: CloudAssembly) => void): Finding[] {
  const outdir = app.outdir;
  try {
    const assembly = app.synth();
    // A clean synth's assembly, before its directory goes (e.g. to price it).
    onClean?.(assembly);
    return [];
  } catch (e) {
    const message = (e as Error).message;
    // Under vitest (NODE_ENV=test, CDK's in-memory app mode) the message is the report itself, not
    // "Validation failed. ..."; in every mode it ends by naming the copy of the report.
    if (!message.includes('A copy of this report can be found in')) throw e;
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{
        pluginName: string;
        violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }>;
      }>;
    };
    return report.pluginReports.flatMap((p) =>
      p.violations.flatMap((v) =>
        v.violatingConstructs.map((c) => ({ pack: p.pluginName, rule: v.ruleName, path: c.constructPath })),
      ),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Renders findings one per line, for readable assertion failures. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.rule} at ${f.path}`).join('\n');
}
