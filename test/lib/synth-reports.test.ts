import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MlNetwork } from '../../constructs/network/ml-network';
import { applyCompliancePacks } from '../../constructs/core/compliance';
import { COST_REPORT_CONTEXT_KEY, writeSynthReports, type SynthReports } from '../../lib/synth-reports';
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
