import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { MlopsPreset } from './mlops-loop';

/**
 * What differs between the reference platform's environments. Finance reviewers see the cost of
 * each choice side by side in the cost report (dev vs prod).
 */
export interface PlatformPreset {
  /** Environment name, used in stack names and the `environment` cost-allocation tag. */
  readonly name: string;
  /** Availability zones of the VPC. */
  readonly maxAzs: number;
  /** NAT gateways: one for dev (cheap), one per AZ for prod (survives an AZ outage). */
  readonly natGateways: number;
  /** Retention of the platform's log groups. */
  readonly logRetention: logs.RetentionDays;
  /** Object Lock retention on model artifacts; undefined = no Object Lock. */
  readonly modelArtifactsRetention?: Duration;
  /** Monthly budget in USD for the AWS Budget of this environment. */
  readonly monthlyBudgetUsd: number;
  /** Whether buckets and keys are kept when the stack is deleted. */
  readonly retainData: boolean;
  /** GPU training capacity; fallback and EFA are off when their GPU count is undefined. */
  readonly training: {
    readonly maxSpotGpus: number;
    readonly onDemandFallbackGpus?: number;
    readonly efaGpus?: number;
    /** Expected GPU-hours per month, recorded for the cost estimate. */
    readonly monthlyGpuHours: number;
  };
  /**
   * Serving: `async-scale-to-zero` (an async CPU endpoint that scales 0–2 on its backlog) or
   * `realtime-gpu` (a real-time GPU endpoint, min 2, canary rollouts, an A/B challenger).
   */
  readonly inference: 'async-scale-to-zero' | 'realtime-gpu';
  /**
   * The data plane: streaming ingestion into the lake, Spark preprocessing, a feature store.
   * Undefined = no data plane.
   */
  readonly dataPlane?: DataPlanePreset;
  /**
   * The MLOps loop: model registry, retraining, approval-driven rollout, model monitoring.
   * Undefined = no loop.
   */
  readonly mlops?: MlopsPreset;
}

/** How big the reference data plane is, and how much it is expected to be used (for the estimate). */
export interface DataPlanePreset {
  /** Expected GB arriving on the ingestion stream per day. */
  readonly expectedGbPerDay: number;
  /** Cap on the vCPUs of all Spark workers together. */
  readonly sparkMaxVcpus: number;
  /** Expected Spark vCPU-hours per month. */
  readonly sparkVcpuHoursPerMonth: number;
  /** Whether the reference feature group keeps an online store (low-latency reads for inference). */
  readonly onlineFeatureStore: boolean;
  /** Expected Feature Store write request units per month. */
  readonly featureWriteUnitsPerMonth: number;
  /** Expected online read request units per month (online store only). */
  readonly featureReadUnitsPerMonth?: number;
  /** Expected average GB in the online store. */
  readonly featureOnlineStorageGb?: number;
}

export const DEV_PRESET: PlatformPreset = {
  name: 'dev',
  maxAzs: 2,
  natGateways: 1,
  logRetention: logs.RetentionDays.ONE_MONTH,
  monthlyBudgetUsd: 3000,
  retainData: true,
  training: { maxSpotGpus: 4, monthlyGpuHours: 300 },
  inference: 'async-scale-to-zero',
  // 5 GB a day of events, an hour or two of small Spark jobs a day, offline features only.
  dataPlane: {
    expectedGbPerDay: 5,
    sparkMaxVcpus: 32,
    sparkVcpuHoursPerMonth: 120,
    onlineFeatureStore: false,
    featureWriteUnitsPerMonth: 3_000_000,
  },
  // Weekly retraining, approved on registration: every retrained model rolls out by itself.
  mlops: { autoApprove: true, retrainEveryDays: 7, expectedRetrainingRunsPerMonth: 4.3 },
};

export const PROD_PRESET: PlatformPreset = {
  name: 'prod',
  maxAzs: 3,
  natGateways: 3,
  logRetention: logs.RetentionDays.ONE_YEAR,
  modelArtifactsRetention: Duration.days(365),
  monthlyBudgetUsd: 40000,
  retainData: true,
  training: { maxSpotGpus: 32, onDemandFallbackGpus: 8, efaGpus: 16, monthlyGpuHours: 3000 },
  inference: 'realtime-gpu',
  // 100 GB a day of events, nightly feature jobs, an online store the endpoint reads.
  dataPlane: {
    expectedGbPerDay: 100,
    sparkMaxVcpus: 256,
    sparkVcpuHoursPerMonth: 3000,
    onlineFeatureStore: true,
    featureWriteUnitsPerMonth: 60_000_000,
    featureReadUnitsPerMonth: 250_000_000,
    featureOnlineStorageGb: 20,
  },
  // Retraining on drift only; a reviewer approves each version before it rolls out.
  mlops: { autoApprove: false, expectedRetrainingRunsPerMonth: 2 },
};

export const PRESETS: Readonly<Record<string, PlatformPreset>> = { dev: DEV_PRESET, prod: PROD_PRESET };
