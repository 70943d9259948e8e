import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { estimate } from '../../cost/index';
import { CostInputError } from '../../cost/errors';
import { loadUsageFile, resourceUsage } from '../../cost/usage';
import { CATALOG, PINNED, linesOf } from './fixtures/engine';

// us-east-1 g5.xlarge 1.006 $/h, spot ratio 0.4334 (bundled catalog, karpenter_2026_07)

const dir = mkdtempSync(join(tmpdir(), 'usage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const TEMPLATE = {
  Parameters: { Types: { Type: 'CommaDelimitedList', Default: 'g5.2xlarge' } },
  Resources: {
    CE: {
      Type: 'AWS::Batch::ComputeEnvironment',
      Metadata: {
        'aws:cdk:path': 'Stack/Training/ComputeEnv/Resource',
        'cdk-ml-platform:usage': {
          monthlyGpuHours: 50,
          monthlyInstanceHours: 40,
          source: 'GpuTrainingCluster.expectedUsage',
        },
      },
      Properties: {
        ComputeResources: { Type: 'SPOT', MinvCpus: 0, MaxvCpus: 64, InstanceTypes: { Ref: 'Types' } },
      },
    },
  },
};
const run = (usage?: string | Record<string, unknown>, parameters?: Record<string, string>) =>
  estimate(
    { template: TEMPLATE, stackName: 'Stack' },
    {
      region: 'us-east-1',
      catalog: CATALOG,
      generatedAt: PINNED,
      ...(usage ? { usage } : {}),
      ...(parameters ? { parameters } : {}),
    },
  ).stacks[0];

describe('usage file', () => {
  test('YAML keyed by construct path overrides metadata; parameters come from the file', () => {
    // GIVEN
    const path = file(
      'usage.yaml',
      [
        'parameters:',
        '  Types: g5.xlarge',
        'Stack:',
        '  Stack/Training/ComputeEnv:',
        '    monthlyInstanceHours: 300',
        '    note: busy month',
      ].join('\n'),
    );
    // WHEN
    const stack = run(path);
    // THEN instance-hours and GPU-hours state one quantity: the file's instance-hours replace both
    expect(linesOf(stack, 'CE')[0].monthly.expected).toBeCloseTo(300 * 1.006 * 0.4334, 4);
    expect(linesOf(stack, 'CE')[0].usageSource).toBe('usage-file');
    expect(stack.assumptions).toEqual([
      { logicalId: 'CE', key: 'monthlyInstanceHours', value: 300, source: 'usage-file', origin: path },
    ]);
  });

  test('review repro: monthlyGpuHours in the file overrides monthlyInstanceHours: 0 in the metadata', () => {
    // GIVEN the reference prod on-demand environment's metadata and /tmp/rv/usage.yaml
    const template = {
      Resources: {
        TrainingOnDemandComputeEnvironment0E2F6950: {
          Type: 'AWS::Batch::ComputeEnvironment',
          Metadata: {
            'cdk-ml-platform:usage': { monthlyInstanceHours: 0, source: 'GpuTrainingCluster.expectedUsage' },
          },
          Properties: {
            ComputeResources: { Type: 'EC2', MinvCpus: 0, MaxvCpus: 32, InstanceTypes: ['g5.xlarge'] },
          },
        },
      },
    };
    const path = file(
      'rv-usage.yaml',
      'MlPlatform-prod:\n  TrainingOnDemandComputeEnvironment0E2F6950:\n    monthlyGpuHours: 500\n',
    );
    // WHEN
    const [stack] = estimate(
      { template, stackName: 'MlPlatform-prod' },
      { region: 'us-east-1', catalog: CATALOG, generatedAt: PINNED, usage: path },
    ).stacks;
    // THEN 500 GPU-h on g5.xlarge (1 GPU) at on-demand
    const [line] = linesOf(stack, 'TrainingOnDemandComputeEnvironment0E2F6950');
    expect(line.monthly.expected).toBeCloseTo(500 * 1.006, 4);
    expect(line.usageSource).toBe('usage-file');
    expect(line.notes).not.toContain('monthlyInstanceHours used; monthlyGpuHours ignored');
    expect(stack.assumptions).toEqual([
      {
        logicalId: 'TrainingOnDemandComputeEnvironment0E2F6950',
        key: 'monthlyGpuHours',
        value: 500,
        source: 'usage-file',
        origin: path,
      },
    ]);
  });

  test('keys outside the instance-/GPU-hours pair still merge one by one, each with its own origin', () => {
    // GIVEN metadata with a storage and a data figure; the file overrides only the data figure
    const resource = {
      logicalId: 'Logs',
      type: 'AWS::Logs::LogGroup',
      properties: {},
      metadata: { 'cdk-ml-platform:usage': { storageGb: 50, monthlyDataGb: 10, source: 'Monitoring.logs' } },
      condition: 'none' as const,
      tags: {},
    };
    const usageFile = {
      path: 'u.yaml',
      parameters: {},
      stacks: { Stack: { Logs: { values: { monthlyDataGb: 20 } } } },
    };
    // WHEN
    const usage = resourceUsage('Stack', resource, usageFile);
    // THEN
    expect(usage).toEqual({
      values: { storageGb: 50, monthlyDataGb: 20 },
      sources: { storageGb: 'usage-metadata', monthlyDataGb: 'usage-file' },
      origins: { storageGb: 'Monitoring.logs', monthlyDataGb: 'u.yaml' },
    });
  });

  test('JSON keyed by logical id; --parameter wins over the file’s parameters', () => {
    // GIVEN
    const path = file(
      'usage.json',
      JSON.stringify({ parameters: { Types: 'g5.2xlarge' }, Stack: { CE: { monthlyInstanceHours: 10 } } }),
    );
    // WHEN
    const stack = run(path, { Types: 'g5.xlarge' });
    // THEN
    expect(linesOf(stack, 'CE')[0].component).toBe('Instance usage (g5.xlarge, spot)');
    expect(linesOf(stack, 'CE')[0].monthly.expected).toBeCloseTo(10 * 1.006 * 0.4334, 4);
  });

  test('an empty file is no usage', () => {
    // GIVEN / WHEN / THEN
    expect(loadUsageFile(file('empty.yaml', ''))).toEqual({
      path: join(dir, 'empty.yaml'),
      parameters: {},
      stacks: {},
    });
  });

  test.each([
    [
      'negative.yaml',
      'Stack:\n  CE:\n    monthlyGpuHours: -5\n',
      'Stack.CE.monthlyGpuHours must be a non-negative number, got -5',
    ],
    [
      'nan.yaml',
      'Stack:\n  CE:\n    monthlyGpuHours: .nan\n',
      'Stack.CE.monthlyGpuHours must be a non-negative number, got NaN',
    ],
    [
      'string.yaml',
      'Stack:\n  CE:\n    monthlyGpuHours: "lots"\n',
      'Stack.CE.monthlyGpuHours must be a non-negative number, got "lots"',
    ],
    [
      'typo.yaml',
      'Stack:\n  CE:\n    monthlyGPUHours: 5\n',
      'Stack.CE.monthlyGPUHours is not a usage key (allowed: monthlyInstanceHours, monthlyGpuHours, averageInstanceCount, monthlyRequests, averageDurationMs, storageGb, monthlyDataGb, averageRecordSizeKb, monthlyVcpuHours, monthlyMemoryGbHours, monthlyWriteRequestUnits, monthlyReadRequestUnits, note)',
    ],
    ['list.yaml', '- a\n', '(top level) must be a mapping of stack names'],
    ['stack.yaml', 'Stack: 5\n', 'Stack must be a mapping of logical ids or construct paths'],
    ['entry.yaml', 'Stack:\n  CE: [1]\n', 'Stack.CE must be a mapping of usage keys to numbers'],
    ['params.yaml', 'parameters:\n  Types: [a]\n', 'parameters.Types must be a string or number, got ["a"]'],
    ['broken.yaml', 'Stack: {\n', 'not valid YAML or JSON'],
    [
      'unknown-resource.yaml',
      'Stack:\n  Nope:\n    storageGb: 1\n',
      'Stack.Nope matches no logical id or construct path of stack Stack',
    ],
  ])('%s is a CostInputError naming the file and key', (name, text, message) => {
    // GIVEN
    const path = file(name, text);
    // WHEN / THEN
    expect(() => run(path)).toThrow(CostInputError);
    expect(() => run(path)).toThrow(`usage file ${path}: ${message}`);
  });

  test('a missing usage file', () => {
    // GIVEN / WHEN / THEN
    expect(() => run(join(dir, 'nope.yaml'))).toThrow(`usage file ${join(dir, 'nope.yaml')}: no such file`);
  });
});

describe('usage metadata', () => {
  test.each([
    [
      -1,
      'stack Stack resource CE: cdk-ml-platform:usage metadata monthlyGpuHours must be a non-negative number, got -1',
    ],
    [
      '10',
      'stack Stack resource CE: cdk-ml-platform:usage metadata monthlyGpuHours must be a non-negative number, got "10"',
    ],
  ])('malformed metadata %j is a CostInputError', (value, message) => {
    // GIVEN
    const template = {
      Resources: {
        CE: {
          ...TEMPLATE.Resources.CE,
          Metadata: { 'cdk-ml-platform:usage': { monthlyGpuHours: value, source: 'x' } },
          Properties: { ComputeResources: { Type: 'SPOT', MaxvCpus: 8, InstanceTypes: ['g5.xlarge'] } },
        },
      },
    };
    // WHEN / THEN
    expect(() =>
      estimate({ template, stackName: 'Stack' }, { region: 'us-east-1', catalog: CATALOG }),
    ).toThrow(new CostInputError(message));
  });
});
