import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseDiffArgs, runDiff } from '../../cost/cli/diff-command';
import type { CliIo } from '../../cost/cli/io';
import { main } from '../../cost/cli/main';
import { CostInputError } from '../../cost/errors';
import { MARKDOWN_DIFF_MARKER } from '../../cost/render/markdown';
import { devProdHeadReport, devProdReport } from './fixtures/reports';

let dir: string;

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: dir, env: {} };
}

const NAT = {
  Type: 'AWS::EC2::NatGateway',
  Properties: { SubnetId: 'subnet-1', AllocationId: 'eipalloc-1' },
};

beforeAll(() => {
  // GIVEN a cheaper base and a dearer head, as JSON reports, as cloud assemblies and as templates
  dir = mkdtempSync(join(tmpdir(), 'cost-diff-'));
  writeFileSync(join(dir, 'base.json'), JSON.stringify(devProdReport));
  writeFileSync(join(dir, 'head.json'), JSON.stringify(devProdHeadReport));
  for (const [name, report] of [
    ['base.out', devProdReport],
    ['head.out', devProdHeadReport],
  ] as const) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'cost-report.json'), JSON.stringify(report));
  }
  writeFileSync(join(dir, 'app.template.json'), JSON.stringify({ Resources: { Nat1: NAT } }));
  writeFileSync(
    join(dir, 'main.template.json'),
    JSON.stringify({ Resources: { Nat1: NAT, Nat2: NAT, Key: { Type: 'AWS::KMS::Key', Properties: {} } } }),
  );
  // a cloud assembly without cost-report.json: the diff estimates it
  mkdirSync(join(dir, 'synth.out'));
  writeFileSync(
    join(dir, 'synth.out', 'manifest.json'),
    JSON.stringify({
      version: '48.0.0',
      artifacts: {
        App: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://unknown-account/us-east-1',
          properties: { templateFile: 'App.template.json' },
        },
      },
    }),
  );
  writeFileSync(
    join(dir, 'synth.out', 'App.template.json'),
    JSON.stringify({ Resources: { Nat1: NAT, Nat2: NAT } }),
  );
  writeFileSync(join(dir, 'not-a-report.json'), JSON.stringify({ schemaVersion: 1, stacks: 'nope' }));
  writeFileSync(join(dir, 'broken.json'), '{"schemaVersion": 1,');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('cdk-ml-cost diff', () => {
  test('a dearer head with --fail-on-increase 1 exits 1 with one line on stderr', async () => {
    // WHEN
    const cli = io();
    const code = await main(['diff', 'base.json', 'head.json', '--fail-on-increase', '1'], cli);
    // THEN
    expect(code).toBe(1);
    expect(cli.err).toEqual([
      'cdk-ml-cost: guardrail: expected monthly cost increased above --fail-on-increase $1.00: $4,205.46 → $4,443.51 (+$238.05, +5.7%)\n',
    ]);
    expect(cli.out.join('')).toContain('Inference/EndpointConfig: ml.g5.xlarge → ml.g5.2xlarge');
  });

  test('the reverse (a cheaper head) exits 0', async () => {
    const cli = io();
    expect(await main(['diff', 'head.json', 'base.json', '--fail-on-increase', '1'], cli)).toBe(0);
    expect(cli.err).toEqual([]);
  });

  test.each([
    ['10%', 0],
    ['5%', 1],
    ['300', 0],
    ['238', 1],
  ])('--fail-on-increase=%s exits %d', async (threshold, exit) => {
    expect(await main(['diff', 'base.json', 'head.json', `--fail-on-increase=${threshold}`], io())).toBe(
      exit,
    );
  });

  test('no guardrail: exit 0 even on an increase', async () => {
    expect(await main(['diff', 'base.json', 'head.json'], io())).toBe(0);
  });

  test('cloud assembly directories holding cost-report.json', async () => {
    const cli = io();
    expect(
      await main(['diff', 'base.out', 'head.out', '--format', 'json', '--fail-on-increase', '1'], cli),
    ).toBe(1);
    const diff = JSON.parse(cli.out.join(''));
    expect(diff.kind).toBe('cdk-ml-cost-diff');
    expect(diff.totals.delta).toEqual({ min: 155.53, expected: 238.05, max: 1779.93 });
  });

  test('--format md --out writes the pull-request comment atomically and prints a summary', async () => {
    // WHEN
    const cli = io();
    const code = await runDiff(
      ['base.out', 'head.out', '--format', 'md', '--out', 'reports/cost-diff.md'],
      cli,
    );
    // THEN
    expect(code).toBe(0);
    const md = readFileSync(join(dir, 'reports/cost-diff.md'), 'utf8');
    expect(md.startsWith(MARKDOWN_DIFF_MARKER)).toBe(true);
    expect(md).toContain('ml.g5.xlarge → ml.g5.2xlarge');
    expect(cli.out.join('')).toBe(
      `Monthly cost (expected): $4,205.46 → $4,443.51 (+$238.05, +5.7%)\nwrote ${join(dir, 'reports/cost-diff.md')}\n`,
    );
  });

  test('--format html is one self-contained page', async () => {
    const cli = io();
    expect(await runDiff(['base.json', 'head.json', '--format=html'], cli)).toBe(0);
    const html = cli.out.join('');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|https?:\/\//i);
  });

  test('two templates are estimated now (offline catalog) and paired as one stack', async () => {
    // WHEN base: 1 NAT gateway; head: 2 NAT gateways and a KMS key (0.045 $/h × 730 h, 1 $/key-month)
    const cli = io();
    const code = await main(
      [
        'diff',
        'app.template.json',
        'main.template.json',
        '--region',
        'us-east-1',
        '--format',
        'json',
        '--fail-on-increase',
        '100%',
      ],
      cli,
    );
    // THEN +$33.85 on $32.85 is +103%
    expect(cli.err.join('')).toContain('increased above --fail-on-increase 100%');
    expect(code).toBe(1);
    const diff = JSON.parse(cli.out.join(''));
    expect(diff.totals.before.expected).toBeCloseTo(32.85, 9);
    expect(diff.totals.delta.expected).toBe(33.85);
    expect(
      diff.resources.map((r: { kind: string; logicalId: string }) => `${r.kind} ${r.logicalId}`),
    ).toEqual(['added Nat2', 'added Key']);
  });

  test('a cloud assembly without cost-report.json is estimated now', async () => {
    const cli = io();
    expect(await main(['diff', 'synth.out', 'synth.out', '--format', 'json'], cli)).toBe(0);
    const diff = JSON.parse(cli.out.join(''));
    expect(diff.totals.after.expected).toBeCloseTo(65.7, 9);
    expect(diff.resources).toEqual([]);
  });

  test.each([
    [
      ['diff', 'base.json'],
      'cdk-ml-cost: diff needs exactly two inputs, <base> and <head> (cost-report.json files or cdk.out directories); got 1\n',
    ],
    [
      ['diff', 'base.json', 'head.json', 'x.json'],
      'cdk-ml-cost: diff needs exactly two inputs, <base> and <head> (cost-report.json files or cdk.out directories); got 3\n',
    ],
    [
      ['diff', 'base.json', 'head.json', '--format', 'csv'],
      'cdk-ml-cost: diff: --format must be one of table, json, md, html; got "csv"\n',
    ],
    [
      ['diff', 'base.json', 'head.json', '--fail-on-increase', 'lots'],
      'cdk-ml-cost: --fail-on-increase expects an amount in USD (e.g. 100) or a percentage (e.g. 10%); got "lots"\n',
    ],
    [
      ['diff', 'base.json', 'head.json', '--fail-on-increase'],
      'cdk-ml-cost: diff: --fail-on-increase needs a value\n',
    ],
    [
      ['diff', 'base.json', 'head.json', '--fail-above', '5'],
      'cdk-ml-cost: diff: unknown option --fail-above; options: --format, --fail-on-increase, --out, --region, --usage\n',
    ],
    [
      ['diff', 'base.json', 'head.json', '--format', 'md', '--format', 'html'],
      'cdk-ml-cost: diff: --format given twice\n',
    ],
    [
      ['diff', 'missing.json', 'head.json'],
      `cdk-ml-cost: diff: base ${'<dir>'}/missing.json does not exist\n`,
    ],
    [
      ['diff', 'base.json', 'not-a-report.json'],
      `cdk-ml-cost: diff: head <dir>/not-a-report.json is not a cdk-ml-cost JSON report (schemaVersion 1): totals must have non-negative numeric min ≤ expected ≤ max\n`,
    ],
  ])('bad input %j exits 2 with one line', async (argv, message) => {
    // WHEN
    const cli = io();
    const code = await main(argv, cli);
    // THEN
    expect(code).toBe(2);
    expect(cli.err).toEqual([message.replace('<dir>', dir)]);
    expect(cli.out).toEqual([]);
  });

  test('a file that is neither a report nor a template is bad input', async () => {
    const cli = io();
    expect(await main(['diff', 'base.json', 'broken.json'], cli)).toBe(2);
    expect(cli.err).toHaveLength(1);
    expect(cli.err[0]).toMatch(/^cdk-ml-cost: .*broken\.json/);
  });

  test('--help prints the usage', async () => {
    const cli = io();
    expect(await runDiff(['--help'], cli)).toBe(0);
    expect(cli.out.join('')).toContain(
      'usage: cdk-ml-cost diff <base> <head> [--format table|json|md|html] [--fail-on-increase USD|PCT%]',
    );
  });

  test('parseDiffArgs: defaults and both flag spellings', () => {
    expect(parseDiffArgs(['a', 'b'])).toEqual({ base: 'a', head: 'b', format: 'table' });
    expect(parseDiffArgs(['--format=md', 'a', '--fail-on-increase', '10%', 'b', '--out', 'o.md'])).toEqual({
      base: 'a',
      head: 'b',
      format: 'md',
      failOnIncrease: { kind: 'percent', percent: 10 },
      out: 'o.md',
    });
    expect(() => parseDiffArgs([])).toThrow(CostInputError);
  });
});

