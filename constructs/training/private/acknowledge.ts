import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { acknowledgeFindings } from '../../core/compliance';

/**
 * Acknowledges the AwsSolutions-IAM5 findings a policy has right now, one rule id per wildcard
 * (`AwsSolutions-IAM5[Resource::...]`, `[Action::...]`), rendered the way cdk-nag renders them.
 * Call it after the policy's last statement; a wildcard added later stays a finding.
 */
export function acknowledgeWildcards(policy: IConstruct | undefined, reason: string): void {
  if (!policy) return;
  const document = (policy as unknown as { document?: { toJSON(): unknown } }).document;
  if (!document) return;
  const resolved = Stack.of(policy).resolve(document.toJSON()) as {
    Statement?: Array<Record<string, unknown>>;
  };
  const ids = new Set<string>();
  for (const statement of resolved?.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of asArray(statement.Action)) {
      if (typeof action === 'string' && action.includes('*')) ids.add(`AwsSolutions-IAM5[Action::${action}]`);
    }
    for (const resource of asArray(statement.Resource)) {
      const flat = flatten(resource);
      if (flat.includes('*')) ids.add(`AwsSolutions-IAM5[Resource::${flat}]`);
    }
  }
  if (ids.size > 0) acknowledgeFindings(policy, [...ids], reason);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** cdk-nag's flattening of CloudFormation references (`<Logical.Arn>`, `<AWS::Region>`). */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  const o = node as Record<string, unknown>;
  if (o['Fn::Join']) {
    const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
    return items.map(flatten).join(delimiter);
  }
  if (o['Fn::Sub']) return flatten(o['Fn::Sub']);
  if (o['Fn::GetAtt']) {
    const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (o['Fn::ImportValue']) return flatten(o['Fn::ImportValue']);
  if (o.Ref) return `<${flatten(o.Ref)}>`;
  return JSON.stringify(node);
}

/**
 * Acknowledges the AwsSolutions-IAM5 findings that these resources (ARNs with a wildcard, added to
 * the policy after `acknowledgeWildcards` ran) raise on the policy, one rule id per resource.
 */
export function acknowledgeResourceWildcards(
  policy: IConstruct | undefined,
  resources: readonly string[],
  reason: string,
): void {
  if (!policy) return;
  const stack = Stack.of(policy);
  const ids = resources
    .map((resource) => flatten(stack.resolve(resource)))
    .filter((flat) => flat.includes('*'))
    .map((flat) => `AwsSolutions-IAM5[Resource::${flat}]`);
  if (ids.length > 0) acknowledgeFindings(policy, ids, reason);
}
