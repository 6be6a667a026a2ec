import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { Knex } from 'knex';
import { toNumber, type Dialect } from '../db/knex.js';
import { GENESIS_HASH } from './chain.js';
import type { ChainedBatch, ChainedEvent, PreparedBatch } from './ingestBatch.js';
import { bigintArray, textArray } from './pgBinaryArray.js';
import { RANGE_COLUMNS, refreshRanges } from './rangeTable.js';
import { bucketRowids, nextRowid } from './timeRowid.js';

/**
 * The statements of one append. While the tenant's chain-head lock is held every statement delays the
 * next batch of that tenant, and on PostgreSQL its answer also waits for this process's event loop; so
 * under the lock there are only the lock itself and one statement for the whole write (then, for a
 * batch with range starts or ends, the statement that pairs them (rangeTable.ts), the change feed's
 * NOTIFY, and COMMIT). On PostgreSQL their SQL text is fixed whatever the batch size (column
 * arrays through `unnest`, no per-row placeholders). On SQLite the transaction holds the only
 * connection, so nothing can come between the dedupeKey lookup and the write.
 */

/** dedupeKeys per SQLite lookup: well under SQLite's limit of bound parameters. */
const SQLITE_KEYS = 500;

/**
 * Creates the head on first use and locks it in one statement (the no-op update takes the row lock on
 * PostgreSQL; SQLite has one writer at a time, so there the transaction is the lock).
 */
export async function lockChainHead(trx: Knex.Transaction, tenant: string): Promise<{ seq: number; hash: string }> {
  const res = await trx.raw(
    `INSERT INTO chain_heads (tenant, seq, hash) VALUES (?, 0, ?)
     ON CONFLICT (tenant) DO UPDATE SET seq = chain_heads.seq RETURNING seq, hash`,
    [tenant, GENESIS_HASH],
  );
  const row = (Array.isArray(res) ? res[0] : res.rows[0]) as { seq: number | string; hash: string };
  return { seq: toNumber(row.seq), hash: row.hash };
}

/**
 * A batch's event was found stored when the batch was written, though it was not when its dedupeKeys
 * were looked up: another batch with the same key committed in between. Nothing of this batch was
 * kept; looking the keys up again finds that event.
 */
export class StoredMeanwhile extends Error {
  constructor() {
    super('a dedupeKey of the batch was stored by another batch meanwhile');
  }
}

/**
 * The batch's dedupeKeys already stored. Looked up before the chain-head lock is taken, so the lock is
 * not held for it: a key that another batch stores in the meantime is caught when this batch is
 * written (StoredMeanwhile).
 */
export async function storedKeys(
  trx: Knex.Transaction,
  dialect: Dialect,
  batch: PreparedBatch,
): Promise<Map<string, { id: string; seq: number }>> {
  const keys = [...new Set(batch.events.map((e) => e.dedupeKey).filter((k): k is string => k !== undefined))];
  const known = new Map<string, { id: string; seq: number }>();
  if (keys.length === 0) return known;
  const add = (rows: { dedupe_key: string; id: string; seq: number | string }[]) => {
    for (const r of rows) known.set(r.dedupe_key, { id: r.id, seq: toNumber(r.seq) });
  };
  if (dialect === 'postgres') {
    // One unique-index probe per key. The LIMIT keeps the subquery from being flattened into a join,
    // so the plan stays that even before the table has statistics (with `dedupe_key = ANY(…)` or a
    // plain join, a table without statistics yet was scanned for the whole tenant instead).
    const res = await trx.raw(
      `SELECT e.dedupe_key, e.id, e.seq FROM unnest(?::text[]) AS k(key)
       CROSS JOIN LATERAL (SELECT dedupe_key, id, seq FROM events WHERE tenant = ? AND dedupe_key = k.key LIMIT 1) e`,
      [textArray(keys), batch.tenant],
    );
    add(res.rows);
    return known;
  }
  for (let i = 0; i < keys.length; i += SQLITE_KEYS) {
    add(
      await trx('events')
        .where({ tenant: batch.tenant })
        .whereIn('dedupe_key', keys.slice(i, i + SQLITE_KEYS))
        .select('dedupe_key', 'id', 'seq'),
    );
  }
  return known;
}

/** A column of the PostgreSQL insert: its SQL type and its values for a batch, as one array parameter. */
interface PgColumn {
  name: string;
  type: 'text' | 'bigint';
  array(events: ChainedEvent[]): Buffer;
}
const text = (name: string, value: (e: ChainedEvent) => string | null): PgColumn => ({
  name,
  type: 'text',
  array: (events) => textArray(events.map(value)),
});
const bigint = (name: string, value: (e: ChainedEvent) => number | null): PgColumn => ({
  name,
  type: 'bigint',
  array: (events) => bigintArray(events.map(value)),
});

