/**
 * The one contract shared by constructs and the estimator: usage assumptions that a
 * construct records on a CloudFormation resource, so the estimator needs nothing but
 * the template. Plain types only: this file must never import aws-cdk-lib.
 *
 *   "Metadata": { "cdk-ml-platform:usage": { "monthlyInstanceHours": 300, "source": "GpuTrainingCluster.expectedUsage" } }
 */
export const USAGE_METADATA_KEY = 'cdk-ml-platform:usage';

/** Usage assumptions, keyed per resource. Every key is optional; pricing modules read the ones they know. */
export interface UsageAssumptions {
  /** Who set these numbers (prop path), e.g. `GpuTrainingCluster.expectedUsage`. */
  readonly source: string;
  /** Instance-hours per month (Batch compute environments, EC2 capacity). */
  readonly monthlyInstanceHours?: number;
  /** GPU-hours per month; converted to instance-hours with the instance type's GPU count. */
  readonly monthlyGpuHours?: number;
  /** Average number of instances running over the month (SageMaker endpoint variants, inference components). */
  readonly averageInstanceCount?: number;
  /** Requests per month (serverless endpoints, Lambda, API calls). */
  readonly monthlyRequests?: number;
  /** Average duration of one request in milliseconds (serverless endpoints, Lambda). */
  readonly averageDurationMs?: number;
  /** GB stored on average over the month (S3 buckets, ECR repositories, log groups). */
  readonly storageGb?: number;
  /** GB ingested or processed per month (log groups, NAT gateways, Kinesis/Firehose). */
  readonly monthlyDataGb?: number;
  /** Average record size in KB (Firehose bills each record rounded up to 5 KB; Kinesis PUT units are 25 KB). */
  readonly averageRecordSizeKb?: number;
  /** vCPU-hours per month of serverless compute (EMR Serverless workers). */
  readonly monthlyVcpuHours?: number;
  /** Memory GB-hours per month of serverless compute (EMR Serverless workers). */
  readonly monthlyMemoryGbHours?: number;
  /** Write request units per month (SageMaker Feature Store: one unit per 1 KB written). */
  readonly monthlyWriteRequestUnits?: number;
  /** Read request units per month (SageMaker Feature Store online store: one unit per 4 KB read). */
  readonly monthlyReadRequestUnits?: number;
  /** Free-form note shown next to the assumptions in reports. */
  readonly note?: string;
}

/** The numeric keys a usage file or metadata block may set. */
export const USAGE_NUMBER_KEYS = [
  'monthlyInstanceHours',
  'monthlyGpuHours',
  'averageInstanceCount',
  'monthlyRequests',
  'averageDurationMs',
  'storageGb',
  'monthlyDataGb',
  'averageRecordSizeKb',
  'monthlyVcpuHours',
  'monthlyMemoryGbHours',
  'monthlyWriteRequestUnits',
  'monthlyReadRequestUnits',
] as const;

export type UsageNumberKey = (typeof USAGE_NUMBER_KEYS)[number];
