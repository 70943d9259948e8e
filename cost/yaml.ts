/**
 * The YAML parser, loaded on first use. A cloud assembly is JSON, so a CLI run on `cdk.out`
 * (one esbuild bundle) never initialises the parser; YAML templates and usage files load it.
 *
 * Aliases make YAML a compression format: a few hundred kilobytes of `&a [*b, *b, ...]` expand
 * to billions of nodes, and the `yaml` package's own guard (`maxAliasCount`) walks the whole
 * document once per alias (quadratic: a 403 KB file took 33 s and 1 GB). So the document is
 * parsed without building JS values, its expanded size is measured in one pass over the syntax
 * tree (each anchored node measured once), and only a document within the limits is converted.
 *
 * The package's duplicate-key check (`uniqueKeys`) compares each key with every key before it in
 * its map: a flat map of 40,000 keys took 30 s. Duplicate keys are still refused, found with one
 * set per map in the same pass over the tree.
 */
import { MAX_NESTING_DEPTH } from './limits';
import type { DocumentOptions, Node as YamlNode, ParseOptions, SchemaOptions, ToJSOptions } from 'yaml';

type YamlModule = typeof import('yaml');
let yaml: YamlModule | undefined;

/** Aliases and anchors together, at most: the `yaml` package resolves each alias with a scan of them all. */
export const MAX_YAML_ALIASES = 10_000;
/**
 * What aliases may add to a document, in nodes plus scalar characters (about 4 MB of text): far
 * above any real template's repeated tags, far below what would take the estimator minutes.
 */
export const MAX_YAML_EXPANSION = 4 * 1024 * 1024;

/** A document over the limits, or several documents: not a syntax error, its message is the user's (callers prefix the path). */
export class YamlLimitError extends Error {}

/**
 * `yaml`'s `parse(text, options)` with the module required on the first call, refusing a document
 * whose aliases expand beyond MAX_YAML_EXPANSION or that has more than MAX_YAML_ALIASES aliases and
 * anchors. Syntax errors are thrown as the parser's error (callers word the message); the limits
 * throw YamlLimitError with a message that says which limit.
 */
export function parseYaml(
  text: string,
  options: ParseOptions & DocumentOptions & SchemaOptions & Omit<ToJSOptions, 'maxAliasCount'>,
): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous and lazy on purpose
  yaml ??= require('yaml') as YamlModule;
  // Parsing builds a node per alias before the limits can be checked: a 2.4 MB file of aliases took
  // 15 s and 788 MB to refuse. Text with more `*` and `&` than the limit allows is lexed first,
  // which stops at the first alias or anchor over the limit (tens of milliseconds).
  if (countChar(text, '*') + countChar(text, '&') > MAX_YAML_ALIASES) checkAliasCount(yaml, text);
  const doc = yaml.parseDocument(text, { ...options, uniqueKeys: false });
  if (doc.errors.length > 0) {
    // The parser recurses once per level of flow collections (`[[[[...`): tens of thousands of
    // levels overflow its stack, which it reports as a syntax error quoting the RangeError.
    if (doc.errors[0].message.startsWith('Maximum call stack size exceeded'))
      throw new YamlLimitError(
        `nested too deeply to parse (more than ${MAX_NESTING_DEPTH} levels are refused anyway)`,
      );
    // The package's own wording advises a developer to call YAML.parseAllDocuments().
    if (doc.errors[0].code === 'MULTIPLE_DOCS')
      throw new YamlLimitError(
        `holds several YAML documents (a line of --- starts each); one document is expected (${doc.errors[0].message
          .replace(/^.*? at /, 'the second at ')
          .split('\n')[0]
          .replace(/:$/, '')})`,
      );
    throw doc.errors[0];
  }
  checkExpansion(yaml, doc.contents, text);
  // The expansion is measured above; the package's own alias count would only repeat it, quadratically.
  return doc.toJS({ maxAliasCount: -1 });
}

