/**
 * The annotations read: the events in a window and the ranges reaching into it, as rows of stored
 * forms (annotations.ts draws them). Rows come as arrays (db/arrayRows.ts), their columns by position.
 */
import type { AnnotationList, Event } from '@ballast/contract';
import type { Knex } from 'knex';
import { arrayRows } from '../db/arrayRows.js';
import { toNumber, type Database } from '../db/knex.js';
import { JsonText } from '../http/jsonText.js';
import { annotationRow, drawAnnotations, titleOnly, withMember, type AnnotationRow } from './annotations.js';
import { anyMapping, applyFilters } from './filters.js';
import type { Placing } from './placing.js';

/** How far before the window a still-open range may have started and still be drawn. */
const LOOKBACK_MS = 30 * 86_400_000;

export interface AnnotationWindow {
  from: number;
  to: number;
  limit: number;
  service?: string[];
  environment?: string[];
  source?: Event['source'][];
  kind?: Event['kind'][];
  tag?: { key: string; value: string }[];
  /** Events drawn from their whole document, as they are placed now; the others from their stored form. */
  placing?: Placing;
}

type Row = unknown[];

/** Where an event's columns lie in a row, from its first (`rowColumns`, and the start in `copyColumns`). */
const ID = 0;
const SEQ = 1;
const TIME = 2;
const ENDED = 3;
const KEY = 4;
const ROLE = 5;
const STORED = 6;
const INPUTS = 7;
const DOC = 8;
const WIDTH = 9;
/** Where a range row's copies of its end lie (`copyColumns`). */
const END_KEY = WIDTH;
const END_ID = WIDTH + 1;
const END_SEQ = WIDTH + 2;
const END_AT = WIDTH + 3;
const END_TITLE = WIDTH + 4;

/** An event's columns from the events table under `alias`, in the order above. */
function rowColumns(knex: Knex, alias: string, placing: Placing | undefined): (string | Knex.Raw)[] {
  // The document only where the stored forms cannot be used: an event of a mapped source, or one
  // written before its stored annotation (or, of a kind that gets a runbook, its runbook inputs).
  const sources = placing?.sources ?? [];
  const kinds = placing?.kinds ?? [];
  const marks = (values: readonly string[]) => values.map(() => '?').join(', ');
  const full = knex.raw(
    `CASE WHEN ${alias}.annotation IS NULL${sources.length ? ` OR ${alias}.source IN (${marks(sources)})` : ''}${
      kinds.length ? ` OR (${alias}.runbook_inputs IS NULL AND ${alias}.kind IN (${marks(kinds)}))` : ''
    } THEN ${alias}.doc END`,
    [...sources, ...kinds],
  );
  return [
    `${alias}.id`,
    `${alias}.seq`,
    `${alias}.occurred_at`,
    `${alias}.ended_at`,
    `${alias}.range_key`,
    `${alias}.range_role`,
    `${alias}.annotation`,
    kinds.length ? `${alias}.runbook_inputs` : knex.raw('NULL'),
    full,
  ];
}

/** The event whose columns begin at `at`. */
function toRow(r: Row, at: number, placing: Placing | undefined): AnnotationRow {
  const doc = r[at + DOC];
  if (typeof doc === 'string') {
    const e = JSON.parse(doc) as Event;
    return annotationRow(placing ? placing.place(e) : e);
  }
  const ended = r[at + ENDED];
  const inputs = r[at + INPUTS];
  const stored = r[at + STORED] as string;
  return {
    id: r[at + ID] as string,
    seq: toNumber(r[at + SEQ] as number | string),
    time: toNumber(r[at + TIME] as number | string),
    endedAt: ended === null ? null : toNumber(ended as number | string),
    rangeKey: r[at + KEY] as string | null,
    rangeRole: r[at + ROLE] as string | null,
    stored: typeof inputs === 'string' && placing ? withMember(stored, placing.runbookMember(inputs)) : stored,
  };
}

