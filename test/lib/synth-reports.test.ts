import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { MlNetwork } from '../../constructs/network/ml-network';
import { applyCompliancePacks, compliancePacksOf } from '../../constructs/core/compliance';
import { MlPlatformChecks } from '../../lib/nag';
import {
  appDefaultRegion,
  COST_REPORT_CONTEXT_KEY,
  synthWithReports,
  writeSynthReports,
  type SynthReports,
} from '../../lib/synth-reports';
import { contextApp } from '../support/nag';

const PACKS = ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security'];

function synthNetwork(context: Record<string, unknown> = {}): { reports: SynthReports; outdir: string } {
  const app = contextApp({ context });
  applyCompliancePacks(app);
  new MlNetwork(new Stack(app, 'Net', { env: { region: 'us-east-1' } }), 'Network');
  const assembly = app.synth();
  return { reports: writeSynthReports(app, assembly, PACKS), outdir: assembly.directory };
}

describe('writeSynthReports', () => {
  let run: { reports: SynthReports; outdir: string };
  beforeAll(() => {
    run = synthNetwork();
  });
  afterAll(() => rmSync(run.outdir, { recursive: true, force: true }));

  test('names every pack with no finding and counts its acknowledgments', () => {
    const summary = JSON.parse(readFileSync(join(run.outdir, 'compliance-summary.json'), 'utf8'));
    expect(summary.packs.map((p: { pack: string }) => p.pack)).toEqual(PACKS);
    for (const pack of summary.packs) expect(pack.unacknowledgedFindings).toBe(0);
    // The public-subnet route and the flow-log role are acknowledged in NIST and HIPAA, not in AwsSolutions.
    expect(
      summary.packs.find((p: { pack: string }) => p.pack === 'NIST.800.53.R5').acknowledged,
    ).toBeGreaterThanOrEqual(3);
    expect(run.reports.summary).toMatch(/^Compliance: AwsSolutions 0 findings/);
  });

  test('writes the four cost reports and a summary with the stack totals', () => {
    for (const ext of ['json', 'md', 'csv', 'html'])
      expect(existsSync(join(run.outdir, `cost-report.${ext}`))).toBe(true);
    const report = run.reports.costReport!;
    expect(report.stacks.map((s) => s.stackName)).toEqual(['Net']);
    // One NAT gateway (730 h × $0.045) is among the priced lines.
    expect(
      report.stacks[0].lines.some(
        (l) => l.resourceType === 'AWS::EC2::NatGateway' && l.monthly.expected === 32.85,
      ),
    ).toBe(true);
    expect(run.reports.summary).toContain('Net (us-east-1):');
  });
});

