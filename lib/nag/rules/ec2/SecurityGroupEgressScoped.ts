import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnSecurityGroup, CfnSecurityGroupEgress } from 'aws-cdk-lib/aws-ec2';
import {
  CfnDataQualityJobDefinition,
  CfnModel,
  CfnModelBiasJobDefinition,
  CfnModelExplainabilityJobDefinition,
  CfnModelQualityJobDefinition,
  CfnMonitoringSchedule,
} from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { member, prop, refersTo } from '../../../preflight/private/stack-index';
import { isIntrinsic } from '../../private/resolve';

/**
 * The property that names the security groups of a SageMaker model or Model Monitor job (VpcConfig,
 * NetworkConfig.VpcConfig, or the job definition inline in a schedule), as CloudFormation and the L1 name it.
 */
function sageMakerNetworkProperty(c: unknown): [string, unknown] | undefined {
  if (c instanceof CfnModel) return ['VpcConfig', c.vpcConfig];
  if (
    c instanceof CfnDataQualityJobDefinition ||
    c instanceof CfnModelQualityJobDefinition ||
    c instanceof CfnModelBiasJobDefinition ||
    c instanceof CfnModelExplainabilityJobDefinition
  ) {
    return ['NetworkConfig', c.networkConfig];
  }
  if (c instanceof CfnMonitoringSchedule) return ['MonitoringScheduleConfig', c.monitoringScheduleConfig];
  return undefined;
}

/** A description that says the traffic goes to VPC endpoints (not a SageMaker inference endpoint). */
const ENDPOINT_WORDING = /\b(?:vpc|interface|gateway|aws|service) endpoints?\b/i;

/**
 * Security groups that only need AWS through VPC endpoints do not allow egress to `0.0.0.0/0` or
 * `::/0`: groups attached to a SageMaker model or Model Monitor job (VpcConfig), and groups or rules
 * whose description says the traffic goes to VPC, interface, gateway, AWS or service endpoints. Such
 * a group allows HTTPS to the VPC's CIDR (interface endpoints) and to the Region's S3 prefix list
 * (gateway endpoint) instead. Other groups with open egress (NAT-routed workloads): not applicable.
 * A destination only known at deploy time (a parameter) on a judged group cannot be validated.
 * @param node the CfnResource to check
 */
export function SecurityGroupEgressScoped(node: CfnResource): NagRuleResult {
  if (node instanceof CfnSecurityGroup) {
    const rules = asList(prop(node, 'SecurityGroupEgress', node.securityGroupEgress));
    const open = rules.map((r) => openness(member(r, 'cidrIp'), member(r, 'cidrIpv6')));
    if (!open.some((o) => o !== 'scoped')) return NagRuleCompliance.COMPLIANT;
    const describedForEndpoints =
      saysEndpoints(prop(node, 'GroupDescription', node.groupDescription)) ||
      rules.some((r) => saysEndpoints(member(r, 'description')));
    if (!describedForEndpoints && !usedBySageMaker(node, node)) return NagRuleCompliance.NOT_APPLICABLE;
    return judge(open);
  }
  if (node instanceof CfnSecurityGroupEgress) {
    const o = openness(prop(node, 'CidrIp', node.cidrIp), prop(node, 'CidrIpv6', node.cidrIpv6));
    if (o === 'scoped') return NagRuleCompliance.COMPLIANT;
    const groupId: unknown = prop(node, 'GroupId', node.groupId);
    const group = groupOf(node, groupId);
    const describedForEndpoints =
      saysEndpoints(prop(node, 'Description', node.description)) ||
      (group !== undefined && saysEndpoints(prop(group, 'GroupDescription', group.groupDescription)));
    if (!describedForEndpoints && !usedBySageMaker(node, group ?? groupId)) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    return judge([o]);
  }
  return NagRuleCompliance.NOT_APPLICABLE;
}

type Openness = 'open' | 'scoped' | 'unknown';

function openness(cidrIp: unknown, cidrIpv6: unknown): Openness {
  const one = (cidr: unknown, anywhere: string): Openness => {
    if (cidr === undefined || cidr === null) return 'scoped';
    if (typeof cidr === 'string') return cidr.trim() === anywhere ? 'open' : 'scoped';
    // A VPC's own CIDR block ({ Fn::GetAtt: [Vpc, CidrBlock] }) is never 0.0.0.0/0.
    const getAtt = (cidr as Record<string, unknown>)['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[1] === 'string' && /^CidrBlock/.test(getAtt[1]))
      return 'scoped';
    return isIntrinsic(cidr) ? 'unknown' : 'scoped';
  };
  const v4 = one(cidrIp, '0.0.0.0/0');
  const v6 = one(cidrIpv6, '::/0');
  if (v4 === 'open' || v6 === 'open') return 'open';
  return v4 === 'unknown' || v6 === 'unknown' ? 'unknown' : 'scoped';
}

function judge(open: readonly Openness[]): NagRuleResult {
  if (open.includes('open')) return NagRuleCompliance.NON_COMPLIANT;
  throw new Error(
    'An egress destination of the security group is only known at deploy time (a parameter or import), therefore the rule could not be validated.',
  );
}

function saysEndpoints(description: unknown): boolean {
  return typeof description === 'string' && ENDPOINT_WORDING.test(description);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The stack's security group a rule's GroupId points at, if any. */
function groupOf(node: CfnResource, groupId: unknown): CfnSecurityGroup | undefined {
  const stack = Stack.of(node);
  for (const c of stack.node.findAll()) {
    if (c instanceof CfnSecurityGroup && Stack.of(c) === stack && refersTo(groupId, c)) return c;
  }
  return undefined;
}

/**
 * Whether a SageMaker model or Model Monitor job of the stack names the group: by reference to the
 * stack's group, or by the literal id an imported group has. Runs only for groups with open egress.
 */
function usedBySageMaker(node: CfnResource, group: CfnSecurityGroup | unknown): boolean {
  const stack = Stack.of(node);
  const literal = typeof group === 'string' ? group : undefined;
  const target = group instanceof CfnSecurityGroup ? group : undefined;
  if (!literal && !target) return false;
  for (const c of stack.node.findAll()) {
    const network = sageMakerNetworkProperty(c);
    if (network === undefined || Stack.of(c) !== stack) continue;
    const config: unknown = prop(c as CfnResource, network[0], network[1]);
    if (target ? refersTo(config, target) : JSON.stringify(config ?? null).includes(`"${literal}"`))
      return true;
  }
  return false;
}
