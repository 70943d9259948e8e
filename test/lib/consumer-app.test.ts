/**
 * Issue 13's Done-when, in this repository: the docs/usage.md app that brings its own VPC (public +
 * private-with-egress subnets only), its own key, buckets and subscribed topic, builds a training
 * cluster with a job, an endpoint serving an S3 model and the monitoring in the README's order, and
 * runs `applyCompliancePacks(app)`. It must synthesize with no finding on the library's constructs,
 * and every alarm must notify a topic somebody subscribed to. test/package/package.test.ts runs the
 * same example from the packed package on the lowest and the newest aws-cdk-lib.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkConsumerAssembly, consumerExample, type ConsumerAssemblyReport } from '../support/consumer-app';
import { ROOT, withLocalImports } from '../support/doc-examples';

let workDir: string;
let report: ConsumerAssemblyReport;

beforeAll(async () => {
  // GIVEN the example as a reader copies it, with 'cdk-ml-platform' pointed at the sources
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  workDir = mkdtempSync(join(ROOT, 'test-artifacts', 'consumer-app-'));
  const file = join(workDir, 'app.ts');
  writeFileSync(file, withLocalImports(consumerExample(), workDir));
  const outdir = join(workDir, 'cdk.out');
  const previous = process.env.CDK_OUTDIR;
  const exitListeners = process.listeners('beforeExit');
  process.env.CDK_OUTDIR = outdir;
  try {
    // WHEN it runs (its app.synth() throws on any unacknowledged finding)
    await import(file);
  } finally {
    if (previous === undefined) delete process.env.CDK_OUTDIR;
    else process.env.CDK_OUTDIR = previous;
    // With CDK_OUTDIR set an App also synthesizes on process exit; that already happened here.
    for (const listener of process.listeners('beforeExit')) {
      if (!exitListeners.includes(listener)) process.removeListener('beforeExit', listener);
    }
  }
  report = checkConsumerAssembly(outdir);
}, 600_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("the library in a team's own app (own VPC without isolated subnets, own buckets and topic)", () => {
  test('synthesizes the training cluster with its job, the endpoint from an S3 model and the monitoring', () => {
    expect(report.resourceTypes).toEqual(
      expect.arrayContaining([
        'AWS::Batch::ComputeEnvironment',
        'AWS::Batch::JobDefinition',
        'AWS::Batch::JobQueue',
        'AWS::SageMaker::Model',
        'AWS::SageMaker::EndpointConfig',
        'AWS::SageMaker::Endpoint',
        'AWS::CloudWatch::Dashboard',
      ]),
    );
  });

  test('the compliance packs find nothing unacknowledged, and no construct reports an error', () => {
    expect(report.findings).toEqual([]);
    expect(report.problems).toEqual([]);
  });

  test('every alarm notifies a topic with a subscriber (the rollback alarms too, through monitorEndpoint)', () => {
    expect(report.alarmCount).toBeGreaterThanOrEqual(10);
    expect(report.alarmsWithoutSubscriber).toEqual([]);
  });

  test('without isolated subnets the models run in the private-with-egress subnets', () => {
    expect(report.modelSubnets.length).toBeGreaterThanOrEqual(2);
    for (const subnet of report.modelSubnets) expect(subnet).toMatch(/^Vpcapp/);
  });
});
