/**
 * Intrinsic resolution: turns a template into resolved resources, without AWS.
 *
 * - Parameters: given values (`--parameter`, the usage file), else `Default`, else unknown.
 *   SSM parameter types are unknown unless given (their Default is a parameter name, not a value).
 * - Pseudo parameters: region, account (when known), partition, URL suffix, stack name; the rest unknown.
 * - Conditions: three-valued (`true`, `false`, `undecided`) over Fn::Equals/And/Or/Not/Condition.
 *   A resource whose Condition is false is left out; undecided → `condition: 'undecided'`.
 *   An undecided `Fn::If` inside properties is resolved twice (true branch, false branch): the
 *   estimate prices both and reports the range.
 * - `Ref`/`Fn::GetAtt` to resources become symbolic unknowns that keep the reference, and
 *   `Fn::Join`/`Fn::Sub` keep literal and symbolic parts, so modules can join resources.
 * - `Fn::Select/Split/FindInMap/GetAZs/Base64` are evaluated when their inputs are known.
 * - `AWS::CDK::Metadata` resources and the `Rules` section (CDK's CheckBootstrapVersion) are ignored.
 */
import { CostInputError } from '../errors';
import { MAX_NESTING_DEPTH } from '../limits';
import { isUnknown, type ResolvedResource, type TemplateView } from '../pricing/types';
import type { CfnTemplate } from './load';
import { concatParts, containsUnknown, partsOf, refValue, unknown, type SymbolicValue } from './values';

export interface ResolveOptions {
  readonly stackName: string;
  readonly region: string;
  readonly account?: string;
  /** Parameter values by name (strings as CloudFormation receives them). */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Availability zones assumed for `Fn::GetAZs`. @default 2 */
  readonly azCount?: number;
}

export type ConditionValue = boolean | 'undecided';

/** A parameter's value and where it came from. */
export interface ResolvedParameter {
  readonly name: string;
  readonly value: unknown;
  readonly source: 'given' | 'default' | 'unknown';
}

export interface ExcludedResource {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly reason: string;
}

export interface ResolvedTemplate {
  readonly stackName: string;
  readonly region: string;
  /** Resources to price, in template order (false-condition and CDK metadata resources left out). */
  readonly resources: readonly ResolvedResource[];
  /**
   * Resources whose properties contain an undecided `Fn::If`: the resolution with every such
   * condition false (the primary resolution in `resources` takes them true).
   */
  readonly alternatives: ReadonlyMap<string, ResolvedResource>;
  /** Resources left out because their Condition is false. */
  readonly excluded: readonly ExcludedResource[];
  readonly parameters: readonly ResolvedParameter[];
  readonly conditions: Readonly<Record<string, ConditionValue>>;
  readonly view: TemplateView;
}

const DEFAULT_AZ_COUNT = 2;
const NO_VALUE = Symbol('AWS::NoValue');
const IGNORED_TYPES = new Set(['AWS::CDK::Metadata']);

type IfMode = 'true' | 'false';

interface Context {
  readonly template: CfnTemplate;
  readonly options: ResolveOptions;
  readonly params: ReadonlyMap<string, unknown>;
  readonly resourceIds: ReadonlySet<string>;
  readonly conditionCache: Map<string, ConditionValue>;
  readonly conditionStack: Set<string>;
}

interface ResolveState {
  readonly ifMode: IfMode;
  /** Conditions that were undecided in a Fn::If while resolving. */
  readonly undecidedIfs: Set<string>;
}

