import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The `entry` of a bundled Lambda handler (`bundledHandlerCode`) that sits next to the construct.
 *
 * From the repository the handler is TypeScript (`<baseName>.ts`); from the published package
 * (`dist/`) only the compiled `<baseName>.js` exists, and the consumer's synth bundles that with
 * esbuild. Returns the `.ts` path when it exists, else the `.js` path (which `bundledHandlerCode`
 * itself reports clearly if missing).
 *
 * @param dir the folder holding the handler, usually `join(__dirname, 'private')`
 * @param baseName the handler's file name without extension, e.g. `'spot-retry-handler'`
 */
export function handlerEntry(dir: string, baseName: string): string {
  const ts = join(dir, `${baseName}.ts`);
  return existsSync(ts) ? ts : join(dir, `${baseName}.js`);
}
