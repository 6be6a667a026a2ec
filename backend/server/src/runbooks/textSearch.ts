/**
 * Full-text search over one tenant's runbooks, in memory: a tenant has tens to thousands of runbooks,
 * already cached for lookups, so a scan with weighted fields answers in well under a millisecond.
 */
import type { RunbookFrontmatter } from '@ballast/contract';

export interface Searchable {
  frontmatter: RunbookFrontmatter;
  markdown: string;
}

const words = (s: string): string[] => s.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];

/** Every term must appear somewhere (prefix match); title, tags and services weigh more than the body. */
export function searchRunbooks<R extends Searchable>(runbooks: readonly R[], q: string): R[] {
  const terms = words(q);
  if (terms.length === 0) return [];
  const scored: { r: R; score: number }[] = [];
  for (const r of runbooks) {
    const fm = r.frontmatter;
    const fields: [string[], number][] = [
      [words(fm.title + ' ' + fm.id), 5],
      [words([...fm.tags, ...fm.services, ...fm.slos].join(' ')), 3],
      [words(r.markdown), 1],
    ];
    let score = 0;
    let all = true;
    for (const term of terms) {
      let best = 0;
      for (const [ws, weight] of fields) if (weight > best && ws.some((w) => w.startsWith(term))) best = weight;
      if (best === 0) {
        all = false;
        break;
      }
      score += best;
    }
    if (all) scored.push({ r, score });
  }
  return scored.sort((a, b) => b.score - a.score || (a.r.frontmatter.id < b.r.frontmatter.id ? -1 : 1)).map((s) => s.r);
}

const UNIT_DAYS: Record<string, number> = { d: 1, w: 7 };

/** When a review is due: `last_reviewed + review_every` (months and years by the calendar). */
export function reviewDue(fm: Pick<RunbookFrontmatter, 'last_reviewed' | 'review_every'>): Date | undefined {
  if (!fm.last_reviewed || !fm.review_every) return undefined;
  const m = /^(\d+)(d|w|mo|y)$/.exec(fm.review_every);
  if (!m) return undefined;
  const n = Number(m[1]);
  const d = new Date(fm.last_reviewed + 'T00:00:00Z');
  if (m[2] === 'mo') d.setUTCMonth(d.getUTCMonth() + n);
  else if (m[2] === 'y') d.setUTCFullYear(d.getUTCFullYear() + n);
  else d.setUTCDate(d.getUTCDate() + n * UNIT_DAYS[m[2]!]!);
  return d;
}
