/**
 * vitest globalSetup: every test process gets a temporary folder of its own, removed when the run
 * ends, so `npm test` leaves nothing in the system temp folder.
 *
 * CDK apps without an `outdir` synthesize into `mkdtemp(os.tmpdir()/cdk.out…)` and never delete
 * it; so do fixtures that forget their `afterAll`. Node's `os.tmpdir()` follows `TMPDIR`, which the
 * test workers and the commands they spawn (npm, tsc, chromium) inherit from this process.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Marks the sandbox so a test can check it is in effect. */
export const SANDBOX_PREFIX = 'cdk-ml-platform-test-';

export default function setup(): () => void {
  const systemTmp = tmpdir();
  const sandbox = mkdtempSync(join(systemTmp, SANDBOX_PREFIX));
  process.env.TMPDIR = sandbox;
  return () => {
    // Whatever tests left behind, by kind (cdk.out…, nag-…): fixtures to give an afterAll.
    const left = new Map<string, number>();
    for (const entry of readdirSync(sandbox)) {
      const kind = entry.replace(/[-_.]?[A-Za-z0-9]{6}$/, '');
      left.set(kind, (left.get(kind) ?? 0) + 1);
    }
    rmSync(sandbox, { recursive: true, force: true });
    process.env.TMPDIR = systemTmp;
    if (left.size > 0 && process.env.CDK_ML_TEST_REPORT_TEMP === '1') {
      const kinds = [...left].map(([k, n]) => `${k}* ${n}`).join(', ');
      process.stdout.write(`temporary folders removed after the tests: ${kinds}\n`);
    }
  };
}
