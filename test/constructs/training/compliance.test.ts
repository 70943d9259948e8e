import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, test } from 'vitest';
import { acknowledgeGrantPolicy } from '../../../constructs/core/compliance';
import { formatFindings, nagApp, synthFindings, type Finding } from '../../support/nag';
import { fullCluster, IMAGE, trainingStack } from './fixtures';

// One app, bundled and synthesized once, with every feature on (the spot-only default is a subset;
// the reference platform's dev stack runs it under the same packs).
const app = nagApp();
const full = trainingStack(app, 'Full');
const cluster = fullCluster(full);
// A submitter role of the app: its policy names every revision of the job definitions (:*), added
// before and after the grant, and the cluster acknowledges exactly those wildcards.
const submitter = new iam.Role(full.stack, 'Submitter', { assumedBy: new iam.AccountRootPrincipal() });
cluster.grantSubmitJob(submitter);
// The inline grant policy is the role owner's to acknowledge, as for any grant.
acknowledgeGrantPolicy(submitter, 'batch:SubmitJob on the training queues and job definitions');
cluster.addMultiNodeJob('Distributed', { image: IMAGE, nodes: 2 });

let bundle: string;
let findings: Finding[];

beforeAll(() => {
  // The retry function is bundled by local esbuild at construction; read it before synth cleans up.
  const assetDir = readdirSync(app.outdir).find(
    (d) => d.startsWith('asset.') && existsSync(join(app.outdir, d, 'index.js')),
  );
  bundle = assetDir ? readFileSync(join(app.outdir, assetDir, 'index.js'), 'utf8') : '';
  findings = synthFindings(app);
});

describe('GpuTrainingCluster compliance', () => {
  test('zero unacknowledged findings in AwsSolutions, NIST 800-53 R5 and HIPAA with every feature on', () => {
    expect(formatFindings(findings)).toBe('');
    expect(findings).toEqual([]);
  });

  test('the retry function is bundled by esbuild, minified, with the AWS SDK left to the runtime', () => {
    expect(bundle).toContain('resubmitted on on-demand');
    expect(bundle).toMatch(/require\("@aws-sdk\/client-batch"\)/);
    expect(bundle.length).toBeLessThan(20_000);
  });
});
