import { describe, expect, test } from 'vitest';
import { estimate } from '../../cost/index';
import { CostInputError } from '../../cost/errors';
import { renderJson } from '../../cost/render/json';
import { renderTable } from '../../cost/render/table';
import { CATALOG, PINNED, linesOf, priceResources, rangesOrdered } from './fixtures/engine';

// List prices (bundled catalog): us-east-1 m5.large 0.096 $/h, m5.xlarge 0.192 $/h, NAT gateway 0.045 $/h
// (infracost), interface endpoint 0.01 $/AZ-h (infracost), KMS key 1 $/month, standard alarm 0.1, dashboard 3;
// eu-west-1 interface endpoint 0.011 $/AZ-h, KMS 1, alarm 0.1, dashboard 3 (apw_v0rts).

const TEMPLATE = {
  Parameters: { Env: { Type: 'String', Default: 'dev' }, Tier: { Type: 'String' } },
  Conditions: {
    IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
    BigTier: { 'Fn::Equals': [{ Ref: 'Tier' }, 'big'] },
  },
  Resources: {
    CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'x' } },
    Role: { Type: 'AWS::IAM::Role', Properties: {} },
    Provider: { Type: 'Custom::S3AutoDeleteObjects', Properties: {} },
    Mystery: {
      Type: 'AWS::Mystery::Thing',
      Properties: {},
      Metadata: { 'aws:cdk:path': 'Stack/Mystery/Resource' },
    },
    Key: { Type: 'AWS::KMS::Key', Properties: { Tags: [{ Key: 'team', Value: 'ml' }] } },
    ProdNat: { Type: 'AWS::EC2::NatGateway', Condition: 'IsProd', Properties: {} },
    MaybeNat: { Type: 'AWS::EC2::NatGateway', Condition: 'BigTier', Properties: {} },
    Vm: {
      Type: 'AWS::EC2::Instance',
      Properties: { InstanceType: { 'Fn::If': ['BigTier', 'm5.xlarge', 'm5.large'] } },
    },
    Budget: {
      Type: 'AWS::Budgets::Budget',
      Properties: {
        Budget: { BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 100, Unit: 'USD' } },
      },
    },
  },
};

const report = estimate(
  { template: TEMPLATE, stackName: 'Stack' },
  { region: 'us-east-1', catalog: CATALOG, generatedAt: PINNED },
);
const [stack] = report.stacks;

