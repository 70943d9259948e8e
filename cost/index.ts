/**
 * The estimator's library API (`cdk-ml-platform/cost`). Plain TypeScript over JSON: it never
 * loads aws-cdk-lib.
 *
 *   import { estimate } from 'cdk-ml-platform/cost';
 *   const report = estimate('cdk.out', { region: 'us-east-1' });
 */
import { estimateStacks, type EstimateOptions } from './estimate';
import { checkTemplate, loadInput, type LoadedStack } from './template/load';
import type { CostReport } from './types';
import { loadUsageFile, parseUsageDocument } from './usage';
import { loadCommitmentsFile, parseCommitmentsDocument } from './commitments/file';

export interface EstimateApiOptions extends Omit<EstimateOptions, 'usage' | 'commitments'> {
  /** A usage file path, or a usage document object of the same shape. @default - metadata only */
  readonly usage?: string | Readonly<Record<string, unknown>>;
  /**
   * A commitments file path, or a commitments document object of the same shape
   * (`{ savingsPlans: [...], reservations: [...] }`, cost/commitments/file.ts). @default - none
   */
  readonly commitments?: string | Readonly<Record<string, unknown>>;
}

/** A template given as an object rather than a path. */
export interface TemplateInput {
  readonly template: Readonly<Record<string, unknown>>;
  /** @default 'Stack' */
  readonly stackName?: string;
}

/**
 * Estimates a cloud assembly directory, a template file (JSON or YAML), or a template object.
 * Throws `CostInputError` on bad input.
 */
export function estimate(input: string | TemplateInput, options: EstimateApiOptions = {}): CostReport {
  const { usage, commitments, ...rest } = options;
  const stacks: LoadedStack[] =
    typeof input === 'string'
      ? loadInput(input)
      : [
          {
            stackName: input.stackName ?? 'Stack',
            template: checkTemplate(input.template, input.stackName ?? 'template'),
            templatePath: input.stackName ?? 'template',
          },
        ];
  const usageFile =
    usage === undefined
      ? undefined
      : typeof usage === 'string'
        ? loadUsageFile(usage)
        : parseUsageDocument(usage, '(usage object)');
  const commitmentsFile =
    commitments === undefined
      ? undefined
      : typeof commitments === 'string'
        ? loadCommitmentsFile(commitments)
        : parseCommitmentsDocument(commitments, '(commitments object)');
  return estimateStacks(stacks, {
    ...rest,
    ...(usageFile ? { usage: usageFile } : {}),
    ...(commitmentsFile ? { commitments: commitmentsFile } : {}),
  });
}

export { estimateStacks } from './estimate';
export type { EstimateOptions } from './estimate';
export { writeCostReports, summarize, DEFAULT_SYNTH_FORMATS } from './synth-report';
export type { CostReportOptions } from './synth-report';
export { loadInput, loadAssembly, resolveTemplate } from './template/index';
export type { LoadedStack, ResolvedTemplate, ResolveOptions } from './template/index';
export { loadUsageFile, parseUsageDocument } from './usage';
export { loadCommitmentsFile, parseCommitmentsDocument } from './commitments/file';
export type { CommitmentsFile, SavingsPlanCommitment, ReservedInstanceCommitment } from './commitments/file';
export { PRICING_MODELS, COMMITMENT_MODELS } from './commitments/models';
export type { UsageFile } from './usage';
export { renderJson } from './render/json';
export { renderTable } from './render/table';
export { renderReport } from './render/index';
export type { ReportFormat } from './render/index';
export {
  loadCatalog,
  createPriceBook,
  catalogRegion,
  catalogRegions,
  validateCatalog,
} from './catalog/index';
export { PRICING_MODULES, KNOWN_FREE_TYPES, lookupType } from './pricing/registry';
export { CostInputError, EXIT_OK, EXIT_GUARDRAIL, EXIT_BAD_INPUT } from './errors';
export { RESERVATION_KINDS, USAGE_METADATA_KEY, USAGE_NUMBER_KEYS } from './usage-metadata';
export type { ReservationKind, ReservationUsage, UsageAssumptions, UsageNumberKey } from './usage-metadata';
export type * from './types';
