// Bundles the cdk-ml-cost CLI into one file (dist/cdk-ml-cost.js) with esbuild, and copies the
// price catalog next to it (the catalog loader reads catalog.json relative to __dirname).
// The bundle must never contain aws-cdk-lib: cost/ does not import it (eslint enforces it) and
// the build fails if it slips in. Usage: node cost/build-cli.mjs [--outdir DIR]
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--outdir');
const outdir = resolve(i > 0 ? process.argv[i + 1] : join(root, 'dist'));
const outfile = join(outdir, 'cdk-ml-cost.js');

mkdirSync(outdir, { recursive: true });
const result = await build({
  entryPoints: [join(root, 'bin', 'cdk-ml-cost.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Whitespace and syntax only (names stay readable): a smaller script is parsed faster and with
  // less memory at every cold start (npm run bench: about 2 MiB less peak RSS).
  minifyWhitespace: true,
  minifySyntax: true,
  // The SDK is only used by `prices refresh`, loaded lazily; it stays a runtime dependency.
  external: ['@aws-sdk/*'],
  // Fail the build rather than bundle the CDK by accident.
  plugins: [
    {
      name: 'forbid-cdk',
      setup(b) {
        b.onResolve({ filter: /^(aws-cdk-lib|constructs|cdk-nag)(\/|$)/ }, (args) => ({
          errors: [
            { text: `${args.path} must not be bundled into the cost CLI (imported by ${args.importer})` },
          ],
        }));
      },
    },
  ],
  logLevel: 'warning',
  metafile: true,
});
// Minified: the same JSON without indentation is about 40% smaller, read and parsed at every run.
writeFileSync(
  join(outdir, 'catalog.json'),
  JSON.stringify(JSON.parse(readFileSync(join(root, 'cost', 'catalog', 'catalog.json'), 'utf8'))),
);
const bytes = readFileSync(outfile).length;
const inputs = Object.keys(result.metafile.inputs).length;
console.log(
  `built ${outfile} (${(bytes / 1024).toFixed(0)} KiB from ${inputs} files) and ${join(outdir, 'catalog.json')}`,
);
