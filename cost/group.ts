/**
 * Grouping and presentation helpers shared by the report renderers (HTML, Markdown, CSV):
 * cost by stack, by service, by cost-allocation tag, top cost drivers, and the labels finance
 * reviewers read (service names; numbers are formatted in render/numbers.ts). Pure functions over a `CostReport`.
 */
import { formatUnitPrice, unitLabel } from './render/numbers';
import type { CostLine, CostRange, CostReport, StackEstimate, UnpricedResource } from './types';

/** One group of cost lines (a stack, a service, a tag value). */
export interface CostGroup {
  /** Stable key: stack name, Price List service code, or tag value (`''` for untagged). */
  readonly key: string;
  /** What a reader sees: stack name, service name, tag value or `(untagged)`. */
  readonly label: string;
  /** Sum of the group's lines that count in totals. */
  readonly monthly: CostRange;
  /** Lines in the group, usage-based lines without assumptions included. */
  readonly lineCount: number;
}

/** A line with the stack it belongs to, for cross-stack tables. */
export interface StackLine {
  readonly stack: StackEstimate;
  readonly line: CostLine;
}

/** FOCUS 1.2 ServiceName / ServiceCategory of a Price List service code. */
export interface ServiceInfo {
  readonly name: string;
  readonly category: string;
}

/** The label used for lines without a value for the tag key. */
export const UNTAGGED_LABEL = '(untagged)';

/**
 * Tag keys treated as cost-allocation tags when a report does not say which to use
 * (compared case-insensitively, `-`, `_` and spaces ignored).
 */
export const DEFAULT_COST_ALLOCATION_TAG_KEYS: readonly string[] = [
  'team',
  'cost-center',
  'cost-centre',
  'project',
  'owner',
  'application',
  'environment',
];

const ZERO: CostRange = { min: 0, expected: 0, max: 0 };

export function addRanges(a: CostRange, b: CostRange): CostRange {
  return { min: a.min + b.min, expected: a.expected + b.expected, max: a.max + b.max };
}

/** Sum of the lines that count in totals. */
export function sumLines(lines: readonly CostLine[]): CostRange {
  return lines.reduce((acc, l) => (l.inTotals ? addRanges(acc, l.monthly) : acc), ZERO);
}

/** Every line of the report with its stack, in report order. */
export function allLines(report: CostReport): StackLine[] {
  return report.stacks.flatMap((stack) => stack.lines.map((line) => ({ stack, line })));
}

/** Per-stack totals as the estimate computed them, in report order. */
export function groupByStack(report: CostReport): CostGroup[] {
  return report.stacks.map((s) => ({
    key: s.stackName,
    label: s.stackName,
    monthly: s.totals,
    lineCount: s.lines.length,
  }));
}

/** Cost by Price List service code, dearest (expected) first; optionally one stack only. */
export function groupByService(report: CostReport, stackName?: string): CostGroup[] {
  const stacks =
    stackName === undefined ? report.stacks : report.stacks.filter((s) => s.stackName === stackName);
  return groupLines(
    stacks.flatMap((s) => s.lines),
    (l) => l.service,
    (key) => serviceInfo(key).name,
  );
}

/** Cost by the value of one tag key (e.g. `team`, `cost-center`); lines without it form `(untagged)`. */
export function groupByTag(report: CostReport, tagKey: string): CostGroup[] {
  return groupLines(
    report.stacks.flatMap((s) => s.lines),
    (l) => l.tags?.[tagKey] ?? '',
    (key) => (key === '' ? UNTAGGED_LABEL : key),
  );
}

/**
 * The cost-allocation tag keys present on the report's lines, in the order of `preferred`
 * (matched case-insensitively, ignoring `-`, `_` and spaces, so `CostCenter` matches `cost-center`).
 * A namespaced key matches by its last segment, so the library's own tags
 * (`cdk-ml-platform:team`, `cdk-ml-platform:cost-center`, from `applyCostAllocationTags`) count
 * as `team` and `cost-center`.
 */
