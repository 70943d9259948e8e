import { Stack, Token, type CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';

/** The one Region that serves the Cost Explorer API ("The Cost Explorer API provides the following endpoint: https://ce.us-east-1.amazonaws.com"). */
export const COST_EXPLORER_REGION = 'us-east-1';

/**
 * Cost Explorer resources (`AWS::CE::AnomalyMonitor`, `AWS::CE::AnomalySubscription`,
 * `AWS::CE::CostCategory`) are deployed in us-east-1, the only Region with a Cost Explorer endpoint
 * (Cost Explorer API reference: "The Cost Explorer API provides the following endpoint:
 * https://ce.us-east-1.amazonaws.com"); in any other Region the stack fails to create them.
 * An environment-agnostic stack cannot be judged: its Region is chosen at deploy time, so the rule
 * reports that it could not validate it (give the stack an `env`, or acknowledge).
 * @param node the CfnResource to check
 */
export function CostExplorerInUsEast1(node: CfnResource): NagRuleResult {
  if (!node.cfnResourceType.startsWith('AWS::CE::')) return NagRuleCompliance.NOT_APPLICABLE;
  const region = Stack.of(node).region;
  if (Token.isUnresolved(region)) {
    throw new Error(
      `The stack is environment-agnostic: its Region is only known at deploy time, therefore the rule could not be validated.`,
    );
  }
  return region === COST_EXPLORER_REGION ? NagRuleCompliance.COMPLIANT : [`Region::${region}`];
}
