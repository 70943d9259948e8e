/**
 * Writing a catalog in either layout (docs/prices.md, "Layout"). The build (scripts/catalog) and
 * the live refresh (cost/refresh) both write through here, so a rebuilt and a refreshed catalog
 * have the same files and the same bytes for the same prices.
 *
 * Split layout: one file per region, each written atomically (writeFileAtomic: temporary sibling,
 * exclusive, never through a symlink, renamed over the target), then the index last. The index
 * and each region file carry the same `revision` (a digest of the region's prices), so a reader
 * that meets a region file from another write (a crash between two renames, a partial copy)
 * refuses it with a clear error instead of mixing prices of two captures.
 */
import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { writeFileAtomic } from '../fs';
import type { Catalog, RegionCatalog } from '../types';
import type { CatalogLayout, RegionFileRef } from './index';
import { serializeCatalog } from './normalise';

/** Folder of the region files, relative to the index, when a catalog is split for the first time. */
export const DEFAULT_REGION_DIR = 'regions';

/** The files of a split catalog: the index text, and each region's file (relative path) and text. */
export interface SplitCatalogFiles {
  readonly index: string;
  readonly regions: readonly { readonly ref: RegionFileRef; readonly text: string }[];
}

/** One price per line, like the single-file layout: a price change is a one-line diff. */
function pricesBlock(rc: RegionCatalog): string {
  return rc.prices.map((p) => `    ${JSON.stringify(p)}`).join(',\n');
}

/** The revision of a region's prices: the first 16 hex digits of SHA-256 over its serialized prices. */
export function regionRevision(rc: RegionCatalog): string {
  return createHash('sha256')
    .update(rc.region)
    .update('\n')
    .update(pricesBlock(rc))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Serializes `catalog` split: `files` names the file of a region that already has one (a refresh
 * keeps the layout it read); any other region gets `regions/<region>.json`. Pure.
 */
export function splitCatalogFiles(
  catalog: Catalog,
  files: ReadonlyMap<string, RegionFileRef> = new Map(),
): SplitCatalogFiles {
  const regions = catalog.regions.map((rc) => {
    const ref: RegionFileRef = {
      region: rc.region,
      file: files.get(rc.region)?.file ?? posix.join(DEFAULT_REGION_DIR, `${rc.region}.json`),
      revision: regionRevision(rc),
    };
    const text =
      `{\n  "region": ${JSON.stringify(rc.region)},\n  "revision": ${JSON.stringify(ref.revision)},\n` +
      `  "prices": [\n${pricesBlock(rc)}\n  ]\n}\n`;
    return { ref, text };
  });
  const sources = JSON.stringify(catalog.sources, null, 2).replace(/\n/g, '\n  ');
  const refs = regions.map(({ ref }) => `    ${JSON.stringify(ref)}`).join(',\n');
  const index =
    `{\n  "version": ${JSON.stringify(catalog.version)},\n  "capturedAt": ${JSON.stringify(catalog.capturedAt)},\n` +
    `  "sources": ${sources},\n  "regions": [\n${refs}\n  ]\n}\n`;
  return { index, regions };
}

/** Options of writeCatalog. */
export interface WriteCatalogOptions {
  /**
   * Remove `*.json` files in the region folder that the new index does not name (the build owns
   * cost/catalog/regions; a refresh never deletes, another index may share the folder).
   * @default false
   */
  readonly prune?: boolean;
}

/**
 * Writes `catalog` to `path` in `layout`: one file (single), or the region files and then the index
 * at `path` (split). A region whose revision is unchanged is not rewritten.
 */
export function writeCatalog(
  path: string,
  catalog: Catalog,
  layout: CatalogLayout,
  options: WriteCatalogOptions = {},
): void {
  if (layout.kind === 'single') {
    writeFileAtomic(path, serializeCatalog(catalog));
    return;
  }
  const split = splitCatalogFiles(catalog, layout.files);
  const dir = dirname(path);
  for (const { ref, text } of split.regions) {
    const before = layout.files.get(ref.region);
    if (before?.file === ref.file && before.revision === ref.revision) continue;
    writeFileAtomic(join(dir, ref.file), text);
  }
  writeFileAtomic(path, split.index);
  if (options.prune) {
    const named = new Set(split.regions.map(({ ref }) => join(dir, ref.file)));
    for (const folder of new Set(split.regions.map(({ ref }) => dirname(join(dir, ref.file))))) {
      for (const name of readdirSync(folder)) {
        const file = join(folder, name);
        if (name.endsWith('.json') && !named.has(file)) rmSync(file);
      }
    }
  }
}
