/**
 * Generates the API reference (`docs/API.md`) from the public barrel `lib/index.ts` with the
 * TypeScript compiler API: every export with its kind and one-line TSDoc summary; every exported
 * interface with each member's type, `@default` and doc; every exported class with its
 * constructor, static factories and constants, methods and public properties; every enum with
 * its members; every function with its signature. `npm run docs` writes it (scripts/docs.ts).
 *
 * It reads our sources syntactically and follows `export * from` / `export { ... } from` itself,
 * so it never loads aws-cdk-lib's declarations: it stays fast and sees exactly what we wrote.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(__dirname, '..', '..');
export const BARREL = join(ROOT, 'lib', 'index.ts');
export const API_DOC = join(ROOT, 'docs', 'API.md');

export type ExportKind = 'class' | 'abstract class' | 'function' | 'interface' | 'type' | 'enum' | 'const';

export interface ApiMember {
  readonly name: string;
  readonly optional: boolean;
  /** The type as written in the source (whitespace collapsed). */
  readonly type: string;
  /** The `@default` tag's text; undefined when the member has none. */
  readonly default?: string;
  readonly doc: string;
}

export interface ApiExport {
  readonly name: string;
  readonly kind: ExportKind;
  readonly summary: string;
  /** Source file, relative to the repository root. */
  readonly file: string;
  /** Interface members (interfaces only). */
  readonly members?: readonly ApiMember[];
  /** Public surface of a class: constructor, statics, methods and properties (classes only). */
  readonly classMembers?: readonly ClassMember[];
  /** Enum members (enums only). */
  readonly enumMembers?: readonly EnumMember[];
  /** `(params) => ReturnType` of an exported function. */
  readonly signature?: string;
}

export type ClassMemberKind = 'constructor' | 'static method' | 'static property' | 'method' | 'property';

export interface ClassMember {
  readonly name: string;
  readonly kind: ClassMemberKind;
  /** Parameters and return type for callables, the type for properties (as written in the source). */
  readonly signature: string;
  readonly doc: string;
}

export interface EnumMember {
  readonly name: string;
  /** The initializer as written, if any. */
  readonly value?: string;
  readonly doc: string;
}

export interface ApiModel {
  readonly exports: readonly ApiExport[];
  /** `Interface.member (file)` of each optional member of an exported `*Props` interface without `@default`. */
  readonly missingDefaults: readonly string[];
}

interface Declared {
  readonly node: ts.Node;
  readonly kind: ExportKind;
  readonly sourceFile: ts.SourceFile;
}

/** Reads the barrel and everything it re-exports. */
export function readApi(barrel = BARREL): ApiModel {
  const files = new Map<string, ts.SourceFile>();
  const source = (path: string): ts.SourceFile => {
    let sf = files.get(path);
    if (!sf) {
      sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
      files.set(path, sf);
    }
    return sf;
  };

  /** Exports of one module, in source order: name → declaration (following re-exports). */
  const exportsCache = new Map<string, Map<string, Declared>>();
  const moduleExports = (path: string): Map<string, Declared> => {
    const cached = exportsCache.get(path);
    if (cached) return cached;
    const out = new Map<string, Declared>();
    exportsCache.set(path, out);
    const sf = source(path);
    const local = localDeclarations(sf);
    for (const statement of sf.statements) {
      if (ts.isExportDeclaration(statement)) {
        const from =
          statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
            ? resolveModule(path, statement.moduleSpecifier.text)
            : undefined;
        const target = from ? moduleExports(from) : local;
        if (!statement.exportClause) {
          for (const [name, d] of target) if (!out.has(name)) out.set(name, d);
        } else if (ts.isNamedExports(statement.exportClause)) {
          for (const el of statement.exportClause.elements) {
            const d = target.get((el.propertyName ?? el.name).text);
            if (d) out.set(el.name.text, d);
          }
        }
        continue;
      }
      if (!isExported(statement)) continue;
      for (const [name, d] of declarationsOf(statement, sf)) out.set(name, d);
    }
    return out;
  };

  const exports: ApiExport[] = [];
  const missingDefaults: string[] = [];
  for (const [name, d] of moduleExports(barrel)) {
    const file = relative(ROOT, d.sourceFile.fileName).split('\\').join('/');
    const members = ts.isInterfaceDeclaration(d.node) ? interfaceMembers(d.node, d.sourceFile) : undefined;
    const classMembers = ts.isClassDeclaration(d.node) ? classMembersOf(d.node, d.sourceFile) : undefined;
    const enumMembers = ts.isEnumDeclaration(d.node) ? enumMembersOf(d.node, d.sourceFile) : undefined;
    const signature = ts.isFunctionDeclaration(d.node) ? signatureOf(d.node, d.sourceFile) : undefined;
    exports.push({
      name,
      kind: d.kind,
      summary: summaryOf(d.node),
      file,
      ...(members ? { members } : {}),
      ...(classMembers ? { classMembers } : {}),
      ...(enumMembers ? { enumMembers } : {}),
      ...(signature ? { signature } : {}),
    });
    if (members && name.endsWith('Props')) {
      for (const m of members) {
        if (m.optional && m.default === undefined) missingDefaults.push(`${name}.${m.name} (${file})`);
      }
    }
  }
  return { exports, missingDefaults };
}

