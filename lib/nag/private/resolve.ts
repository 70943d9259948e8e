import { Stack, type CfnResource } from 'aws-cdk-lib';

/**
 * True for a CloudFormation intrinsic (`{ Ref }`, `{ 'Fn::If': ... }`, `{ Condition }`): its value is
 * only known at deploy time, so a rule cannot look inside it.
 */
export function isIntrinsic(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'));
}

/**
 * Resolves a struct property (e.g. `launchTemplateData`, `vpcConfig`) to plain JSON.
 * Throws when it resolves to an intrinsic: cdk-nag then reports the rule as "could not be validated"
 * for this resource, the same way `NagRules.resolveIfPrimitive` does for primitives, instead of
 * passing a resource whose settings nobody could read.
 */
export function resolveStruct(node: CfnResource, value: unknown): Record<string, unknown> | undefined {
  const resolved: unknown = Stack.of(node).resolve(value);
  if (resolved === undefined || resolved === null) return undefined;
  if (isIntrinsic(resolved) || typeof resolved !== 'object' || Array.isArray(resolved)) {
    throw new Error(unreadable(resolved, 'an object'));
  }
  return resolved as Record<string, unknown>;
}

/** Resolves a list property whose members a rule must inspect; throws like `resolveStruct` when it cannot. */
export function resolveList(node: CfnResource, value: unknown): unknown[] {
  const resolved: unknown = Stack.of(node).resolve(value);
  if (resolved === undefined || resolved === null) return [];
  if (!Array.isArray(resolved)) throw new Error(unreadable(resolved, 'a list'));
  return resolved;
}

/**
 * Whether a property that only has to be present (a key id, a subnet list, alarm actions) is set.
 * Intrinsics count as set (a `Ref` to a key is the normal case); empty strings and lists do not.
 */
export function isSet(node: CfnResource, value: unknown): boolean {
  const resolved: unknown = Stack.of(node).resolve(value);
  if (resolved === undefined || resolved === null) return false;
  if (typeof resolved === 'string') return resolved.trim().length > 0;
  if (Array.isArray(resolved)) return resolved.length > 0;
  return true;
}

function unreadable(resolved: unknown, expected: string): string {
  return `The parameter resolved to ${JSON.stringify(resolved)} instead of ${expected}, therefore the rule could not be validated.`;
}
