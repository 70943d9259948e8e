/**
 * The TypeScript examples of README.md, CONTRIBUTING.md and docs/*.md, read straight from the
 * markdown so the tests compile and run exactly what a reader copies.
 *
 * A fenced block tagged `ts` (or `typescript`) is an example: complete, with its imports from
 * 'cdk-ml-platform' and its own `new App()`. A block tagged `ts nocompile` is a fragment the
 * tests skip.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');

/** Where the package's public entry points live in this repository. */
export const PACKAGE_ENTRY_POINTS: Readonly<Record<string, string>> = {
  'cdk-ml-platform': join(ROOT, 'lib', 'index.ts'),
  'cdk-ml-platform/cost': join(ROOT, 'cost', 'index.ts'),
};

export interface DocExample {
  /** `docs/training.md:42`: file and line of the opening fence. */
  readonly where: string;
  /** A file-name-safe id, unique across all examples. */
  readonly id: string;
  readonly code: string;
}

/** The markdown files whose examples are tested: README.md, CONTRIBUTING.md and docs/**.md. */
export function documentationFiles(root = ROOT): string[] {
  const files = ['README.md', 'CONTRIBUTING.md'].map((f) => join(root, f)).filter((f) => existsSync(f));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) files.push(path);
    }
  };
  if (existsSync(join(root, 'docs'))) walk(join(root, 'docs'));
  return files.sort();
}

/** The examples of one markdown text: ```ts / ```typescript blocks, not ```ts nocompile. */
export function extractExamples(markdown: string, file: string): DocExample[] {
  return extractBlocks(markdown, file, ['ts', 'typescript']);
}

/** The fenced blocks of one markdown text in the given languages, except those flagged `nocompile`. */
export function extractBlocks(markdown: string, file: string, languages: readonly string[]): DocExample[] {
  const out: DocExample[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([A-Za-z]+)(\s+[^`]*)?\s*$/.exec(lines[i]);
    if (!open || !languages.includes(open[3])) continue;
    const fence = open[2];
    const flags = (open[4] ?? '').trim().split(/\s+/);
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].trimStart().startsWith(fence)) body.push(lines[j++]);
    if (!flags.includes('nocompile')) {
      const where = `${file}:${i + 1}`;
      out.push({ where, id: where.replace(/[^A-Za-z0-9]+/g, '-'), code: `${body.join('\n')}\n` });
    }
    i = j;
  }
  return out;
}

/** Every example of the documentation, in file order. */
export function documentationExamples(root = ROOT): DocExample[] {
  return documentationFiles(root).flatMap((f) =>
    extractExamples(readFileSync(f, 'utf8'), relative(root, f).split('\\').join('/')),
  );
}

/** The example with 'cdk-ml-platform' imports pointed at this repository's sources (relative to `dir`). */
export function withLocalImports(code: string, dir: string): string {
  return code.replace(
    /(from\s+|require\(\s*|import\(\s*)(['"])(cdk-ml-platform(?:\/cost)?)\2/g,
    (_m, lead, quote, spec) => {
      const target = relative(dir, PACKAGE_ENTRY_POINTS[spec as string]).replace(/\.ts$/, '');
      return `${lead}${quote}${target.startsWith('.') ? target : `./${target}`}${quote}`;
    },
  );
}
