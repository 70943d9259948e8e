/**
 * Extracts the EBS prices the catalog needs from a local git clone of `ligoj/plugin-prov-aws`
 * (MIT), whose test fixture `src/test/resources/mock-server/aws/ebs-calculator.json` is a verbatim
 * copy of AWS's EBS pricing-page data file, into scripts/catalog-data/ebs-calculator.json: the
 * labels of ebs-calculator.ts, commercial regions only, values > 0. Deterministic per commit.
 *
 *   npx tsx scripts/catalog/extract-ebs-calculator.ts <git dir> [commit]
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../cost/fs';
import { EBS_LABEL_SPECS, type EbsCalculatorExtract } from './ebs-calculator';
import { regionOfLocation } from './price-watcher-specs';

export const EBS_EXTRACT_PATH = resolve(__dirname, '..', 'catalog-data', 'ebs-calculator.json');
const FIXTURE = 'src/test/resources/mock-server/aws/ebs-calculator.json';
/** The commit that added the fixture (it was removed later). */
const DEFAULT_COMMIT = '4cd06dde612613dc9350897f2f7ea85214c488c4';

function git(gitDir: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

export function extractEbsCalculator(gitDir: string, commitish = DEFAULT_COMMIT): EbsCalculatorExtract {
  const commit = git(gitDir, ['rev-parse', `${commitish}^{commit}`]).trim();
  const commitDate = git(gitDir, ['show', '-s', '--format=%cs', commit]).trim();
  const file = JSON.parse(git(gitDir, ['show', `${commit}:${FIXTURE}`])) as {
    manifest: { hawkFilePublicationDate: string; source: string };
    regions: Record<string, Record<string, { price: string }>>;
  };
  if (file.manifest.source !== 'ebs-calculator')
    throw new Error(`${FIXTURE}: not AWS's ebs-calculator data file`);
  const prices: Record<string, Record<string, number>> = {};
  for (const { label } of EBS_LABEL_SPECS) {
    const byRegion: Record<string, number> = {};
    for (const location of Object.keys(file.regions).sort()) {
      const region = regionOfLocation(location);
      const value = Number(file.regions[location][label]?.price);
      if (region && Number.isFinite(value) && value > 0) byRegion[region] = value;
    }
    prices[label] = byRegion;
  }
  return {
    source: {
      repo: 'ligoj/plugin-prov-aws',
      commit,
      commitDate,
      path: FIXTURE,
      license: 'MIT',
      published: file.manifest.hawkFilePublicationDate,
    },
    prices,
  };
}

/** One line per label: reviewable diffs. */
export function serializeEbsExtract(e: EbsCalculatorExtract): string {
  const labels = Object.keys(e.prices)
    .map((l) => `    ${JSON.stringify(l)}: ${JSON.stringify(e.prices[l])}`)
    .join(',\n');
  return `{\n  "source": ${JSON.stringify(e.source)},\n  "prices": {\n${labels}\n  }\n}\n`;
}

function main(argv: readonly string[]): void {
  const [gitDir, commit] = argv;
  if (!gitDir)
    throw new Error('usage: extract-ebs-calculator.ts <git dir of a ligoj/plugin-prov-aws clone> [commit]');
  const e = extractEbsCalculator(resolve(gitDir), commit);
  writeFileAtomic(EBS_EXTRACT_PATH, serializeEbsExtract(e));
  const n = Object.values(e.prices).reduce((s, r) => s + Object.keys(r).length, 0);
  console.log(
    `wrote ${EBS_EXTRACT_PATH}: ${n} prices, commit ${e.source.commit}, published ${e.source.published}`,
  );
}

if (require.main === module && /extract-ebs-calculator\.[cm]?[jt]s$/.test(process.argv[1] ?? ''))
  main(process.argv.slice(2));
