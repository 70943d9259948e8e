#!/usr/bin/env node
'use strict';
// Runs a TypeScript entry point (the reference app: `node bin/run-ts.cjs bin/platform.ts`, cdk.json's
// "app") on plain Node. Only `.ts` files are hooked: each is transpiled with esbuild's transform (the
// transpiler tsx uses) and kept in node_modules/.cache/cdk-ml-platform/ts by content. Runners that
// hook every module (tsx scans each of aws-cdk-lib's hundreds of files for ESM syntax) and start
// through npx cost the reference app about a second and a half of CPU per synth (docs/performance.md).
const { createHash, randomBytes } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');

const entry = process.argv[2];
if (entry === undefined) {
  process.stderr.write('usage: node bin/run-ts.cjs <entry.ts> [args...]\n');
  process.exit(2);
}

// CDK's CloudFormation validation is WebAssembly that runs once per synth, for a few seconds: V8's
// baseline compiler alone (Liftoff) costs about 2 s of CPU less than also optimising it with TurboFan,
// which pays only for code that runs long (docs/performance.md). Set before any module is compiled.
require('node:v8').setFlagsFromString('--liftoff-only');

const root = dirname(__dirname);
const caches = join(root, 'node_modules', '.cache', 'cdk-ml-platform');
const cacheDir = join(caches, 'ts');
// Node 22.1+ keeps V8's compiled code of every module (aws-cdk-lib's included) between runs.
const { enableCompileCache } = require('node:module');
if (typeof enableCompileCache === 'function') enableCompileCache(join(caches, 'v8'));
const TRANSFORM = 1;
let esbuild;
let salt;

/** The transpiled CommonJS of one TypeScript file: from the cache, or esbuild's transform stored there. */
function transpile(source, filename) {
  if (salt === undefined) {
    esbuild = require('esbuild');
    // Bump TRANSFORM when the options below change: entries written with others must not be served.
    salt = `${TRANSFORM}\0${esbuild.version}\0${process.version}\0`;
  }
  const key = createHash('sha256').update(salt).update(filename).update('\0').update(source).digest('hex');
  const file = join(cacheDir, `${key}.js`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // not cached yet
  }
  const { code } = esbuild.transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    sourcemap: 'inline',
    sourcefile: filename,
  });
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Whole or not at all: a concurrent run of the same source writes the same bytes.
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(tmp, code, { flag: 'wx' });
    renameSync(tmp, file);
  } catch {
    // A cache that cannot be written costs the next run its transpile only.
  }
  return code;
}

require.extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(transpile(readFileSync(filename, 'utf8'), filename), filename);
};
// Stack traces of errors thrown by the app's own code name the TypeScript lines.
process.setSourceMapsEnabled(true);

const main = resolve(entry);
if (!existsSync(main)) {
  process.stderr.write(`run-ts: no such entry point: ${entry}\n`);
  process.exit(2);
}
process.argv.splice(1, 2, main);
require(main);
