import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../cost/cli/main';
import type { CliIo } from '../../cost/cli/io';
import type { CostReport } from '../../cost/types';

// us-east-1 m5.large 0.096 $/h (bundled catalog, karpenter_2026_07)

const dir = mkdtempSync(join(tmpdir(), 'cli-estimate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEMPLATE = {
  Resources: { Vm: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'm5.large' } } },
};
const VM_MONTHLY = 730 * 0.096;

beforeAll(() => {
  writeFileSync(join(dir, 'vm.json'), JSON.stringify(TEMPLATE));
  writeFileSync(
    join(dir, 'vm.yaml'),
    'Resources:\n  Vm:\n    Type: AWS::EC2::Instance\n    Properties:\n      InstanceType: !Ref Type\nParameters:\n  Type: {Type: String}\n',
  );
  writeFileSync(join(dir, 'not-template.json'), '{"hello": "world"}');
  writeFileSync(join(dir, 'bad-usage.yaml'), 'vm:\n  Vm:\n    monthlyInstanceHours: -1\n');
  mkdirSync(join(dir, 'cdk.out'));
  writeFileSync(join(dir, 'cdk.out', 'Dev.template.json'), JSON.stringify(TEMPLATE));
  writeFileSync(
    join(dir, 'cdk.out', 'manifest.json'),
    JSON.stringify({
      version: '48.0.0',
      artifacts: {
        Dev: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://111122223333/eu-west-1',
          properties: { templateFile: 'Dev.template.json' },
        },
      },
    }),
  );
});

async function cli(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: dir, env };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('exit 0', () => {
  test('a template with --region prints the table by default', async () => {
    // GIVEN / WHEN
    const r = await cli(['estimate', 'vm.json', '--region', 'us-east-1']);
    // THEN
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('Stack vm (us-east-1, from --region)');
    expect(r.stdout).toContain('Instance usage (m5.large, on-demand)');
    expect(r.stdout).toContain('$70.08');
  });

  test('--format json --out writes the report atomically; SOURCE_DATE_EPOCH pins generatedAt', async () => {
    // GIVEN / WHEN
    const r = await cli(
      ['estimate', 'vm.json', '--region=us-east-1', '--format', 'json', '--out', 'out/report.json'],
      { SOURCE_DATE_EPOCH: '0' },
    );
    // THEN
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8')) as CostReport;
    expect(report.generatedAt).toBe('1970-01-01T00:00:00.000Z');
    expect(report.totals.expected).toBeCloseTo(VM_MONTHLY, 6);
  });

  test('a cloud assembly uses each stack’s environment; YAML parameters from --parameter', async () => {
    // GIVEN / WHEN
    const asm = await cli(['estimate', 'cdk.out', '--format', 'json']);
    const yaml = await cli([
      'estimate',
      'vm.yaml',
      '--region',
      'us-east-1',
      '--parameter',
      'Type=m5.large',
      '--format',
      'json',
    ]);
    // THEN
    expect(JSON.parse(asm.stdout).stacks[0]).toMatchObject({
      stackName: 'Dev',
      region: 'eu-west-1',
      regionSource: 'environment',
    });
    expect((JSON.parse(yaml.stdout) as CostReport).totals.expected).toBeCloseTo(VM_MONTHLY, 6);
  });

  test.each([
    ['md', '#'],
    ['csv', 'ListCost'],
    ['html', '<html'],
  ])('--format %s renders through renderReport', async (format, marker) => {
    // GIVEN / WHEN
    const r = await cli(['estimate', 'vm.json', '--region', 'us-east-1', '--format', format]);
    // THEN
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(marker);
  });

  test('--format csv: expected rows by default, --scenario max or all on request', async () => {
    // GIVEN / WHEN
    const rowsOf = async (extra: string[]) =>
      (await cli(['estimate', 'vm.json', '--region', 'us-east-1', '--format', 'csv', ...extra])).stdout
        .trim()
        .split('\n')
        .slice(1);
    const byDefault = await rowsOf([]);
    const max = await rowsOf(['--scenario', 'max']);
    const all = await rowsOf(['--scenario=all']);
    // THEN
    expect(byDefault).toHaveLength(1);
    expect(byDefault[0]).toMatch(/,expected,/);
    expect(max[0]).toMatch(/,max,/);
    expect(all).toHaveLength(3);
  });

  test('--fail-above under the expected total passes; --help prints usage', async () => {
    // GIVEN / WHEN
    const ok = await cli(['estimate', 'vm.json', '--region', 'us-east-1', '--fail-above', '100']);
    const help = await cli(['--help']);
    // THEN
    expect(ok.code).toBe(0);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: cdk-ml-cost <command>');
  });
});

describe('exit 1: guardrail tripped', () => {
  test('--fail-above below the expected total: report still written, one line on stderr', async () => {
    // GIVEN / WHEN
    const r = await cli([
      'estimate',
      'vm.json',
      '--region',
      'us-east-1',
      '--fail-above',
      '50',
      '--format',
      'json',
      '--out',
      'tripped.json',
    ]);
    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'cdk-ml-cost: guardrail: expected monthly cost $70.08 is above --fail-above $50.00\n',
    );
    expect(existsSync(join(dir, 'tripped.json'))).toBe(true);
  });
});