/**
 * Measures the document as if every alias were replaced by a copy of its anchored node, and
 * refuses a map with the same scalar key twice (the check `uniqueKeys` would have made).
 */
function checkExpansion(y: YamlModule, root: unknown, text: string): void {
  const anchors = new Map<string, YamlNode>();
  const sizes = new Map<unknown, number>();
  let aliases = 0;
  let literal = 0;
  let expanded = 0;
  // Iterative post-order walk: a deeply nested document must not overflow the stack here.
  const stack: { node: unknown; children?: unknown[]; next: number; size: number }[] = [];
  const push = (node: unknown): void => {
    if (y.isNode(node) && node.anchor) anchors.set(node.anchor, node);
    const children: unknown[] = [];
    if (y.isMap(node)) checkUniqueKeys(y, node.items, text);
    if (y.isMap(node) || y.isSeq(node)) {
      for (const item of node.items as unknown[]) {
        if (y.isPair(item)) children.push(item.key, item.value);
        else children.push(item);
      }
    }
    stack.push({ node, children, next: 0, size: 1 });
    // Converting to values recurses once per level: refuse what checkNestingDepth would refuse
    // after conversion, before the conversion can overflow the stack.
    if (stack.length > MAX_NESTING_DEPTH + 1)
      throw new YamlLimitError(`nested deeper than ${MAX_NESTING_DEPTH} levels`);
  };
  push(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.children && top.next < top.children.length) {
      push(top.children[top.next++]);
      continue;
    }
    stack.pop();
    let size = top.size;
    const node = top.node;
    if (y.isAlias(node)) {
      aliases++;
      const target = anchors.get(node.source);
      // An alias to an anchor not yet closed (inside itself) or unknown: the parser reports it.
      size = target !== undefined ? (sizes.get(target) ?? 1) : 1;
      expanded += size;
    } else {
      if (y.isScalar(node)) size += typeof node.value === 'string' ? node.value.length : 8;
      if (y.isNode(node) && node.anchor) aliases++;
      literal += y.isScalar(node) ? size : 1;
      expanded += y.isScalar(node) ? size : 1;
    }
    if (aliases > MAX_YAML_ALIASES) {
      throw new YamlLimitError(
        `more than ${MAX_YAML_ALIASES} YAML aliases and anchors (limit against alias bombs)`,
      );
    }
    if (expanded - literal > MAX_YAML_EXPANSION) {
      throw new YamlLimitError(
        `YAML aliases expand the document by more than ${MAX_YAML_EXPANSION} nodes and characters (alias bomb)`,
      );
    }
    if (y.isNode(node) && node.anchor) sizes.set(node, size);
    const parent = stack[stack.length - 1];
    if (parent) parent.size += size;
  }
}

/** Throws the parser's wording for a map with a scalar key given twice, with its line and column. */
function checkUniqueKeys(y: YamlModule, items: readonly unknown[], text: string): void {
  const seen = new Set<string>();
  for (const item of items) {
    if (!y.isPair(item) || !y.isScalar(item.key)) continue;
    // Keys of different types are different keys (`1` and `"1"`), as in the package's own check.
    const value: unknown = item.key.value;
    const id = `${typeof value}:${String(value)}`;
    if (!seen.has(id)) {
      seen.add(id);
      continue;
    }
    const offset = item.key.range?.[0] ?? 0;
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw new Error(
      `Map keys must be unique at line ${line}, column ${column}: ${JSON.stringify(String(value))}`,
    );
  }
}

function countChar(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/** Throws YamlLimitError as soon as the lexer has seen more than MAX_YAML_ALIASES aliases and anchors. */
function checkAliasCount(y: YamlModule, text: string): void {
  let seen = 0;
  for (const token of new y.Lexer().lex(text)) {
    const type = y.CST.tokenType(token);
    if ((type === 'alias' || type === 'anchor') && ++seen > MAX_YAML_ALIASES) {
      throw new YamlLimitError(
        `more than ${MAX_YAML_ALIASES} YAML aliases and anchors (limit against alias bombs)`,
      );
    }
  }
}