/** Whether the reaching read can take the range rows' copies as they are (see rangeTable.ts). */
function fromCopies(w: AnnotationWindow, mapped: boolean, placing: Placing | undefined): boolean {
  const filtered = [w.environment, w.source, w.kind, w.tag].some((f) => f?.length);
  return !filtered && !mapped && (placing === undefined || placing.sources.length === 0);
}

/** A range row's copies: its start as `rowColumns` gives an event (never its document), then its end. */
function copyColumns(knex: Knex, placing: Placing | undefined): (string | Knex.Raw)[] {
  return [
    'r.start_id',
    'r.start_seq',
    'r.started_at',
    // A span ends at its event's own end; the start of a range is never drawn as a point, so its own
    // end (if it has one) is not needed.
    knex.raw(`CASE WHEN r.start_range_role = 'start' THEN NULL ELSE r.ended_at END`),
    'r.start_range_key',
    'r.start_range_role',
    'r.start_annotation',
    placing?.kinds.length ? 'r.start_inputs' : knex.raw('NULL'),
    knex.raw('NULL'),
    'r.range_key',
    'r.end_id',
    'r.end_seq',
    'r.ended_at',
    'r.end_title',
  ];
}

/**
 * A range's end from its row's copies: enough to close the region its start opens, which is all that
 * can become of it (its start is drawn from the same row); as a point it would show its title alone.
 */
function copiedEnd(r: Row): AnnotationRow {
  return {
    id: r[END_ID] as string,
    seq: toNumber(r[END_SEQ] as number | string),
    time: toNumber(r[END_AT] as number | string),
    endedAt: null,
    rangeKey: r[END_KEY] as string,
    rangeRole: 'end',
    stored: titleOnly(r[END_TITLE] as string),
  };
}

/** `rows` newest first by the time in column `at` (a stable sort: rows of one time keep their order). */
const newestFirst = (rows: Row[], at: number): Row[] =>
  [...rows].sort((a, b) => toNumber(b[at] as number | string) - toNumber(a[at] as number | string));

/**
 * Annotations for a window, as the JSON text of the answer: points in it, ranges overlapping it (begun
 * before it, or still open), and whether either read had more than `limit` (the answer then leaves the
 * oldest out).
 */
