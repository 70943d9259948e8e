import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The id cdk-nag's AwsSolutions-IAM5 reports for a wildcard resource, e.g.
 * `AwsSolutions-IAM5[Resource::<CaptureBucket1234.Arn>/capture/*]`, so the acknowledgement
 * names exactly that resource and nothing broader.
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (Array.isArray(o['Fn::Join'])) {
      const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if ('Fn::Sub' in o) return flatten(o['Fn::Sub']);
    if (Array.isArray(o['Fn::GetAtt'])) {
      const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if ('Fn::ImportValue' in o) return flatten(o['Fn::ImportValue']);
    if ('Ref' in o) return `<${flatten(o.Ref)}>`;
  }
  return JSON.stringify(node);
}
