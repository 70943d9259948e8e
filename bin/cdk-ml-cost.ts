#!/usr/bin/env node
/** The `cdk-ml-cost` CLI (bundled by cost/build-cli.mjs into dist/cdk-ml-cost.js). */
import { processIo } from '../cost/cli/io';
import { main } from '../cost/cli/main';

void main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
