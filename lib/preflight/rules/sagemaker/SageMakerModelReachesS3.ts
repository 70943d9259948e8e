import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnSecurityGroup, CfnSecurityGroupEgress } from 'aws-cdk-lib/aws-ec2';
import { CfnModel } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { resolveList, resolveStruct } from '../../../nag/private/resolve';
import {
  logicalIdOf,
  member,
  prop,
  referencedResources,
  refersTo,
  resourcesOfType,
} from '../../private/stack-index';

/**
 * A SageMaker model in a VPC that reads model data from S3 has a security group that lets HTTPS out:
 * SageMaker downloads the artifact through the model's network interfaces ("If you configure your VPC
 * so that model containers don't have access to the internet, they can't connect to the Amazon S3
 * buckets that contain your data unless you create a VPC endpoint that allows access", SageMaker
 * "Give SageMaker AI Hosted Endpoints Access to Resources in Your Amazon VPC"), and "The rules for the
 * security groups for your instances that access Amazon S3 through a gateway endpoint must allow
 * traffic to and from Amazon S3" (Amazon VPC, "Gateway endpoints for Amazon S3").
 *
 * Non-compliant: every security group of the model is a group of this stack, and none has an egress
 * rule (inline or `AWS::EC2::SecurityGroupEgress`) that carries TCP 443 to any destination; a group
 * with no `SecurityGroupEgress` keeps EC2's default allow-all rule. The destination is not judged
 * (a prefix list, an S3 interface endpoint's addresses or 0.0.0.0/0 may each be right). Groups from
 * outside the stack, and models without a VPC or without S3 model data: not applicable. The finding
 * names the groups: `SecurityGroupIds::${Group}`.
 * @param node the CfnResource to check
 */
export function SageMakerModelReachesS3(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnModel)) return NagRuleCompliance.NOT_APPLICABLE;
  const stack = Stack.of(node);
  const vpcConfig = resolveStruct(node, prop(node, 'VpcConfig', node.vpcConfig));
  if (vpcConfig === undefined || !readsS3(node)) return NagRuleCompliance.NOT_APPLICABLE;
  const ids = resolveList(node, member(vpcConfig, 'securityGroupIds'));
  const groups = ids.map((id) => referencedResources(node, stack.resolve(id), CfnSecurityGroup)[0]);
  if (groups.length === 0 || groups.some((g) => g === undefined)) return NagRuleCompliance.NOT_APPLICABLE;
  const own = groups as CfnSecurityGroup[];
  if (own.some((g) => allowsHttps(g))) return NagRuleCompliance.COMPLIANT;
  return [`SecurityGroupIds::${own.map((g) => `\${${logicalIdOf(g)}}`).join(',')}`];
}

/** Whether a container reads model data from S3 (ModelDataUrl or ModelDataSource.S3DataSource). */
function readsS3(node: CfnModel): boolean {
  const stack = Stack.of(node);
  const containers = [
    resolveStruct(node, prop(node, 'PrimaryContainer', node.primaryContainer)),
    ...resolveList(node, prop(node, 'Containers', node.containers)).map((c) => resolveStruct(node, c)),
  ];
  return containers.some((c) => {
    if (c === undefined) return false;
    if (stack.resolve(member(c, 'modelDataUrl')) !== undefined) return true;
    const source = resolveStruct(node, member(c, 'modelDataSource'));
    return member(source, 's3DataSource') !== undefined;
  });
}

/** Whether any egress rule of the group (inline, or a separate resource of the stack) carries TCP 443. */
function allowsHttps(group: CfnSecurityGroup): boolean {
  const inline: unknown = prop(group, 'SecurityGroupEgress', group.securityGroupEgress);
  // No egress property: EC2 keeps the default rule that allows all outbound traffic.
  if (inline === undefined || inline === null) return true;
  const rules: unknown[] = Array.isArray(inline) ? inline : [inline];
  if (rules.some(carriesHttps)) return true;
  return resourcesOfType(group, CfnSecurityGroupEgress).some(
    (r) =>
      refersTo(prop(r, 'GroupId', r.groupId), group) &&
      carriesHttps({
        ipProtocol: prop(r, 'IpProtocol', r.ipProtocol),
        fromPort: prop(r, 'FromPort', r.fromPort),
        toPort: prop(r, 'ToPort', r.toPort),
      }),
  );
}

function carriesHttps(rule: unknown): boolean {
  const protocol = String(member(rule, 'ipProtocol') ?? '');
  if (protocol === '-1' || protocol === 'all') return true;
  if (protocol !== 'tcp' && protocol !== '6') return false;
  const from = Number(member(rule, 'fromPort') ?? -1);
  const to = Number(member(rule, 'toPort') ?? -1);
  if (from === -1 && to === -1) return true;
  return from <= 443 && 443 <= to;
}