describe('assembly', () => {
  test('report header: schema, currency, pinned time, catalog', () => {
    // THEN
    expect(report).toMatchObject({
      schemaVersion: 1,
      currency: 'USD',
      generatedAt: PINNED,
      catalog: { version: CATALOG.version, capturedAt: CATALOG.capturedAt },
    });
    expect(report.catalog.regions).toContain('eu-west-1');
    expect(stack).toMatchObject({ stackName: 'Stack', region: 'us-east-1', regionSource: 'option' });
  });

  test('unknown types are unpriced with the reason; known-free and Custom:: types are free; CDK metadata ignored', () => {
    // THEN
    expect(stack.unpriced).toEqual([
      {
        logicalId: 'Mystery',
        resourceType: 'AWS::Mystery::Thing',
        reason: 'no pricing module for AWS::Mystery::Thing',
        constructPath: 'Stack/Mystery/Resource',
      },
    ]);
    // (a cost budget without actions is free: the catalog's budgets module)
    expect(stack.free.map((f) => f.logicalId)).toEqual(['Budget', 'Provider', 'Role']);
  });

  test('an FSx data repository association is free: its storage is billed on the file system', () => {
    // GIVEN / WHEN
    const fsx = priceResources({
      Link: {
        Type: 'AWS::FSx::DataRepositoryAssociation',
        Properties: { FileSystemId: 'fs-1', FileSystemPath: '/datasets', DataRepositoryPath: 's3://b/d' },
      },
    });
    // THEN
    expect(fsx.unpriced).toEqual([]);
    expect(fsx.free).toEqual([{ logicalId: 'Link', resourceType: 'AWS::FSx::DataRepositoryAssociation' }]);
  });

  test('a false condition’s resources are not priced at all', () => {
    // THEN
    const ids = [...stack.lines, ...stack.unpriced, ...stack.free].map((x) => x.logicalId);
    expect(ids).not.toContain('ProdNat');
  });

  test('an undecided resource condition: min excludes it, max includes it, lines marked conditional', () => {
    // WHEN
    const [hours] = linesOf(stack, 'MaybeNat');
    // THEN
    expect(hours.conditional).toBe(true);
    expect(hours.monthly).toEqual({
      min: 0,
      expected: expect.closeTo(730 * 0.045, 6),
      max: expect.closeTo(730 * 0.045, 6),
    });
  });

  test('an undecided Fn::If prices both branches as one line: min the cheaper, max the dearer', () => {
    // WHEN
    const lines = linesOf(stack, 'Vm');
    // THEN true branch m5.xlarge, false branch m5.large: paired although their labels differ
    expect(lines.map((l) => [l.component, l.monthly])).toEqual([
      [
        'Instance usage (m5.xlarge, on-demand)',
        {
          min: expect.closeTo(730 * 0.096, 6),
          expected: expect.closeTo(730 * 0.192, 6),
          max: expect.closeTo(730 * 0.192, 6),
        },
      ],
    ]);
    expect(lines[0].conditional).toBe(true);
    expect(lines[0].notes).toContain(
      'Fn::If on an undecided condition: the range covers both branches (m5.xlarge, on-demand → m5.large, on-demand)',
    );
  });

  test('review repro: Fn::If [IsProd, g5.12xlarge, g5.xlarge] with Env unset is min 734.38, max 4,140.56', () => {
    // GIVEN /tmp/rv/ifbug.json: us-east-1 g5.12xlarge 5.672 $/h, g5.xlarge 1.006 $/h
    const ifStack = priceResources(
      {
        Inst: {
          Type: 'AWS::EC2::Instance',
          Properties: { InstanceType: { 'Fn::If': ['IsProd', 'g5.12xlarge', 'g5.xlarge'] } },
        },
      },
      {
        sections: {
          Parameters: { Env: { Type: 'String' } },
          Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
        },
      },
    );
    // THEN one line, not the two branches summed (min 0 / max 4,874.94)
    expect(ifStack.lines).toHaveLength(1);
    expect(ifStack.totals).toEqual({ min: 734.38, expected: 4140.56, max: 4140.56 });
  });

  test('branches pair by component name and occurrence: each EBS volume with its counterpart', () => {
    // GIVEN an instance whose two volumes change size with an undecided condition
    const volumes = (a: number, b: number) => [
      { DeviceName: '/dev/xvda', Ebs: { VolumeSize: a, VolumeType: 'gp3' } },
      { DeviceName: '/dev/xvdb', Ebs: { VolumeSize: b, VolumeType: 'gp3' } },
    ];
    const ltStack = priceResources(
      {
        Vm: {
          Type: 'AWS::EC2::Instance',
          Properties: {
            InstanceType: 'm5.large',
            BlockDeviceMappings: { 'Fn::If': ['Big', volumes(200, 1000), volumes(100, 500)] },
          },
        },
      },
      {
        sections: {
          Parameters: { Size: { Type: 'String' } },
          Conditions: { Big: { 'Fn::Equals': [{ Ref: 'Size' }, 'big'] } },
        },
      },
    );
    // THEN
    expect(linesOf(ltStack, 'Vm').map((l) => [l.component, l.monthly])).toEqual([
      ['Instance usage (m5.large, on-demand)', expect.anything()],
      ['EBS storage (gp3, /dev/xvda, 200 GB per instance)', { min: 8, expected: 16, max: 16 }],
      ['EBS storage (gp3, /dev/xvdb, 1000 GB per instance)', { min: 40, expected: 80, max: 80 }],
    ]);
  });

  test('usage-based lines without assumptions are kept out of totals, visibly', () => {
    // WHEN
    const requests = stack.lines.filter((l) => l.usageBased && !l.inTotals);
    // THEN
    expect(requests.length).toBeGreaterThan(0);
    for (const l of requests) expect(l.monthly).toEqual({ min: 0, expected: 0, max: 0 });
    expect(renderTable(report)).toContain('depends on usage');
  });

  test('the terminal table: one row per line, tiny unit prices in full, totals, unpriced listed loudly', () => {
    // WHEN
    const table = renderTable(report);
    // THEN
    expect(table).toMatch(
      /^Stack Stack \(us-east-1, from --region\)\nResource +Component +Quantity +Unit price +Min\/mo +Expected\/mo +Max\/mo\n/,
    );
    expect(table).toMatch(
      /Key +Customer managed key \(SYMMETRIC_DEFAULT\) +1 key-month +\$1\.00 +\$1\.00 +\$1\.00 +\$1\.00\n/,
    );
    expect(table).toMatch(
      /Key +Requests \(SYMMETRIC_DEFAULT\) +- +\$0\.000003 per request +depends on usage\n/,
    );
    expect(table).toMatch(/MaybeNat +NAT gateway \(public\) \[conditional\]/);
    expect(table).toContain(
      `Total: $${stack.totals.min.toFixed(2)} / $${stack.totals.expected.toFixed(2)} / $${stack.totals.max.toFixed(2)} per month`,
    );
    expect(table).toContain(
      'UNPRICED: 1 resource(s) are not in the totals (1 of 7 resources, 14%):\n  ! Mystery (AWS::Mystery::Thing): no pricing module for AWS::Mystery::Thing\n',
    );
    expect(table).toContain('Free: 3 resource(s) with no charge of their own.');
  });

  test('totals are the sum of in-total lines; lines sorted by logical id; tags carried', () => {
    // THEN
    const sum = (k: 'min' | 'expected' | 'max') =>
      stack.lines.filter((l) => l.inTotals).reduce((a, l) => a + l.monthly[k], 0);
    expect(stack.totals.min).toBeCloseTo(sum('min'), 6);
    expect(stack.totals.expected).toBeCloseTo(sum('expected'), 6);
    expect(stack.totals.max).toBeCloseTo(sum('max'), 6);
    expect(report.totals).toEqual(stack.totals);
    expect(stack.lines.map((l) => l.logicalId)).toEqual([...stack.lines.map((l) => l.logicalId)].sort());
    expect(linesOf(stack, 'Key')[0].tags).toEqual({ team: 'ml' });
    expect(rangesOrdered(stack)).toBe(true);
  });

  test('a monthly cost budget is compared with the expected total', () => {
    // THEN
    expect(stack.budget).toEqual({ amount: 100, coversExpected: 100 >= stack.totals.expected });
  });

  test('the JSON report is deterministic', () => {
    // WHEN
    const again = estimate(
      { template: TEMPLATE, stackName: 'Stack' },
      { region: 'us-east-1', catalog: CATALOG, generatedAt: PINNED },
    );
    // THEN
    expect(renderJson(again)).toBe(renderJson(report));
    expect(renderJson(report).endsWith('}\n')).toBe(true);
  });

  test('parameters decide conditions', () => {
    // WHEN
    const prod = estimate(
      { template: TEMPLATE, stackName: 'Stack' },
      {
        region: 'us-east-1',
        catalog: CATALOG,
        generatedAt: PINNED,
        parameters: { Env: 'prod', Tier: 'small' },
      },
    ).stacks[0];
    // THEN
    expect(linesOf(prod, 'ProdNat')).toHaveLength(2);
    expect(linesOf(prod, 'MaybeNat')).toEqual([]);
    expect(linesOf(prod, 'Vm').map((l) => [l.component, l.conditional])).toEqual([
      ['Instance usage (m5.large, on-demand)', undefined],
    ]);
  });
});

