import type { Annotation, Event } from '@ballast/contract';
import type { Dialect } from '../db/knex.js';
import { rangeOf } from './ranges.js';

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

/** The stored form of an event known only by its escaped title: what a region's end needs of it. */
export const titleOnly = (escapedTitle: string): string => `${TITLE_LEAD}${escapedTitle}",${TEXT_LEAD}`;
