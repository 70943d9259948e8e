#!/usr/bin/env node
/** The `cdk-ml-cost` CLI (bundled by cost/build-cli.mjs into dist/cdk-ml-cost.js). */
import { setFlagsFromString } from 'node:v8';
import { EXIT_BAD_INPUT } from '../cost/errors';
import { processIo } from '../cost/cli/io';
import { main } from '../cost/cli/main';

// A one-shot CLI lives in V8's interpreter and baseline compiler: TurboFan's background compiles
// only add peak memory (about 5 MiB on one template, 30 MiB on 100 stacks) without making a run
// faster (measured by `npm run bench`). The library API is unaffected.
setFlagsFromString('--no-opt');

const io = processIo();
void main(process.argv.slice(2), io).then((code) => {
  // A stdout write error (not a closed pipe) surfaces after the run: bad output target, exit 2.
  process.exitCode = io.stdoutFailed() ? EXIT_BAD_INPUT : code;
});
