import { describe, expect, test } from 'vitest';
import { CostInputError } from '../../cost/errors';
import { isUnknown } from '../../cost/pricing/types';
import { resolveTemplate, type ResolveOptions } from '../../cost/template/resolve';
import { partsOf, refTarget } from '../../cost/template/values';

const OPTS: ResolveOptions = { stackName: 'Stack', region: 'eu-west-1', account: '123456789012' };

/** Resolves `value` as the property `V` of a one-resource template and returns it. */
function resolveOne(
  value: unknown,
  extra: Record<string, unknown> = {},
  opts: Partial<ResolveOptions> = {},
): unknown {
  const t = resolveTemplate(
    {
      ...extra,
      Resources: { ...(extra.Resources as object), R: { Type: 'AWS::X::Y', Properties: { V: value } } },
    },
    { ...OPTS, ...opts },
  );
  return t.view.resource('R')?.properties.V;
}

describe('parameters and pseudo parameters', () => {
  const params = {
    Parameters: {
      Size: { Type: 'Number', Default: 4 },
      Name: { Type: 'String' },
      Azs: { Type: 'CommaDelimitedList', Default: 'a, b' },
      Ssm: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/version' },
    },
  };

  test.each([
    ['a default', { Ref: 'Size' }, {}, '4'],
    ['a given value over the default', { Ref: 'Size' }, { Size: '8' }, '8'],
    ['a given value without default', { Ref: 'Name' }, { Name: 'x' }, 'x'],
    ['a list parameter split on commas', { Ref: 'Azs' }, {}, ['a', 'b']],
    ['AWS::Region', { Ref: 'AWS::Region' }, {}, 'eu-west-1'],
    ['AWS::AccountId', { Ref: 'AWS::AccountId' }, {}, '123456789012'],
    ['AWS::Partition', { Ref: 'AWS::Partition' }, {}, 'aws'],
    ['AWS::URLSuffix', { Ref: 'AWS::URLSuffix' }, {}, 'amazonaws.com'],
    ['AWS::StackName', { Ref: 'AWS::StackName' }, {}, 'Stack'],
  ])('%s', (_, value, given, expected) => {
    // GIVEN a template with parameters / WHEN resolving a Ref
    const v = resolveOne(value, params, { parameters: given });
    // THEN
    expect(v).toEqual(expected);
  });

  test('an unset parameter, an SSM parameter and an unknown account are unknown', () => {
    // GIVEN / WHEN
    const v = resolveOne([{ Ref: 'Name' }, { Ref: 'Ssm' }, { Ref: 'AWS::AccountId' }], params, {
      account: undefined,
    });
    // THEN
    expect((v as unknown[]).every(isUnknown)).toBe(true);
  });

  test('AWS::NoValue removes the property and list item', () => {
    // GIVEN / WHEN
    const t = resolveTemplate(
      {
        Resources: {
          R: {
            Type: 'AWS::X::Y',
            Properties: { A: { Ref: 'AWS::NoValue' }, L: [1, { Ref: 'AWS::NoValue' }, 2] },
          },
        },
      },
      OPTS,
    );
    // THEN
    expect(t.view.resource('R')?.properties).toEqual({ L: [1, 2] });
  });
});

