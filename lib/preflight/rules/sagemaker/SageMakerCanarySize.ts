import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnEndpoint } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance, NagRules, type NagRuleResult } from 'cdk-nag';
import { resolveStruct } from '../../../nag/private/resolve';
import { configOf, variantsOf } from '../../private/sagemaker';
import { member, prop } from '../../private/stack-index';

/**
 * Blue/green canary and linear traffic shifting fit the variants' instance counts. SageMaker
 * TrafficRoutingConfig: CanarySize "Value must be less than or equal to 50% of the variant's total
 * instance count"; LinearStepSize "Value must be 10-50% of the variant's total instance count".
 * A `CAPACITY_PERCENT` size turns into whole instances (at least one), so a one-instance variant
 * admits no canary at all: use `ALL_AT_ONCE` there, or run two instances or more.
 *
 * The count judged is each instance-backed variant's `InitialInstanceCount` in an endpoint
 * configuration of the same stack (autoscaling may change it later). Findings name the variant,
 * its instance count and the step in instances: `AllTraffic::instances=1,CANARY=1`.
 * @param node the CfnResource to check
 */
export function SageMakerCanarySize(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnEndpoint)) return NagRuleCompliance.NOT_APPLICABLE;
  const deployment = resolveStruct(node, prop(node, 'DeploymentConfig', node.deploymentConfig));
  const blueGreen = resolveStruct(node, member(deployment, 'blueGreenUpdatePolicy'));
  const routing = resolveStruct(node, member(blueGreen, 'trafficRoutingConfiguration'));
  const type: unknown = NagRules.resolveIfPrimitive(node, member(routing, 'type'));
  if (type !== 'CANARY' && type !== 'LINEAR') return NagRuleCompliance.NOT_APPLICABLE;
  const size = resolveStruct(node, member(routing, type === 'CANARY' ? 'canarySize' : 'linearStepSize'));
  if (size === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const sizeType: unknown = NagRules.resolveIfPrimitive(node, member(size, 'type'));
  const value: unknown = NagRules.resolveIfPrimitive(node, member(size, 'value'));
  const config = configOf(node);
  if (config === undefined || typeof value !== 'number') return NagRuleCompliance.NOT_APPLICABLE;
  const findings: string[] = [];
  for (const variant of variantsOf(config).filter((v) => !v.serverless)) {
    const count: unknown = Stack.of(node).resolve(member(variant.props, 'initialInstanceCount'));
    if (typeof count !== 'number' || count < 1) continue;
    const step = sizeType === 'INSTANCE_COUNT' ? value : Math.max(1, Math.ceil((count * value) / 100));
    const tooLarge = step * 2 > count;
    const tooSmall = type === 'LINEAR' && step * 10 < count;
    if (tooLarge || tooSmall) findings.push(`${variant.name}::instances=${count},${type}=${step}`);
  }
  return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
}
