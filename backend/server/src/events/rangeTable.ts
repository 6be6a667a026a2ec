/**
 * `event_ranges`: one row for everything that can draw an annotation region reaching into a window
 * from before it, kept as events are written so that annotations never scan for starts and ends.
 *
 * - a **range** (range_key set): the start event that opens it, and the first end after it, if any.
 *   Among one key's events in time order (occurred_at, seq), a start opens a range when the event
 *   before it is not a start (a repeated "firing" belongs to the range already open), and the range
 *   closes at the first end after that start; an end with no open range before it closes nothing.
 *   This is the pairing `pairAnnotations` does, so the table and the drawing always agree.
 * - a **span** (end_seq null, ended_at set): an event drawn as a point that carries its own `endedAt`.
 *   That is an event outside any range (range_key null), or an end that closes no range (under its
 *   key, so that it is made again with the key's other rows). A start, or an end that closes a range,
 *   is drawn as part of the region whatever its own `endedAt` says.
 *
 * `reach` is where the row ends on the time axis, OPEN while a range has no end, so that "overlaps
 * the window's start" is one index range: `reach >= from`.
 *
 * Each row also carries what annotations draw of its events (`RANGE_COPIES`), copied from `events` in
 * the same statement that writes the row: a read of the ranges reaching into a window then needs no
 * lookup into `events`. Copies of fields an event never changes; `audit verify` compares them.
 */
import type { Knex } from 'knex';
import type { Dialect } from '../db/knex.js';
import { escapedTitleSql } from './annotations.js';
import { textArray } from './pgBinaryArray.js';

/** The reach of a range still open: after any timestamp an event can carry (year 9999). */
export const OPEN = 253_402_300_800_000;

/**
 * The copies: the start event's id, its own range key and role (a span's event may also open or close
 * a range), its stored annotation and runbook inputs; the end event's id and its title as the stored
 * annotation escapes it.
 */
export const RANGE_COPIES = [
  'start_id',
  'start_range_key',
  'start_range_role',
  'start_annotation',
  'start_inputs',
  'end_id',
  'end_title',
] as const;

export const RANGE_COLUMNS = `tenant, range_key, service, start_seq, started_at, end_seq, ended_at, reach, ${RANGE_COPIES.join(', ')}`;

/**
 * The rows of the keyed events that `where` selects (alias `e`): ranges, and spans of ends that close
 * none, every key's events considered together. `ctes` (for a WITH clause) then `select`, which reads
 * them. Written once for both dialects (window functions, CTE before INSERT).
 */
function keyedRows(dialect: Dialect, where: string): { ctes: string; select: string } {
  const ctes = `ev AS (
  SELECT e.tenant, e.range_key AS k, e.service, e.seq, e.occurred_at, e.range_role AS role,
    e.ended_at, e.id, e.annotation, e.runbook_inputs,
    row_number() OVER (PARTITION BY e.tenant, e.range_key ORDER BY e.occurred_at, e.seq) AS n,
    lag(e.range_role) OVER (PARTITION BY e.tenant, e.range_key ORDER BY e.occurred_at, e.seq) AS prev
  FROM events e WHERE e.range_key IS NOT NULL AND (${where})
), marked AS (
  SELECT ev.*, min(CASE WHEN role = 'end' THEN n END)
    OVER (PARTITION BY tenant, k ORDER BY n ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS end_n
  FROM ev
), opens AS (
  SELECT * FROM marked WHERE role = 'start' AND (prev IS NULL OR prev <> 'start')
)`;
  const select = `SELECT s.tenant, s.k, s.service, s.seq, s.occurred_at, x.seq, x.occurred_at, coalesce(x.occurred_at, ${OPEN}),
  s.id, s.k, s.role, s.annotation, s.runbook_inputs, x.id, ${escapedTitleSql(dialect, 'x.annotation')}
FROM opens s LEFT JOIN ev x ON x.tenant = s.tenant AND x.k = s.k AND x.n = s.end_n
UNION ALL
SELECT o.tenant, o.k, o.service, o.seq, o.occurred_at, NULL, o.ended_at, o.ended_at,
  o.id, o.k, o.role, o.annotation, o.runbook_inputs, NULL, NULL
FROM ev o
WHERE o.role = 'end' AND o.ended_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM opens s WHERE s.tenant = o.tenant AND s.k = o.k AND s.end_n = o.n)`;
  return { ctes, select };
}