describe('intrinsic functions', () => {
  const mappings = { Mappings: { Sizes: { 'eu-west-1': { Gpu: 'g5.xlarge' } } } };
  const other = { Resources: { Ep: { Type: 'AWS::SageMaker::Endpoint', Properties: {} } } };

  test.each([
    ['Fn::Join', { 'Fn::Join': ['-', ['a', 'b', { Ref: 'AWS::Region' }]] }, 'a-b-eu-west-1'],
    [
      'Fn::Sub with pseudo parameters',
      { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::b-${AWS::Region}' },
      'arn:aws:s3:::b-eu-west-1',
    ],
    [
      'Fn::Sub with a variable map',
      { 'Fn::Sub': ['${A}/${B}', { A: 'x', B: { 'Fn::Join': ['', ['y', 'z']] } }] },
      'x/yz',
    ],
    ['Fn::Sub literal ${!Name}', { 'Fn::Sub': 'keep ${!Literal}' }, 'keep ${Literal}'],
    ['Fn::Select', { 'Fn::Select': [1, ['a', 'b', 'c']] }, 'b'],
    ['Fn::Select with a string index', { 'Fn::Select': ['0', ['a']] }, 'a'],
    ['Fn::Split', { 'Fn::Split': [',', 'a,b,c'] }, ['a', 'b', 'c']],
    ['Fn::Select of Fn::Split', { 'Fn::Select': [2, { 'Fn::Split': ['.', 'ml.g5.xlarge'] }] }, 'xlarge'],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['Sizes', { Ref: 'AWS::Region' }, 'Gpu'] }, 'g5.xlarge'],
    ['Fn::GetAZs (2 by default)', { 'Fn::GetAZs': '' }, ['eu-west-1a', 'eu-west-1b']],
    ['Fn::GetAZs of a named region', { 'Fn::GetAZs': 'us-east-1' }, ['us-east-1a', 'us-east-1b']],
    ['Fn::Base64', { 'Fn::Base64': 'hi' }, 'aGk='],
  ])('%s', (_, value, expected) => {
    // GIVEN / WHEN
    const v = resolveOne(value, mappings);
    // THEN
    expect(v).toEqual(expected);
  });

  test('Fn::GetAZs honours the AZ count option', () => {
    // GIVEN / WHEN
    const v = resolveOne({ 'Fn::GetAZs': { Ref: 'AWS::Region' } }, {}, { azCount: 3 });
    // THEN
    expect(v).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  test('Ref and Fn::GetAtt to a resource keep the reference for joins', () => {
    // GIVEN / WHEN
    const v = resolveOne(
      {
        J: {
          'Fn::Join': ['', ['endpoint/', { 'Fn::GetAtt': ['Ep', 'EndpointName'] }, '/variant/AllTraffic']],
        },
        S: { 'Fn::Sub': 'endpoint/${Ep.EndpointName}/variant/v' },
        R: { Ref: 'Ep' },
      },
      other,
    ) as Record<string, unknown>;
    // THEN
    expect(partsOf(v.J)).toEqual([
      'endpoint/',
      { ref: 'Ep', attribute: 'EndpointName' },
      '/variant/AllTraffic',
    ]);
    expect(partsOf(v.S)).toEqual(['endpoint/', { ref: 'Ep', attribute: 'EndpointName' }, '/variant/v']);
    expect(refTarget(v.R)).toBe('Ep');
  });

  test('the reference graph lists who refers to a resource', () => {
    // GIVEN
    const t = resolveTemplate(
      {
        Resources: {
          Cfg: { Type: 'AWS::SageMaker::EndpointConfig', Properties: {} },
          Ep: {
            Type: 'AWS::SageMaker::Endpoint',
            Properties: { EndpointConfigName: { 'Fn::GetAtt': ['Cfg', 'EndpointConfigName'] } },
          },
          Target: {
            Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
            Properties: { ResourceId: { 'Fn::Sub': 'endpoint/${Ep}/x' } },
          },
          Other: { Type: 'AWS::X::Y', Properties: { A: { Ref: 'Cfg' } } },
        },
      },
      OPTS,
    );
    // WHEN / THEN
    expect(t.view.referencedBy('Cfg')).toEqual(['Ep', 'Other']);
    expect(t.view.referencedBy('Ep')).toEqual(['Target']);
    expect(t.view.referencedBy('Target')).toEqual([]);
  });

  test.each([
    [
      'a Ref to nothing',
      { Ref: 'Nope' },
      'R.Properties.V: Ref to Nope, which is not a parameter or resource of the template',
    ],
    [
      'a GetAtt to nothing',
      { 'Fn::GetAtt': ['Nope', 'Arn'] },
      'R.Properties.V: Fn::GetAtt names "Nope", which is not a resource',
    ],
    [
      'Fn::Select out of range',
      { 'Fn::Select': [3, ['a']] },
      'R.Properties.V: Fn::Select index 3 is out of range for a list of 1',
    ],
    [
      'Fn::Join with one argument',
      { 'Fn::Join': [','] },
      'R.Properties.V: Fn::Join takes a list of 2, got [","]',
    ],
    [
      'Fn::FindInMap with no entry',
      { 'Fn::FindInMap': ['M', 'a', 'b'] },
      'R.Properties.V: Fn::FindInMap finds nothing at M.a.b',
    ],
  ])('%s is a CostInputError', (_, value, message) => {
    // GIVEN / WHEN / THEN
    expect(() => resolveOne(value)).toThrow(new CostInputError(message));
  });
});

describe('conditions', () => {
  const template = {
    Parameters: { Env: { Type: 'String', Default: 'dev' }, Free: { Type: 'String' } },
    Conditions: {
      IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
      IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
      InEu: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] },
      DevInEu: { 'Fn::And': [{ Condition: 'IsDev' }, { Condition: 'InEu' }] },
      ProdOrEu: { 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'InEu' }] },
      FreeIsX: { 'Fn::Equals': [{ Ref: 'Free' }, 'x'] },
      FreeAndProd: { 'Fn::And': [{ Condition: 'FreeIsX' }, { Condition: 'IsProd' }] },
      FreeOrDev: { 'Fn::Or': [{ Condition: 'FreeIsX' }, { Condition: 'IsDev' }] },
      FreeAndDev: { 'Fn::And': [{ Condition: 'FreeIsX' }, { Condition: 'IsDev' }] },
      NotFree: { 'Fn::Not': [{ Condition: 'FreeIsX' }] },
    },
    Resources: {
      ProdOnly: { Type: 'AWS::EC2::NatGateway', Condition: 'IsProd', Properties: {} },
      DevOnly: { Type: 'AWS::EC2::NatGateway', Condition: 'IsDev', Properties: {} },
      Maybe: { Type: 'AWS::EC2::NatGateway', Condition: 'FreeAndDev', Properties: {} },
      Switch: {
        Type: 'AWS::EC2::Instance',
        Properties: {
          InstanceType: { 'Fn::If': ['IsProd', 'm5.xlarge', 'm5.large'] },
          Unsure: { 'Fn::If': ['FreeIsX', 'g5.xlarge', 'g5.2xlarge'] },
        },
      },
    },
  };

  test('three-valued logic: unknown operands make Equals undecided, And/Or decide when they can', () => {
    // GIVEN / WHEN
    const t = resolveTemplate(template, OPTS);
    // THEN
    expect(t.conditions).toEqual({
      IsProd: false,
      IsDev: true,
      InEu: true,
      DevInEu: true,
      ProdOrEu: true,
      FreeIsX: 'undecided',
      FreeAndProd: false,
      FreeOrDev: true,
      FreeAndDev: 'undecided',
      NotFree: 'undecided',
    });
  });

  test('a false condition leaves the resource out; an undecided one marks it', () => {
    // GIVEN / WHEN
    const t = resolveTemplate(template, OPTS);
    // THEN
    expect(t.resources.map((r) => [r.logicalId, r.condition])).toEqual([
      ['DevOnly', 'true'],
      ['Maybe', 'undecided'],
      ['Switch', 'none'],
    ]);
    expect(t.excluded).toEqual([
      { logicalId: 'ProdOnly', resourceType: 'AWS::EC2::NatGateway', reason: 'condition IsProd is false' },
    ]);
  });

  test('a given parameter decides the condition', () => {
    // GIVEN / WHEN
    const t = resolveTemplate(template, { ...OPTS, parameters: { Env: 'prod', Free: 'x' } });
    // THEN
    expect(t.resources.map((r) => r.logicalId)).toEqual(['ProdOnly', 'Switch']);
    expect(t.view.resource('Switch')?.properties).toEqual({ InstanceType: 'm5.xlarge', Unsure: 'g5.xlarge' });
    expect(t.alternatives.size).toBe(0);
  });

  test('Fn::If on a decided condition takes its branch; on an undecided one both branches are kept', () => {
    // GIVEN / WHEN
    const t = resolveTemplate(template, OPTS);
    // THEN
    expect(t.view.resource('Switch')?.properties).toEqual({ InstanceType: 'm5.large', Unsure: 'g5.xlarge' });
    expect(t.alternatives.get('Switch')?.properties).toEqual({
      InstanceType: 'm5.large',
      Unsure: 'g5.2xlarge',
    });
  });

  test.each([
    [
      'an undefined condition',
      { Conditions: {}, Resources: { R: { Type: 'A::B::C', Condition: 'Nope' } } },
      'condition Nope is used but not defined in Conditions',
    ],
    [
      'a cyclic condition',
      { Conditions: { A: { Condition: 'B' }, B: { Condition: 'A' } }, Resources: {} },
      'condition A refers to itself',
    ],
    [
      'a condition that is not a condition function',
      { Conditions: { A: { 'Fn::Join': ['', []] } }, Resources: {} },
      'Conditions.A: Fn::Join is not a condition function',
    ],
  ])('%s is a CostInputError', (_, t, message) => {
    // GIVEN / WHEN / THEN
    expect(() => resolveTemplate(t, OPTS)).toThrow(new CostInputError(message));
  });
});