describe('fixed-price resources at list price', () => {
  const resources = {
    Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} },
    Endpoint: {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: {
        VpcEndpointType: 'Interface',
        ServiceName: 'com.amazonaws.x.sagemaker.runtime',
        SubnetIds: ['a', 'b', 'c'],
      },
    },
    GatewayEndpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { ServiceName: 'com.amazonaws.x.s3' } },
    Key: { Type: 'AWS::KMS::Key', Properties: {} },
    Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'x', Namespace: 'y', Period: 300 } },
    Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardBody: '{}' } },
  };
  const expectedByRegion: Record<string, Record<string, number | 'unpriced'>> = {
    'us-east-1': { Nat: 730 * 0.045, Endpoint: 3 * 730 * 0.01, Key: 1, Alarm: 0.1, Dashboard: 3 },
    // eu-west-1 NAT: 0.048 $/h in AWS's EC2 offer file for eu-west-1 (publication 2026-09-25)
    'eu-west-1': { Nat: 730 * 0.048, Endpoint: 3 * 730 * 0.011, Key: 1, Alarm: 0.1, Dashboard: 3 },
    // NAT gateway hours in ap-northeast-1 have no citable source yet (docs/prices.md): unpriced, not guessed
    'ap-northeast-1': { Nat: 'unpriced', Key: 1, Alarm: 0.1 },
  };

  test.each(Object.entries(expectedByRegion))('%s', (region, expected) => {
    // GIVEN / WHEN
    const s = priceResources(resources, { region });
    // THEN each fixed component is within 1% of list price
    for (const [id, value] of Object.entries(expected)) {
      if (value === 'unpriced') {
        expect(s.unpriced.map((u) => u.logicalId)).toContain(id);
        continue;
      }
      const fixed = linesOf(s, id).filter((l) => !l.usageBased)[0];
      expect(Math.abs(fixed.monthly.expected - value) / value, `${region} ${id}`).toBeLessThan(0.01);
    }
    expect(s.free.map((f) => f.logicalId)).toContain('GatewayEndpoint');
  });
});

describe('regions', () => {
  test.each([
    [{}, 'stack Stack is environment-agnostic: pass --region'],
    [{ region: 'mars-north-1' }, 'the price catalog has no prices for region mars-north-1'],
  ])('%j is a CostInputError', (options, message) => {
    // GIVEN / WHEN / THEN
    const run = () =>
      estimate({ template: { Resources: {} }, stackName: 'Stack' }, { catalog: CATALOG, ...options });
    expect(run).toThrow(CostInputError);
    expect(run).toThrow(message);
  });

  test('the app default region is used for environment-agnostic stacks and said so', () => {
    // GIVEN / WHEN
    const r = estimate({ template: { Resources: {} } }, { defaultRegion: 'eu-west-1', catalog: CATALOG });
    // THEN
    expect(r.stacks[0]).toMatchObject({ stackName: 'Stack', region: 'eu-west-1', regionSource: 'default' });
  });
});
