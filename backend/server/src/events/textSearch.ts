import type { Knex } from 'knex';
import type { Event, SearchQuery } from '@ballast/contract';
import { toNumber } from '../db/knex.js';
import type { Cursor } from './cursor.js';
import { applyFilters, matchesText } from './filters.js';
import { sqliteMatchSql } from './fullText.js';
import { bucketRowids } from './timeRowid.js';

/** A page's bounds on the timeline: the time range asked for, and where the previous page ended. */
export interface PageBounds {
  from: number | undefined;
  to: number | undefined;
  cursor: Cursor | undefined;
}

export interface SearchRow {
  doc: string;
  occurred_at: number | string;
  seq: number | string;
  source: string;
  kind: string;
}

/** What a search reads of each event: its document, its place in timeline order, and what placing looks at. */
export const SEARCH_COLUMNS = ['e.doc', 'e.occurred_at', 'e.seq', 'e.source', 'e.kind'];

/** Timeline order: newest first, then the higher seq. */
const newestFirst = (a: SearchRow, b: SearchRow) =>
  toNumber(b.occurred_at) - toNumber(a.occurred_at) || toNumber(b.seq) - toNumber(a.seq);

/** The time range and the cursor as conditions on `e` (events). */
export function pageBounds(qb: Knex.QueryBuilder, { from, to, cursor }: PageBounds): Knex.QueryBuilder {
  if (from !== undefined) qb.where('e.occurred_at', '>=', from);
  if (to !== undefined) qb.where('e.occurred_at', '<=', to);
  if (cursor) {
    qb.where((w) =>
      w
        .where('e.occurred_at', '<', cursor.occurredAt)
        .orWhere((x) => x.where('e.occurred_at', '=', cursor.occurredAt).andWhere('e.seq', '<', cursor.seq)),
    );
  }
  return qb;
}

/**
 * SQLite search with text: walks the full-text index newest first (its rowids are in time order, see
 * timeRowid.ts) and stops after one page. The rowids of the page's last second are in arrival order,
 * so that second is read whole and sorted, which makes the page exactly the one the timeline order
 * gives. That second is read by rowid and its text tested here (`matchesText`, the stream's test),
 * not with a second full-text statement: FTS5 reads a prefix term's whole list of rows for every
 * statement, whatever its rowid bounds.
 */
export async function searchSqliteText(
  knex: Knex,
  tenant: string,
  snapshot: number,
  query: SearchQuery,
  terms: string[],
  bounds: PageBounds,
  mapped: boolean,
): Promise<SearchRow[]> {
  const limit = query.limit + 1;
  const upper = Math.min(bounds.to ?? Infinity, bounds.cursor?.occurredAt ?? Infinity);
  const filtered = (qb: Knex.QueryBuilder) =>
    applyFilters(
      pageBounds(qb.where('e.tenant', tenant).andWhere('e.seq', '<=', snapshot), bounds),
      knex,
      'sqlite',
      { ...query, q: undefined },
      tenant,
      { mapped },
    ).select(SEARCH_COLUMNS);
  const page = knex('events_fts as f')
    .joinRaw('CROSS JOIN events AS e ON e.rid = f.rowid')
    .whereRaw('f.events_fts MATCH ?', [sqliteMatchSql(knex, terms)]);
  if (bounds.from !== undefined) page.where('f.rowid', '>=', bucketRowids(bounds.from).first);
  if (upper !== Infinity) page.where('f.rowid', '<=', bucketRowids(upper).last);
  const rows: SearchRow[] = await filtered(page).orderBy('f.rowid', 'desc').limit(limit);
  if (rows.length < limit) return rows.sort(newestFirst);

  const lastSecond = bucketRowids(toNumber(rows[rows.length - 1]!.occurred_at));
  const before = rows.filter((r) => bucketRowids(toNumber(r.occurred_at)).first > lastSecond.first);
  const second: SearchRow[] = await filtered(
    knex('events as e').whereBetween('e.rid', [lastSecond.first, lastSecond.last]),
  );
  const inLastSecond = second.filter((r) => matchesText(JSON.parse(r.doc) as Event, terms));
  return [...before, ...inLastSecond].sort(newestFirst).slice(0, limit);
}