export async function annotationsFor(
  db: Database,
  tenant: string,
  w: AnnotationWindow,
): Promise<JsonText<AnnotationList>> {
  const { knex, dialect } = db;
  const { placing } = w;
  // A tenant without mappings (as placing last saw them) has none for these services either.
  const mapped = placing?.sources.length === 0 ? false : await anyMapping(knex, tenant, w.service);
  const base = () => applyFilters(knex('events as e').where('e.tenant', tenant), knex, dialect, w, tenant, { mapped });

  // Over `limit` events in the window, the newest are kept: a dashboard's right edge matters most. One
  // more is read to tell the answer that some were left out.
  const inWindowRead = base()
    .whereBetween('e.occurred_at', [w.from, w.to])
    .orderBy('e.occurred_at', 'desc')
    .limit(w.limit + 1)
    .select(rowColumns(knex, 'e', placing));
  // Ranges and spans that reach into the window from before it, or out of it past its end: the start
  // event (where the filters apply) and the end event, wherever that lies.
  const byService = Boolean(w.service?.length && !mapped);
  // SQLite's planner, with its statistics, preferred the (tenant, reach) index and read every service's
  // open ranges; for one service its own index reads a fifth of them or less.
  const rangeTable =
    byService && dialect === 'sqlite'
      ? 'event_ranges AS r INDEXED BY event_ranges_tenant_service_reach_started_at_index'
      : 'event_ranges AS r';
  const reachingRows = (q: Knex.QueryBuilder) =>
    q
      .where('r.tenant', tenant)
      .modify((m) => {
        // The row's service is the start event's as recorded; a mapping may place it elsewhere.
        if (byService) m.whereIn('r.service', w.service!);
      })
      .where('r.reach', '>=', w.from)
      .where('r.started_at', '<=', w.to)
      .where('r.started_at', '>=', w.from - LOOKBACK_MS)
      .where((o) => o.where('r.started_at', '<', w.from).orWhere('r.reach', '>', w.to))
      // Over `limit`, those begun most recently (a sort of what the index range found); one more tells
      // that some were left out.
      .orderBy('r.started_at', 'desc')
      .limit(w.limit + 1);
  // With no filter but the service and nothing to place again, the range rows' copies are the answer;
  // otherwise the start's row in `events` is where the filters apply and its document may be needed.
  // The start's columns come first, the end's from WIDTH.
  const fromEvents = () =>
    arrayRows(
      db,
      reachingRows(
        base()
          .joinRaw(`INNER JOIN ${rangeTable} ON r.tenant = e.tenant AND r.start_seq = e.seq`)
          .leftJoin('events as x', (j) => j.on('x.tenant', '=', 'r.tenant').andOn('x.seq', '=', 'r.end_seq')),
      ).select([...rowColumns(knex, 'e', placing), ...rowColumns(knex, 'x', placing)]),
    );
  const copies = fromCopies(w, mapped, placing);
  const copiesRead = () =>
    dialect === 'sqlite'
      ? // Which rows, from the index alone (its sort then moves rowids, not copies); the rows by rowid.
        knex
          .from('event_ranges AS r')
          .whereIn('r.rowid', reachingRows(knex.from(knex.raw(rangeTable))).select('r.rowid'))
          .select(copyColumns(knex, placing))
      : reachingRows(knex.from(knex.raw(rangeTable))).select(copyColumns(knex, placing));
  const reachingRead = copies ? arrayRows(db, copiesRead()) : fromEvents();
  // Side by side on PostgreSQL's pool (SQLite's one connection takes them in turn). Each read sees the
  // events committed when it runs; a range written in between is drawn on the next refresh.
  const [windowFound, reachingFirst] = await Promise.all([arrayRows(db, inWindowRead), reachingRead]);
  let reachingFound = reachingFirst;
  let endsCopied = copies;
  // A row without its copies was written by a server from before them (replicas upgrading one by one).
  if (copies && reachingFound.some((r) => r[STORED] === null || (r[END_SEQ] !== null && r[END_ID] === null))) {
    reachingFound = await fromEvents();
    endsCopied = false;
  }
  // Each read took one row over `limit` where there was one: left out here, it tells the answer so. The
  // reaching rows read by rowid (SQLite's copies) come in no order; the start's time is at TIME.
  const windowCut = windowFound.length > w.limit;
  const inWindow = windowCut ? windowFound.slice(0, w.limit) : windowFound;
  const reachingCut = reachingFound.length > w.limit;
  const reaching = reachingCut ? newestFirst(reachingFound, TIME).slice(0, w.limit) : reachingFound;

  const seen = new Set<string>();
  const rows: AnnotationRow[] = [];
  const add = (r: Row, at: number) => {
    const id = r[at + ID] as string;
    if (!seen.has(id)) {
      seen.add(id);
      rows.push(toRow(r, at, placing));
    }
  };
  for (const r of reaching) add(r, 0);
  for (const r of inWindow) add(r, 0);
  for (const r of reaching) {
    if (!endsCopied) {
      if (r[WIDTH + ID] !== null) add(r, WIDTH);
    } else if (r[END_ID] !== null && !seen.has(r[END_ID] as string)) {
      seen.add(r[END_ID] as string);
      rows.push(copiedEnd(r));
    }
  }
  const truncated = windowCut || reachingCut;
  return JsonText.join('{"annotations":[', drawAnnotations(rows, w.from, w.to), ',', `],"truncated":${truncated}}`);
}