export function costAllocationTagKeys(
  report: CostReport,
  preferred: readonly string[] = DEFAULT_COST_ALLOCATION_TAG_KEYS,
): string[] {
  const present = new Set<string>();
  for (const { line } of allLines(report)) {
    for (const k of Object.keys(line.tags ?? {})) present.add(k);
  }
  const result: string[] = [];
  for (const want of preferred) {
    const matches = [...present]
      .filter(
        (k) =>
          normalizeTagKey(k) === normalizeTagKey(want) ||
          normalizeTagKey(localTagName(k)) === normalizeTagKey(want),
      )
      .sort();
    for (const m of matches) if (!result.includes(m)) result.push(m);
  }
  return result;
}

/**
 * The `count` lines with the highest expected monthly cost (lines in totals only), across stacks
 * or in one stack: the one ranking of cost drivers that every report and the synth summary use.
 */
export function topDrivers(report: CostReport, count: number, stackName?: string): StackLine[] {
  return allLines(report)
    .filter(({ stack }) => stackName === undefined || stack.stackName === stackName)
    .filter(({ line }) => line.inTotals && line.monthly.expected > 0)
    .sort(
      (a, b) =>
        b.line.monthly.expected - a.line.monthly.expected ||
        b.line.monthly.max - a.line.monthly.max ||
        compareText(a.stack.stackName, b.stack.stackName) ||
        compareText(a.line.logicalId, b.line.logicalId) ||
        compareText(a.line.component, b.line.component),
    )
    .slice(0, Math.max(0, count));
}

/** Usage-based lines without an assumption: shown as "depends on usage", kept out of totals. */
export function usageDependentLines(report: CostReport): StackLine[] {
  return allLines(report).filter(({ line }) => !line.inTotals);
}

/** Every unpriced resource with its stack, in report order. */
export function allUnpriced(report: CostReport): (UnpricedResource & { readonly stackName: string })[] {
  return report.stacks.flatMap((s) => s.unpriced.map((u) => ({ stackName: s.stackName, ...u })));
}

/** Price sources used by the report's lines, with how many lines use each and their capture dates. */
export function priceSources(
  report: CostReport,
): { source: string; lineCount: number; capturedAt: string[] }[] {
  const bySource = new Map<string, { lineCount: number; dates: Set<string> }>();
  for (const { line } of allLines(report)) {
    const entry = bySource.get(line.priceSource) ?? { lineCount: 0, dates: new Set<string>() };
    entry.lineCount += 1;
    if (line.priceCapturedAt) entry.dates.add(line.priceCapturedAt);
    bySource.set(line.priceSource, entry);
  }
  return [...bySource.entries()]
    .map(([source, e]) => ({ source, lineCount: e.lineCount, capturedAt: [...e.dates].sort() }))
    .sort((a, b) => compareText(a.source, b.source));
}

/** FOCUS ServiceName / ServiceCategory for a Price List service code; unknown codes keep their code, category `Other`. */
export function serviceInfo(serviceCode: string): ServiceInfo {
  return SERVICES[serviceCode] ?? { name: serviceCode, category: 'Other' };
}

/** "depends on usage: $0.045 per GB" */
export function dependsOnUsageText(line: CostLine): string {
  return `depends on usage: ${formatUnitPrice(line.unitPrice)} per ${unitLabel(line.unit)}`;
}

/**
 * The resource a line or unpriced entry belongs to, as a reader names it: its construct path
 * (the logical id when the template has none). Given the stack, the path is shown relative to it
 * and without CDK's trailing `/Resource` (`Inference/Config`, not `MlPlatform-prod/Inference/Config/Resource`).
 */
export function resourceLabel(r: { logicalId: string; constructPath?: string }, stackName?: string): string {
  const path = r.constructPath;
  if (path === undefined) return r.logicalId;
  if (stackName === undefined) return path;
  const relative = path.startsWith(`${stackName}/`) ? path.slice(stackName.length + 1) : path;
  const short = relative.endsWith('/Resource') ? relative.slice(0, -'/Resource'.length) : relative;
  return short === '' ? r.logicalId : short;
}