/** Resolves a loaded template for one region. Throws CostInputError on a malformed template. */
export function resolveTemplate(template: CfnTemplate, options: ResolveOptions): ResolvedTemplate {
  const rawResources = template.Resources as Record<string, Record<string, unknown>>;
  const resourceIds = new Set(Object.keys(rawResources));
  const parameters = resolveParameters(template, options);
  const ctx: Context = {
    template,
    options,
    params: new Map(parameters.map((p) => [p.name, p.value])),
    resourceIds,
    conditionCache: new Map(),
    conditionStack: new Set(),
  };

  const conditions: Record<string, ConditionValue> = {};
  for (const name of Object.keys(asObject(template.Conditions) ?? {}))
    conditions[name] = evaluateCondition(ctx, name);

  const resources: ResolvedResource[] = [];
  const alternatives = new Map<string, ResolvedResource>();
  const excluded: ExcludedResource[] = [];
  for (const [logicalId, raw] of Object.entries(rawResources)) {
    const type = raw.Type as string;
    if (IGNORED_TYPES.has(type)) continue;
    let condition: ResolvedResource['condition'] = 'none';
    if (raw.Condition !== undefined) {
      if (typeof raw.Condition !== 'string')
        throw new CostInputError(`resource ${logicalId}: Condition must be a name`);
      const value = evaluateCondition(ctx, raw.Condition);
      if (value === false) {
        excluded.push({ logicalId, resourceType: type, reason: `condition ${raw.Condition} is false` });
        continue;
      }
      condition = value === true ? 'true' : 'undecided';
    }
    const primaryState: ResolveState = { ifMode: 'true', undecidedIfs: new Set() };
    resources.push(buildResource(ctx, logicalId, raw, condition, primaryState));
    if (primaryState.undecidedIfs.size > 0) {
      const altState: ResolveState = { ifMode: 'false', undecidedIfs: new Set() };
      alternatives.set(logicalId, buildResource(ctx, logicalId, raw, condition, altState));
    }
  }

  const byId = new Map(resources.map((r) => [r.logicalId, r]));
  // Built on the first question: few modules ask (budgets with actions), and walking every
  // property of every resource again is a good part of resolving a template.
  let referencedBy: Map<string, string[]> | undefined;
  const azCount = options.azCount ?? DEFAULT_AZ_COUNT;
  const view: TemplateView = {
    resource: (id) => byId.get(id),
    resources: () => resources,
    referencedBy: (id) =>
      ((referencedBy ??= buildReverseGraph(rawResources, resourceIds)).get(id) ?? []).filter((r) =>
        byId.has(r),
      ),
    azCount,
  };
  return {
    stackName: options.stackName,
    region: options.region,
    resources,
    alternatives,
    excluded,
    parameters,
    conditions,
    view,
  };
}

function buildResource(
  ctx: Context,
  logicalId: string,
  raw: Record<string, unknown>,
  condition: ResolvedResource['condition'],
  state: ResolveState,
): ResolvedResource {
  const resolved = resolveValue(ctx, raw.Properties ?? {}, state, `${logicalId}.Properties`);
  const properties = asObject(resolved) ?? {};
  const metadata = asObject(raw.Metadata) ?? {};
  const path = metadata['aws:cdk:path'];
  return {
    logicalId,
    type: raw.Type as string,
    properties,
    metadata,
    ...(typeof path === 'string' ? { constructPath: path } : {}),
    condition,
    tags: extractTags(properties.Tags),
  };
}

function extractTags(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(tags)) {
    for (const t of tags) {
      const tag = asObject(t);
      if (tag && typeof tag.Key === 'string' && typeof tag.Value === 'string') out[tag.Key] = tag.Value;
    }
  } else if (asObject(tags)) {
    for (const [k, v] of Object.entries(asObject(tags) ?? {})) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function resolveParameters(template: CfnTemplate, options: ResolveOptions): ResolvedParameter[] {
  const declared = asObject(template.Parameters) ?? {};
  const given = options.parameters ?? {};
  const out: ResolvedParameter[] = [];
  for (const [name, rawDecl] of Object.entries(declared)) {
    const decl = asObject(rawDecl) ?? {};
    const type = typeof decl.Type === 'string' ? decl.Type : 'String';
    const isList = type === 'CommaDelimitedList' || type.startsWith('List<');
    const convert = (v: string): unknown => (isList ? v.split(',').map((s) => s.trim()) : v);
    if (Object.prototype.hasOwnProperty.call(given, name)) {
      out.push({ name, value: convert(given[name]), source: 'given' });
    } else if (decl.Default !== undefined && !type.startsWith('AWS::SSM::Parameter::Value')) {
      const d = decl.Default;
      out.push({ name, value: Array.isArray(d) ? d : convert(String(d)), source: 'default' });
    } else {
      out.push({ name, value: unknown(`parameter ${name}`), source: 'unknown' });
    }
  }
  return out;
}

function pseudoParameter(ctx: Context, name: string): unknown {
  const { region, account, stackName } = ctx.options;
  switch (name) {
    case 'AWS::Region':
      return region;
    case 'AWS::AccountId':
      return account ?? unknown('AWS::AccountId');
    case 'AWS::Partition':
      return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
    case 'AWS::URLSuffix':
      return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    case 'AWS::StackName':
      return stackName;
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      return unknown(name);
  }
}

function refOf(ctx: Context, name: string, where: Where): unknown {
  if (name.startsWith('AWS::')) return pseudoParameter(ctx, name);
  if (ctx.params.has(name)) return ctx.params.get(name);
  if (ctx.resourceIds.has(name)) return refValue(name);
  throw new CostInputError(
    `${at(where)}: Ref to ${name}, which is not a parameter or resource of the template`,
  );
}

function resolveValue(ctx: Context, value: unknown, state: ResolveState, where: Where): unknown {
  if (Array.isArray(value)) {
    // forEach, like map + filter, skips the holes of a sparse array.
    const out: unknown[] = [];
    value.forEach((v: unknown, i: number) => {
      const r = resolveValue(ctx, v, state, { parent: where, key: i });
      if (r !== NO_VALUE) out.push(r);
    });
    return out;
  }
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
    const handled = resolveIntrinsic(ctx, keys[0], obj[keys[0]], state, where);
    if (handled !== NOT_INTRINSIC) return handled;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = resolveValue(ctx, obj[k], state, { parent: where, key: k });
    if (v !== NO_VALUE) out[k] = v;
  }
  return out;
}