describe('a changed minimum capacity, end to end from two templates', () => {
  // GIVEN an autoscaled endpoint whose MinCapacity goes from 2 to 3 (MaxCapacity 6)
  const template = (min: number) => ({
    Resources: {
      Cfg: {
        Type: 'AWS::SageMaker::EndpointConfig',
        Metadata: { 'cdk-ml-platform:usage': { averageInstanceCount: 2.36 } },
        Properties: {
          ProductionVariants: [
            { VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 },
          ],
        },
      },
      Ep: {
        Type: 'AWS::SageMaker::Endpoint',
        Properties: { EndpointConfigName: { 'Fn::GetAtt': ['Cfg', 'EndpointConfigName'] } },
      },
      Target: {
        Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        Properties: {
          ServiceNamespace: 'sagemaker',
          ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
          MinCapacity: min,
          MaxCapacity: 6,
          ResourceId: { 'Fn::Sub': 'endpoint/${Ep.EndpointName}/variant/AllTraffic' },
        },
      },
    },
  });
  beforeAll(() => {
    writeFileSync(join(dir, 'min2.json'), JSON.stringify(template(2)));
    writeFileSync(join(dir, 'min3.json'), JSON.stringify(template(3)));
  });

  test.each(['md', 'html', 'table'])(
    '--format %s names the property change, the quantity range and each figure before → after',
    async (format) => {
      // WHEN
      const cli = io();
      const code = await runDiff(
        ['min2.json', 'min3.json', '--region', 'us-east-1', '--format', format, '--fail-on-increase', '10%'],
        cli,
      );
      const out = cli.out.join('');
      // THEN ml.g5.xlarge 1.4084 $/h: min 2 → 3 instances × 730 h, expected clamped 2.36 → 3
      expect(out).toContain('MinCapacity 2 → 3');
      expect(out).toContain('2 to 6 → 3 to 6 instances, expected 2.36 → 3');
      expect(out).toContain('$2,056.26 → $3,084.40');
      expect(out).toContain('$2,426.39 → $3,084.40');
      // the verdict is in the report itself (for the PR comment), not only on stderr
      if (format !== 'table') expect(out).toMatch(/Guardrail tripped.*above --fail-on-increase 10%/);
      expect(code).toBe(1);
      expect(cli.err).toHaveLength(1);
    },
  );

  test('a guardrail that holds says so in the Markdown', async () => {
    const cli = io();
    const code = await runDiff(
      ['min2.json', 'min3.json', '--region', 'us-east-1', '--format', 'md', '--fail-on-increase', '50%'],
      cli,
    );
    expect(code).toBe(0);
    expect(cli.out.join('')).toContain(
      '> **Guardrail held**: expected monthly cost increased within --fail-on-increase 50%',
    );
  });
});