/** PostgreSQL refuses a lexeme over 2047 bytes; to_tsvector left such words out, and so does this. */
const MAX_LEXEME_BYTES = 2047;
/** A word of at most this many UTF-16 units has at most 3 bytes a unit, so it always fits. */
const ALWAYS_FITS = Math.floor(MAX_LEXEME_BYTES / 3);
function lexemeText(searchText: string): string {
  for (let start = 0; ;) {
    const space = searchText.indexOf(' ', start);
    const end = space === -1 ? searchText.length : space;
    if (end - start > ALWAYS_FITS) {
      return searchText
        .split(' ')
        .filter((w) => Buffer.byteLength(w, 'utf8') <= MAX_LEXEME_BYTES)
        .join(' ');
    }
    if (space === -1) return searchText;
    start = space + 1;
  }
}

/** The events table's columns as the PostgreSQL statement's arrays carry them. */
const PG_EVENT_COLUMNS: PgColumn[] = [
  text('id', (e) => e.id),
  bigint('seq', (e) => e.seq),
  bigint('occurred_at', (e) => e.occurredAt),
  bigint('ended_at', (e) => e.endedAt),
  text('source', (e) => e.source),
  text('kind', (e) => e.kind),
  text('status', (e) => e.status),
  text('severity', (e) => e.severity),
  text('service', (e) => e.service),
  text('environment', (e) => e.environment),
  text('dedupe_key', (e) => e.dedupeKey ?? null),
  text('hash', (e) => e.hash),
  text('prev_hash', (e) => e.prevHash),
  text('salt', (e) => e.salt),
  text('doc', (e) => e.doc),
  text('range_key', (e) => e.rangeKey),
  text('range_role', (e) => e.rangeRole),
  text('annotation', (e) => e.annotation),
  text('runbook_inputs', (e) => e.runbookInputs),
  text('search_text', (e) => lexemeText(e.searchText)),
];

/**
 * The whole write in one statement, its text the same whatever the batch size: the events, their tags
 * and the new chain head. Each statement under the lock costs a round trip, and the answer waits for
 * this process's event loop, which is busy with other requests; one statement waits once.
 *
 * The search text is already cut into lowercase words (fullText.ts), so the full-text vector is made of
 * those words as they are (`array_to_tsvector`, no positions: nothing ranks or matches phrases) instead
 * of running PostgreSQL's text parser again, which cost about a third of the events insert.
 */
const PG_WRITE_BATCH = (() => {
  const stored = PG_EVENT_COLUMNS.map((c) => c.name).filter((n) => n !== 'search_text');
  return `WITH new_events AS (
  INSERT INTO events (tenant, received_at, ${stored.join(', ')}, search)
  SELECT ?, ?, ${stored.map((n) => `e.${n}`).join(', ')}, array_to_tsvector(string_to_array(e.search_text, ' '))
  FROM unnest(${PG_EVENT_COLUMNS.map((c) => `?::${c.type}[]`).join(', ')})
    AS e(${PG_EVENT_COLUMNS.map((c) => c.name).join(', ')})
  ON CONFLICT (tenant, dedupe_key) DO NOTHING
  RETURNING service, seq, occurred_at, ended_at, range_key, id, annotation, runbook_inputs
), new_spans AS (
  INSERT INTO event_ranges (${RANGE_COLUMNS})
  SELECT ?, NULL, service, seq, occurred_at, NULL, ended_at, ended_at,
    id, NULL, NULL, annotation, runbook_inputs, NULL, NULL
  FROM new_events WHERE ended_at IS NOT NULL AND range_key IS NULL
), new_tags AS (
  INSERT INTO event_tags (tenant, seq, k, v)
  SELECT ?, t.seq, t.k, t.v FROM unnest(?::bigint[], ?::text[], ?::text[]) AS t(seq, k, v)
), new_head AS (
  UPDATE chain_heads SET seq = ?, hash = ? WHERE tenant = ?
)
SELECT count(*)::int AS stored FROM new_events`;
})();

async function writePostgres(trx: Knex.Transaction, batch: PreparedBatch, chained: ChainedBatch): Promise<void> {
  const { events, head } = chained;
  const seqs: number[] = [];
  const ks: string[] = [];
  const vs: string[] = [];
  for (const e of events) {
    for (const [k, v] of e.tags) {
      seqs.push(e.seq);
      ks.push(k);
      vs.push(v);
    }
  }
  // Named: PostgreSQL parses and plans it once per connection, not once per batch (a fifth of a
  // single event's time under the lock).
  const res = await trx
    .raw(PG_WRITE_BATCH, [
      batch.tenant,
      batch.receivedAt,
      ...PG_EVENT_COLUMNS.map((c) => c.array(events)),
      batch.tenant,
      batch.tenant,
      bigintArray(seqs),
      textArray(ks),
      textArray(vs),
      head.seq,
      head.hash,
      batch.tenant,
    ])
    .options({ name: 'ballast_write_batch' });
  // A row skipped for its dedupeKey: the seqs and hashes after it are wrong, so none of this is kept.
  if (res.rows[0].stored !== events.length) throw new StoredMeanwhile();
}

