import type { Event } from '@ballast/contract';

/**
 * Text is cut into words (letters and digits) before either dialect sees it, both when indexing and
 * when querying: SQLite and PostgreSQL then agree on what matches (no stemming, no host or email tokens).
 */
export const words = (text: string): string[] =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu) ?? [];

export const queryTerms = (q: string): string[] => words(q).slice(0, 16);

/** FTS5 MATCH expression: every term as a quoted prefix. */
export const sqliteMatch = (terms: string[]): string => terms.map((t) => `"${t}"*`).join(' AND ');

/** to_tsquery('simple', …) expression: every term as a prefix. */
export const postgresTsQuery = (terms: string[]): string => terms.map((t) => `'${t}':*`).join(' & ');

/**
 * The text an event is found by: its words, and the ids people paste into a search box (incident,
 * release, commit, deployment, flag, alert fingerprint, the sender's own references).
 */
export function searchText(
  e: Pick<
    Event,
    | 'title'
    | 'description'
    | 'service'
    | 'environment'
    | 'source'
    | 'kind'
    | 'status'
    | 'tags'
    | 'correlation'
    | 'sourceRefs'
  >,
): string {
  const text = [
    e.title,
    e.description,
    e.service,
    e.environment,
    e.source,
    e.kind,
    e.status,
    ...Object.values(e.tags),
    ...Object.values(e.correlation ?? {}),
    ...Object.values(e.sourceRefs ?? {}),
  ]
    .filter(Boolean)
    .join(' ');
  return words(text).join(' ');
}
