import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundledHandlerCode } from '../../../constructs/core/bundled-handler';

const dir = mkdtempSync(join(tmpdir(), 'bundled-handler-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A handler importing a local module (must be inlined) and the AWS SDK (must stay external). */
function writeHandler(folder: string): string {
  mkdirSync(join(folder, 'lib'), { recursive: true });
  writeFileSync(join(folder, 'lib', 'greeting.ts'), "export const GREETING = 'inlined-greeting-42';\n");
  const entry = join(folder, 'handler.ts');
  writeFileSync(
    entry,
    [
      "import { BatchClient } from '@aws-sdk/client-batch';",
      "import { GREETING } from './lib/greeting';",
      'export async function handler(): Promise<string> {',
      '  return `${GREETING} ${typeof BatchClient}`;',
      '}',
      '',
    ].join('\n'),
  );
  return entry;
}

function synth(entry: string, runtime = lambda.Runtime.NODEJS_22_X) {
  const outdir = mkdtempSync(join(dir, 'out-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'S');
  for (const id of ['A', 'B']) {
    new lambda.Function(stack, id, {
      code: bundledHandlerCode(stack, { entry, runtime, externalModules: ['@aws-sdk/*'] }),
      handler: 'index.handler',
      runtime,
    });
  }
  const assembly = app.synth();
  return { outdir, template: Template.fromStack(stack), assembly };
}

describe('bundledHandlerCode', () => {
  let entry: string;
  let result: ReturnType<typeof synth>;
  beforeAll(() => {
    entry = writeHandler(join(dir, 'src'));
    result = synth(entry);
  });

  test('bundles the handler and its local imports into index.js with a source map, the AWS SDK left external', () => {
    // THEN
    const keys = Object.values(result.template.findResources('AWS::Lambda::Function')).map(
      (r) => (r as { Properties: { Code: { S3Key: string } } }).Properties.Code.S3Key,
    );
    // two functions of one handler share one asset
    expect(new Set(keys).size).toBe(1);
    const asset = join(result.outdir, `asset.${keys[0].replace(/\.zip$/, '')}`);
    const code = readFileSync(join(asset, 'index.js'), 'utf8');
    expect(code).toContain('inlined-greeting-42');
    expect(code).toMatch(/require\("@aws-sdk\/client-batch"\)/);
    expect(code).toMatch(/sourceMappingURL=index\.js\.map/);
    expect(existsSync(join(asset, 'index.js.map'))).toBe(true);
  });

  test('the asset hash follows the bundle: a change in an imported file gives a new asset', () => {
    // GIVEN
    const other = writeHandler(join(dir, 'changed'));
    writeFileSync(join(dir, 'changed', 'lib', 'greeting.ts'), "export const GREETING = 'changed';\n");
    // WHEN
    const changed = synth(other);
    // THEN
    const key = (t: Template) =>
      (
        Object.values(t.findResources('AWS::Lambda::Function'))[0] as {
          Properties: { Code: { S3Key: string } };
        }
      ).Properties.Code.S3Key;
    expect(key(changed.template)).not.toBe(key(result.template));
  });

  test.each<[string, () => void, RegExp]>([
    [
      'a missing handler file',
      () => synth(join(dir, 'nowhere', 'handler.js')),
      /the Lambda handler .*nowhere\/handler\.js does not exist/,
    ],
    [
      'a runtime that is not Node.js',
      () => synth(entry, lambda.Runtime.PYTHON_3_12),
      /runtime python3\.12 is not a Node\.js runtime/,
    ],
    [
      'a handler that does not compile',
      () => {
        const bad = join(dir, 'bad.ts');
        writeFileSync(bad, 'export const handler = (;\n');
        synth(bad);
      },
      /Expected|Unexpected/,
    ],
  ])('throws for %s', (_name, run, message) => {
    expect(run).toThrow(message);
  });
});
