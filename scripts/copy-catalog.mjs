// Copies a price catalog into a build folder, minified: the index and, for a split catalog, every
// region file it names (at the same relative path). Used by `npm run build:lib` (dist/cost/catalog)
// and cost/build-cli.mjs (dist/, next to the bundled CLI). Build time only.
//
//   node scripts/copy-catalog.mjs <index.json> <out dir>
//
// Minified: the same JSON without indentation is about 40% smaller, read and parsed at every run.
// ASCII only: the few non-ASCII characters (source notes) are written as \u escapes, the same JSON
// value; an all-ASCII file decodes on V8's one-byte fast path.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function minified(file) {
  return JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Copies the catalog at `indexPath` into `outDir`; returns the paths written. */
export function copyCatalog(indexPath, outDir) {
  const index = JSON.parse(readFileSync(indexPath, 'utf8'));
  const written = [];
  for (const r of index.regions) {
    if (typeof r.file !== 'string') continue;
    // The loader refuses anything but a relative path inside the index's folder; so does the copy.
    if (r.file.startsWith('/') || r.file.split('/').includes('..'))
      throw new Error(`${indexPath}: bad region file ${r.file}`);
    const to = join(outDir, r.file);
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, minified(join(dirname(indexPath), r.file)));
    written.push(to);
  }
  const to = join(outDir, basename(indexPath));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(to, minified(indexPath));
  return [to, ...written];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [indexPath, outDir] = process.argv.slice(2);
  if (!indexPath || !outDir) {
    console.error('usage: node scripts/copy-catalog.mjs <index.json> <out dir>');
    process.exit(2);
  }
  const files = copyCatalog(resolve(indexPath), resolve(outDir));
  console.log(`copied the catalog to ${outDir} (${files.length} files)`);
}
