import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CostInputError } from '../../cost/errors';
import { loadInput } from '../../cost/template/load';

let dir: string;
const stackTemplate = (type: string) => JSON.stringify({ Resources: { R: { Type: type, Properties: {} } } });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'template-load-'));
  // a cloud assembly: one env-specific stack, one env-agnostic, a nested (stage) assembly, a non-stack artifact
  const asm = join(dir, 'cdk.out');
  mkdirSync(join(asm, 'assembly-Prod'), { recursive: true });
  writeFileSync(join(asm, 'Dev.template.json'), stackTemplate('AWS::KMS::Key'));
  writeFileSync(join(asm, 'Agnostic.template.json'), stackTemplate('AWS::SNS::Topic'));
  writeFileSync(join(asm, 'assembly-Prod', 'ProdStack.template.json'), stackTemplate('AWS::SQS::Queue'));
  writeFileSync(
    join(asm, 'manifest.json'),
    JSON.stringify({
      version: '48.0.0',
      artifacts: {
        Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } },
        Dev: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://111122223333/eu-west-1',
          properties: { templateFile: 'Dev.template.json', stackName: 'ml-dev' },
        },
        Agnostic: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://unknown-account/unknown-region',
          properties: { templateFile: 'Agnostic.template.json' },
        },
        'assembly-Prod': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } },
      },
    }),
  );
  writeFileSync(
    join(asm, 'assembly-Prod', 'manifest.json'),
    JSON.stringify({
      version: '48.0.0',
      artifacts: {
        ProdStack: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://111122223333/us-east-1',
          properties: { templateFile: 'ProdStack.template.json' },
        },
      },
    }),
  );
  writeFileSync(
    join(dir, 'network.yaml'),
    [
      'Parameters:',
      '  Env: { Type: String, Default: dev }',
      'Resources:',
      '  Nat:',
      '    Type: AWS::EC2::NatGateway',
      '    Properties:',
      '      SubnetId: !Select [0, !GetAZs ""]',
      '      Name: !Sub "${AWS::StackName}-nat"',
      '      Arn: !GetAtt Other.Arn',
      '      Zone: !If [IsProd, !Ref AWS::NoValue, !Join ["-", [a, !Ref Env]]]',
      '  Other: { Type: AWS::SNS::Topic }',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'not-an-assembly'));
  writeFileSync(join(dir, 'broken.json'), '{ "Resources": ');
  writeFileSync(join(dir, 'no-resources.json'), '{ "AWSTemplateFormatVersion": "2010-09-09" }');
  writeFileSync(join(dir, 'no-type.json'), '{ "Resources": { "R": { "Properties": {} } } }');
  writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
  mkdirSync(join(dir, 'bad-manifest'));
  writeFileSync(
    join(dir, 'bad-manifest', 'manifest.json'),
    '{"artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "missing.json"}}}}',
  );
  mkdirSync(join(dir, 'no-stacks'));
  writeFileSync(join(dir, 'no-stacks', 'manifest.json'), '{"artifacts": {}}');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cloud assembly', () => {
  test('reads every stack with its environment, nested assemblies included', () => {
    // GIVEN a cdk.out / WHEN
    const stacks = loadInput(join(dir, 'cdk.out'));
    // THEN
    expect(stacks.map((s) => [s.stackName, s.region, s.account])).toEqual([
      ['ml-dev', 'eu-west-1', '111122223333'],
      ['Agnostic', undefined, undefined],
      ['ProdStack', 'us-east-1', '111122223333'],
    ]);
    expect(stacks[0].template).toEqual({ Resources: { R: { Type: 'AWS::KMS::Key', Properties: {} } } });
  });
});

describe('template files', () => {
  test('YAML with CloudFormation short-form tags becomes the JSON form', () => {
    // GIVEN / WHEN
    const [stack] = loadInput(join(dir, 'network.yaml'));
    // THEN
    expect(stack.stackName).toBe('network');
    expect(stack.region).toBeUndefined();
    expect((stack.template.Resources as Record<string, { Properties: unknown }>).Nat.Properties).toEqual({
      SubnetId: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      Name: { 'Fn::Sub': '${AWS::StackName}-nat' },
      Arn: { 'Fn::GetAtt': ['Other', 'Arn'] },
      Zone: { 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, { 'Fn::Join': ['-', ['a', { Ref: 'Env' }]] }] },
    });
  });

  test('a stack name can be given', () => {
    // GIVEN / WHEN / THEN
    expect(loadInput(join(dir, 'network.yaml'), { stackName: 'Net' })[0].stackName).toBe('Net');
  });
});

describe('bad input', () => {
  test.each([
    ['a missing path', 'missing.json', 'missing.json: no such file or directory'],
    [
      'a directory without manifest',
      'not-an-assembly',
      'not-an-assembly: directory has no manifest.json (not a cloud assembly)',
    ],
    ['broken JSON', 'broken.json', 'broken.json: not valid JSON (Unexpected end of JSON input)'],
    [
      'JSON without Resources',
      'no-resources.json',
      'no-resources.json: not a CloudFormation template (no Resources section)',
    ],
    [
      'a resource without Type',
      'no-type.json',
      'no-type.json: resource R has no Type (not a CloudFormation template)',
    ],
    [
      'a YAML list',
      'list.yaml',
      'list.yaml: not a CloudFormation template (expected an object with Resources)',
    ],
    [
      'a manifest naming a missing template',
      'bad-manifest',
      'missing.json: no such file or directory (named by',
    ],
    ['an assembly without stacks', 'no-stacks', 'manifest.json: the assembly has no CloudFormation stacks'],
  ])('%s is a CostInputError naming the path', (_, name, message) => {
    // GIVEN / WHEN / THEN
    const run = () => loadInput(join(dir, name));
    expect(run).toThrow(CostInputError);
    expect(run).toThrow(message);
  });
});
