import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnVPCEndpoint } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { render } from '../../../preflight/private/stack-index';
import { documentStatements } from '../../private/statements';

/**
 * Services whose endpoints take no policy. ECS Developer Guide: "Controlling access to Amazon ECS by
 * attaching an endpoint policy to the VPC endpoint isn't currently supported."
 */
const NO_POLICY_SUPPORT = ['.ecs', '.ecs-agent', '.ecs-telemetry'];

/**
 * VPC endpoints of AWS services that support endpoint policies have one, and it is not the default
 * "full access": no Allow statement for everyone on every action and resource without a condition.
 * Without it, a workload in a subnet with no internet route can still move data to any bucket or
 * account through the endpoint. Gateway Load Balancer endpoints and ECS endpoints: not applicable.
 * @param node the CfnResource to check
 */
export function VpcEndpointPolicy(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnVPCEndpoint)) return NagRuleCompliance.NOT_APPLICABLE;
  const stack = Stack.of(node);
  const type = stack.resolve(node.vpcEndpointType) as unknown;
  if (type === 'GatewayLoadBalancer') return NagRuleCompliance.NOT_APPLICABLE;
  const service = render(stack.resolve(node.serviceName));
  if (NO_POLICY_SUPPORT.some((suffix) => service.endsWith(suffix))) return NagRuleCompliance.NOT_APPLICABLE;
  const statements = documentStatements(node, node.policyDocument);
  if (statements.length === 0) return NagRuleCompliance.NON_COMPLIANT;
  const fullAccess = statements.some(
    (s) =>
      s.effect === 'Allow' &&
      s.anyone &&
      s.conditions.size === 0 &&
      s.resources.includes('*') &&
      (s.actions.includes('*') || s.actions.some((a) => a.endsWith(':*'))),
  );
  return fullAccess ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
