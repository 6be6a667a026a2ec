import type { Annotation, Event } from '@ballast/contract';
import type { Database } from '../db/knex.js';
import { anyMapping, applyFilters } from './filters.js';
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
  /** Where the tenant's current service mappings put an event (its stored service otherwise), and its runbook. */
  place?: (e: Event) => Event;
}

const parse = (rows: { doc: string }[]): Event[] => rows.map((r) => JSON.parse(r.doc) as Event);

function text(e: Event): string {
  let links = '';
  for (const l of e.links) links += `${links ? ' · ' : ''}[${l.text ?? l.rel}](${l.url})`;
  return e.description && links ? `${e.description}\n\n${links}` : e.description || links;
}

function tags(e: Event): string[] {
  const out: string[] = [e.source, e.kind];
  if (e.service) out.push(e.service);
  if (e.environment) out.push(e.environment);
  for (const k in e.tags) out.push(`${k}:${e.tags[k]}`);
  return out;
}

function point(e: Event): Annotation {
  const a: Annotation = {
    time: Date.parse(e.occurredAt),
    open: false,
    title: e.title,
    text: text(e),
    tags: tags(e),
    source: e.source,
    kind: e.kind,
    severity: e.severity,
    eventIds: [e.id],
  };
  if (e.endedAt) a.timeEnd = Date.parse(e.endedAt);
  if (e.service) a.service = e.service;
  if (e.environment) a.environment = e.environment;
  if (e.runbook) a.runbook = e.runbook;
  return a;
}

/**
 * Pairs start and end events of one range key into regions; everything else is a point. Pure: the
 * caller supplies every event that can matter (window, straddling starts, ends after the window).
 */
export function pairAnnotations(events: Event[], windowEnd: number): Annotation[] {
  const byKey = new Map<string, { e: Event; time: number; start: boolean }[]>();
  const out: Annotation[] = [];
  for (const e of events) {
    const range = rangeOf(e);
    if (!range) {
      out.push(point(e));
      continue;
    }
    const entry = { e, time: Date.parse(e.occurredAt), start: range.role === 'start' };
    const list = byKey.get(range.key);
    if (list) list.push(entry);
    else byKey.set(range.key, [entry]);
  }
  for (const list of byKey.values()) {
    if (list.length > 1) list.sort((a, b) => a.time - b.time || a.e.seq - b.e.seq);
    let open: Event | null = null;
    for (const { e, start } of list) {
      if (start) {
        open ??= e; // a repeated "firing" belongs to the range already open
        continue;
      }
      if (!open) {
        out.push(point(e)); // its start is outside what we know: show the end itself
        continue;
      }
      const region = point(open);
      region.timeEnd = Date.parse(e.occurredAt);
      region.text = [region.text, `Ended: ${e.title}`].filter(Boolean).join('\n\n');
      region.eventIds = [open.id, e.id];
      out.push(region);
      open = null;
    }
    if (open) out.push({ ...point(open), timeEnd: windowEnd, open: true });
  }
  return out.sort((a, b) => a.time - b.time);
}

/** Annotations for a window: points in it, ranges overlapping it (begun before it, or still open). */
export async function annotationsFor(db: Database, tenant: string, w: AnnotationWindow): Promise<Annotation[]> {
  const { knex, dialect } = db;
  const mapped = await anyMapping(knex, tenant, w.service);
  const base = () => applyFilters(knex('events as e').where('e.tenant', tenant), knex, dialect, w, tenant, { mapped });

  // Over `limit` events in the window, the newest are kept: a dashboard's right edge matters most.
  const inWindow = parse(
    await base()
      .whereBetween('e.occurred_at', [w.from, w.to])
      .orderBy('e.occurred_at', 'desc')
      .limit(w.limit)
      .select('e.doc'),
  );
  // Ranges and spans that reach into the window from before it, or out of it past its end: the start
  // event (where the filters apply) and the end event, wherever that lies.
  const byService = Boolean(w.service?.length && !mapped);
  // SQLite's planner, with its statistics, preferred the (tenant, reach) index and read every service's
  // open ranges; for one service its own index reads a fifth of them or less.
  const rangeTable =
    byService && dialect === 'sqlite'
      ? 'event_ranges AS r INDEXED BY event_ranges_tenant_service_reach_started_at_index'
      : 'event_ranges AS r';
  const reaching = (await base()
    .joinRaw(`INNER JOIN ${rangeTable} ON r.tenant = e.tenant AND r.start_seq = e.seq`)
    .leftJoin('events as x', (j) => j.on('x.tenant', '=', 'r.tenant').andOn('x.seq', '=', 'r.end_seq'))
    .where('r.tenant', tenant)
    .modify((q) => {
      // The row's service is the start event's as recorded; a mapping may place it elsewhere.
      if (byService) q.whereIn('r.service', w.service!);
    })
    .where('r.reach', '>=', w.from)
    .where('r.started_at', '<=', w.to)
    .where('r.started_at', '>=', w.from - LOOKBACK_MS)
    .where((q) => q.where('r.started_at', '<', w.from).orWhere('r.reach', '>', w.to))
    .limit(w.limit)
    .select('e.doc', 'x.doc as end_doc')) as { doc: string; end_doc: string | null }[];
  const ranges = parse(reaching);
  const ends = parse(
    reaching.filter((r): r is { doc: string; end_doc: string } => r.end_doc !== null).map((r) => ({ doc: r.end_doc })),
  );
  const seen = new Set<string>();
  const all = [...ranges, ...inWindow, ...ends].filter((e) => !seen.has(e.id) && seen.add(e.id));
  return pairAnnotations(w.place ? all.map(w.place) : all, w.to).filter(
    (a) => (a.timeEnd ?? a.time) >= w.from && a.time <= w.to,
  );
}