const NOT_INTRINSIC = Symbol('not an intrinsic');

/**
 * Where a value sits in the template (`Vm.Properties.Tags[0].Value`), for error messages. Kept
 * as a chain of keys and only spelled out when an error is raised: resolving a template visits
 * every node, and most templates raise no error.
 */
type Where = string | { readonly parent: Where; readonly key: string | number };

function at(where: Where): string {
  if (typeof where === 'string') return where;
  const keys: (string | number)[] = [];
  let w: Where = where;
  while (typeof w !== 'string') {
    keys.push(w.key);
    w = w.parent;
  }
  let out = w;
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i];
    out += typeof k === 'number' ? `[${k}]` : `.${k}`;
  }
  return out;
}

function resolveIntrinsic(
  ctx: Context,
  fn: string,
  arg: unknown,
  state: ResolveState,
  where: Where,
): unknown {
  const r = (v: unknown): unknown => resolveValue(ctx, v, state, where);
  switch (fn) {
    case 'Ref':
      if (typeof arg !== 'string')
        throw new CostInputError(`${at(where)}: Ref must name a parameter or resource`);
      return refOf(ctx, arg, where);
    case 'Fn::GetAtt': {
      const [id, attr] = Array.isArray(arg) ? arg : typeof arg === 'string' ? splitAtt(arg) : [];
      if (typeof id !== 'string' || !ctx.resourceIds.has(id)) {
        throw new CostInputError(
          `${at(where)}: Fn::GetAtt names ${JSON.stringify(id)}, which is not a resource`,
        );
      }
      return refValue(id, typeof attr === 'string' ? attr : String(r(attr)));
    }
    case 'Fn::Join': {
      const [delimiter, list] = expectArray(arg, 2, fn, where);
      const items = r(list);
      if (typeof delimiter !== 'string' || !Array.isArray(items)) return unknown(`${fn} of an unknown list`);
      const parts = items.flatMap((item, i) => (i === 0 ? partsOf(item) : [delimiter, ...partsOf(item)]));
      return concatParts(parts);
    }
    case 'Fn::Sub':
      return resolveSub(ctx, arg, state, where);
    case 'Fn::Select': {
      const [index, list] = expectArray(arg, 2, fn, where);
      const i = r(index);
      const items = r(list);
      const n = typeof i === 'number' ? i : typeof i === 'string' ? Number(i) : NaN;
      if (!Number.isInteger(n) || !Array.isArray(items))
        return unknown(`${fn} with an unknown index or list`);
      if (n < 0 || n >= items.length) {
        throw new CostInputError(
          `${at(where)}: Fn::Select index ${n} is out of range for a list of ${items.length}`,
        );
      }
      return items[n];
    }
    case 'Fn::Split': {
      const [delimiter, source] = expectArray(arg, 2, fn, where);
      const s = r(source);
      if (typeof delimiter !== 'string' || typeof s !== 'string')
        return unknown(`${fn} of an unknown string`);
      return s.split(delimiter);
    }
    case 'Fn::FindInMap': {
      const [mapName, top, second] = expectArray(arg, 3, fn, where).map(r);
      if ([mapName, top, second].some((k) => typeof k !== 'string' && typeof k !== 'number')) {
        return unknown(`${fn} with an unknown key`);
      }
      const value = asObject(asObject(asObject(ctx.template.Mappings)?.[String(mapName)])?.[String(top)])?.[
        String(second)
      ];
      if (value === undefined) {
        throw new CostInputError(`${at(where)}: Fn::FindInMap finds nothing at ${mapName}.${top}.${second}`);
      }
      return value;
    }
    case 'Fn::GetAZs': {
      const region = r(arg);
      const target = typeof region === 'string' && region !== '' ? region : ctx.options.region;
      const count = ctx.options.azCount ?? DEFAULT_AZ_COUNT;
      return Array.from({ length: count }, (_, i) => `${target}${String.fromCharCode(97 + i)}`);
    }
    case 'Fn::Base64': {
      const v = r(arg);
      return typeof v === 'string'
        ? Buffer.from(v, 'utf8').toString('base64')
        : unknown('Fn::Base64 of unknown');
    }
    case 'Fn::If': {
      const [cond, whenTrue, whenFalse] = expectArray(arg, 3, fn, where);
      if (typeof cond !== 'string') throw new CostInputError(`${at(where)}: Fn::If needs a condition name`);
      let value = evaluateCondition(ctx, cond);
      if (value === 'undecided') {
        state.undecidedIfs.add(cond);
        value = state.ifMode === 'true';
      }
      return r(value ? whenTrue : whenFalse);
    }
    case 'Fn::Equals':
    case 'Fn::And':
    case 'Fn::Or':
    case 'Fn::Not':
    case 'Condition': {
      // `{ "Condition": {...} }` is also an ordinary property name (IAM statements): only a name is the intrinsic.
      if (fn === 'Condition' && typeof arg !== 'string') return NOT_INTRINSIC;
      const v = evaluateConditionExpr(ctx, { [fn]: arg }, where);
      return v === 'undecided' ? unknown(`${fn} undecided`) : v;
    }
    case 'Fn::ImportValue':
    case 'Fn::Cidr':
    case 'Fn::GetStackOutput':
    case 'Fn::Transform':
      return unknown(fn);
    default:
      return NOT_INTRINSIC;
  }
}

