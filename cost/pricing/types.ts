/**
 * The contract between the estimate assembly (cost/estimate.ts) and the pricing modules
 * (cost/pricing/<service>.ts). A module is a pure function of one resolved resource; the
 * registry (cost/pricing/registry.ts) maps CloudFormation types to modules.
 */
import type { CatalogPrice, PricingCategory, UsageSource } from '../types';
import type { ReservationUsage, UsageNumberKey } from '../usage-metadata';

/** A value the resolver could not decide (a Ref to a resource attribute, an unset parameter, ...). */
export interface Unknown {
  readonly __unknown: string;
}

export function isUnknown(v: unknown): v is Unknown {
  return typeof v === 'object' && v !== null && '__unknown' in v;
}

/** A template resource after intrinsic resolution. Unresolvable leaves are `Unknown`. */
export interface ResolvedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly constructPath?: string;
  /** `undecided` when the resource's Condition depends on an unknown: price it, mark it conditional. */
  readonly condition: 'none' | 'true' | 'undecided';
  /** Resource tags as key → value (unknown values omitted). */
  readonly tags: Readonly<Record<string, string>>;
}

/** Usage numbers for one resource after merging metadata and the usage file. */
export interface ResourceUsage {
  readonly values: Readonly<Partial<Record<UsageNumberKey, number>>>;
  /** Where each value came from. */
  readonly sources: Readonly<Partial<Record<UsageNumberKey, UsageSource>>>;
  /** Who set each value: the metadata's `source`, or the usage file's path. */
  readonly origins: Readonly<Partial<Record<UsageNumberKey, string>>>;
  /** The reserved capacity the resource launches into (metadata only; see usage-metadata.ts). */
  readonly reservation?: ReservationUsage;
}

/** Looks prices up in the catalog for the stack's region. Returns undefined when not in the catalog. */
export interface PriceBook {
  readonly region: string;
  price(service: string, key: string): CatalogPrice | undefined;
}

/** The template around the resource: for joins such as scalable target → endpoint variant. */
export interface TemplateView {
  resource(logicalId: string): ResolvedResource | undefined;
  resources(): readonly ResolvedResource[];
  /** Logical ids of resources whose properties reference `logicalId` (Ref / GetAtt / Sub). */
  referencedBy(logicalId: string): readonly string[];
  /** Number of availability zones assumed for Fn::GetAZs and per-AZ resources. */
  readonly azCount: number;
}

export interface PricingInput {
  readonly resource: ResolvedResource;
  readonly usage: ResourceUsage;
  readonly prices: PriceBook;
  readonly template: TemplateView;
}

/** One line before the assembly adds stack, logical id, path, tags and totals bookkeeping. */
export interface LineDraft {
  readonly service: string;
  readonly component: string;
  readonly unit: string;
  /** Quantities per scenario (e.g. instance-hours at min / expected / max). */
  readonly quantity: { readonly min: number; readonly expected: number; readonly max: number };
  readonly quantityFormula: string;
  /** The catalog price used (its value is the unit price; its source and date go to the report). */
  readonly price: CatalogPrice;
  /** Unit price when it differs from price.value (spot = on-demand × ratio, tiers, ...); max scenario uses maxUnitPrice. */
  readonly unitPrice?: { readonly min: number; readonly expected: number; readonly max: number };
  readonly pricingCategory: PricingCategory;
  readonly usageBased: boolean;
  /** False for usage-based lines without an assumption: shown with the unit price, out of totals. */
  readonly hasUsage: boolean;
  readonly usageSource: UsageSource;
  readonly notes?: readonly string[];
  /** The max scenario's pricing category when it differs (spot lines are priced on-demand at max). @default pricingCategory */
  readonly maxPricingCategory?: PricingCategory;
  /** FOCUS ChargeFrequency when not the default (`Recurring`, or `Usage-Based` for usage-based lines): a Capacity Block's fee is `One-Time`. */
  readonly chargeFrequency?: 'One-Time';
  /** Template properties that set the quantities (`MinCapacity`, `ComputeResources.MaxvCpus`, ...), for diffs. */
  readonly drivers?: Readonly<Record<string, string | number | readonly (string | number)[]>>;
}

export type PricingResult =
  | { readonly kind: 'priced'; readonly lines: readonly LineDraft[]; readonly unpriced?: readonly string[] }
  | { readonly kind: 'unpriced'; readonly reason: string }
  | { readonly kind: 'free' };

export type PricingModule = (input: PricingInput) => PricingResult;

export const HOURS_PER_MONTH = 730;
