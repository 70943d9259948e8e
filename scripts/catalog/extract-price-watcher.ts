/**
 * Extracts the prices the catalog needs from a local git clone of `v0rts/aws-price-watcher`
 * (MIT) into scripts/catalog-data/aws-price-watcher.json: only the dimensions listed in
 * price-watcher-specs.ts, commercial regions only, numbers > 0, with the commit, the date each
 * file last changed and AWS's publication date (`raw/<svc>.json` manifest) where the snapshot
 * has the raw file. Deterministic for a given commit.
 *
 *   npx tsx scripts/catalog/extract-price-watcher.ts <path to the clone's git dir> [commit]
 *   npm run catalog:extract -- <git dir> [commit]
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../cost/fs';
import {
  PRICE_WATCHER_INSTANCE_SPECS,
  PRICE_WATCHER_UNIT_SPECS,
  priceWatcherFiles,
  regionOfLocation,
} from './price-watcher-specs';

/** The extract's shape (read by build-catalog.ts). */
export interface PriceWatcherExtract {
  readonly repo: string;
  readonly commit: string;
  readonly commitDate: string;
  readonly license: string;
  readonly files: Readonly<Record<string, PriceWatcherFile>>;
}

export interface PriceWatcherFile {
  /** `processed/<svc>.json`. */
  readonly path: string;
  /** The commit that last changed the processed file, and its date. */
  readonly lastChanged: { readonly commit: string; readonly date: string };
  /** AWS's `manifest.hawkFilePublicationDate` of `raw/<svc>.json`, when the snapshot has it. */
  readonly published?: string;
  /** dimension → region code → USD. */
  readonly dimensions: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export const EXTRACT_PATH = resolve(__dirname, '..', 'catalog-data', 'aws-price-watcher.json');

function git(gitDir: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function tryGit(gitDir: string, args: string[]): string | undefined {
  try {
    return git(gitDir, args);
  } catch {
    return undefined;
  }
}

function wanted(file: string): (dimension: string) => boolean {
  const exact = new Set(PRICE_WATCHER_UNIT_SPECS.filter((s) => s.file === file).map((s) => s.dimension));
  const patterns = PRICE_WATCHER_INSTANCE_SPECS.filter((s) => s.file === file).map((s) => s.pattern);
  return (d) => exact.has(d) || patterns.some((p) => p.test(d));
}

export function extractPriceWatcher(gitDir: string, commitish = 'HEAD'): PriceWatcherExtract {
  const commit = git(gitDir, ['rev-parse', `${commitish}^{commit}`]).trim();
  const commitDate = git(gitDir, ['show', '-s', '--format=%cs', commit]).trim();
  const files: Record<string, PriceWatcherFile> = {};
  for (const file of priceWatcherFiles()) {
    const path = `processed/${file}.json`;
    const data = JSON.parse(git(gitDir, ['show', `${commit}:${path}`])) as Record<
      string,
      Record<string, string>
    >;
    const [lcCommit, lcDate] = git(gitDir, ['log', '-1', '--format=%H %cs', commit, '--', path])
      .trim()
      .split(' ');
    const rawText = tryGit(gitDir, ['show', `${commit}:raw/${file}.json`]);
    const published = rawText
      ? (JSON.parse(rawText) as { manifest?: { hawkFilePublicationDate?: string } }).manifest
          ?.hawkFilePublicationDate
      : undefined;
    const keep = wanted(file);
    const dimensions: Record<string, Record<string, number>> = {};
    for (const dimension of Object.keys(data).sort()) {
      if (!keep(dimension)) continue;
      const byRegion: Record<string, number> = {};
      for (const location of Object.keys(data[dimension]).sort()) {
        const region = regionOfLocation(location);
        const value = Number(data[dimension][location]);
        if (region && Number.isFinite(value) && value > 0) byRegion[region] = value;
      }
      if (Object.keys(byRegion).length > 0) dimensions[dimension] = byRegion;
    }
    files[file] = {
      path,
      lastChanged: { commit: lcCommit, date: lcDate },
      ...(published ? { published } : {}),
      dimensions,
    };
  }
  return { repo: 'v0rts/aws-price-watcher', commit, commitDate, license: 'MIT', files };
}

/** One line per dimension: reviewable diffs, a few hundred KB. */
export function serializeExtract(e: PriceWatcherExtract): string {
  const head = JSON.stringify({
    repo: e.repo,
    commit: e.commit,
    commitDate: e.commitDate,
    license: e.license,
  });
  const files = Object.keys(e.files)
    .sort()
    .map((name) => {
      const f = e.files[name];
      const meta = JSON.stringify({
        path: f.path,
        lastChanged: f.lastChanged,
        ...(f.published ? { published: f.published } : {}),
      });
      const dims = Object.keys(f.dimensions)
        .map((d) => `      ${JSON.stringify(d)}: ${JSON.stringify(f.dimensions[d])}`)
        .join(',\n');
      return `    ${JSON.stringify(name)}: {\n      "meta": ${meta},\n      "dimensions": {\n${dims.replace(/^ {6}/gm, '        ')}\n      }\n    }`;
    })
    .join(',\n');
  return `{\n  "source": ${head},\n  "files": {\n${files}\n  }\n}\n`;
}

/** Reads the committed extract back into the `PriceWatcherExtract` shape. */
export function parseExtract(text: string): PriceWatcherExtract {
  const o = JSON.parse(text) as {
    source: { repo: string; commit: string; commitDate: string; license: string };
    files: Record<
      string,
      { meta: Omit<PriceWatcherFile, 'dimensions'>; dimensions: PriceWatcherFile['dimensions'] }
    >;
  };
  const files: Record<string, PriceWatcherFile> = {};
  for (const [name, f] of Object.entries(o.files)) files[name] = { ...f.meta, dimensions: f.dimensions };
  return { ...o.source, files };
}

function main(argv: readonly string[]): void {
  const [gitDir, commit] = argv;
  if (!gitDir)
    throw new Error('usage: extract-price-watcher.ts <git dir of a v0rts/aws-price-watcher clone> [commit]');
  const e = extractPriceWatcher(resolve(gitDir), commit);
  writeFileAtomic(EXTRACT_PATH, serializeExtract(e));
  const n = Object.values(e.files).reduce((s, f) => s + Object.keys(f.dimensions).length, 0);
  console.log(
    `wrote ${join(EXTRACT_PATH)}: ${Object.keys(e.files).length} files, ${n} dimensions, commit ${e.commit}`,
  );
}

if (require.main === module && /extract-price-watcher\.[cm]?[jt]s$/.test(process.argv[1] ?? ''))
  main(process.argv.slice(2));