function resolveSub(ctx: Context, arg: unknown, state: ResolveState, where: Where): unknown {
  let text: unknown = arg;
  let vars: Record<string, unknown> = {};
  if (Array.isArray(arg)) {
    text = arg[0];
    vars = asObject(arg[1]) ?? {};
  }
  if (typeof text !== 'string') throw new CostInputError(`${at(where)}: Fn::Sub needs a string`);
  const parts: ReturnType<typeof partsOf>[number][] = [];
  const re = /\$\{([^}]*)\}/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    parts.push(text.slice(last, m.index));
    last = m.index + m[0].length;
    const name = m[1];
    if (name.startsWith('!')) {
      parts.push(`\${${name.slice(1)}}`);
      continue;
    }
    let value: unknown;
    if (Object.prototype.hasOwnProperty.call(vars, name)) {
      value = resolveValue(ctx, vars[name], state, { parent: where, key: name });
    } else if (name.includes('.') && !name.startsWith('AWS::')) {
      const [id, attr] = splitAtt(name);
      if (!ctx.resourceIds.has(id)) {
        throw new CostInputError(`${at(where)}: Fn::Sub names \${${name}}, but ${id} is not a resource`);
      }
      value = refValue(id, attr);
    } else {
      value = refOf(ctx, name, where);
    }
    parts.push(...partsOf(value));
  }
  parts.push(text.slice(last));
  return concatParts(parts);
}

/** Links in a chain of conditions naming conditions, at most (the nesting limit of cost/limits.ts). */
const MAX_CONDITION_CHAIN = MAX_NESTING_DEPTH;

