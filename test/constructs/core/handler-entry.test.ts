import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { handlerEntry } from '../../../constructs/core/handler-entry';

const dir = mkdtempSync(join(tmpdir(), 'handler-entry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('handlerEntry', () => {
  test('prefers the TypeScript source when it exists (running from the repository)', () => {
    // GIVEN
    writeFileSync(join(dir, 'both.ts'), 'export const handler = 1;');
    writeFileSync(join(dir, 'both.js'), 'exports.handler = 1;');
    // WHEN / THEN
    expect(handlerEntry(dir, 'both')).toBe(join(dir, 'both.ts'));
  });

  test('falls back to the compiled JavaScript (running from the published dist/)', () => {
    // GIVEN: tsc emits .js and .d.ts; the .d.ts must not be taken for the source
    writeFileSync(join(dir, 'compiled.js'), 'exports.handler = 1;');
    writeFileSync(join(dir, 'compiled.d.ts'), 'export declare const handler: number;');
    // WHEN / THEN
    expect(handlerEntry(dir, 'compiled')).toBe(join(dir, 'compiled.js'));
  });

  test('names the .js path when neither exists, for bundledHandlerCode to report', () => {
    expect(handlerEntry(dir, 'missing')).toBe(join(dir, 'missing.js'));
  });

  test.each([
    ['monitoring', 'queue-metrics-handler'],
    ['training', 'spot-retry-handler'],
  ])('resolves the real %s handler %s from the repository to its .ts source', (capability, base) => {
    const privateDir = join(__dirname, '..', '..', '..', 'constructs', capability, 'private');
    expect(handlerEntry(privateDir, base)).toBe(join(privateDir, `${base}.ts`));
  });
});
