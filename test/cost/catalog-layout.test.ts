import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  BUNDLED_CATALOG_PATH,
  catalogLayout,
  catalogRegion,
  catalogRegions,
  createPriceBook,
  loadCatalog,
} from '../../cost/catalog';
import { serializeCatalog } from '../../cost/catalog/normalise';
import { splitCatalogFiles, writeCatalog } from '../../cost/catalog/write';
import { main } from '../../cost/cli/main';
import { CostInputError } from '../../cost/errors';
import type { Catalog } from '../../cost/types';

const BUNDLED = loadCatalog();
const tmp = mkdtempSync(join(tmpdir(), 'catalog-layout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A small catalog of three regions cut from the bundled one. */
const SMALL: Catalog = {
  version: BUNDLED.version,
  capturedAt: BUNDLED.capturedAt,
  sources: BUNDLED.sources,
  regions: ['eu-west-1', 'us-east-1', 'us-west-2'].map((region) => ({
    region,
    prices: catalogRegion(BUNDLED, region)!.prices.slice(0, 50),
  })),
};

let n = 0;
/** A fresh folder with SMALL written split; returns the index path. */
function writeSplit(catalog: Catalog = SMALL): string {
  const path = join(tmp, `split-${n++}`, 'catalog.json');
  writeCatalog(path, catalog, { kind: 'split', files: new Map() });
  return path;
}

describe('the bundled catalog is split by region', () => {
  test('the index is small and names one file per region', () => {
    // THEN
    expect(statSync(BUNDLED_CATALOG_PATH).size).toBeLessThan(64 * 1024);
    const layout = catalogLayout(BUNDLED);
    expect(layout.kind).toBe('split');
    if (layout.kind !== 'split') return;
    expect([...layout.files.keys()].sort()).toEqual(catalogRegions(BUNDLED));
    for (const ref of layout.files.values()) expect(ref.file).toBe(`regions/${ref.region}.json`);
  });

  test('pricing one region reads only that region file (the others may be missing)', () => {
    // GIVEN a copy of the bundled catalog with only us-east-1's region file
    const dir = join(tmp, 'only-us-east-1');
    cpSync(BUNDLED_CATALOG_PATH, join(dir, 'catalog.json'));
    cpSync(
      join(dirname(BUNDLED_CATALOG_PATH), 'regions', 'us-east-1.json'),
      join(dir, 'regions', 'us-east-1.json'),
    );
    // WHEN
    const catalog = loadCatalog(join(dir, 'catalog.json'));
    const book = createPriceBook(catalog, 'us-east-1');
    // THEN
    expect(book.price('AmazonEC2', 'g5.2xlarge')).toEqual(
      createPriceBook(BUNDLED, 'us-east-1').price('AmazonEC2', 'g5.2xlarge'),
    );
    expect(catalogRegions(catalog)).toEqual(catalogRegions(BUNDLED));
    expect(() => createPriceBook(catalog, 'eu-west-1')).toThrow(
      /cannot read price catalog region file .*eu-west-1\.json/,
    );
  });
});

describe('writeCatalog and loadCatalog', () => {
  test('a split catalog loads back equal to what was written, region by region', () => {
    // WHEN
    const path = writeSplit();
    const loaded = loadCatalog(path);
    // THEN
    expect(catalogRegions(loaded)).toEqual(['eu-west-1', 'us-east-1', 'us-west-2']);
    expect(catalogRegion(loaded, 'us-west-2')).toEqual(SMALL.regions[2]);
    expect(catalogRegion(loaded, 'ap-south-1')).toBeUndefined();
    expect(JSON.parse(JSON.stringify(loaded))).toEqual(JSON.parse(JSON.stringify(SMALL)));
    expect(catalogLayout(loaded).kind).toBe('split');
  });

  test('writes deterministic bytes: the region files carry the revision the index names', () => {
    // WHEN
    const files = splitCatalogFiles(SMALL);
    const again = splitCatalogFiles(JSON.parse(JSON.stringify(SMALL)) as Catalog);
    // THEN
    expect(again).toEqual(files);
    for (const { ref, text } of files.regions) {
      expect(JSON.parse(text)).toMatchObject({ region: ref.region, revision: ref.revision });
      expect(ref.revision).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  test('rewrites only the region files whose prices changed, then the index', () => {
    // GIVEN
    const path = writeSplit();
    const old = loadCatalog(path);
    const dir = dirname(path);
    const inode = (region: string) => statSync(join(dir, 'regions', `${region}.json`)).ino;
    const before = { eu: inode('eu-west-1'), us: inode('us-east-1') };
    const changed: Catalog = {
      ...SMALL,
      regions: SMALL.regions.map((r) =>
        r.region === 'us-east-1'
          ? { ...r, prices: r.prices.map((p, i) => (i === 0 ? { ...p, value: p.value * 2 } : p)) }
          : r,
      ),
    };
    // WHEN
    writeCatalog(path, changed, catalogLayout(old));
    // THEN
    expect(inode('eu-west-1')).toBe(before.eu);
    expect(inode('us-east-1')).not.toBe(before.us);
    const reloaded = loadCatalog(path);
    expect(catalogRegion(reloaded, 'us-east-1')!.prices[0].value).toBe(SMALL.regions[1].prices[0].value * 2);
  });

  test('a single-file catalog (the older layout) still loads, and is written back as one file', () => {
    // GIVEN
    const path = join(tmp, 'single.json');
    writeFileSync(path, serializeCatalog(SMALL));
    // WHEN
    const loaded = loadCatalog(path);
    writeCatalog(path, loaded, catalogLayout(loaded));
    // THEN
    expect(catalogLayout(loaded)).toEqual({ kind: 'single' });
    expect(catalogRegion(loaded, 'eu-west-1')).toEqual(SMALL.regions[0]);
    expect(readFileSync(path, 'utf8')).toBe(serializeCatalog(SMALL));
  });
});

describe('loadCatalog refuses a broken split catalog with CostInputError', () => {
  const ref = (over: Record<string, unknown>) => ({
    region: 'us-east-1',
    file: 'regions/us-east-1.json',
    revision: '0123456789abcdef',
    ...over,
  });
  test.each<[string, Record<string, unknown>[], string]>([
    [
      'a file outside the folder',
      [ref({ file: '../us-east-1.json' })],
      'regions[0].file "../us-east-1.json" is not a relative path',
    ],
    [
      'an absolute file',
      [ref({ file: '/etc/us-east-1.json' })],
      'regions[0].file "/etc/us-east-1.json" is not a relative path',
    ],
    [
      'a file that is not .json',
      [ref({ file: 'regions/us-east-1' })],
      'regions[0].file "regions/us-east-1" is not a relative path',
    ],
    ['no revision', [ref({ revision: undefined })], 'regions[0].revision is not a non-empty string'],
    ['a region listed twice', [ref({}), ref({})], 'regions[1]: region us-east-1 is listed twice'],
    [
      'a file and inline prices',
      [ref({}), ref({ region: 'eu-west-1', prices: [] })],
      'regions[1] has both a file and inline prices',
    ],
  ])('an index with %s', (_name, regions, message) => {
    // GIVEN
    const path = join(tmp, `index-${n++}.json`);
    writeFileSync(path, JSON.stringify({ version: 'v', capturedAt: '2026-11-27', sources: {}, regions }));
    // WHEN / THEN
    expect(() => loadCatalog(path)).toThrow(CostInputError);
    expect(() => loadCatalog(path)).toThrow(message);
  });

  test('a region file from another write (an interrupted refresh) is refused, not mixed in', () => {
    // GIVEN two writes of the same catalog with different us-east-1 prices; the first index with the second's file
    const first = writeSplit();
    const second = writeSplit({
      ...SMALL,
      regions: SMALL.regions.map((r) => (r.region === 'us-east-1' ? { ...r, prices: r.prices.slice(1) } : r)),
    });
    cpSync(
      join(dirname(second), 'regions', 'us-east-1.json'),
      join(dirname(first), 'regions', 'us-east-1.json'),
    );
    const catalog = loadCatalog(first);
    // WHEN / THEN
    expect(createPriceBook(catalog, 'eu-west-1').region).toBe('eu-west-1');
    expect(() => createPriceBook(catalog, 'us-east-1')).toThrow(CostInputError);
    expect(() => createPriceBook(catalog, 'us-east-1')).toThrow(
      /regions\/us-east-1\.json holds us-east-1 revision [0-9a-f]{16}, the index expects us-east-1 revision [0-9a-f]{16} \(an interrupted refresh/,
    );
  });

  test('a region file with a corrupt price is refused when its region is used', () => {
    // GIVEN
    const path = writeSplit();
    const file = join(dirname(path), 'regions', 'eu-west-1.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"value":[0-9.e-]+/, '"value":-1'));
    // WHEN / THEN
    expect(() => catalogRegion(loadCatalog(path), 'eu-west-1')).toThrow(
      /eu-west-1\.json is corrupt: eu-west-1 .*value -1 is not a positive number/,
    );
  });
});

describe('the CLI on a split catalog', () => {
  const io = (cwd: string) => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      io: { cwd, env: {}, stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) },
      out,
      err,
    };
  };

  test('prices show reads the region it shows', async () => {
    // GIVEN
    const path = writeSplit();
    const { io: cliIo, out, err } = io(tmp);
    // WHEN
    const code = await main(
      ['prices', 'show', '--region', 'us-west-2', '--format', 'json', '--catalog', path],
      cliIo,
    );
    // THEN
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    expect((JSON.parse(out.join('')) as { prices: unknown[] }).prices).toHaveLength(50);
  });
});