function evaluateCondition(ctx: Context, name: string): ConditionValue {
  const cached = ctx.conditionCache.get(name);
  if (cached !== undefined) return cached;
  const expr = asObject(ctx.template.Conditions)?.[name];
  if (expr === undefined) throw new CostInputError(`condition ${name} is used but not defined in Conditions`);
  if (ctx.conditionStack.has(name)) throw new CostInputError(`condition ${name} refers to itself`);
  // Conditions naming conditions recurse once per link: a chain of thousands would overflow the stack.
  if (ctx.conditionStack.size >= MAX_CONDITION_CHAIN) {
    throw new CostInputError(
      `condition ${name}: conditions refer to conditions more than ${MAX_CONDITION_CHAIN} levels deep`,
    );
  }
  ctx.conditionStack.add(name);
  const value = evaluateConditionExpr(ctx, expr, `Conditions.${name}`);
  ctx.conditionStack.delete(name);
  ctx.conditionCache.set(name, value);
  return value;
}

function evaluateConditionExpr(ctx: Context, expr: unknown, where: Where): ConditionValue {
  const obj = asObject(expr);
  if (typeof expr === 'boolean') return expr;
  if (typeof expr === 'string' && (expr === 'true' || expr === 'false')) return expr === 'true';
  if (!obj || Object.keys(obj).length !== 1) {
    throw new CostInputError(
      `${at(where)}: a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition`,
    );
  }
  const [fn, arg] = Object.entries(obj)[0];
  const state: ResolveState = { ifMode: 'true', undecidedIfs: new Set() };
  const sub = (e: unknown): ConditionValue => evaluateConditionExpr(ctx, e, where);
  switch (fn) {
    case 'Condition':
      if (typeof arg !== 'string') throw new CostInputError(`${at(where)}: Condition must name a condition`);
      return evaluateCondition(ctx, arg);
    case 'Fn::Equals': {
      const [a, b] = expectArray(arg, 2, fn, where).map((v) => resolveValue(ctx, v, state, where));
      if (containsUnknown(a) || containsUnknown(b) || state.undecidedIfs.size > 0) return 'undecided';
      return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
    }
    case 'Fn::Not': {
      const [inner] = expectArray(arg, 1, fn, where);
      const v = sub(inner);
      return v === 'undecided' ? v : !v;
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const values = expectArray(arg, -1, fn, where).map(sub);
      const decisive = fn === 'Fn::And' ? false : true;
      if (values.includes(decisive)) return decisive;
      return values.includes('undecided') ? 'undecided' : !decisive;
    }
    default:
      throw new CostInputError(`${at(where)}: ${fn} is not a condition function`);
  }
}

/** CloudFormation compares condition operands as strings. */
function normalize(v: unknown): unknown {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(normalize);
  return v;
}

function buildReverseGraph(
  raw: Record<string, Record<string, unknown>>,
  ids: ReadonlySet<string>,
): Map<string, string[]> {
  const reverse = new Map<string, string[]>();
  for (const [from, res] of Object.entries(raw)) {
    const targets = new Set<string>();
    collectRefs(res.Properties, ids, targets);
    for (const to of [...targets].sort()) {
      if (to === from) continue;
      const list = reverse.get(to) ?? [];
      list.push(from);
      reverse.set(to, list);
    }
  }
  return reverse;
}

function collectRefs(value: unknown, ids: ReadonlySet<string>, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, ids, out);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const obj = value as Record<string, unknown>;
  // Object.keys rather than Object.entries: no [key, value] pair allocated per property.
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (k === 'Ref' && typeof v === 'string' && ids.has(v)) out.add(v);
    else if (k === 'Fn::GetAtt') {
      const id = Array.isArray(v) ? v[0] : typeof v === 'string' ? splitAtt(v)[0] : undefined;
      if (typeof id === 'string' && ids.has(id)) out.add(id);
    } else if (k === 'Fn::Sub') {
      const text = Array.isArray(v) ? v[0] : v;
      if (typeof text === 'string') {
        for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const id = splitAtt(m[1])[0];
          if (ids.has(id)) out.add(id);
        }
      }
      if (Array.isArray(v)) collectRefs(v[1], ids, out);
    } else collectRefs(v, ids, out);
  }
}

function splitAtt(s: string): [string, string] {
  const i = s.indexOf('.');
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function expectArray(arg: unknown, length: number, fn: string, where: Where): unknown[] {
  if (!Array.isArray(arg) || (length >= 0 && arg.length !== length)) {
    const want = length >= 0 ? `a list of ${length}` : 'a list';
    throw new CostInputError(`${at(where)}: ${fn} takes ${want}, got ${JSON.stringify(arg)}`);
  }
  return arg;
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isUnknown(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

export type { SymbolicValue };
