import type { CfnResource } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NagRuleCompliance, NagRules, type NagRuleResult } from 'cdk-nag';
import { resourcesOfType, prop } from '../../private/stack-index';

/**
 * Lambda keeps this much account concurrency unreserved. Lambda "Configuring reserved concurrency":
 * "You can reserve up to the Unreserved account concurrency value that is shown, minus 100 for
 * functions that don't have reserved concurrency." Accounts whose quota is 100 or less keep all of it
 * unreserved (their error reads "decreases account's UnreservedConcurrentExecution below its minimum
 * value of [quota]").
 */
const MIN_UNRESERVED = 100;

/** How much concurrency an account with this quota can reserve across its functions. */
export function reservableConcurrency(accountQuota: number): number {
  return accountQuota - Math.min(MIN_UNRESERVED, accountQuota);
}

/**
 * A rule that fails Lambda functions whose reserved concurrency, summed over the stack, exceeds what
 * an account with `accountQuota` concurrent executions can reserve. Lambda quotas: "New AWS accounts
 * have reduced concurrency and memory quotas. AWS raises these quotas automatically based on your
 * usage." Creating the function then fails ("Specified ReservedConcurrentExecutions for function
 * decreases account's UnreservedConcurrentExecution below its minimum value").
 * Functions without reserved concurrency: not applicable. Findings state the stack's total and what
 * the quota allows: `ReservedConcurrentExecutions::total=5,reservable=0,quota=10`.
 * @param accountQuota the account's "Concurrent executions" quota in the target Region
 */
export function LambdaReservedConcurrencyQuota(accountQuota: number): (node: CfnResource) => NagRuleResult {
  const reservable = reservableConcurrency(accountQuota);
  const rule = (node: CfnResource): NagRuleResult => {
    if (!(node instanceof CfnFunction)) return NagRuleCompliance.NOT_APPLICABLE;
    const own = reserved(node);
    if (own === 0) return NagRuleCompliance.NOT_APPLICABLE;
    const total = resourcesOfType(node, CfnFunction).reduce((sum, f) => sum + reserved(f), 0);
    return total <= reservable
      ? NagRuleCompliance.COMPLIANT
      : [`ReservedConcurrentExecutions::total=${total},reservable=${reservable},quota=${accountQuota}`];
  };
  return rule;
}

function reserved(fn: CfnFunction): number {
  const value: unknown = NagRules.resolveIfPrimitive(
    fn,
    prop(fn, 'ReservedConcurrentExecutions', fn.reservedConcurrentExecutions),
  );
  return typeof value === 'number' ? value : 0;
}
