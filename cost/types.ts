/**
 * Shared types of the estimator: the price catalog and the JSON report.
 * The report shape is the contract in ../shared/guides/architecture.md ("The JSON report")
 * and the README's twin; change both with it. Plain types only: no aws-cdk-lib.
 */

/** min / expected / max of one line or total, in USD per month. */
export interface CostRange {
  readonly min: number;
  readonly expected: number;
  readonly max: number;
}

/** Where a number came from. */
export type UsageSource = 'template' | 'usage-metadata' | 'usage-file' | 'default-profile' | 'none';

/** FOCUS PricingCategory. */
export type PricingCategory = 'Standard' | 'Dynamic' | 'Committed';

/** One price in the catalog. */
export interface CatalogPrice {
  /** Price List service code, e.g. `AmazonEC2`, `AmazonSageMaker`, `AmazonS3`. */
  readonly service: string;
  /** Instance type (`g5.xlarge`, `ml.g5.xlarge`) or a price key (`NatGateway-Hours`, `S3-Standard-GB-Mo`). */
  readonly key: string;
  /** Unit as AWS names it: `Hrs`, `GB-Mo`, `Keys`, `Alarms`, `Requests`, ... */
  readonly unit: string;
  /** USD per unit; never 0 (a free dimension is not a price). */
  readonly value: number;
  /** The AWS usage type (SkuMeter), e.g. `NatGateway-Hours`, `BoxUsage:g5.xlarge`. */
  readonly usageType?: string;
  /** Where the value was read: a source id from the catalog's `sources`, or a citation. */
  readonly source: string;
  /** ISO date the value was captured. */
  readonly capturedAt: string;
  /** For EC2 instance types: vCPUs, memory, GPUs (needed by Batch pricing). */
  readonly vcpus?: number;
  readonly memoryGiB?: number;
  readonly gpus?: number;
  /** For EC2 instance types: spot price as a ratio to on-demand (0 < ratio <= 1) and Spot Advisor bucket. */
  readonly spotRatio?: number;
  readonly interruptionBucket?: string;
}

/** One region's prices. */
export interface RegionCatalog {
  readonly region: string;
  readonly prices: readonly CatalogPrice[];
}

/** The bundled catalog (cost/catalog/catalog.json). */
export interface Catalog {
  readonly version: string;
  /** The newest `capturedAt` of any price. */
  readonly capturedAt: string;
  /** Source id → description (repository, path, commit or page, date). */
  readonly sources: Readonly<Record<string, unknown>>;
  readonly regions: readonly RegionCatalog[];
}

/** What one scenario of a line charges: its own quantity, unit price and FOCUS pricing category. */
export interface ScenarioCharge {
  readonly quantity: number;
  readonly unitPrice: number;
  /** The category of the price actually used: a spot line's max is priced on-demand, so `Standard`. */
  readonly pricingCategory: PricingCategory;
}

/** Pricing models a compute line can be bought under (cost/commitments/models.ts). */
export type PricingModelName =
  | 'on-demand'
  | 'spot'
  | 'compute-savings-plan-1y'
  | 'compute-savings-plan-3y'
  | 'ec2-instance-savings-plan-1y'
  | 'ec2-instance-savings-plan-3y'
  | 'sagemaker-savings-plan-1y'
  | 'sagemaker-savings-plan-3y'
  | 'reserved-1y'
  | 'reserved-3y';

/** What a compute line's expected instance-hours would cost under one pricing model. */
export interface PricingOption {
  readonly model: PricingModelName;
  /** USD per instance-hour under this model (no-upfront rates for commitments). */
  readonly unitPrice: number;
  /** Expected instance-hours × unitPrice, USD per month. */
  readonly expected: number;
  /** Catalog source id of the rate. */
  readonly source: string;
  readonly capturedAt?: string;
  /**
   * Commitments only: rate ÷ on-demand, the share of the term's hours the capacity must run for
   * the commitment (billed every hour) to cost no more than on-demand for the hours used.
   */
  readonly breakEvenUtilisation?: number;
}

/** How `--commitments` changed a line's expected figure (the line's monthly.expected is after it). */
export interface LineCommitment {
  /** Expected cost at the line's own prices, before commitments. */
  readonly listExpected: number;
  /** Expected instance-hours billed at commitment rates instead. */
  readonly coveredHours: number;
  /** The commitments that covered them, e.g. `compute-savings-plan-1y #1`. */
  readonly coveredBy: readonly string[];
}