/**
 * SQLite: better-sqlite3's own statements, prepared once per connection and run once per row. knex
 * prepares every statement anew, and its multi-row INSERT (a compound SELECT capped at 500 terms) has
 * a different text for every chunk size; a prepared single-row INSERT costs a few microseconds a row.
 */
interface SqliteWrites {
  highestRid: Statement;
  event: Statement;
  span: Statement;
  fts: Statement;
  word: Statement;
  tag: Statement;
  head: Statement;
}
const sqliteWrites = new WeakMap<SqliteDatabase, SqliteWrites>();
const SQLITE_EVENT_COLUMNS = [
  'rid',
  'id',
  'tenant',
  'seq',
  'occurred_at',
  'ended_at',
  'received_at',
  'source',
  'kind',
  'status',
  'severity',
  'service',
  'environment',
  'dedupe_key',
  'hash',
  'prev_hash',
  'salt',
  'doc',
  'range_key',
  'range_role',
  'annotation',
  'runbook_inputs',
];

function writesOf(conn: SqliteDatabase): SqliteWrites {
  let w = sqliteWrites.get(conn);
  if (!w) {
    w = {
      highestRid: conn.prepare('SELECT max(rid) FROM events WHERE rid BETWEEN ? AND ?').pluck(),
      event: conn.prepare(
        `INSERT INTO events (${SQLITE_EVENT_COLUMNS.join(', ')}) VALUES (${SQLITE_EVENT_COLUMNS.map(() => '?').join(', ')})`,
      ),
      span: conn.prepare(
        `INSERT INTO event_ranges (${RANGE_COLUMNS}) VALUES (?, NULL, ?, ?, ?, NULL, ?, ?, ?, NULL, NULL, ?, ?, NULL, NULL)`,
      ),
      fts: conn.prepare('INSERT INTO events_fts (rowid, body) VALUES (?, ?)'),
      word: conn.prepare('INSERT OR IGNORE INTO search_terms (term) VALUES (?)'),
      tag: conn.prepare('INSERT INTO event_tags (tenant, seq, k, v) VALUES (?, ?, ?, ?)'),
      head: conn.prepare('UPDATE chain_heads SET seq = ?, hash = ? WHERE tenant = ?'),
    };
    sqliteWrites.set(conn, w);
  }
  return w;
}

async function writeSqlite(trx: Knex.Transaction, batch: PreparedBatch, { events, head }: ChainedBatch): Promise<void> {
  // Inside a transaction, knex hands out that transaction's own connection.
  const w = writesOf((await trx.client.acquireConnection()) as SqliteDatabase);
  const { tenant, receivedAt } = batch;
  for (const e of events) {
    const { first, last } = bucketRowids(e.occurredAt);
    const rid = nextRowid(e.occurredAt, w.highestRid.get(first, last) as number | null);
    w.event.run(
      rid,
      e.id,
      tenant,
      e.seq,
      e.occurredAt,
      e.endedAt,
      receivedAt,
      e.source,
      e.kind,
      e.status,
      e.severity,
      e.service,
      e.environment,
      e.dedupeKey ?? null,
      e.hash,
      e.prevHash,
      e.salt,
      e.doc,
      e.rangeKey,
      e.rangeRole,
      e.annotation,
      e.runbookInputs,
    );
    w.fts.run(rid, e.searchText);
    for (const [k, v] of e.tags) w.tag.run(tenant, e.seq, k, v);
    // A keyed event's span, if it is one, is made with its key's ranges (refreshRanges).
    if (e.endedAt !== null && e.rangeKey === null) {
      w.span.run(tenant, e.service, e.seq, e.occurredAt, e.endedAt, e.endedAt, e.id, e.annotation, e.runbookInputs);
    }
  }
  // Every word the index now holds, once per batch (search_terms: what a search expands a term into).
  const words = new Set<string>();
  for (const e of events) for (const word of e.searchText.split(' ')) if (word) words.add(word);
  for (const word of words) w.word.run(word);
  w.head.run(head.seq, head.hash, tenant);
}

/** Writes the chained events, their full-text entries and their tags, and moves the chain head. */
export async function writeChained(
  trx: Knex.Transaction,
  dialect: Dialect,
  batch: PreparedBatch,
  chained: ChainedBatch,
): Promise<void> {
  await (dialect === 'postgres' ? writePostgres(trx, batch, chained) : writeSqlite(trx, batch, chained));
  const keys = new Set<string>();
  for (const e of chained.events) if (e.rangeKey !== null) keys.add(e.rangeKey);
  await refreshRanges(trx, dialect, batch.tenant, [...keys]);
}