/** The markdown of `docs/API.md`. */
export function renderApiDoc(model: ApiModel): string {
  const lines: string[] = [
    '# API',
    '',
    '<!-- Generated from lib/index.ts by scripts/docs/api-doc.ts. Do not edit: run `npm run docs`. -->',
    '',
    "Everything `import { ... } from 'cdk-ml-platform'` offers, in the order of the barrel. The",
    "estimator's own API (`estimate`, `renderReport`, ...) is `cdk-ml-platform/cost`.",
    '',
    '| export | kind | summary | source |',
    '|---|---|---|---|',
    ...model.exports.map(
      (e) => `| ${anchorLink(e)} | ${e.kind} | ${cell(e.summary) || '—'} | \`${e.file}\` |`,
    ),
  ];
  const classes = model.exports.filter((e) => e.classMembers !== undefined);
  if (classes.length > 0) {
    lines.push('', '## Classes', '');
    lines.push('Constructors, static factories and constants, methods and public properties.');
    for (const e of classes) {
      lines.push('', `### \`${e.name}\``, '');
      if (e.summary) lines.push(e.summary, '');
      if (e.classMembers!.length === 0) {
        lines.push('_No public members of its own._');
        continue;
      }
      lines.push('| member | kind | signature | description |', '|---|---|---|---|');
      for (const m of e.classMembers!) {
        const shown =
          m.kind === 'constructor'
            ? `new ${e.name}`
            : m.kind.startsWith('static')
              ? `${e.name}.${m.name}`
              : m.name;
        lines.push(`| \`${cell(shown)}\` | ${m.kind} | \`${cell(m.signature)}\` | ${cell(m.doc) || '—'} |`);
      }
    }
  }
  const enums = model.exports.filter((e) => e.enumMembers !== undefined);
  if (enums.length > 0) {
    lines.push('', '## Enums');
    for (const e of enums) {
      lines.push('', `### \`${e.name}\``, '');
      if (e.summary) lines.push(e.summary, '');
      lines.push('| member | value | description |', '|---|---|---|');
      for (const m of e.enumMembers!) {
        lines.push(
          `| \`${e.name}.${m.name}\` | ${m.value ? `\`${cell(m.value)}\`` : '—'} | ${cell(m.doc) || '—'} |`,
        );
      }
    }
  }
  const functions = model.exports.filter((e) => e.signature !== undefined);
  if (functions.length > 0) {
    lines.push('', '## Functions', '');
    lines.push('| function | signature | summary |', '|---|---|---|');
    for (const e of functions) {
      lines.push(`| \`${e.name}\` | \`${cell(e.signature!)}\` | ${cell(e.summary) || '—'} |`);
    }
  }
  const interfaces = model.exports.filter((e) => e.members !== undefined);
  if (interfaces.length > 0) {
    lines.push('', '## Interfaces', '');
    lines.push('Members marked `?` are optional; their default is in the **default** column.');
    for (const e of interfaces) {
      lines.push('', `### \`${e.name}\``, '');
      if (e.summary) lines.push(e.summary, '');
      if (e.members!.length === 0) {
        lines.push('_No members of its own._');
        continue;
      }
      lines.push('| member | type | default | description |', '|---|---|---|---|');
      for (const m of e.members!) {
        lines.push(
          `| \`${m.name}${m.optional ? '?' : ''}\` | \`${cell(m.type)}\` | ${defaultCell(m)} | ${cell(m.doc) || '—'} |`,
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `@default 2` → `2`; `@default - a new key` (a behaviour) → `_a new key_`. */
function defaultCell(m: ApiMember): string {
  if (m.default === undefined) return m.optional ? '—' : 'required';
  const behaviour = /^-\s*/.exec(m.default);
  const text = cell(behaviour ? m.default.slice(behaviour[0].length) : m.default);
  return text === '' ? '—' : behaviour ? `_${text}_` : text;
}

function anchorLink(e: ApiExport): string {
  const hasSection = e.members !== undefined || e.classMembers !== undefined || e.enumMembers !== undefined;
  return hasSection ? `[\`${e.name}\`](#${e.name.toLowerCase()})` : `\`${e.name}\``;
}

/** Text safe inside a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
}

function resolveModule(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  throw new Error(`api-doc: cannot resolve ${specifier} from ${from}`);
}

function isExported(node: ts.Statement): boolean {
  return (
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}

/** Declarations of a module by name, exported or not (for `export { A }` without `from`). */
function localDeclarations(sf: ts.SourceFile): Map<string, Declared> {
  const out = new Map<string, Declared>();
  for (const statement of sf.statements)
    for (const [name, d] of declarationsOf(statement, sf)) out.set(name, d);
  return out;
}

function declarationsOf(statement: ts.Statement, sf: ts.SourceFile): [string, Declared][] {
  const abstract = (ts.getModifiers(statement as ts.HasModifiers) ?? []).some(
    (m) => m.kind === ts.SyntaxKind.AbstractKeyword,
  );
  if (ts.isClassDeclaration(statement) && statement.name)
    return [
      [statement.name.text, { node: statement, kind: abstract ? 'abstract class' : 'class', sourceFile: sf }],
    ];
  if (ts.isFunctionDeclaration(statement) && statement.name)
    return [[statement.name.text, { node: statement, kind: 'function', sourceFile: sf }]];
  if (ts.isInterfaceDeclaration(statement))
    return [[statement.name.text, { node: statement, kind: 'interface', sourceFile: sf }]];
  if (ts.isTypeAliasDeclaration(statement))
    return [[statement.name.text, { node: statement, kind: 'type', sourceFile: sf }]];
  if (ts.isEnumDeclaration(statement))
    return [[statement.name.text, { node: statement, kind: 'enum', sourceFile: sf }]];
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations
      .filter((d): d is ts.VariableDeclaration & { name: ts.Identifier } => ts.isIdentifier(d.name))
      .map((d) => [d.name.text, { node: d, kind: 'const', sourceFile: sf }]);
  }
  return [];
}

/** A node's TSDoc: the text of its (last) doc comment and its tags. */
function jsDocOf(node: ts.Node): { text: string; tags: readonly ts.JSDocTag[] } {
  const docs = ts.getJSDocCommentsAndTags(node).filter((d): d is ts.JSDoc => ts.isJSDoc(d));
  const doc = docs[docs.length - 1];
  if (!doc) return { text: '', tags: [] };
  return { text: ts.getTextOfJSDocComment(doc.comment) ?? '', tags: doc.tags ?? [] };
}

/** The first paragraph of the TSDoc, on one line. */
function summaryOf(node: ts.Node): string {
  const { text } = jsDocOf(node);
  return (text.split(/\n\s*\n/)[0] ?? '').replace(/\s+/g, ' ').trim();
}

function interfaceMembers(node: ts.InterfaceDeclaration, sf: ts.SourceFile): ApiMember[] {
  const out: ApiMember[] = [];
  for (const member of node.members) {
    if (!member.name) continue;
    const name = member.name.getText(sf);
    const { text, tags } = jsDocOf(member);
    const defaultTag = tags.find((t) => t.tagName.text === 'default');
    let type: string;
    if (ts.isPropertySignature(member)) type = member.type ? member.type.getText(sf) : 'any';
    else if (ts.isMethodSignature(member)) {
      const params = member.parameters.map((p) => p.getText(sf)).join(', ');
      type = `(${params}) => ${member.type ? member.type.getText(sf) : 'void'}`;
    } else type = member.getText(sf);
    out.push({
      name,
      optional: member.questionToken !== undefined,
      type: type.replace(/\s+/g, ' ').trim(),
      ...(defaultTag ? { default: (ts.getTextOfJSDocComment(defaultTag.comment) ?? '').trim() } : {}),
      doc: text.replace(/\s+/g, ' ').trim(),
    });
  }
  return out;
}

/** Whether a class member is part of the public API: not private/protected, not `_x`/`#x`, not `@internal`. */
function isPublicMember(member: ts.ClassElement): boolean {
  const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
  if (
    modifiers.some(
      (m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword,
    )
  )
    return false;
  if (member.name && (ts.isPrivateIdentifier(member.name) || member.name.getText().startsWith('_')))
    return false;
  return !jsDocOf(member).tags.some((t) => t.tagName.text === 'internal');
}

function isStatic(member: ts.ClassElement): boolean {
  const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
  return modifiers.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
}

/** `(a: A, b?: B) => R` of a callable, parameters as written (initializers dropped). */
function signatureOf(node: ts.SignatureDeclarationBase, sf: ts.SourceFile): string {
  const params = node.parameters
    .map((p) => {
      const optional = p.questionToken !== undefined || p.initializer !== undefined ? '?' : '';
      const rest = p.dotDotDotToken ? '...' : '';
      return `${rest}${p.name.getText(sf)}${optional}${p.type ? `: ${p.type.getText(sf)}` : ''}`;
    })
    .join(', ');
  const returns = node.type ? node.type.getText(sf) : ts.isConstructorDeclaration(node) ? '' : 'void';
  return `(${params})${returns ? ` => ${returns}` : ''}`.replace(/\s+/g, ' ').trim();
}

/** The public surface of a class, constructor first, then statics, methods and properties in source order. */
function classMembersOf(node: ts.ClassDeclaration, sf: ts.SourceFile): ClassMember[] {
  const order: Record<ClassMemberKind, number> = {
    constructor: 0,
    'static method': 1,
    'static property': 2,
    method: 3,
    property: 4,
  };
  const out: ClassMember[] = [];
  for (const member of node.members) {
    if (!isPublicMember(member)) continue;
    const doc = summaryOf(member);
    if (ts.isConstructorDeclaration(member)) {
      out.push({ name: 'constructor', kind: 'constructor', signature: signatureOf(member, sf), doc });
      continue;
    }
    // Constructor parameters declared `public readonly x` are properties too.
    if (ts.isMethodDeclaration(member) && member.name) {
      out.push({
        name: member.name.getText(sf),
        kind: isStatic(member) ? 'static method' : 'method',
        signature: signatureOf(member, sf),
        doc,
      });
    } else if (ts.isPropertyDeclaration(member) || ts.isGetAccessorDeclaration(member)) {
      const type = member.type
        ? member.type.getText(sf)
        : ts.isPropertyDeclaration(member) && member.initializer
          ? inferredType(member.initializer)
          : 'unknown';
      out.push({
        name: member.name.getText(sf),
        kind: isStatic(member) ? 'static property' : 'property',
        signature: type.replace(/\s+/g, ' ').trim(),
        doc,
      });
    }
  }
  for (const ctor of node.members.filter(ts.isConstructorDeclaration)) {
    for (const p of ctor.parameters) {
      const modifiers = ts.getModifiers(p) ?? [];
      if (modifiers.some((m) => m.kind === ts.SyntaxKind.PublicKeyword)) {
        out.push({
          name: p.name.getText(sf),
          kind: 'property',
          signature: p.type ? p.type.getText(sf) : 'unknown',
          doc: '',
        });
      }
    }
  }
  return out
    .map((m, i) => ({ m, i }))
    .sort((a, b) => order[a.m.kind] - order[b.m.kind] || a.i - b.i)
    .map(({ m }) => m);
}

/** A readable type for an untyped initializer (`static readonly X = new Foo(...)` → `Foo`). */
function inferredType(initializer: ts.Expression): string {
  if (ts.isNewExpression(initializer)) return initializer.expression.getText();
  if (ts.isStringLiteral(initializer)) return 'string';
  if (ts.isNumericLiteral(initializer)) return 'number';
  if (initializer.kind === ts.SyntaxKind.TrueKeyword || initializer.kind === ts.SyntaxKind.FalseKeyword)
    return 'boolean';
  if (ts.isCallExpression(initializer)) return `ReturnType<${initializer.expression.getText()}>`;
  return 'unknown';
}

function enumMembersOf(node: ts.EnumDeclaration, sf: ts.SourceFile): EnumMember[] {
  return node.members.map((m) => ({
    name: m.name.getText(sf),
    ...(m.initializer ? { value: m.initializer.getText(sf) } : {}),
    doc: summaryOf(m),
  }));
}
