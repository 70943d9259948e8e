/**
 * Extracts the 1-year Standard no-upfront Reserved Instance rates of GPU and accelerator types
 * from a local git clone of `tsaol/aws-gpu` (MIT), whose `data/all_gpu_instances.js` is generated
 * from instances.vantage.sh's data (per region: Linux `ondemand` and
 * `reserved["yrTerm1Standard.noUpfront"]`, its scripts/utils.py), into
 * scripts/catalog-data/commitment-rates.json. Deterministic per commit.
 *
 *   npx tsx scripts/catalog/extract-commitment-rates.ts <git dir> [commit]
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../cost/fs';
import type { CommitmentRatesExtract } from './commitment-rates';

export const COMMITMENT_RATES_PATH = resolve(__dirname, '..', 'catalog-data', 'commitment-rates.json');
const DATA_FILE = 'data/all_gpu_instances.js';
/** The newest stored commit; the data file last changed in 7412fd2 (2026-01-21). */
const DEFAULT_COMMIT = '77fcd9fe1d0652fd07b830e5ed030d61da87923e';

function git(gitDir: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

interface GpuInstance {
  readonly apiName?: string;
  readonly pricing: Record<string, { onDemand?: number; reserved?: number }>;
}

/** The array literal of `const allGPUInstances = [...];` (the file is JSON inside a JS assignment). */
function parseDataFile(text: string): GpuInstance[] {
  const start = text.indexOf('[');
  const end = text.lastIndexOf(']');
  if (!/const allGPUInstances\s*=/.test(text) || start < 0 || end < start)
    throw new Error(`${DATA_FILE}: no 'const allGPUInstances = [...]'`);
  return JSON.parse(text.slice(start, end + 1)) as GpuInstance[];
}

export function extractCommitmentRates(gitDir: string, commitish = DEFAULT_COMMIT): CommitmentRatesExtract {
  const commit = git(gitDir, ['rev-parse', `${commitish}^{commit}`]).trim();
  const dataCommit = git(gitDir, ['log', '-1', '--format=%H', commit, '--', DATA_FILE]).trim();
  const dataDate = git(gitDir, ['show', '-s', '--format=%cs', dataCommit]).trim();
  const text = git(gitDir, ['show', `${commit}:${DATA_FILE}`]);
  if (!text.startsWith('// Auto-generated from instances.vantage.sh data'))
    throw new Error(`${DATA_FILE}: not the instances.vantage.sh-generated data file`);
  const rates: Record<string, Record<string, [number, number]>> = {};
  // Entries without an API name (the u-p6e-gb200 UltraServers) have no per-instance rate.
  const instances = parseDataFile(text).flatMap((i) =>
    typeof i.apiName === 'string' ? [{ ...i, type: i.apiName }] : [],
  );
  for (const inst of instances.sort((a, b) => (a.type < b.type ? -1 : 1))) {
    const byRegion: Record<string, [number, number]> = {};
    for (const region of Object.keys(inst.pricing).sort()) {
      const { onDemand, reserved } = inst.pricing[region];
      if (typeof onDemand === 'number' && typeof reserved === 'number' && onDemand > 0 && reserved > 0)
        byRegion[region] = [onDemand, reserved];
    }
    if (Object.keys(byRegion).length > 0) rates[inst.type] = byRegion;
  }
  return {
    source: {
      repo: 'tsaol/aws-gpu',
      commit,
      dataCommit,
      dataDate,
      path: DATA_FILE,
      license: 'MIT (README)',
      upstream: 'https://instances.vantage.sh/instances.json (AWS EC2 price files)',
      columns: {
        '0': 'pricing[region].onDemand = instances.vantage.sh pricing[region].linux.ondemand',
        '1': "pricing[region].reserved = instances.vantage.sh pricing[region].linux.reserved['yrTerm1Standard.noUpfront']",
      },
    },
    rates,
  };
}

/** One line per instance type: reviewable diffs. */
export function serializeCommitmentRates(e: CommitmentRatesExtract): string {
  const types = Object.keys(e.rates)
    .map((t) => `    ${JSON.stringify(t)}: ${JSON.stringify(e.rates[t])}`)
    .join(',\n');
  return `{\n  "source": ${JSON.stringify(e.source)},\n  "rates": {\n${types}\n  }\n}\n`;
}

function main(argv: readonly string[]): void {
  const [gitDir, commit] = argv;
  if (!gitDir)
    throw new Error('usage: extract-commitment-rates.ts <git dir of a tsaol/aws-gpu clone> [commit]');
  const e = extractCommitmentRates(resolve(gitDir), commit);
  writeFileAtomic(COMMITMENT_RATES_PATH, serializeCommitmentRates(e));
  const n = Object.values(e.rates).reduce((s, r) => s + Object.keys(r).length, 0);
  console.log(
    `wrote ${COMMITMENT_RATES_PATH}: ${Object.keys(e.rates).length} types, ${n} rates, data of ${e.source.dataDate} (commit ${e.source.commit})`,
  );
}

if (require.main === module && /extract-commitment-rates\.[cm]?[jt]s$/.test(process.argv[1] ?? ''))
  main(process.argv.slice(2));
