import { Stack } from 'aws-cdk-lib';
import { CfnManagedPolicy, CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { statementsOf, type Statement } from './policy';
import { member, refersTo, referencedResources, resourcesOfType, prop } from './stack-index';

/** The identity-based statements of a role, as far as its stack shows them. */
export interface RoleStatements {
  readonly statements: readonly Statement[];
  /** Whether the role also has managed policies from outside the stack, whose statements are unknown. */
  readonly hasForeignPolicies: boolean;
}

/**
 * Statements granted to a role by its inline `Policies`, by `AWS::IAM::Policy` and
 * `AWS::IAM::ManagedPolicy` resources of the stack that attach to it, and by managed policies of the
 * stack listed in its `ManagedPolicyArns`.
 */
export function roleStatements(role: CfnRole): RoleStatements {
  const stack = Stack.of(role);
  const inline = (
    (stack.resolve(prop(role, 'Policies', role.policies)) as unknown[] | undefined) ?? []
  ).flatMap((p) => statementsOf(stack.resolve(member(p, 'policyDocument'))));
  const attached = [
    ...resourcesOfType(role, CfnPolicy).filter((p) =>
      refersTo(stack.resolve(prop(p, 'Roles', p.roles)), role),
    ),
    ...resourcesOfType(role, CfnManagedPolicy).filter((p) =>
      refersTo(stack.resolve(prop(p, 'Roles', p.roles)), role),
    ),
  ].flatMap((p) => statementsOf(stack.resolve(prop(p, 'PolicyDocument', p.policyDocument))));
  const managedArns =
    (stack.resolve(prop(role, 'ManagedPolicyArns', role.managedPolicyArns)) as unknown[] | undefined) ?? [];
  const local = managedArns.flatMap((arn) => referencedResources(role, arn, CfnManagedPolicy));
  const listed = local.flatMap((p) =>
    statementsOf(stack.resolve(prop(p, 'PolicyDocument', p.policyDocument))),
  );
  return {
    statements: [...inline, ...attached, ...listed],
    hasForeignPolicies: local.length < managedArns.length,
  };
}