describe('exit 2: bad input, one line on stderr, no file written', () => {
  test.each([
    [
      ['estimate', 'missing.json', '--region', 'us-east-1'],
      `${join(dir, 'missing.json')}: no such file or directory`,
    ],
    [
      ['estimate', 'not-template.json', '--region', 'us-east-1'],
      `${join(dir, 'not-template.json')}: not a CloudFormation template (no Resources section)`,
    ],
    [
      ['estimate', 'vm.json', '--region', 'xx-nowhere-9'],
      'the price catalog has no prices for region xx-nowhere-9',
    ],
    [
      ['estimate', 'vm.json', '--region', 'Ireland'],
      'estimate: --region must be an AWS region such as us-east-1, got "Ireland"',
    ],
    [['estimate', 'vm.json'], 'stack vm is environment-agnostic: pass --region'],
    [
      ['estimate', 'vm.json', '--region', 'us-east-1', '--usage', 'bad-usage.yaml'],
      'vm.Vm.monthlyInstanceHours must be a non-negative number, got -1',
    ],
    [
      ['estimate', 'vm.json', '--region', 'us-east-1', '--format', 'pdf'],
      'estimate: --format must be one of table, json, md, csv, html, got "pdf"',
    ],
    [
      ['estimate', 'vm.json', '--region', 'us-east-1', '--format', 'csv', '--scenario', 'average'],
      'estimate: --scenario must be one of expected, min, max, all, got "average"',
    ],
    [
      ['estimate', 'vm.json', '--region', 'us-east-1', '--format', 'md', '--scenario', 'max'],
      'estimate: --scenario applies to --format csv only',
    ],
    [
      ['estimate', 'vm.json', '--region', 'us-east-1', '--fail-above', 'lots'],
      '--fail-above expects a monthly amount in USD',
    ],
    [
      ['estimate', 'vm.json', '--region', 'us-east-1', '--az-count', '0'],
      'estimate: --az-count must be an integer from 1 to 26, got "0"',
    ],
    [
      ['estimate', 'vm.json', '--region', 'us-east-1', '--parameter', 'novalue'],
      'estimate: --parameter expects NAME=VALUE, got "novalue"',
    ],
    [
      // a misspelled parameter is exit 2 naming the template's parameters, never silently the default
      ['estimate', 'vm.yaml', '--region', 'us-east-1', '--parameter', 'Typ=m5.large'],
      '--parameter Typ: no template declares it (parameters: Type)',
    ],
    [['estimate', 'vm.json', '--region', 'us-east-1', '--colour'], 'estimate: unknown option --colour'],
    [['estimate', 'vm.json', '--region'], 'estimate: --region needs a value'],
    [['estimate'], 'estimate: missing <cdk.out | template>'],
    [['frobnicate'], 'unknown command "frobnicate" (expected estimate, diff or prices)'],
    [[], 'missing command (estimate, diff or prices)'],
  ])('%j', async (argv, message) => {
    // GIVEN a fresh output path / WHEN
    const out = join(dir, `never-${Math.random().toString(36).slice(2)}.json`);
    const withOut = argv[0] === 'estimate' ? [...argv, '--out', out] : argv;
    const r = await cli(withOut);
    // THEN
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith('cdk-ml-cost: ')).toBe(true);
    expect(r.stderr).toContain(message);
    expect(r.stderr.split('\n')).toEqual([expect.any(String), '']);
    expect(existsSync(out)).toBe(false);
  });
});

describe('the esbuild bundle', () => {
  test('builds without aws-cdk-lib, ships the catalog and runs', () => {
    // GIVEN
    const out = join(dir, 'dist');
    execFileSync(process.execPath, [join(__dirname, '..', '..', 'cost', 'build-cli.mjs'), '--outdir', out], {
      stdio: 'pipe',
    });
    const bundle = readFileSync(join(out, 'cdk-ml-cost.js'), 'utf8');
    // WHEN run from another directory, so the catalog must come from next to the bundle
    const r = spawnSync(
      process.execPath,
      [
        join(out, 'cdk-ml-cost.js'),
        'estimate',
        join(dir, 'vm.json'),
        '--region',
        'us-east-1',
        '--format',
        'json',
      ],
      {
        cwd: tmpdir(),
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    // THEN
    expect(bundle).not.toMatch(/aws-cdk-lib|node_modules\/constructs\//);
    expect(bundle.startsWith('#!/usr/bin/env node')).toBe(true);
    expect(existsSync(join(out, 'catalog.json'))).toBe(true);
    expect(existsSync(join(out, 'regions', 'us-east-1.json'))).toBe(true);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as CostReport).totals.expected).toBeCloseTo(VM_MONTHLY, 6);
  });
});
