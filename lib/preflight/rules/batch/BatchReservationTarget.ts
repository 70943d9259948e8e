import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnComputeEnvironment } from 'aws-cdk-lib/aws-batch';
import { CfnSubnet } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { isSet, resolveList, resolveStruct } from '../../../nag/private/resolve';
import { launchTemplateUses } from '../../private/batch';
import { member, prop, referencedResources } from '../../private/stack-index';

/**
 * Instance types EC2 sells as Capacity Blocks for ML: "Capacity Blocks are currently available for
 * p5.48xlarge, p5e.48xlarge, p5en.48xlarge, p4d.24xlarge, trn1.32xlarge, and trn2.48xlarge
 * instances" (EC2 user guide, Capacity Blocks for ML). AWS adds types over time: acknowledge the
 * finding for a type offered after this list was taken.
 */
export const CAPACITY_BLOCK_INSTANCE_TYPES: readonly string[] = [
  'p4d.24xlarge',
  'p5.48xlarge',
  'p5e.48xlarge',
  'p5en.48xlarge',
  'trn1.32xlarge',
  'trn2.48xlarge',
];

/**
 * Batch compute environments whose launch template targets one capacity reservation (an On-Demand
 * Capacity Reservation or a Capacity Block) can launch into it. "You can only launch an instance into
 * a Capacity Reservation that: Has matching attributes (instance type, platform, Availability Zone,
 * and tenancy)" (EC2 user guide, Launch instances into an existing Capacity Reservation), and "Your
 * instance can't launch in a subnet in a different Availability Zone from the Availability Zone where
 * your Capacity Block is located" (Launch instances using Capacity Blocks). So:
 * - one instance type (`InstanceTypes::<types>`): a reservation holds one type;
 * - subnets of one availability zone (`Subnets::<zones>`), judged when the subnets are of this stack
 *   and name their zone;
 * - for a Capacity Block (market type `capacity-block`), On-Demand compute (`Type::SPOT`) and a type
 *   sold as Capacity Blocks (`InstanceType::<type>`, see `CAPACITY_BLOCK_INSTANCE_TYPES`).
 * Compute environments whose launch templates of this stack target no reservation id: not applicable.
 * @param node the CfnResource to check
 */
export function BatchReservationTarget(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnComputeEnvironment)) return NagRuleCompliance.NOT_APPLICABLE;
  const targets = launchTemplateUses(node).flatMap(({ template }) => {
    if (!template) return [];
    const data = resolveStruct(template, prop(template, 'LaunchTemplateData', template.launchTemplateData));
    const target = resolveStruct(
      template,
      member(
        resolveStruct(template, member(data, 'capacityReservationSpecification')),
        'capacityReservationTarget',
      ),
    );
    if (!isSet(template, member(target, 'capacityReservationId'))) return [];
    const market = resolveStruct(template, member(data, 'instanceMarketOptions'));
    return [{ block: Stack.of(template).resolve(member(market, 'marketType')) === 'capacity-block' }];
  });
  if (targets.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const stack = Stack.of(node);
  const resources = resolveStruct(node, prop(node, 'ComputeResources', node.computeResources));
  const types = resolveList(node, member(resources, 'instanceTypes')).map((t) => String(stack.resolve(t)));
  const findings: string[] = [];
  if (types.length !== 1) findings.push(`InstanceTypes::${types.join(',') || 'none'}`);
  const zones = [
    ...new Set(
      resolveList(node, member(resources, 'subnets'))
        .flatMap((s) => referencedResources(node, stack.resolve(s), CfnSubnet))
        .map((subnet) => stack.resolve(prop(subnet, 'AvailabilityZone', subnet.availabilityZone)))
        .filter((zone): zone is string => typeof zone === 'string'),
    ),
  ].sort();
  if (zones.length > 1) findings.push(`Subnets::${zones.join(',')}`);
  if (targets.some((t) => t.block)) {
    const type: unknown = stack.resolve(member(resources, 'type'));
    if (type !== 'EC2') findings.push(`Type::${String(type)}`);
    for (const t of types) {
      if (!CAPACITY_BLOCK_INSTANCE_TYPES.includes(t)) findings.push(`InstanceType::${t}`);
    }
  }
  return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
}
