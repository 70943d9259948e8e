/**
 * `npm run docs`: regenerates the generated parts of the documentation.
 *   - docs/API.md from the public barrel lib/index.ts (scripts/docs/api-doc.ts);
 *   - the acknowledged-findings table in docs/compliance.md from the synthesized reference
 *     platform (scripts/docs/security-doc.ts);
 *   - the README's sample of what `cdk synth` prints, from the same synth (scripts/docs/synth-sample.ts).
 * `npm run docs -- --check` writes nothing and exits 1 when a file is stale. The tests
 * (test/lib/api-doc.test.ts, test/lib/platform.test.ts) run the same comparisons.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { writeFileAtomic } from '../cost/fs';
import { API_DOC, readApi, renderApiDoc, ROOT } from './docs/api-doc';
import {
  COMPLIANCE_DOC,
  renderSecurityTable,
  replaceSecurityBlock,
  synthesizeReferencePlatform,
} from './docs/security-doc';
import { README, renderSynthSample, replaceSynthSample } from './docs/synth-sample';

interface Generated {
  readonly path: string;
  readonly current: string;
  readonly next: string;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function generate(): Generated[] {
  const api = readOrEmpty(API_DOC);
  const compliance = readFileSync(COMPLIANCE_DOC, 'utf8');
  const readme = readFileSync(README, 'utf8');
  const reference = synthesizeReferencePlatform();
  const table = renderSecurityTable(reference.acknowledgments);
  return [
    { path: API_DOC, current: api, next: renderApiDoc(readApi()) },
    {
      path: COMPLIANCE_DOC,
      current: compliance,
      next: replaceSecurityBlock(compliance, table),
    },
    { path: README, current: readme, next: replaceSynthSample(readme, renderSynthSample(reference.summary)) },
  ];
}

const check = process.argv.includes('--check');
let stale = 0;
for (const file of generate()) {
  const name = relative(ROOT, file.path);
  if (file.current === file.next) {
    process.stdout.write(`${name}: up to date\n`);
  } else if (check) {
    stale += 1;
    process.stderr.write(`${name}: stale (run npm run docs)\n`);
  } else {
    writeFileAtomic(file.path, file.next);
    process.stdout.write(`${name}: regenerated\n`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
