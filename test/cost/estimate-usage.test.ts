import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { estimate } from '../../cost/index';
import { CostInputError } from '../../cost/errors';
import { loadUsageFile } from '../../cost/usage';
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
  test('YAML keyed by construct path overrides metadata key by key; parameters come from the file', () => {
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
    // THEN
    expect(linesOf(stack, 'CE')[0].monthly.expected).toBeCloseTo(300 * 1.006 * 0.4334, 4);
    expect(linesOf(stack, 'CE')[0].usageSource).toBe('usage-file');
    expect(stack.assumptions).toEqual([
      { logicalId: 'CE', key: 'monthlyInstanceHours', value: 300, source: 'usage-file', origin: path },
      {
        logicalId: 'CE',
        key: 'monthlyGpuHours',
        value: 50,
        source: 'usage-metadata',
        origin: 'GpuTrainingCluster.expectedUsage',
      },
    ]);
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
      'Stack.CE.monthlyGPUHours is not a usage key (allowed: monthlyInstanceHours, monthlyGpuHours, averageInstanceCount, monthlyRequests, averageDurationMs, storageGb, monthlyDataGb, note)',
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
