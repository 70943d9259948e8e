import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, test } from 'vitest';
import { estimateStacks } from '../../cost/estimate';
import type { CostReport } from '../../cost/types';
import { readPlatformConfig } from '../../lib/config';
import { addReferencePlatform } from '../../lib/platform-app';

// The reference platform (dev and prod) synthesized with its region set, then estimated from the
// bundled catalog: what a user of that region sees in cdk.out/cost-report.json.
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-northeast-1'] as const;
const reports = new Map<string, CostReport>();

beforeAll(() => {
  for (const region of REGIONS) {
    const app = new App();
    const stacks = addReferencePlatform(app, readPlatformConfig({ region }));
    const assembly = app.synth();
    reports.set(
      region,
      estimateStacks(
        stacks.map((s) => ({
          stackName: s.stackName,
          template: assembly.getStackByName(s.stackName).template as Record<string, unknown>,
          templatePath: `${s.stackName}.template.json`,
          region,
        })),
        { generatedAt: '2026-12-05T00:00:00.000Z' },
      ),
    );
  }
}, 240_000);

describe('the reference platform priced in its own region', () => {
  // SageMaker Feature Store has no citable price in any region yet (the data-plane module says so
  // in its reason): the one gap of us-east-1.
  const FEATURE_STORE = /^no FeatureStore-WriteRequestUnits price/;
  // The model-monitoring schedule (prod) is priced at the SageMaker Processing rate once the catalog
  // carries `Processing:ml.<type>` (cost/catalog/KEYS.md); until then it is unpriced, naming that key.
  const PROCESSING = /^no Processing:ml\.[a-z0-9.]+ price/;

  test('us-east-1: every resource is priced or known free, but the feature groups', () => {
    const report = reports.get('us-east-1')!;
    const unpriced = report.stacks.flatMap((s) => s.unpriced);
    expect(unpriced.filter((u) => !FEATURE_STORE.test(u.reason) && !PROCESSING.test(u.reason))).toEqual([]);
    expect(new Set(unpriced.filter((u) => !PROCESSING.test(u.reason)).map((u) => u.resourceType))).toEqual(
      new Set(['AWS::SageMaker::FeatureGroup']),
    );
    for (const u of unpriced.filter((u) => PROCESSING.test(u.reason)))
      expect(u.resourceType).toBe('AWS::SageMaker::MonitoringSchedule');
  });

  // What is still missing outside us-east-1 is the catalog's documented gaps (docs/prices.md):
  // no citable SageMaker hosting price for these regions yet, no NAT gateway price for
  // ap-northeast-1 (eu-west-1's comes from AWS's EC2 offer file), and g6/g6e instances, which AWS
  // does not offer in eu-west-1 (absent from AWS's EC2 pricing data there). Each such line names
  // the refresh that fills it; nothing else may be unpriced. EBS gp3 is priced in both now
  // (AWS's EBS pricing-page data).
  const DOCUMENTED_GAP: Record<string, RegExp> = {
    'eu-west-1':
      /has no AmazonSageMaker hosting price|instance type (g6|g6e)\.[a-z0-9.,\s g6e]+ has no AmazonEC2 price/,
    'ap-northeast-1': /no NatGateway-Hours price|has no AmazonSageMaker hosting price/,
  };

  test('eu-west-1: the NAT gateways are priced from the region offer file, hours and data', () => {
    const report = reports.get('eu-west-1')!;
    const nat = report.stacks
      .flatMap((s) => s.lines)
      .filter((l) => l.resourceType === 'AWS::EC2::NatGateway');
    expect(nat.length).toBeGreaterThan(0);
    for (const l of nat) expect(l.unitPrice).toBe(0.048);
    expect(
      report.stacks.flatMap((s) => s.unpriced).filter((u) => u.resourceType === 'AWS::EC2::NatGateway'),
    ).toEqual([]);
  });

  test.each(['eu-west-1', 'ap-northeast-1'])(
    '%s: only documented gaps are unpriced, each with its refresh command',
    (region) => {
      const report = reports.get(region)!;
      const unpriced = report.stacks.flatMap((s) => s.unpriced);
      const undocumented = unpriced.filter(
        (u) =>
          !DOCUMENTED_GAP[region].test(u.reason) &&
          !FEATURE_STORE.test(u.reason) &&
          !PROCESSING.test(u.reason),
      );
      expect(undocumented).toEqual([]);
      for (const u of unpriced)
        expect(u.pricedBy).toMatch(
          new RegExp(`^cdk-ml-cost prices refresh --services \\S+ --regions ${region}$`),
        );
      // EIPs, dead-letter queues, secrets, Lambda, SNS, ECR and log groups are priced here now.
      const types = new Set(unpriced.map((u) => u.resourceType));
      for (const t of [
        'AWS::EC2::EIP',
        'AWS::SQS::Queue',
        'AWS::Lambda::Function',
        'AWS::SNS::Topic',
        'AWS::ECR::Repository',
      ])
        expect(types.has(t)).toBe(false);
    },
  );
});
