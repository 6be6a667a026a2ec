import type { Annotation, Event } from '@ballast/contract';
import type { Knex } from 'knex';
import { toNumber, type Database, type Dialect } from '../db/knex.js';
import { JsonText } from '../http/jsonText.js';
import { anyMapping, applyFilters } from './filters.js';
import type { Placing } from './placing.js';
import { rangeOf } from './ranges.js';

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

type Drawn = Pick<
  Event,
  'title' | 'description' | 'links' | 'tags' | 'source' | 'kind' | 'severity' | 'service' | 'environment' | 'runbook'
>;

function text(e: Drawn): string {
  let links = '';
  for (const l of e.links) links += `${links ? ' · ' : ''}[${l.text ?? l.rel}](${l.url})`;
  return e.description && links ? `${e.description}\n\n${links}` : e.description || links;
}

function tags(e: Drawn): string[] {
  const out: string[] = [e.source, e.kind];
  if (e.service) out.push(e.service);
  if (e.environment) out.push(e.environment);
  for (const k in e.tags) out.push(`${k}:${e.tags[k]}`);
  return out;
}

const TITLE_LEAD = '"title":"';
const TEXT_LEAD = '"text":"';

/**
 * The part of an event's annotation that the event alone decides: every field but its place on the
 * time axis and its ids, as JSON object members, ending inside the value of `text` so that a region
 * can add its end there. Stored with the event (`events.annotation`) when it is written, so that a
 * read joins texts instead of parsing and serializing documents.
 */
export function storedAnnotation(e: Drawn): string {
  let s = `${TITLE_LEAD}${JSON.stringify(e.title).slice(1)},"tags":${JSON.stringify(tags(e))}`;
  s += `,"source":${JSON.stringify(e.source)},"kind":${JSON.stringify(e.kind)},"severity":${JSON.stringify(e.severity)}`;
  if (e.service) s += `,"service":${JSON.stringify(e.service)}`;
  if (e.environment) s += `,"environment":${JSON.stringify(e.environment)}`;
  if (e.runbook) s += `,"runbook":${JSON.stringify(e.runbook)}`;
  return `${s},${TEXT_LEAD}${JSON.stringify(text(e)).slice(1, -1)}`;
}

/**
 * SQL for the title in a stored annotation column, still escaped as JSON: what lies between the lead
 * and the first `","tags":`. Inside the escaped title every quote follows a backslash, so that sequence
 * cannot begin there.
 */
export function escapedTitleSql(dialect: Dialect, column: string): string {
  const find = dialect === 'postgres' ? 'strpos' : 'instr';
  const from = TITLE_LEAD.length + 1;
  return `substr(${column}, ${from}, ${find}(${column}, '","tags":') - ${from})`;
}

/** The title of a stored annotation, still escaped as JSON. */
function escapedTitle(stored: string): string {
  let i = TITLE_LEAD.length;
  for (; i < stored.length; i++) {
    const c = stored.charCodeAt(i);
    if (c === 92)
      i++; // a backslash: the next character is escaped
    else if (c === 34) break; // the closing quote
  }
  return stored.slice(TITLE_LEAD.length, i);
}

/** One event as annotations need it: where it lies, which range it opens or closes, its stored form. */
export interface AnnotationRow {
  id: string;
  seq: number;
  time: number;
  endedAt: number | null;
  rangeKey: string | null;
  rangeRole: string | null;
  stored: string;
}

interface Drawing {
  time: number;
  end: number;
  json: string;
}

const point = (r: AnnotationRow): Drawing => ({
  time: r.time,
  end: r.endedAt ?? r.time,
  json: `{"time":${r.time},${r.endedAt !== null ? `"timeEnd":${r.endedAt},` : ''}"open":false,"eventIds":[${JSON.stringify(r.id)}],${r.stored}"}`,
});

function region(start: AnnotationRow, end: AnnotationRow): Drawing {
  const sep = start.stored.endsWith(TEXT_LEAD) ? '' : '\\n\\n';
  return {
    time: start.time,
    end: end.time,
    json: `{"time":${start.time},"timeEnd":${end.time},"open":false,"eventIds":[${JSON.stringify(start.id)},${JSON.stringify(end.id)}],${start.stored}${sep}Ended: ${escapedTitle(end.stored)}"}`,
  };
}

const openRegion = (start: AnnotationRow, windowEnd: number): Drawing => ({
  time: start.time,
  end: windowEnd,
  json: `{"time":${start.time},"timeEnd":${windowEnd},"open":true,"eventIds":[${JSON.stringify(start.id)}],${start.stored}"}`,
});

/**
 * Pairs start and end events of one range key into regions; everything else is a point. Pure: the
 * caller supplies every event that can matter (window, straddling starts, ends after the window).
 */
