/**
 * Structural limits on parsed input. Every later pass over a template (resolution, reference
 * graph, pricing) recurses over its values; a document nested thousands of levels deep (1,000
 * nested `Fn::Join`) would overflow the stack there, which is an internal error rather than a
 * clear message. So nesting is checked once, iteratively, right after parsing.
 */
import { CostInputError } from './errors';

/**
 * The deepest nesting accepted. The reference platform's templates nest 12 levels (IAM policy
 * conditions inside statements inside documents inside properties); 128 leaves room for any
 * hand-written template while keeping every recursive pass far from the stack limit.
 */
export const MAX_NESTING_DEPTH = 128;

/** Throws CostInputError naming `what` and the path of the first value nested deeper than `max`. */
export function checkNestingDepth(doc: unknown, what: string, max = MAX_NESTING_DEPTH): void {
  // Fast pass, no allocation per node: two parallel stacks of values and depths. Objects shared
  // through YAML aliases are walked once per use; cost/yaml.ts bounds what aliases can add.
  const values: unknown[] = [doc];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= max) {
      throw new CostInputError(
        `${what}: nested deeper than ${max} levels at ${firstPathDeeperThan(doc, max)}`,
      );
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        values.push(value[i]);
        depths.push(depth + 1);
      }
    } else {
      for (const k in value) {
        if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
        values.push((value as Record<string, unknown>)[k]);
        depths.push(depth + 1);
      }
    }
  }
}

/** The slow pass, run only to word the error: the path to the first value at depth `max`. */
function firstPathDeeperThan(doc: unknown, max: number): string {
  interface Entry {
    readonly value: unknown;
    readonly depth: number;
    readonly parent?: Entry;
    readonly key?: string | number;
  }
  const stack: Entry[] = [{ value: doc, depth: 0 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { value, depth } = entry;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= max) return pathOf(entry);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++)
        stack.push({ value: value[i], depth: depth + 1, parent: entry, key: i });
    } else {
      for (const k of Object.keys(value)) {
        stack.push({ value: (value as Record<string, unknown>)[k], depth: depth + 1, parent: entry, key: k });
      }
    }
  }
  return '(top level)';
}

/** `Resources.Vm.Properties.Tags[0]…`: the first keys of the path to an entry. */
function pathOf(entry: { readonly parent?: unknown; readonly key?: string | number }): string {
  const keys: (string | number)[] = [];
  for (
    let e = entry as typeof entry | undefined;
    e?.key !== undefined;
    e = e.parent as typeof entry | undefined
  )
    keys.push(e.key);
  keys.reverse();
  const shown = keys.slice(0, 6).map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`));
  return (shown.join('').replace(/^\./, '') || '(top level)') + (keys.length > 6 ? '…' : '');
}
