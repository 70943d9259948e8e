/**
 * Price sources as a reader needs them: what each catalog source id is, in a sentence, and a link
 * to it. The catalog records sources in several shapes (a repository at a commit and path, a
 * page URL, a titled article); this turns each into `{ description, url? }` for the report, so the
 * HTML and Markdown can link every price to where it was read.
 */
import type { ReportSource } from './types';

/** The report's view of the catalog sources its lines use, keyed by source id. */
export function describeSources(
  raw: Readonly<Record<string, unknown>>,
  used: Iterable<string>,
): Record<string, ReportSource> {
  const out: Record<string, ReportSource> = {};
  for (const id of [...new Set(used)].sort()) {
    const entry = raw[id];
    out[id] = describeSource(id, isRecord(entry) ? entry : {});
  }
  return out;
}

/** One source: a description (what it is, whose, which file) and a link when one can be built. */
export function describeSource(id: string, s: Readonly<Record<string, unknown>>): ReportSource {
  const repo = text(s.repo);
  const commit = text(s.commit) ?? text(s.head_commit) ?? text(s.after_commit) ?? text(s.ref);
  const path = text(s.path) ?? text(s.file);
  const url =
    text(s.url) ??
    (repo && /^[\w.-]+\/[\w.-]+$/.test(repo)
      ? `https://github.com/${repo}${commit ? `/${path ? 'blob' : 'tree'}/${commit}${path ? `/${path}` : ''}` : ''}`
      : undefined);
  const what = firstSentence(text(s.what) ?? text(s.title) ?? text(s.note) ?? text(s.method));
  const where = repo
    ? `${repo}${path ? ` ${path}` : ''}${commit ? ` @ ${commit.slice(0, 7)}` : ''}`
    : undefined;
  const description = [what?.replace(/[;,:]$/, ''), where].filter(Boolean).join(' — ') || id;
  return { description, ...(url && /^https:\/\//.test(url) ? { url } : {}) };
}

function firstSentence(t: string | undefined): string | undefined {
  if (t === undefined || t.length <= MAX_DESCRIPTION) return t;
  const cut = t.lastIndexOf('. ', MAX_DESCRIPTION);
  return cut > 40 ? t.slice(0, cut + 1) : `${t.slice(0, MAX_DESCRIPTION - 1)}…`;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const MAX_DESCRIPTION = 200;