function pair(rows: AnnotationRow[], windowEnd: number): Drawing[] {
  const byKey = new Map<string, AnnotationRow[]>();
  const out: Drawing[] = [];
  for (const r of rows) {
    if (r.rangeKey === null || (r.rangeRole !== 'start' && r.rangeRole !== 'end')) {
      out.push(point(r));
      continue;
    }
    const list = byKey.get(r.rangeKey);
    if (list) list.push(r);
    else byKey.set(r.rangeKey, [r]);
  }
  for (const list of byKey.values()) {
    if (list.length > 1) list.sort((a, b) => a.time - b.time || a.seq - b.seq);
    let open: AnnotationRow | null = null;
    for (const r of list) {
      if (r.rangeRole === 'start') {
        open ??= r; // a repeated "firing" belongs to the range already open
        continue;
      }
      if (!open) {
        out.push(point(r)); // its start is outside what we know: show the end itself
        continue;
      }
      out.push(region(open, r));
      open = null;
    }
    if (open) out.push(openRegion(open, windowEnd));
  }
  return out.sort((a, b) => a.time - b.time);
}

/** Each annotation overlapping [from, to] as JSON text, in time order. */
export function drawAnnotations(rows: AnnotationRow[], from: number, to: number): string[] {
  return pair(rows, to)
    .filter((d) => d.end >= from && d.time <= to)
    .map((d) => d.json);
}

/** An event as a row (its stored form made from it as it is now): for events read in full. */
export function annotationRow(e: Event): AnnotationRow {
  const range = rangeOf(e);
  return {
    id: e.id,
    seq: e.seq,
    time: Date.parse(e.occurredAt),
    endedAt: e.endedAt !== undefined ? Date.parse(e.endedAt) : null,
    rangeKey: range?.key ?? null,
    rangeRole: range?.role ?? null,
    stored: storedAnnotation(e),
  };
}

/** The same pairing for whole events, as annotation objects. */
export function pairAnnotations(events: Event[], windowEnd: number): Annotation[] {
  return pair(events.map(annotationRow), windowEnd).map((d) => JSON.parse(d.json) as Annotation);
}

/** The columns a row is made of, for the events table under `alias`, their names prefixed with `as`. */
function rowColumns(knex: Knex, alias: string, as: string, placing: Placing | undefined): (string | Knex.Raw)[] {
  // The document only where the stored forms cannot be used: an event of a mapped source, or one
  // written before its stored annotation (or, of a kind that gets a runbook, its runbook inputs).
  const sources = placing?.sources ?? [];
  const kinds = placing?.kinds ?? [];
  const marks = (values: readonly string[]) => values.map(() => '?').join(', ');
  const full = knex.raw(
    `CASE WHEN ${alias}.annotation IS NULL${sources.length ? ` OR ${alias}.source IN (${marks(sources)})` : ''}${
      kinds.length ? ` OR (${alias}.runbook_inputs IS NULL AND ${alias}.kind IN (${marks(kinds)}))` : ''
    } THEN ${alias}.doc END AS ${as}doc`,
    [...sources, ...kinds],
  );
  return [
    `${alias}.id as ${as}id`,
    `${alias}.seq as ${as}seq`,
    `${alias}.occurred_at as ${as}occurred_at`,
    `${alias}.ended_at as ${as}ended_at`,
    `${alias}.range_key as ${as}range_key`,
    `${alias}.range_role as ${as}range_role`,
    `${alias}.annotation as ${as}annotation`,
    ...(kinds.length ? [`${alias}.runbook_inputs as ${as}runbook_inputs`] : []),
    full,
  ];
}

type Columns = Record<string, string | number | null>;

const TEXT_MEMBER = `,${TEXT_LEAD}`;

/**
 * A stored annotation with `member` (`,"name":value`, or '') added where `storedAnnotation` writes
 * such members: just before `text`. The first `,"text":"` is that boundary: inside a JSON string every
 * quote is escaped, so the sequence cannot occur in an earlier value.
 */
export function withMember(stored: string, member: string): string {
  if (member === '') return stored;
  const at = stored.indexOf(TEXT_MEMBER);
  return `${stored.slice(0, at)}${member}${stored.slice(at)}`;
}

function toRow(r: Columns, as: string, placing: Placing | undefined): AnnotationRow {
  const doc = r[`${as}doc`];
  if (typeof doc === 'string') {
    const e = JSON.parse(doc) as Event;
    return annotationRow(placing ? placing.place(e) : e);
  }
  const ended = r[`${as}ended_at`];
  const inputs = r[`${as}runbook_inputs`];
  const stored = r[`${as}annotation`] as string;
  return {
    id: r[`${as}id`] as string,
    seq: toNumber(r[`${as}seq`]),
    time: toNumber(r[`${as}occurred_at`]),
    endedAt: ended === null ? null : toNumber(ended),
    rangeKey: r[`${as}range_key`] as string | null,
    rangeRole: r[`${as}range_role`] as string | null,
    stored: typeof inputs === 'string' && placing ? withMember(stored, placing.runbookMember(inputs)) : stored,
  };
}

