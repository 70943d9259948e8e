// Bundles the cdk-ml-cost CLI with esbuild into dist/cdk-ml-cost.js (plus two side bundles of
// libraries it loads on demand, see SIDE_BUNDLES), and copies the price catalog next to it (the
// catalog loader reads catalog.json, and the region files it names, relative to __dirname).
// The bundle must never contain aws-cdk-lib: cost/ does not import it (eslint enforces it) and
// the build fails if it slips in. Usage: node cost/build-cli.mjs [--outdir DIR]
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyCatalog } from '../scripts/copy-catalog.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--outdir');
const outdir = resolve(i > 0 ? process.argv[i + 1] : join(root, 'dist'));
const outfile = join(outdir, 'cdk-ml-cost.js');

/**
 * Libraries the `estimate` of a cloud assembly never runs (the YAML parser: templates and usage
 * files in YAML; csv-stringify: `--format csv`) are bundled into files of their own next to the
 * CLI and required on first use: the CLI script V8 compiles at every start is then 40% smaller.
 */
const SIDE_BUNDLES = [
  { module: 'yaml', file: 'cdk-ml-cost.yaml.js' },
  { module: 'csv-stringify/sync', file: 'cdk-ml-cost.csv-stringify.js' },
];

mkdirSync(outdir, { recursive: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Whitespace and syntax only (names stay readable): a smaller script is parsed faster and with
  // less memory at every cold start (npm run bench: about 2 MiB less peak RSS).
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};
for (const side of SIDE_BUNDLES) {
  await build({
    ...common,
    stdin: { contents: `module.exports = require(${JSON.stringify(side.module)});`, resolveDir: root },
    outfile: join(outdir, side.file),
  });
}
const result = await build({
  entryPoints: [join(root, 'bin', 'cdk-ml-cost.ts')],
  ...common,
  outfile,
  // The SDK is only used by `prices refresh`, loaded lazily; it stays a runtime dependency.
  external: ['@aws-sdk/*'],
  plugins: [
    {
      name: 'side-bundles',
      setup(b) {
        for (const side of SIDE_BUNDLES) {
          const filter = new RegExp(`^${side.module.replace(/[/.-]/g, '\\$&')}$`);
          b.onResolve({ filter }, () => ({ path: `./${side.file}`, external: true }));
        }
      },
    },
    // Fail the build rather than bundle the CDK by accident.
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
  metafile: true,
});
// The index and every region file, minified (scripts/copy-catalog.mjs).
const catalogFiles = copyCatalog(join(root, 'cost', 'catalog', 'catalog.json'), outdir);
const bytes = readFileSync(outfile).length;
const inputs = Object.keys(result.metafile.inputs).length;
console.log(
  `built ${outfile} (${(bytes / 1024).toFixed(0)} KiB from ${inputs} files), ${SIDE_BUNDLES.map((x) => x.file).join(', ')} and the catalog (${catalogFiles.length} files, ${join(outdir, 'catalog.json')})`,
);
