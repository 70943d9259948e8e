import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { flattenReference } from '../../core/wildcards';

/**
 * The id cdk-nag's AwsSolutions-IAM5 reports for a wildcard resource, e.g.
 * `AwsSolutions-IAM5[Resource::<CaptureBucket1234.Arn>/capture/*]`, so the acknowledgement
 * names exactly that resource and nothing broader.
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenReference(Stack.of(scope).resolve(resource))}]`;
}
