/**
 * The package's public API never exposes a `private/` module: no declaration file a consumer can
 * reach from `lib/index` imports from a `private/` folder (a base class, a property's type, a
 * re-exported constant).
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, test } from 'vitest';
import { ROOT } from '../support/doc-examples';

/**
 * Declaration files that still import a private type, each to be fixed by its owner; the last test
 * fails once an entry is fixed, so the list only shrinks.
 */
const offenders = new Map<string, string[]>();

beforeAll(() => {
  // Per file and without type-checking (transpileDeclaration keeps every import that an exported
  // signature names), so the check costs seconds, not a full declaration build.
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.build.json'), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  for (const source of parsed.fileNames) {
    const file = relative(ROOT, source).split('\\').join('/').replace(/\.ts$/, '.d.ts');
    if (file.includes('/private/') || file.startsWith('scripts/')) continue;
    const { outputText } = ts.transpileDeclaration(readFileSync(source, 'utf8'), {
      fileName: source,
      compilerOptions: { ...parsed.options, declaration: true },
      reportDiagnostics: false,
    });
    const imports = [...outputText.matchAll(/from ['"]([^'"]+)['"]/g)]
      .map((m) => m[1])
      .filter((spec) => /(^|\/)private\//.test(spec));
    if (imports.length > 0) offenders.set(file, imports);
  }
});

describe('public declarations', () => {
  test('no declaration outside a private/ folder imports from one', () => {
    const unexpected = [...offenders.entries()].map(([file, imports]) => `${file}: ${imports.join(', ')}`);
    expect(unexpected).toEqual([]);
  });

  test('the public barrel re-exports nothing from a private/ folder', () => {
    expect(offenders.get('lib/index.d.ts')).toBeUndefined();
    for (const family of [
      'core',
      'data',
      'inference',
      'mlops',
      'monitoring',
      'network',
      'storage',
      'training',
    ])
      expect(offenders.get(`constructs/${family}/index.d.ts`), family).toBeUndefined();
  });
});