/** One cost component of one resource. */
export interface CostLine {
  readonly stackName: string;
  readonly logicalId: string;
  /** `aws:cdk:path` metadata when the template has it. */
  readonly constructPath?: string;
  readonly resourceType: string;
  /** Price List service code. */
  readonly service: string;
  /** Named the way AWS pricing pages do: `Instance usage (ml.g5.xlarge, on-demand)`. */
  readonly component: string;
  readonly unit: string;
  /** Quantity at the expected scenario, and the arithmetic that produced it: `2 AZ × 730 h`. */
  readonly quantity: number;
  readonly quantityFormula: string;
  readonly unitPrice: number;
  readonly monthly: CostRange;
  readonly pricingCategory: PricingCategory;
  /** True when the line depends on traffic or volume. */
  readonly usageBased: boolean;
  /** Usage-based lines without assumptions are shown but kept out of totals. */
  readonly inTotals: boolean;
  readonly usageSource: UsageSource;
  readonly usageType?: string;
  readonly priceSource: string;
  readonly priceCapturedAt?: string;
  /** Set when the resource has a condition that could not be decided. */
  readonly conditional?: boolean;
  /**
   * Set on a one-time charge (a Capacity Block's upfront fee): its monthly figures are the whole
   * fee, paid once, not every month. Absent on recurring and usage-based lines.
   */
  readonly chargeFrequency?: 'One-Time';
  /** Explanations worth showing (which type a figure assumes, scale to zero, ...). */
  readonly notes?: readonly string[];
  /** Cost-allocation tags of the resource (team, cost-center, ...). */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Per scenario, the quantity, unit price and pricing category behind `monthly` (min and max may
   * use another instance type, or on-demand for spot). On lines in totals; absent on lines whose
   * range merges two condition branches. Added in schemaVersion 1 (optional, so older reports load).
   */
  readonly scenarios?: {
    readonly min: ScenarioCharge;
    readonly expected: ScenarioCharge;
    readonly max: ScenarioCharge;
  };
  /**
   * The template properties that set this line's quantities, as shown to a reader, e.g.
   * `{ "MinCapacity": "2", "MaxCapacity": "6", "InstanceType": "ml.g5.xlarge" }`: what a diff names
   * when the cost moves (`MinCapacity 2 → 3`).
   */
  readonly drivers?: Readonly<Record<string, string>>;
  /**
   * Compute lines (EC2/Batch instance-hours, SageMaker hosting and training): the expected
   * instance-hours under each pricing model with a sourced price, on-demand first.
   */
  readonly pricingOptions?: readonly PricingOption[];
  /** Set when `--commitments` covered part of the line's expected instance-hours. */
  readonly commitment?: LineCommitment;
}

export interface UnpricedResource {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly reason: string;
  readonly constructPath?: string;
  /** When a catalog price is what is missing: the command that would fetch it. */
  readonly pricedBy?: string;
}

export interface FreeResource {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly constructPath?: string;
}

/** One usage number used by the estimate, for the assumptions table. */
export interface Assumption {
  readonly logicalId: string;
  readonly key: string;
  readonly value: number;
  readonly source: UsageSource;
  /** Who set it, e.g. `GpuTrainingCluster.expectedUsage` or the usage file path. */
  readonly origin?: string;
}

export interface StackEstimate {
  readonly stackName: string;
  readonly region: string;
  /** How the region was chosen: the stack's environment, `--region`, or the default. */
  readonly regionSource: 'environment' | 'option' | 'default';
  readonly totals: CostRange;
  readonly lines: readonly CostLine[];
  readonly unpriced: readonly UnpricedResource[];
  readonly free: readonly FreeResource[];
  readonly assumptions: readonly Assumption[];
  readonly budget?: { readonly amount: number; readonly coversExpected: boolean };
  /**
   * How much of the stack the estimate covers, by resource count: `priced` resources have at
   * least one line, `free` are known free, `unpriced` have no line at all (a resource with lines
   * and a missing optional price counts as priced). `unpricedShare` = unpriced ÷ resources.
   */
  readonly coverage?: {
    readonly resources: number;
    readonly priced: number;
    readonly free: number;
    readonly unpriced: number;
    readonly unpricedShare: number;
  };
}

/** A price source as the report shows it: what it is and where to read it. */
export interface ReportSource {
  readonly description: string;
  /** An https link to the source (repository file at a commit, or page). */
  readonly url?: string;
}

/** What `--commitments` did to the estimate (cost/commitments/apply.ts). */
export interface CommitmentSummary {
  /** The commitments file. */
  readonly file: string;
  readonly plans: readonly {
    /** `savingsPlans[0]`, `reservations[1]`: the entry in the file. */
    readonly id: string;
    readonly description: string;
    /** USD per month billed for it, used or not. */
    readonly monthlyCommitment: number;
    /** USD per month of it that expected usage takes. */
    readonly usedExpected: number;
    /** usedExpected ÷ monthlyCommitment. */
    readonly utilisation: number;
  }[];
  /** Commitment billed but not used by any usage, per scenario (in the report totals). */
  readonly unused: CostRange;
  /** The report totals before commitments. */
  readonly listTotals: CostRange;
  /** Share of the eligible expected on-demand compute cost that commitments cover. */
  readonly coverage: number;
  /** Expected on-demand cost of the covered hours, USD per month. */
  readonly coveredOnDemandExpected: number;
  /** listTotals.expected − totals.expected. */
  readonly savingsExpected: number;
  readonly notes?: readonly string[];
}

/** What the cheapest sourced pricing option of each compute line would save on the expected figure. */
export interface SavingsPotential {
  /** USD per month: Σ over compute lines of (expected − the cheapest option's expected), where positive. */
  readonly expected: number;
  readonly lines: readonly {
    readonly stackName: string;
    readonly logicalId: string;
    readonly component: string;
    readonly expected: number;
    readonly cheapest: PricingOption;
    /** The cheapest 1-year commitment's break-even utilisation, when one is sourced. */
    readonly oneYearBreakEven?: { readonly model: PricingModelName; readonly utilisation: number };
  }[];
}

export interface CostReport {
  readonly schemaVersion: 1;
  readonly currency: 'USD';
  readonly generatedAt: string;
  readonly catalog: {
    readonly version: string;
    readonly capturedAt: string;
    readonly regions: readonly string[];
    /** The sources of the prices the report's lines use, by the lines' `priceSource` id. Optional (older reports lack it). */
    readonly sources?: Readonly<Record<string, ReportSource>>;
  };
  readonly stacks: readonly StackEstimate[];
  /** Includes `commitments.unused` when commitments were applied. */
  readonly totals: CostRange;
  /** Set by `--commitments`. */
  readonly commitments?: CommitmentSummary;
  /** Present when any compute line has a cheaper sourced option than its expected price. */
  readonly savingsPotential?: SavingsPotential;
}
