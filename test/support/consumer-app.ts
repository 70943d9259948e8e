/**
 * The "library in someone else's app" check (issue 13's Done-when), shared by the in-repository test
 * (test/lib/consumer-app.test.ts) and the packed-package test on each aws-cdk-lib it admits
 * (test/package/package.test.ts): the example of docs/usage.md that brings its own VPC, buckets and
 * topic, and what its cloud assembly must show.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractExamples, ROOT } from './doc-examples';

/** The stack the example creates. */
export const CONSUMER_STACK = 'TeamMl';

/** The docs/usage.md example with the team's own VPC (public + private-with-egress only), buckets and topic. */
export function consumerExample(root = ROOT): string {
  const example = extractExamples(readFileSync(join(root, 'docs', 'usage.md'), 'utf8'), 'docs/usage.md').find(
    (e) => e.code.includes('PRIVATE_WITH_EGRESS') && e.code.includes('applyCompliancePacks(app)'),
  );
  if (!example) throw new Error('docs/usage.md has no example that brings its own VPC');
  return example.code;
}

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** What the consumer app's assembly shows, as lists that are empty when all is well. */
export interface ConsumerAssemblyReport {
  /** Resource types in the template. */
  readonly resourceTypes: readonly string[];
  /** Alarms none of whose actions is a topic of the stack with a subscription: `logicalId: actions`. */
  readonly alarmsWithoutSubscriber: readonly string[];
  /** How many alarms the stack has. */
  readonly alarmCount: number;
  /** Unacknowledged error-level findings of any validation plugin: `rule at path`. */
  readonly findings: readonly string[];
  /**
   * Warning-level findings, which do not fail synth: e.g. aws-cdk-lib 2.269's built-in CloudFormation
   * validation reports `E9004` (a GetAtt attribute its bundled schemas lack) as a warning.
   */
  readonly warnings: readonly string[];
  /** Error annotations, and warnings that an alarm topic has no subscriber. */
  readonly problems: readonly string[];
  /** Subnet references of the SageMaker models' VpcConfig. */
  readonly modelSubnets: readonly string[];
}

/** Reads a synthesized consumer assembly (`outdir`) and reports what the Done-when requires. */
export function checkConsumerAssembly(outdir: string): ConsumerAssemblyReport {
  const template = JSON.parse(readFileSync(join(outdir, `${CONSUMER_STACK}.template.json`), 'utf8')) as {
    Resources: Record<string, CfnResource>;
  };
  const resources = Object.entries(template.Resources);
  const ref = (v: unknown): string | undefined => (v as { Ref?: string } | undefined)?.Ref;

  const subscribed = new Set<string>();
  for (const [id, r] of resources) {
    if (r.Type === 'AWS::SNS::Subscription') {
      const topic = ref(r.Properties?.TopicArn);
      if (topic) subscribed.add(topic);
    }
    if (r.Type === 'AWS::SNS::Topic' && ((r.Properties?.Subscription as unknown[]) ?? []).length > 0)
      subscribed.add(id);
  }
  const alarms = resources.filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
  const alarmsWithoutSubscriber = alarms
    .filter(
      ([, r]) => !((r.Properties?.AlarmActions as unknown[]) ?? []).some((a) => subscribed.has(ref(a) ?? '')),
    )
    .map(([id, r]) => `${id}: ${JSON.stringify(r.Properties?.AlarmActions ?? [])}`);

  const findings: string[] = [];
  const warnings: string[] = [];
  const reportFile = join(outdir, 'validation-report.json');
  if (existsSync(reportFile)) {
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      pluginReports: Array<{
        violations: Array<{
          ruleName: string;
          severity?: string;
          violatingConstructs: Array<{ constructPath: string }>;
        }>;
      }>;
    };
    for (const p of report.pluginReports)
      for (const v of p.violations)
        for (const c of v.violatingConstructs)
          (v.severity === undefined || v.severity === 'error' || v.severity === 'fatal'
            ? findings
            : warnings
          ).push(`${v.ruleName} at ${c.constructPath}`);
  }

  // Annotations live in the manifest, or in a file next to it (newer aws-cdk-lib).
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { metadata?: Record<string, Entry[]>; additionalMetadataFile?: string }>;
  };
  type Entry = { type: string; data: unknown };
  const problems: string[] = [];
  for (const artifact of Object.values(manifest.artifacts)) {
    const extra = artifact.additionalMetadataFile
      ? (JSON.parse(readFileSync(join(outdir, artifact.additionalMetadataFile), 'utf8')) as Record<
          string,
          Entry[]
        >)
      : {};
    for (const [path, entries] of Object.entries({ ...artifact.metadata, ...extra })) {
      for (const e of entries) {
        const text = String(e.data);
        if (
          e.type === 'aws:cdk:error' ||
          (e.type === 'aws:cdk:warning' && text.includes('unsubscribed-alarm-topic'))
        )
          problems.push(`${e.type} ${path}: ${text}`);
      }
    }
  }

  const modelSubnets = resources
    .filter(([, r]) => r.Type === 'AWS::SageMaker::Model')
    .flatMap(([, r]) =>
      ((r.Properties?.VpcConfig as { Subnets?: unknown[] })?.Subnets ?? []).map(
        (s) => ref(s) ?? JSON.stringify(s),
      ),
    );

  return {
    resourceTypes: [...new Set(resources.map(([, r]) => r.Type))].sort(),
    alarmsWithoutSubscriber,
    alarmCount: alarms.length,
    findings,
    warnings,
    problems,
    modelSubnets,
  };
}
