/**
 * `event_ranges`: one row for everything that can draw an annotation region reaching into a window
 * from before it, kept as events are written so that annotations never scan for starts and ends.
 *
 * - a **range** (range_key set): the start event that opens it, and the first end after it, if any.
 *   Among one key's events in time order (occurred_at, seq), a start opens a range when the event
 *   before it is not a start (a repeated "firing" belongs to the range already open), and the range
 *   closes at the first end after that start; an end with no open range before it closes nothing.
 *   This is the pairing `pairAnnotations` does, so the table and the drawing always agree.
 * - a **span** (range_key null): an event that carries its own `endedAt`.
 *
 * `reach` is where the row ends on the time axis, OPEN while a range has no end, so that "overlaps
 * the window's start" is one index range: `reach >= from`.
 */
import type { Knex } from 'knex';
import type { Dialect } from '../db/knex.js';
import { textArray } from './pgBinaryArray.js';

/** The reach of a range still open: after any timestamp an event can carry (year 9999). */
export const OPEN = 253_402_300_800_000;

export const RANGE_COLUMNS = 'tenant, range_key, service, start_seq, started_at, end_seq, ended_at, reach';

/**
 * INSERT … SELECT of the range rows of the events that `where` selects (alias `e`), every key's
 * events considered together. Written once for both dialects (window functions, CTE before INSERT).
 */
export function insertRangesSql(where: string, firstCte = ''): string {
  return `WITH ${firstCte}ev AS (
  SELECT e.tenant, e.range_key AS k, e.service, e.seq, e.occurred_at, e.range_role AS role,
    row_number() OVER (PARTITION BY e.tenant, e.range_key ORDER BY e.occurred_at, e.seq) AS n,
    lag(e.range_role) OVER (PARTITION BY e.tenant, e.range_key ORDER BY e.occurred_at, e.seq) AS prev
  FROM events e WHERE e.range_key IS NOT NULL AND (${where})
), marked AS (
  SELECT ev.*, min(CASE WHEN role = 'end' THEN n END)
    OVER (PARTITION BY tenant, k ORDER BY n ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS end_n
  FROM ev
)
INSERT INTO event_ranges (${RANGE_COLUMNS})
SELECT s.tenant, s.k, s.service, s.seq, s.occurred_at, x.seq, x.occurred_at, coalesce(x.occurred_at, ${OPEN})
FROM marked s LEFT JOIN ev x ON x.tenant = s.tenant AND x.k = s.k AND x.n = s.end_n
WHERE s.role = 'start' AND (s.prev IS NULL OR s.prev <> 'start')`;
}

/** Span rows of the events that `where` selects (alias `e`). */
export const insertSpansSql = (where: string): string =>
  `INSERT INTO event_ranges (${RANGE_COLUMNS})
SELECT e.tenant, NULL, e.service, e.seq, e.occurred_at, NULL, e.ended_at, e.ended_at FROM events e
WHERE e.ended_at IS NOT NULL AND (${where})`;

/** Every row, from the events already stored (the migration that creates the table). */
export async function rebuildRanges(knex: Knex): Promise<void> {
  await knex.raw('DELETE FROM event_ranges');
  await knex.raw(insertRangesSql('1 = 1'));
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
  await trx.raw(insertRangesSql('e.tenant = ? AND e.range_key IN (SELECT value FROM json_each(?))'), [
    tenant,
    keysParam,
  ]);
}
