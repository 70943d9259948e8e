import type { CfnResource } from 'aws-cdk-lib';
import { CfnAlarm, CfnCompositeAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { NagRuleCompliance, NagRules, type NagRuleResult } from 'cdk-nag';
import { isSet } from '../../private/resolve';

/**
 * CloudWatch alarms and composite alarms notify someone when they fire: `ActionsEnabled` is not
 * false and `AlarmActions` is not empty (OK or INSUFFICIENT_DATA actions alone do not count).
 * @param node the CfnResource to check
 */
export function AlarmHasActions(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnAlarm) && !(node instanceof CfnCompositeAlarm)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const actionsEnabled: unknown = NagRules.resolveIfPrimitive(node, node.actionsEnabled);
  if (actionsEnabled === false) return NagRuleCompliance.NON_COMPLIANT;
  return isSet(node, node.alarmActions) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
