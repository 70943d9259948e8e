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
  readonly totals: CostRange;
}
