import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { expect, test } from 'vitest';
import setup, { SANDBOX_PREFIX } from './global-temp';

test('tests run with a temporary folder of their own, which the run removes', () => {
  // THEN the workers' temp folder is the run's sandbox, not the system temp folder
  expect(basename(tmpdir())).toMatch(new RegExp(`^${SANDBOX_PREFIX}`));
  // AND an App without outdir synthesizes into it
  const app = new App();
  new sns.Topic(new Stack(app, 'S'), 'T');
  expect(dirname(app.synth().directory)).toBe(tmpdir());
});

test('the teardown removes the sandbox and everything left in it', () => {
  // GIVEN a nested run of the setup
  const outer = process.env.TMPDIR;
  const teardown = setup();
  const sandbox = process.env.TMPDIR!;
  try {
    mkdtempSync(join(sandbox, 'cdk.out'));
    // WHEN
    teardown();
    // THEN
    expect(existsSync(sandbox)).toBe(false);
    expect(process.env.TMPDIR).toBe(outer);
  } finally {
    process.env.TMPDIR = outer;
  }
});
