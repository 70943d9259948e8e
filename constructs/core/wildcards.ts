import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { acknowledgeFindings } from './compliance';

/**
 * Acknowledges the AwsSolutions-IAM5 findings a policy has right now, one rule id per wildcard
 * (`AwsSolutions-IAM5[Resource::<Bucket.Arn>/raw/events/*]`, `[Action::kms:GenerateDataKey*]`),
 * rendered the way cdk-nag renders them, so each acknowledgment names exactly one wildcard.
 * Call it after the policy's last statement: a wildcard added later stays a finding.
 */
export function acknowledgePolicyWildcards(policy: IConstruct | undefined, reason: string): void {
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
      const flat = flattenReference(resource);
      if (flat.includes('*')) ids.add(`AwsSolutions-IAM5[Resource::${flat}]`);
    }
  }
  if (ids.size > 0) acknowledgeFindings(policy, [...ids], reason);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** cdk-nag's flattening of CloudFormation references (`<Logical.Arn>`, `<AWS::Region>`). */
export function flattenReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (Array.isArray(o['Fn::Join'])) {
      const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(flattenReference).join(delimiter);
    }
    if ('Fn::Sub' in o) return flattenReference(o['Fn::Sub']);
    if (Array.isArray(o['Fn::GetAtt'])) {
      const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
    }
    if ('Fn::ImportValue' in o) return flattenReference(o['Fn::ImportValue']);
    if ('Ref' in o) return `<${flattenReference(o.Ref)}>`;
  }
  return JSON.stringify(node);
}

/**
 * Acknowledges, on the grantee's own policy, the AwsSolutions-IAM5 finding of each wildcard
 * resource a construct's `grant*()` method just wrote there (`<App.Arn>/jobruns/*`), with the
 * construct's reason. Other wildcards of that policy stay findings for its owner.
 */
export function acknowledgeGrantWildcards(
  grantee: { readonly grantPrincipal: unknown },
  resources: readonly string[],
  reason: string,
): void {
  const principal = grantee.grantPrincipal as Partial<IConstruct> | undefined;
  const policy = principal?.node?.tryFindChild('DefaultPolicy');
  if (!policy) return;
  const stack = Stack.of(policy);
  const ids = resources
    .map((resource) => flattenReference(stack.resolve(resource)))
    .filter((flat) => flat.includes('*'))
    .map((flat) => `AwsSolutions-IAM5[Resource::${flat}]`);
  if (ids.length > 0) acknowledgeFindings(policy, ids, reason);
}

/**
 * Acknowledges the AwsSolutions-IAM5 findings that these resources (ARNs with a wildcard, added to
 * the policy after `acknowledgePolicyWildcards` ran) raise on the policy, one rule id per resource.
 */
export function acknowledgeResourceWildcards(
  policy: IConstruct | undefined,
  resources: readonly string[],
  reason: string,
): void {
  if (!policy) return;
  const stack = Stack.of(policy);
  const ids = resources
    .map((resource) => flattenReference(stack.resolve(resource)))
    .filter((flat) => flat.includes('*'))
    .map((flat) => `AwsSolutions-IAM5[Resource::${flat}]`);
  if (ids.length > 0) acknowledgeFindings(policy, ids, reason);
}
