import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const RUNNER = join(ROOT, 'bin', 'run-ts.cjs');
const CACHE = join(ROOT, 'node_modules', '.cache', 'cdk-ml-platform', 'ts');
const dir = mkdtempSync(join(tmpdir(), 'run-ts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A marker unique to this run, to find this run's entries in the shared cache.
const marker = `marker-${process.pid}-${Date.now()}`;
writeFileSync(
  join(dir, 'lib.ts'),
  [
    'export enum Size { Small = 1, Large = 2 }',
    'export interface Shape { readonly size: Size }',
    'export class Box implements Shape {',
    '  constructor(public readonly size: Size) {}',
    '}',
  ].join('\n'),
);
writeFileSync(
  join(dir, 'main.ts'),
  [
    "import { Box, Size } from './lib';",
    "import type { Shape } from './lib';",
    'const shape: Shape = new Box(Size.Large);',
    `const out = { marker: '${marker}', size: shape.size, dirname: __dirname, args: process.argv.slice(2) };`,
    'console.log(JSON.stringify(out));',
    "if (process.argv.includes('--fail')) {",
    "  throw new Error('failed on purpose');",
    '}',
  ].join('\n'),
);

const run = (...args: string[]) =>
  spawnSync(process.execPath, [RUNNER, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });

describe('bin/run-ts.cjs (the reference app runner in cdk.json)', () => {
  test('runs a TypeScript entry and its imports with CommonJS semantics, passing the arguments on', () => {
    // WHEN
    const r = run('main.ts', '--flag', 'x');
    // THEN
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ marker, size: 2, dirname: dir, args: ['--flag', 'x'] });
  });

  test('keeps each transpiled file in node_modules/.cache, and answers the next run from it', () => {
    // GIVEN the previous run's entry in the cache
    const entries = () =>
      readdirSync(CACHE).filter(
        (n) => n.endsWith('.js') && readFileSync(join(CACHE, n), 'utf8').includes(marker),
      );
    expect(entries()).toHaveLength(1);
    // WHEN run again
    const r = run('main.ts');
    // THEN the same entry serves it (no second one)
    expect(r.status).toBe(0);
    expect(entries()).toHaveLength(1);
  });

  test("an error's stack trace names the TypeScript file and line", () => {
    const r = run('main.ts', '--fail');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('failed on purpose');
    expect(r.stderr).toContain(`${join(dir, 'main.ts')}:7`);
  });

  test.each([
    ['no entry point', [], /^usage: node bin\/run-ts\.cjs <entry\.ts>/],
    ['a missing entry point', ['nope.ts'], /^run-ts: no such entry point: nope\.ts$/],
  ])('%s: exit 2 and one line on stderr', (_name, args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});
