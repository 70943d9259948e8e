import { Tags, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { PropValidator } from '../core/errors';

/**
 * The cost-allocation tag keys every platform resource carries. Activate them once per payer
 * account (Billing → Cost allocation tags) so budgets, Cost Explorer and the cost report group
 * spend the same way. AWS Budgets and the CUR see them with the `user:` prefix.
 */
export const COST_ALLOCATION_TAGS = {
  platform: 'cdk-ml-platform:platform',
  environment: 'cdk-ml-platform:environment',
  component: 'cdk-ml-platform:component',
  team: 'cdk-ml-platform:team',
  costCenter: 'cdk-ml-platform:cost-center',
} as const;

export interface CostAllocationTags {
  /** Platform name: one value per deployed platform, the value budgets filter on. */
  readonly platform: string;
  /** Environment, e.g. `dev` or `prod`. */
  readonly environment: string;
  /**
   * Owning team.
   * @default - no team tag
   */
  readonly team?: string;
  /**
   * Cost center to charge.
   * @default - no cost-center tag
   */
  readonly costCenter?: string;
}

/**
 * Tags every taggable resource under `scope` (usually a stack) with the platform's cost-allocation
 * tags. Validates the values first: AWS rejects tag values it cannot store at deploy time, we do it
 * at synth.
 */
export function applyCostAllocationTags(scope: IConstruct, tags: CostAllocationTags): void {
  const v = new PropValidator('applyCostAllocationTags', scope);
  checkTagValue(v, 'platform', tags.platform, true);
  checkTagValue(v, 'environment', tags.environment, true);
  checkTagValue(v, 'team', tags.team, false);
  checkTagValue(v, 'costCenter', tags.costCenter, false);
  v.throwIfAny();

  Tags.of(scope).add(COST_ALLOCATION_TAGS.platform, tags.platform);
  Tags.of(scope).add(COST_ALLOCATION_TAGS.environment, tags.environment);
  if (tags.team !== undefined) Tags.of(scope).add(COST_ALLOCATION_TAGS.team, tags.team);
  if (tags.costCenter !== undefined) Tags.of(scope).add(COST_ALLOCATION_TAGS.costCenter, tags.costCenter);
}

/**
 * Tags every resource of one construct with its `component` (e.g. `training`, `inference`,
 * `monitoring`), so spend can be split by part of the platform.
 */
export function tagComponent(scope: IConstruct, component: string): void {
  const v = new PropValidator('tagComponent', scope);
  checkTagValue(v, 'component', component, true);
  v.throwIfAny();
  Tags.of(scope).add(COST_ALLOCATION_TAGS.component, component);
}

/** Letters, digits, spaces and `_ . : / = + - @`, 1–256 characters: what AWS accepts in a tag value. */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

function checkTagValue(v: PropValidator, prop: string, value: string | undefined, required: boolean): void {
  if (value === undefined) {
    v.check(!required, prop, value, 'a tag value (required)');
    return;
  }
  if (Token.isUnresolved(value)) return;
  v.check(
    TAG_VALUE.test(value) && value.trim() === value && !value.startsWith('aws:'),
    prop,
    value,
    'a tag value of 1 to 256 letters, digits, spaces and _ . : / = + - @, without surrounding spaces or an aws: prefix',
  );
}