test('the cost step can be turned off with context', () => {
  const { reports, outdir } = synthNetwork({ [COST_REPORT_CONTEXT_KEY]: 'false' });
  try {
    expect(reports.costReport).toBeUndefined();
    expect(existsSync(join(outdir, 'cost-report.json'))).toBe(false);
    expect(existsSync(join(outdir, 'compliance-summary.json'))).toBe(true);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});

describe('synthWithReports: the one-liner for any app', () => {
  let reports: SynthReports;
  let printed: string;
  let outdir: string;
  beforeAll(() => {
    // GIVEN a user's app with the packs (ours too) and a stack of its own
    const app = contextApp();
    applyCompliancePacks(app, { extraPlugins: [new MlPlatformChecks(app)] });
    new MlNetwork(new Stack(app, 'Team', { env: { region: 'eu-west-1' } }), 'Network');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      // WHEN it replaces app.synth()
      reports = synthWithReports(app);
      printed = write.mock.calls.map((c) => String(c[0])).join('');
    } finally {
      write.mockRestore();
    }
    outdir = app.outdir;
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('summarizes every pack applyCompliancePacks registered, ours included', () => {
    const summary = JSON.parse(readFileSync(join(outdir, 'compliance-summary.json'), 'utf8'));
    expect(summary.packs.map((p: { pack: string }) => p.pack)).toEqual([...PACKS, 'MlPlatform']);
  });

  test('writes the cost reports next to the templates and prints the summary', () => {
    for (const ext of ['json', 'md', 'csv', 'html'])
      expect(existsSync(join(outdir, `cost-report.${ext}`))).toBe(true);
    expect(reports.costReport?.stacks.map((s) => [s.stackName, s.region])).toEqual([['Team', 'eu-west-1']]);
    expect(printed).toBe(reports.summary);
    expect(printed).toMatch(/^Compliance: AwsSolutions 0 findings .*MlPlatform 0 findings/);
    expect(printed).toContain('Team (eu-west-1):');
  });
});

test('compliancePacksOf names the packs in the order applyCompliancePacks registered them', () => {
  const app = contextApp();
  expect(compliancePacksOf(app)).toEqual([]);
  applyCompliancePacks(app, { extraPlugins: [new MlPlatformChecks(app)] });
  expect(compliancePacksOf(app)).toEqual([...PACKS, 'MlPlatform']);
  rmSync(app.outdir, { recursive: true, force: true });
});

/** An app without packs holding one environment-agnostic stack with a priced resource (a KMS key). */
function agnosticApp() {
  const app = contextApp();
  new kms.Key(new Stack(app, 'Agnostic'), 'Key', { enableKeyRotation: true });
  return app;
}

describe('the synth-time cost step never crashes the app', () => {
  test('an environment-agnostic stack is priced in the app default region, with a note', () => {
    // GIVEN (before: "stack Agnostic is environment-agnostic: pass --region" crashed synth)
    const app = agnosticApp();
    try {
      // WHEN
      const reports = writeSynthReports(app, app.synth(), [], { defaultRegion: 'eu-west-1' });
      // THEN
      expect(reports.costError).toBeUndefined();
      expect(reports.costReport?.stacks[0]).toMatchObject({
        stackName: 'Agnostic',
        region: 'eu-west-1',
        regionSource: 'default',
      });
      expect(reports.summary).toContain(
        "Note: Agnostic is environment-agnostic; it is priced in eu-west-1, the app's default region.",
      );
    } finally {
      rmSync(app.outdir, { recursive: true, force: true });
    }
  });

  test.each([
    [{ CDK_DEFAULT_REGION: 'eu-west-1', AWS_REGION: 'us-west-2' }, 'eu-west-1'],
    [{ AWS_REGION: 'us-west-2' }, 'us-west-2'],
    [{ AWS_DEFAULT_REGION: 'ap-south-1' }, 'ap-south-1'],
    [{}, 'us-east-1'],
  ])('the app default region from %j is %s', (env, region) => {
    expect(appDefaultRegion(env)).toBe(region);
  });

  test('any error in the cost step becomes one line, and the compliance summary is still written', () => {
    // GIVEN a usage file that does not exist
    const app = agnosticApp();
    try {
      // WHEN
      const reports = writeSynthReports(app, app.synth(), [], {
        usage: join(app.outdir, 'missing-usage.yaml'),
      });
      // THEN
      expect(reports.costReport).toBeUndefined();
      expect(reports.costError).toMatch(/missing-usage\.yaml/);
      const costLines = reports.summary.split('\n').filter((l) => l.startsWith('Cost reports:'));
      expect(costLines).toEqual([`Cost reports: not written, the cost step failed: ${reports.costError}`]);
      expect(reports.summary).not.toMatch(/\n\s+at /);
      expect(reports.summary.trimEnd().split('\n')).toHaveLength(2);
      expect(existsSync(join(app.outdir, 'compliance-summary.json'))).toBe(true);
      expect(existsSync(join(app.outdir, 'cost-report.json'))).toBe(false);
    } finally {
      rmSync(app.outdir, { recursive: true, force: true });
    }
  });
});