/** Code-point order: locale-independent, so output is deterministic everywhere. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupLines(
  lines: readonly CostLine[],
  keyOf: (l: CostLine) => string,
  labelOf: (key: string) => string,
): CostGroup[] {
  const groups = new Map<string, { monthly: CostRange; lineCount: number }>();
  for (const line of lines) {
    const key = keyOf(line);
    const g = groups.get(key) ?? { monthly: ZERO, lineCount: 0 };
    groups.set(key, {
      monthly: line.inTotals ? addRanges(g.monthly, line.monthly) : g.monthly,
      lineCount: g.lineCount + 1,
    });
  }
  return [...groups.entries()]
    .map(([key, g]) => ({ key, label: labelOf(key), monthly: g.monthly, lineCount: g.lineCount }))
    .sort(
      (a, b) =>
        b.monthly.expected - a.monthly.expected || b.monthly.max - a.monthly.max || compareText(a.key, b.key),
    );
}

function normalizeTagKey(k: string): string {
  return k.toLowerCase().replace(/[-_\s]/g, '');
}

/** `cdk-ml-platform:team` → `team`: the name after a tag key's namespace (`prefix:`), if any. */
function localTagName(k: string): string {
  return k.slice(k.lastIndexOf(':') + 1);
}

// Price List service codes → FOCUS 1.2 ServiceName / ServiceCategory (allowed values of
// FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec: specification/columns/servicecategory.md).
const SERVICES: Readonly<Record<string, ServiceInfo>> = {
  AmazonSageMaker: { name: 'Amazon SageMaker', category: 'AI and Machine Learning' },
  AmazonBedrock: { name: 'Amazon Bedrock', category: 'AI and Machine Learning' },
  AmazonEC2: { name: 'Amazon Elastic Compute Cloud', category: 'Compute' },
  AWSLambda: { name: 'AWS Lambda', category: 'Compute' },
  AWSBatch: { name: 'AWS Batch', category: 'Compute' },
  AmazonECS: { name: 'Amazon Elastic Container Service', category: 'Compute' },
  AmazonECR: { name: 'Amazon Elastic Container Registry', category: 'Compute' },
  AmazonEKS: { name: 'Amazon Elastic Kubernetes Service', category: 'Compute' },
  AmazonS3: { name: 'Amazon Simple Storage Service', category: 'Storage' },
  AmazonEFS: { name: 'Amazon Elastic File System', category: 'Storage' },
  AmazonFSx: { name: 'Amazon FSx', category: 'Storage' },
  AWSBackup: { name: 'AWS Backup', category: 'Storage' },
  AmazonVPC: { name: 'Amazon Virtual Private Cloud', category: 'Networking' },
  AmazonCloudFront: { name: 'Amazon CloudFront', category: 'Networking' },
  AWSELB: { name: 'Elastic Load Balancing', category: 'Networking' },
  AmazonRoute53: { name: 'Amazon Route 53', category: 'Networking' },
  awskms: { name: 'AWS Key Management Service', category: 'Security' },
  AWSSecretsManager: { name: 'AWS Secrets Manager', category: 'Security' },
  AWSCloudTrail: { name: 'AWS CloudTrail', category: 'Management and Governance' },
  AmazonCloudWatch: { name: 'Amazon CloudWatch', category: 'Management and Governance' },
  AWSBudgets: { name: 'AWS Budgets', category: 'Management and Governance' },
  AWSConfig: { name: 'AWS Config', category: 'Management and Governance' },
  AmazonSNS: { name: 'Amazon Simple Notification Service', category: 'Integration' },
  AWSQueueService: { name: 'Amazon Simple Queue Service', category: 'Integration' },
  AWSEvents: { name: 'Amazon EventBridge', category: 'Integration' },
  AmazonStates: { name: 'AWS Step Functions', category: 'Integration' },
  AmazonKinesis: { name: 'Amazon Kinesis Data Streams', category: 'Analytics' },
  AmazonKinesisFirehose: { name: 'Amazon Data Firehose', category: 'Analytics' },
  AWSGlue: { name: 'AWS Glue', category: 'Analytics' },
  ElasticMapReduce: { name: 'Amazon EMR', category: 'Analytics' },
  AmazonMSK: { name: 'Amazon Managed Streaming for Apache Kafka', category: 'Analytics' },
  AmazonDynamoDB: { name: 'Amazon DynamoDB', category: 'Databases' },
  AmazonRDS: { name: 'Amazon Relational Database Service', category: 'Databases' },
  AWSXRay: { name: 'AWS X-Ray', category: 'Developer Tools' },
  AWSCodeBuild: { name: 'AWS CodeBuild', category: 'Developer Tools' },
};
