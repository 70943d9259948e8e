import { Stack, type CfnResource } from 'aws-cdk-lib';
import { statementsOf, type Statement } from '../../preflight/private/policy';

export { coversAction, type Statement } from '../../preflight/private/policy';

/** The statements of a policy-document property, resolved in the node's stack. */
export function documentStatements(node: CfnResource, document: unknown): Statement[] {
  return statementsOf(Stack.of(node).resolve(document));
}

/** Whether any operator of the statement's Condition tests one of the keys (case-insensitive). */
export function hasConditionKey(statement: Statement, ...keys: string[]): boolean {
  const wanted = keys.map((k) => k.toLowerCase());
  for (const byKey of statement.conditions.values()) {
    if (wanted.some((k) => byKey.has(k))) return true;
  }
  return false;
}

/** `aws:SourceAccount` or `aws:SourceArn`: the confused-deputy conditions of a service principal. */
export function hasSourceCondition(statement: Statement): boolean {
  return hasConditionKey(statement, 'aws:SourceAccount', 'aws:SourceArn');
}
