/**
 * Every TypeScript example in README.md, CONTRIBUTING.md and docs/*.md compiles against this
 * repository's sources (tsc, with 'cdk-ml-platform' mapped to lib/index.ts) and synthesizes.
 * The examples are read from the markdown itself: there is no hand-copied variant to drift.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type DocExample,
  documentationExamples,
  extractExamples,
  PACKAGE_ENTRY_POINTS,
  ROOT,
  withLocalImports,
} from '../support/doc-examples';

const EXAMPLES = documentationExamples();
const APP_INIT_HOOK = Symbol.for('@aws-cdk/core.App#initHook');

let workDir: string;
let outRoot: string;
const diagnostics = new Map<string, string[]>();

function fileOf(example: DocExample): string {
  return join(workDir, `${example.id}.ts`);
}

beforeAll(() => {
  // Inside the repository so that 'aws-cdk-lib' and friends resolve from its node_modules.
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  workDir = mkdtempSync(join(ROOT, 'test-artifacts', 'doc-examples-'));
  outRoot = join(workDir, 'cdk.out');
  for (const example of EXAMPLES) writeFileSync(fileOf(example), example.code);

  // One tsc program for every example, with the project's compiler options and the package name
  // mapped to the sources, as a reader's `import ... from 'cdk-ml-platform'` resolves.
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    // A reader's snippet may declare something it does not use further (`const images = ...`).
    noUnusedLocals: false,
    noUnusedParameters: false,
    baseUrl: ROOT,
    paths: Object.fromEntries(Object.entries(PACKAGE_ENTRY_POINTS).map(([name, file]) => [name, [file]])),
  };
  const program = ts.createProgram(EXAMPLES.map(fileOf), options);
  const format: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => '\n',
  };
  for (const example of EXAMPLES) {
    const source = program.getSourceFile(fileOf(example));
    const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    diagnostics.set(
      example.id,
      found.map((d) => ts.formatDiagnostic(d, format).replace(fileOf(example), example.where).trim()),
    );
  }
}, 600_000);

afterAll(() => {
  delete (globalThis as unknown as Record<symbol, unknown>)[APP_INIT_HOOK];
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('extracting the examples', () => {
  test('reads ts and typescript blocks, skips `ts nocompile` and other languages', () => {
    const md = [
      '# Title',
      '```ts',
      "import { App } from 'aws-cdk-lib';",
      '```',
      '```ts nocompile',
      'cluster.addGpuJob(...);',
      '```',
      '```sh',
      'npm test',
      '```',
      '```typescript',
      'const a = 1;',
      '```',
    ].join('\n');
    expect(extractExamples(md, 'docs/x.md')).toEqual([
      { where: 'docs/x.md:2', id: 'docs-x-md-2', code: "import { App } from 'aws-cdk-lib';\n" },
      { where: 'docs/x.md:11', id: 'docs-x-md-11', code: 'const a = 1;\n' },
    ]);
  });

  test('the README installation example is among them', () => {
    const readme = EXAMPLES.filter((e) => e.where.startsWith('README.md:'));
    expect(
      readme.some((e) => e.code.includes('new InferenceEndpoint(') && e.code.includes('app.synth()')),
    ).toBe(true);
  });
});

describe.each(EXAMPLES.map((e) => [e.where, e] as const))('example %s', (_where, example) => {
  test('compiles with tsc against the sources', () => {
    expect(diagnostics.get(example.id)).toEqual([]);
  });

  test('runs and synthesizes every app it creates', async () => {
    // GIVEN the example with its 'cdk-ml-platform' imports pointed at the sources
    const runFile = join(workDir, `${example.id}.run.ts`);
    writeFileSync(runFile, withLocalImports(example.code, workDir));
    const apps: App[] = [];
    (globalThis as unknown as Record<symbol, unknown>)[APP_INIT_HOOK] = (app: App) => apps.push(app);
    const previousOutdir = process.env.CDK_OUTDIR;
    const exitListeners = process.listeners('beforeExit');
    process.env.CDK_OUTDIR = join(outRoot, example.id);
    try {
      // WHEN it runs as a reader would run it (`new App()` writes to CDK_OUTDIR, as under `cdk synth`)
      await import(runFile);
      // THEN every app it made synthesizes (a second synth() returns the first assembly)
      expect(apps.length, `${example.where} creates no App`).toBeGreaterThan(0);
      for (const app of apps) expect(app.synth().directory).toContain(outRoot);
    } finally {
      delete (globalThis as unknown as Record<symbol, unknown>)[APP_INIT_HOOK];
      if (previousOutdir === undefined) delete process.env.CDK_OUTDIR;
      else process.env.CDK_OUTDIR = previousOutdir;
      // With CDK_OUTDIR set an App also synthesizes on process exit; that already happened here.
      for (const listener of process.listeners('beforeExit')) {
        if (!exitListeners.includes(listener)) process.removeListener('beforeExit', listener);
      }
    }
  }, 600_000); // the first example also loads aws-cdk-lib and bundles Lambda handlers
});
