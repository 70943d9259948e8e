import { Token } from 'aws-cdk-lib';
import { GPU_OFFERINGS_SOURCE, GPU_TYPES_BY_REGION } from './gpu-region-offerings';

/**
 * The accepted GPU instance types a region offers, or undefined when the region is a token or not in
 * the table (then nothing is checked). AWS Batch refuses a compute environment naming a type the
 * region does not sell ("Instance type can only be one of [...]"), and the stack rolls back.
 */
export function gpuTypesOfferedIn(region: string): ReadonlySet<string> | undefined {
  if (Token.isUnresolved(region)) return undefined;
  const types = GPU_TYPES_BY_REGION[region];
  return types === undefined ? undefined : new Set(types.split(' ').filter((t) => t !== ''));
}

/** Where "offered" comes from, for messages. */
export const OFFERINGS_EVIDENCE = `AWS's EC2 price list as of ${GPU_OFFERINGS_SOURCE.capturedAt}`;

/**
 * The defaults a region offers; all of them when none is offered or the region is unknown, so that
 * validation names what is missing instead of an empty list.
 */
export function offeredDefaults(
  defaults: readonly string[],
  offered: ReadonlySet<string> | undefined,
): string[] {
  if (offered === undefined) return [...defaults];
  const kept = defaults.filter((t) => offered.has(t));
  return kept.length > 0 ? kept : [...defaults];
}