describe('CDK specifics', () => {
  test('CDK metadata resources are ignored; construct paths and tags are read', () => {
    // GIVEN / WHEN
    const t = resolveTemplate(
      {
        Rules: {
          CheckBootstrapVersion: {
            Assertions: [
              { Assert: { 'Fn::Not': [{ 'Fn::Contains': [['1'], { Ref: 'BootstrapVersion' }] }] } },
            ],
          },
        },
        Parameters: {
          BootstrapVersion: {
            Type: 'AWS::SSM::Parameter::Value<String>',
            Default: '/cdk-bootstrap/hnb659fds/version',
          },
        },
        Resources: {
          CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:x' } },
          Key: {
            Type: 'AWS::KMS::Key',
            Properties: {
              Tags: [
                { Key: 'team', Value: 'ml' },
                { Key: 'unknown', Value: { Ref: 'AWS::AccountId' } },
              ],
            },
            Metadata: { 'aws:cdk:path': 'Stack/Key/Resource' },
          },
        },
      },
      { ...OPTS, account: undefined },
    );
    // THEN
    expect(t.resources).toHaveLength(1);
    expect(t.resources[0]).toMatchObject({
      logicalId: 'Key',
      constructPath: 'Stack/Key/Resource',
      tags: { team: 'ml' },
    });
  });
});