/** Whether the reaching read can take the range rows' copies as they are (see rangeTable.ts). */
function fromCopies(w: AnnotationWindow, mapped: boolean, placing: Placing | undefined): boolean {
  const filtered = [w.environment, w.source, w.kind, w.tag].some((f) => f?.length);
  return !filtered && !mapped && (placing === undefined || placing.sources.length === 0);
}

/** The copies of a range row, the start's under the names `rowColumns` gives, the end's as `end_*`. */
function copyColumns(knex: Knex, placing: Placing | undefined): (string | Knex.Raw)[] {
  return [
    'r.start_id as id',
    'r.start_seq as seq',
    'r.started_at as occurred_at',
    // A span ends at its event's own end; the start of a range is never drawn as a point, so its own
    // end (if it has one) is not needed.
    knex.raw(`CASE WHEN r.start_range_role = 'start' THEN NULL ELSE r.ended_at END AS ended_at`),
    'r.start_range_key as range_key',
    'r.start_range_role as range_role',
    'r.start_annotation as annotation',
    ...(placing?.kinds.length ? ['r.start_inputs as runbook_inputs'] : []),
    'r.range_key as end_key',
    'r.end_id as end_id',
    'r.end_seq as end_seq',
    'r.ended_at as end_at',
    'r.end_title as end_title',
  ];
}

/**
 * A range's end from its row's copies: enough to close the region its start opens, which is all that
 * can become of it (its start is drawn from the same row); as a point it would show its title alone.
 */
function copiedEnd(r: Columns): AnnotationRow {
  return {
    id: r.end_id as string,
    seq: toNumber(r.end_seq),
    time: toNumber(r.end_at),
    endedAt: null,
    rangeKey: r.end_key as string,
    rangeRole: 'end',
    stored: `${TITLE_LEAD}${r.end_title as string}",${TEXT_LEAD}`,
  };
}

/**
 * Annotations for a window, as JSON text: points in it, ranges overlapping it (begun before it, or
 * still open).
 */
export async function annotationsFor(
  db: Database,
  tenant: string,
  w: AnnotationWindow,
): Promise<JsonText<Annotation[]>> {
  const { knex, dialect } = db;
  const { placing } = w;
  // A tenant without mappings (as placing last saw them) has none for these services either.
  const mapped = placing?.sources.length === 0 ? false : await anyMapping(knex, tenant, w.service);
  const base = () => applyFilters(knex('events as e').where('e.tenant', tenant), knex, dialect, w, tenant, { mapped });

  // Over `limit` events in the window, the newest are kept: a dashboard's right edge matters most.
  const inWindowRead = base()
    .whereBetween('e.occurred_at', [w.from, w.to])
    .orderBy('e.occurred_at', 'desc')
    .limit(w.limit)
    .select(rowColumns(knex, 'e', '', placing));
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
      .limit(w.limit);
  // With no filter but the service and nothing to place again, the range rows' copies are the answer;
  // otherwise the start's row in `events` is where the filters apply and its document may be needed.
  const fromEvents = () =>
    reachingRows(
      base()
        .joinRaw(`INNER JOIN ${rangeTable} ON r.tenant = e.tenant AND r.start_seq = e.seq`)
        .leftJoin('events as x', (j) => j.on('x.tenant', '=', 'r.tenant').andOn('x.seq', '=', 'r.end_seq')),
    ).select([...rowColumns(knex, 'e', '', placing), ...rowColumns(knex, 'x', 'x_', placing)]);
  const copies = fromCopies(w, mapped, placing);
  const reachingRead = copies
    ? reachingRows(knex.from(knex.raw(rangeTable))).select(copyColumns(knex, placing))
    : fromEvents();
  // Side by side on PostgreSQL's pool (SQLite's one connection takes them in turn). Each read sees the
  // events committed when it runs; a range written in between is drawn on the next refresh.
  const [inWindow, reachingFirst] = (await Promise.all([inWindowRead, reachingRead])) as [Columns[], Columns[]];
  let reaching = reachingFirst;
  // A row without its copies was written by a server from before them (replicas upgrading one by one).
  if (copies && reaching.some((r) => r.annotation === null || (r.end_seq !== null && r.end_id === null)))
    reaching = (await fromEvents()) as Columns[];

  const seen = new Set<string>();
  const rows: AnnotationRow[] = [];
  const add = (r: Columns, as: string) => {
    const id = r[`${as}id`] as string;
    if (!seen.has(id)) {
      seen.add(id);
      rows.push(toRow(r, as, placing));
    }
  };
  for (const r of reaching) add(r, '');
  for (const r of inWindow) add(r, '');
  for (const r of reaching) {
    if (r.x_id !== undefined) {
      if (r.x_id !== null) add(r, 'x_');
    } else if (r.end_id !== null && !seen.has(r.end_id as string)) {
      seen.add(r.end_id as string);
      rows.push(copiedEnd(r));
    }
  }
  return new JsonText(`[${drawAnnotations(rows, w.from, w.to).join(',')}]`);
}
