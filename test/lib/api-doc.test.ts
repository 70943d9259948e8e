import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { API_DOC, readApi, renderApiDoc, type ApiModel } from '../../scripts/docs/api-doc';

// The API reference is generated from the public barrel by `npm run docs`; this suite only
// checks that docs/API.md is in step.
let model: ApiModel;
let generated: string;

beforeAll(() => {
  model = readApi();
  generated = renderApiDoc(model);
});

describe('docs/API.md', () => {
  test('is up to date with lib/index.ts', () => {
    // GIVEN the committed reference / WHEN regenerated from the barrel / THEN identical
    const committed = existsSync(API_DOC) ? readFileSync(API_DOC, 'utf8') : '';
    expect(committed, 'docs/API.md is stale: run npm run docs').toBe(generated);
  });

  test('lists the public constructs and functions with their kind and summary', () => {
    // THEN
    const byName = new Map(model.exports.map((e) => [e.name, e]));
    expect(byName.get('MlPlatformStack')).toMatchObject({ kind: 'class', file: 'lib/platform-stack.ts' });
    expect(byName.get('MlNetwork')?.summary).not.toBe('');
    expect(byName.get('readPlatformConfig')).toMatchObject({ kind: 'function', file: 'lib/config.ts' });
    expect(byName.get('USAGE_METADATA_KEY')).toMatchObject({ kind: 'const', file: 'cost/usage-metadata.ts' });
    expect(generated).toContain('| [`MlPlatformValidationError`](#mlplatformvalidationerror) | class |');
  });

  test('lists the methods, static factories and enum members of the public classes', () => {
    // THEN
    const byName = new Map(model.exports.map((e) => [e.name, e]));
    const members = (name: string) => byName.get(name)?.classMembers?.map((m) => `${m.kind} ${m.name}`) ?? [];
    expect(members('GpuTrainingCluster')).toEqual(
      expect.arrayContaining(['constructor constructor', 'method addGpuJob', 'method grantSubmitJob']),
    );
    expect(members('PlatformMonitoring')).toContain('method monitorEndpoint');
    expect(members('ModelImage')).toContain('static method fromImageUri');
    expect(generated).toMatch(
      /\| `ModelImage\.fromImageUri` \| static method \| `\(imageUri: string\) => ModelImage` \| [^|]+ \|/,
    );
    expect(byName.get('AnomalyMonitorScope')?.enumMembers?.map((m) => m.name)).toContain('PLATFORM_TAG');
    expect(generated).toContain('| `AnomalyMonitorScope.PLATFORM_TAG` |');
  });

  test('leaves private, protected and underscore members out of a class', () => {
    // GIVEN a class with every kind of member
    const dir = mkdtempSync(join(tmpdir(), 'api-doc-'));
    try {
      writeFileSync(
        join(dir, 'index.ts'),
        [
          '/** Sizes. */',
          "export enum Size { SMALL = 'S', LARGE = 'L' }",
          '/** A widget. */',
          'export class Widget {',
          '  /** From a name. */',
          '  public static fromName(name: string): Widget { return new Widget(name); }',
          '  /** Its name. */',
          '  public readonly name: string;',
          '  private readonly secret = 1;',
          '  protected guarded(): void {}',
          '  public _hidden(): void {}',
          '  constructor(name: string, size?: Size) { this.name = name; void size; }',
          '  /** Grows it. */',
          '  public grow(by = 1): number { return by; }',
          '}',
        ].join('\n'),
      );
      // WHEN
      const fixture = readApi(join(dir, 'index.ts'));
      // THEN
      const widget = fixture.exports.find((e) => e.name === 'Widget');
      expect(widget?.classMembers?.map((m) => [m.kind, m.name, m.signature])).toEqual([
        ['constructor', 'constructor', '(name: string, size?: Size)'],
        ['static method', 'fromName', '(name: string) => Widget'],
        ['method', 'grow', '(by?) => number'],
        ['property', 'name', 'string'],
      ]);
      expect(fixture.exports.find((e) => e.name === 'Size')?.enumMembers).toEqual([
        { name: 'SMALL', value: "'S'", doc: '' },
        { name: 'LARGE', value: "'L'", doc: '' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('documents each props member with its type and @default', () => {
    // THEN
    const network = model.exports.find((e) => e.name === 'MlNetworkProps');
    const maxAzs = network?.members?.find((m) => m.name === 'maxAzs');
    expect(maxAzs).toMatchObject({ optional: true, type: 'number' });
    expect(maxAzs?.default).toBeDefined();
    expect(generated).toMatch(/\| `maxAzs\?` \| `number` \| [^|]+ \| [^|]+ \|/);
  });

  test('every optional member of an exported props interface documents its @default', () => {
    // THEN (project style: "Every optional prop documents its default")
    expect(model.missingDefaults).toEqual([]);
  });

  test('the @default rule catches an optional member without one, through re-exports', () => {
    // GIVEN a barrel re-exporting a props interface with one undocumented default
    const dir = mkdtempSync(join(tmpdir(), 'api-doc-'));
    try {
      writeFileSync(join(dir, 'index.ts'), "export { WidgetProps, Widget } from './widget';\n");
      writeFileSync(
        join(dir, 'widget.ts'),
        [
          'export interface WidgetProps {',
          '  /** Size in GiB. @default 8 */',
          '  readonly sizeGiB?: number;',
          '  /** Colour of the widget. */',
          '  readonly colour?: string;',
          '  /** Name, required. */',
          '  readonly name: string;',
          '}',
          '/** A widget. */',
          'export class Widget {}',
        ].join('\n'),
      );
      // WHEN
      const fixture = readApi(join(dir, 'index.ts'));
      // THEN
      expect(fixture.missingDefaults).toEqual([expect.stringMatching(/^WidgetProps\.colour \(/)]);
      expect(fixture.exports.map((e) => [e.name, e.kind, e.summary])).toEqual([
        ['WidgetProps', 'interface', ''],
        ['Widget', 'class', 'A widget.'],
      ]);
      expect(renderApiDoc(fixture)).toContain('| `sizeGiB?` | `number` | 8 | Size in GiB. |');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