/** INSERT … SELECT of the keyed rows (`keyedRows`); `firstCte` goes before its CTEs. */
export function insertRangesSql(dialect: Dialect, where: string, firstCte = ''): string {
  const { ctes, select } = keyedRows(dialect, where);
  return `WITH ${firstCte}${ctes}\nINSERT INTO event_ranges (${RANGE_COLUMNS})\n${select}`;
}

/** The span rows of the unkeyed events that `where` selects (alias `e`). */
const spanRowsSql = (where: string): string =>
  `SELECT e.tenant, NULL, e.service, e.seq, e.occurred_at, NULL, e.ended_at, e.ended_at,
  e.id, NULL, NULL, e.annotation, e.runbook_inputs, NULL, NULL FROM events e
WHERE e.ended_at IS NOT NULL AND e.range_key IS NULL AND (${where})`;

export const insertSpansSql = (where: string): string =>
  `INSERT INTO event_ranges (${RANGE_COLUMNS})\n${spanRowsSql(where)}`;

/**
 * The first row (by start seq) where a tenant's stored range rows and those its stored events make
 * differ: one stored that its events do not make (`extra`), or one they make that is not stored as
 * made (`missing`); none when they agree. For `audit verify`, once the events are known to be sound.
 */
export async function firstRangeDifference(
  knex: Knex,
  dialect: Dialect,
  tenant: string,
): Promise<{ how: 'missing' | 'extra'; startSeq: number; rangeKey: string | null } | null> {
  const { ctes, select } = keyedRows(dialect, 'e.tenant = ?');
  const cols = RANGE_COLUMNS;
  const rows = (await knex.raw(
    `WITH ${ctes}, made (${cols}) AS (
${select}
UNION ALL
${spanRowsSql('e.tenant = ?')}
), missing AS (
  SELECT ${cols} FROM made EXCEPT SELECT ${cols} FROM event_ranges WHERE tenant = ?
), extra AS (
  SELECT ${cols} FROM event_ranges WHERE tenant = ? EXCEPT SELECT ${cols} FROM made
)
SELECT 'missing' AS how, start_seq, range_key FROM missing
UNION ALL
SELECT 'extra' AS how, start_seq, range_key FROM extra
ORDER BY start_seq, how LIMIT 1`,
    [tenant, tenant, tenant, tenant],
  )) as unknown;
  const list = (dialect === 'postgres' ? (rows as { rows: unknown[] }).rows : rows) as {
    how: 'missing' | 'extra';
    start_seq: number | string;
    range_key: string | null;
  }[];
  const first = list[0];
  return first ? { how: first.how, startSeq: Number(first.start_seq), rangeKey: first.range_key } : null;
}

/** Every row, from the events already stored (the migration that adds the copies). */
export async function rebuildRanges(knex: Knex, dialect: Dialect): Promise<void> {
  await knex.raw('DELETE FROM event_ranges');
  await knex.raw(insertRangesSql(dialect, '1 = 1'));
  await knex.raw(insertSpansSql('1 = 1'));
}

/**
 * Recomputes the ranges of the given keys after a batch was written, in the batch's transaction:
 * an event arriving late (an end before the one stored, a start older than the stored end) can
 * change how a key's events pair, so a key's rows are always made again from all its events.
 * A key has a handful of events, found through the (tenant, range_key, occurred_at) index.
 */
export async function refreshRanges(trx: Knex.Transaction, dialect: Dialect, tenant: string, keys: string[]) {
  if (keys.length === 0) return;
  if (dialect === 'postgres') {
    // One statement: the DELETE and the INSERT see the same snapshot, and the table has no unique
    // index for a new row to collide with an old one.
    const keysParam = textArray(keys);
    await trx.raw(
      insertRangesSql(
        dialect,
        'e.tenant = ? AND e.range_key = ANY(?::text[])',
        'gone AS (DELETE FROM event_ranges WHERE tenant = ? AND range_key = ANY(?::text[])), ',
      ),
      [tenant, keysParam, tenant, keysParam],
    );
    return;
  }
  const keysParam = JSON.stringify(keys);
  await trx.raw('DELETE FROM event_ranges WHERE tenant = ? AND range_key IN (SELECT value FROM json_each(?))', [
    tenant,
    keysParam,
  ]);
  await trx.raw(insertRangesSql(dialect, 'e.tenant = ? AND e.range_key IN (SELECT value FROM json_each(?))'), [
    tenant,
    keysParam,
  ]);
}
