import { render } from './stack-index';

/** One IAM policy statement, normalised from resolved CloudFormation JSON. */
export interface Statement {
  readonly effect: 'Allow' | 'Deny';
  /** `Principal.Service` values; empty when the statement names no service. */
  readonly services: readonly string[];
  /** Whether the principal is everyone (`"*"` or `{ "AWS": "*" }`). */
  readonly anyone: boolean;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  /** Resources rendered to text (`${LogicalId}` for references); `['*']` when absent (key policies). */
  readonly resources: readonly string[];
  /** Condition operator → key (lower case) → rendered values. */
  readonly conditions: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The statements of a resolved policy document (`{ Statement: [...] }` or a single statement object). */
export function statementsOf(document: unknown): Statement[] {
  if (document === null || typeof document !== 'object') return [];
  const raw = list((document as Record<string, unknown>).Statement);
  return raw
    .filter((s): s is Record<string, unknown> => s !== null && typeof s === 'object')
    .map((s) => {
      const principal = s.Principal;
      const principalRecord =
        principal !== null && typeof principal === 'object' ? (principal as Record<string, unknown>) : {};
      const conditions = new Map<string, Map<string, string[]>>();
      const condition = s.Condition;
      if (condition !== null && typeof condition === 'object') {
        for (const [operator, keys] of Object.entries(condition as Record<string, unknown>)) {
          const byKey = new Map<string, string[]>();
          if (keys !== null && typeof keys === 'object') {
            for (const [key, values] of Object.entries(keys as Record<string, unknown>)) {
              byKey.set(key.toLowerCase(), list(values).map(render));
            }
          }
          conditions.set(operator, byKey);
        }
      }
      return {
        effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
        services: list(principalRecord.Service).map(render),
        anyone: principal === '*' || list(principalRecord.AWS).some((p) => p === '*'),
        actions: list(s.Action).map(render),
        notActions: list(s.NotAction).map(render),
        resources: s.Resource === undefined ? ['*'] : list(s.Resource).map(render),
        conditions,
      };
    });
}

/** IAM wildcard match (`*` any run, `?` one character), case-insensitive as IAM actions are. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'is').test(value);
}

/** Whether the statement's Action (or NotAction) covers the action. */
export function coversAction(statement: Statement, action: string): boolean {
  if (statement.notActions.length > 0) return !statement.notActions.some((p) => wildcardMatch(p, action));
  return statement.actions.some((p) => wildcardMatch(p, action));
}

/** Whether the statement's principal is this service principal (or everyone). */
export function namesService(statement: Statement, service: string): boolean {
  return statement.anyone || statement.services.includes(service);
}

/** Every value of one condition key, across operators (`StringEquals`, `ArnLike`, ...). */
export function conditionValues(statement: Statement, key: string): string[] | undefined {
  let values: string[] | undefined;
  for (const byKey of statement.conditions.values()) {
    const v = byKey.get(key.toLowerCase());
    if (v) values = [...(values ?? []), ...v];
  }
  return values;
}
