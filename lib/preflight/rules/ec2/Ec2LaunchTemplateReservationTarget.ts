import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnLaunchTemplate } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { isSet, resolveStruct } from '../../../nag/private/resolve';
import { member, prop } from '../../private/stack-index';

/**
 * Launch templates that target reserved capacity say so in a way EC2 accepts:
 * - `CapacityReservationSpecification` sets a preference or a target, not both: "Specifies an
 *   instance's Capacity Reservation targeting option. You can specify only one option at a time"
 *   (CloudFormation, AWS::EC2::LaunchTemplate CapacityReservationSpecification).
 * - Market type `capacity-block` comes with the block's reservation: "To use your Capacity Block,
 *   you must specify the Capacity Block reservation ID when launching instances" (EC2 user guide,
 *   Launch instances using Capacity Blocks), a `CapacityReservationTarget` with
 *   `CapacityReservationId` (or the resource group the block is in).
 * Templates with neither setting: not applicable. Findings name what is wrong:
 * `CapacityReservationSpecification::preference-and-target`, `MarketType::capacity-block-without-reservation`.
 * @param node the CfnResource to check
 */
export function Ec2LaunchTemplateReservationTarget(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnLaunchTemplate)) return NagRuleCompliance.NOT_APPLICABLE;
  const data = resolveStruct(node, prop(node, 'LaunchTemplateData', node.launchTemplateData));
  const spec = resolveStruct(node, member(data, 'capacityReservationSpecification'));
  const market = resolveStruct(node, member(data, 'instanceMarketOptions'));
  const marketType: unknown = Stack.of(node).resolve(member(market, 'marketType'));
  if (spec === undefined && marketType !== 'capacity-block') return NagRuleCompliance.NOT_APPLICABLE;
  const target = resolveStruct(node, member(spec, 'capacityReservationTarget'));
  const hasTarget =
    isSet(node, member(target, 'capacityReservationId')) ||
    isSet(node, member(target, 'capacityReservationResourceGroupArn'));
  const findings: string[] = [];
  if (target !== undefined && isSet(node, member(spec, 'capacityReservationPreference'))) {
    findings.push('CapacityReservationSpecification::preference-and-target');
  }
  if (marketType === 'capacity-block' && !hasTarget) {
    findings.push('MarketType::capacity-block-without-reservation');
  }
  return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
}
