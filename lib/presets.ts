import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

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
};

export const PRESETS: Readonly<Record<string, PlatformPreset>> = { dev: DEV_PRESET, prod: PROD_PRESET };
