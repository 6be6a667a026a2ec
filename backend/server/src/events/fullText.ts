import type { Event } from '@ballast/contract';
import type { Knex } from 'knex';

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

/** A prefix that begins more indexed words than this stays a prefix in a MATCH expression. */
export const MAX_PREFIX_WORDS = 64;

/** The ASCII string just past every string that begins with `t` (itself ASCII), in SQLite's binary order. */
const pastPrefix = (t: string): string => t.slice(0, -1) + String.fromCharCode(t.charCodeAt(t.length - 1) + 1);

/**
 * The FTS5 MATCH expression for `terms` (every term a prefix of some word), as SQL made inside the
 * statement that uses it. FTS5 reads a prefix's whole list of rows before it gives the first (at a
 * million events, 0.1 s for a word in most rows, whatever the rowid bounds and LIMIT), but steps
 * through a whole word's list lazily, newest first. So a term is matched as the words it begins,
 * `("word1" OR "word2" …)`, looked up in `search_terms` (every word the index holds, written with
 * the events) when it begins 1 to MAX_PREFIX_WORDS of them; otherwise, and for a term that is not
 * ASCII, as the prefix itself. ASCII only: FTS5's unicode61 tokenizer folds case by its own tables,
 * which agree with the lowercasing of `words` on ASCII letters, so there a stored word begins with a
 * term exactly when its indexed form does. Being in the statement, the lookup sees the same snapshot
 * as the match: a word committed since cannot be missing from it.
 */
export function sqliteMatchSql(knex: Knex, terms: string[]): Knex.Raw {
  const parts: string[] = [];
  const bindings: string[] = [];
  for (const t of terms) {
    const prefix = `"${t}"*`;
    if (!/^[a-z0-9]+$/.test(t)) {
      parts.push('?');
      bindings.push(prefix);
      continue;
    }
    parts.push(
      `(SELECT CASE WHEN count(*) BETWEEN 1 AND ${MAX_PREFIX_WORDS} THEN '(' || group_concat('"' || term || '"', ' OR ') || ')' ELSE ? END` +
        ` FROM (SELECT term FROM search_terms WHERE term >= ? AND term < ? LIMIT ${MAX_PREFIX_WORDS + 1}))`,
    );
    bindings.push(prefix, t, pastPrefix(t));
  }
  return knex.raw(`(${parts.join(" || ' AND ' || ")})`, bindings);
}

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
