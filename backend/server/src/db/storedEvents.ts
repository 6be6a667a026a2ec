/** Work migrations do on the events already stored: filling derived columns, renumbering SQLite rowids. */
import type { Knex } from 'knex';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { Event } from '@ballast/contract';
import { searchText } from '../events/fullText.js';
import { bigintArray, textArray } from '../events/pgBinaryArray.js';
import { BUCKET_SQL, SLOT_BITS } from '../events/timeRowid.js';
import type { Dialect } from './knex.js';

/**
 * Writes `column` for the stored events (of `kinds` when given) from their documents, a page at a time
 * in rowid order; rows that `make` gives null are left as they are.
 */
export async function fillColumn(
  knex: Knex,
  dialect: Dialect,
  column: 'annotation' | 'runbook_inputs',
  make: (e: Event) => string | null,
  kinds?: readonly string[],
): Promise<void> {
  const PAGE = 5000;
  for (let after = Number.MIN_SAFE_INTEGER; ;) {
    const rows = (await knex('events')
      .where('rid', '>', after)
      .modify((q) => {
        if (kinds) q.whereIn('kind', kinds);
      })
      .orderBy('rid')
      .limit(PAGE)
      .select('rid', 'doc')) as { rid: number | string; doc: string }[];
    if (rows.length === 0) return;
    const made: [number, string][] = [];
    for (const r of rows) {
      const text = make(JSON.parse(r.doc) as Event);
      if (text !== null) made.push([Number(r.rid), text]);
    }
    if (made.length && dialect === 'postgres') {
      await knex.raw(
        `UPDATE events SET ${column} = v.a FROM unnest(?::bigint[], ?::text[]) AS v(rid, a) WHERE events.rid = v.rid`,
        [bigintArray(made.map((m) => m[0])), textArray(made.map((m) => m[1]))],
      );
    } else if (made.length) {
      await knex.raw(
        `UPDATE events SET ${column} = v.value ->> 1 FROM json_each(?) AS v WHERE events.rid = v.value ->> 0`,
        [JSON.stringify(made)],
      );
    }
    after = Number(rows[rows.length - 1]!.rid);
  }
}

/**
 * SQLite: gives stored events their time-ordered rowids (timeRowid.ts) and writes the full-text index
 * again under them (a contentless FTS5 table cannot move a row: it is emptied and filled anew).
 */
export async function renumberSqliteRowids(knex: Knex): Promise<void> {
  await knex.raw('CREATE TEMP TABLE rid_map (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)');
  await knex.raw(
    `INSERT INTO rid_map (old, new)
     SELECT rid, b * ${2 ** SLOT_BITS} + row_number() OVER (PARTITION BY b ORDER BY occurred_at, tenant, seq) - 1
     FROM (SELECT rid, occurred_at, tenant, seq, ${BUCKET_SQL} AS b FROM events)`,
  );
  // Through negative numbers, so that no new rowid meets an old one on the way.
  await knex.raw('UPDATE events SET rid = -rid');
  await knex.raw('UPDATE events SET rid = (SELECT new FROM rid_map WHERE old = -events.rid)');
  await knex.raw('DROP TABLE rid_map');
  await knex.raw("INSERT INTO events_fts (events_fts) VALUES ('delete-all')");
  const conn = (await knex.client.acquireConnection()) as SqliteDatabase;
  const insert = conn.prepare('INSERT INTO events_fts (rowid, body) VALUES (?, ?)');
  const page = conn.prepare('SELECT rid, doc FROM events WHERE rid > ? ORDER BY rid LIMIT 5000');
  for (let after = -1; ;) {
    const rows = page.all(after) as { rid: number; doc: string }[];
    if (rows.length === 0) return;
    for (const row of rows) insert.run(row.rid, searchText(JSON.parse(row.doc) as Event));
    after = rows[rows.length - 1]!.rid;
  }
}
