/**
 * SQLite: an event's rowid (`events.rid`, also its full-text rowid) is chosen so that rowid order is
 * time order, second by second. A term search can then walk the full-text index newest first and
 * stop after one page, whatever share of the rows the term matches, instead of collecting every
 * match and sorting them (ADR 003).
 *
 * rowid = bucket × 2^19 + slot: the bucket is the second of `occurredAt` (counted from 1900, clamped
 * to 0 … 2^34 − 1, so every rowid stays a safe JavaScript integer), the slot is the next free one in
 * that second. Within a second rowids follow arrival, not time: readers that need exact order fetch
 * the whole last second of a page and sort it (see `searchByTime`).
 */

export const SLOT_BITS = 19;
const SLOTS = 2 ** SLOT_BITS;
const MAX_BUCKET = 2 ** 34 - 1;
/** Seconds from 1900-01-01 to 1970-01-01. */
const EPOCH_1900 = 2_208_988_800;

/** The second an occurredAt (ms) falls in. Truncated toward zero, as SQLite's integer division does. */
export function bucketOf(occurredAt: number): number {
  return Math.min(MAX_BUCKET, Math.max(0, Math.trunc(occurredAt / 1000) + EPOCH_1900));
}

/** The same as SQL over `occurred_at` (the migration that renumbers stored events uses it). */
export const BUCKET_SQL = `max(0, min(${MAX_BUCKET}, (occurred_at / 1000) + ${EPOCH_1900}))`;

/** The first and last rowid of the second `occurredAt` falls in. */
export function bucketRowids(occurredAt: number): { first: number; last: number } {
  const first = bucketOf(occurredAt) * SLOTS;
  return { first, last: first + SLOTS - 1 };
}

/** The rowid for a new event, given the highest rowid already used in its second (null: none). */
export function nextRowid(occurredAt: number, highestInBucket: number | null): number {
  const { first, last } = bucketRowids(occurredAt);
  const rid = highestInBucket === null ? first : highestInBucket + 1;
  if (rid > last) throw new Error(`more than ${SLOTS} events in the second of ${new Date(occurredAt).toISOString()}`);
  return rid;
}
