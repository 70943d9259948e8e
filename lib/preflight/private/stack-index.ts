import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CfnResource, Stack, Stage } from 'aws-cdk-lib';

/** The CloudFormation resources of one stack, by logical id (nested stacks are their own stacks). */
interface StackIndex {
  readonly resources: readonly CfnResource[];
  readonly byLogicalId: ReadonlyMap<string, CfnResource>;
}

let indexes = new WeakMap<Stack, StackIndex>();

/** Synthesized templates of the validation in progress, by absolute path. */
let templates = new Map<string, { Resources?: Record<string, { Properties?: Record<string, unknown> }> }>();

/**
 * Makes rules read resource properties from the synthesized templates (what CloudFormation will
 * receive, property overrides and escape hatches included), as the validation context hands them to
 * the pack. Unreadable templates are skipped: rules then fall back to the L1 properties.
 */
export function useSynthesizedTemplates(paths: readonly string[]): void {
  templates = new Map();
  for (const path of paths) {
    try {
      templates.set(resolve(path), JSON.parse(readFileSync(path, 'utf8')));
    } catch {
      // not JSON (or gone): the L1 properties stay the source for this stack
    }
  }
}

/** Forgets the synthesized templates (a `validateScope` without synthesis reads L1 properties). */
export function forgetSynthesizedTemplates(): void {
  templates = new Map();
}

/**
 * A property of a resource as CloudFormation receives it: from the synthesized template when the
 * validation has one (overrides included), otherwise the resolved L1 property. Structs from the
 * template use PascalCase members and L1 structs camelCase: read members with `member()`.
 * @param name the CloudFormation property name (`KmsKeyId`)
 * @param l1Value the same property read from the L1 (`node.kmsKeyId`)
 */
export function prop(node: CfnResource, name: string, l1Value: unknown): unknown {
  const stack = Stack.of(node);
  const outdir = Stage.of(stack)?.outdir;
  const template =
    outdir === undefined ? undefined : templates.get(resolve(join(outdir, stack.templateFile)));
  if (template === undefined) return stack.resolve(l1Value);
  return template.Resources?.[logicalIdOf(node)]?.Properties?.[name];
}

/**
 * Forgets every index. The pack calls it when a validation starts, so a tree changed between two
 * `validateScope` calls is read afresh; within one validation the tree is final and each stack is
 * indexed once (rules look across resources, and re-walking the tree per rule and per resource
 * would be quadratic).
 */
export function resetStackIndexes(): void {
  indexes = new WeakMap();
}

function indexOf(stack: Stack): StackIndex {
  const cached = indexes.get(stack);
  if (cached) return cached;
  const resources = stack.node
    .findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
  const byLogicalId = new Map<string, CfnResource>();
  for (const r of resources) {
    const id: unknown = stack.resolve(r.logicalId);
    if (typeof id === 'string') byLogicalId.set(id, r);
  }
  const index = { resources, byLogicalId };
  indexes.set(stack, index);
  return index;
}

/** The resources of the node's stack that are instances of `type` (an L1 class such as `CfnAlarm`). */
export function resourcesOfType<T extends CfnResource>(
  node: CfnResource,
  type: abstract new (...args: never[]) => T,
): T[] {
  return indexOf(Stack.of(node)).resources.filter((r): r is T => r instanceof type);
}

/** The resource of the node's stack with this logical id. */
export function resourceByLogicalId(node: CfnResource, logicalId: string): CfnResource | undefined {
  return indexOf(Stack.of(node)).byLogicalId.get(logicalId);
}

/** The resolved logical id of a resource. */
export function logicalIdOf(resource: CfnResource): string {
  return Stack.of(resource).resolve(resource.logicalId) as string;
}

/**
 * Logical ids a resolved value points at through `Ref` or `Fn::GetAtt`, anywhere inside it
 * (`Fn::Join`, `Fn::Sub` objects, nested structs). Pseudo parameters (`AWS::Region`) are left out.
 */
export function referencedLogicalIds(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    const record = v as Record<string, unknown>;
    const ref = record.Ref;
    if (typeof ref === 'string' && !ref.startsWith('AWS::')) found.add(ref);
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') found.add(getAtt[0]);
    if (typeof getAtt === 'string') found.add(getAtt.split('.')[0]);
    Object.values(record).forEach(visit);
  };
  visit(value);
  return [...found];
}

/** The resources of the node's stack a resolved value points at, of the given type. */
export function referencedResources<T extends CfnResource>(
  node: CfnResource,
  value: unknown,
  type: abstract new (...args: never[]) => T,
): T[] {
  return referencedLogicalIds(value)
    .map((id) => resourceByLogicalId(node, id))
    .filter((r): r is T => r instanceof type);
}

/** Whether a resolved value points at this resource (`Ref` or `Fn::GetAtt`, anywhere inside it). */
export function refersTo(value: unknown, resource: CfnResource): boolean {
  return referencedLogicalIds(value).includes(logicalIdOf(resource));
}

/**
 * Renders a resolved value as one readable line for a finding id: `Ref` as `${LogicalId}`,
 * `Fn::GetAtt` as `${LogicalId.Attribute}`, `Fn::Join` joined, `Fn::Sub` as its template, and parts
 * picked out of another value (`Fn::Select`) as `*`.
 */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(render).join(',');
  if (value === null || typeof value !== 'object') return '';
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return `\${${record.Ref}}`;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `\${${getAtt.map(render).join('.')}}`;
  if (typeof getAtt === 'string') return `\${${getAtt}}`;
  const join = record['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) return join[1].map(render).join(render(join[0]));
  const sub = record['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub)) return render(sub[0]);
  return '*';
}

/**
 * A member of a resolved struct. L1 props resolve to camelCase members (`variantName`), while
 * structs an L2 renders as raw CloudFormation, or that come from `addPropertyOverride`, use the
 * template's PascalCase (`VariantName`): read either.
 */
export function member(struct: unknown, name: string): unknown {
  if (struct === null || typeof struct !== 'object' || Array.isArray(struct)) return undefined;
  const record = struct as Record<string, unknown>;
  return record[name] ?? record[name.charAt(0).toUpperCase() + name.slice(1)];
}
