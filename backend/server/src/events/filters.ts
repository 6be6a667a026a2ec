import type { Knex } from 'knex';
import type { Event, EventFilters } from '@ballast/contract';
import type { Dialect } from '../db/knex.js';
import { postgresTsQuery, queryTerms, searchText, sqliteMatchSql } from './fullText.js';

/**
 * Sender ids (`sourceRefs`) are indexed beside tags under keys that tags cannot have (tag keys hold no
 * colon): `:ref:<source>.<key>`. This is how a mapping added later finds events stored before it.
 */
export const REF_TAG_PREFIX = ':ref:';
const REF_TAG_SQL = `'${REF_TAG_PREFIX}' || m.source || '.' || m.ref_key`;

/**
 * The shared filters (text, service, environment, source, kind, severity, status, tags) in two forms
 * with one meaning: as SQL for search and catch-up, and in memory for the live stream.
 */
export function applyFilters(
  qb: Knex.QueryBuilder,
  knex: Knex,
  dialect: Dialect,
  f: Partial<EventFilters>,
  tenant: string,
  { mapped = true }: { mapped?: boolean } = {},
): Knex.QueryBuilder {
  if (f.service?.length && !mapped) {
    qb.whereIn('e.service', f.service);
  } else if (f.service?.length) {
    const services = f.service;
    // The recorded service, or a sender id that a mapping now places in one of these services. The
    // mapped set is one uncorrelated subquery, so both sides of the OR can use an index; but the
    // planners then merge two index scans and sort, so callers that can say there is no mapping for
    // these services (`anyMapping`) get the plain condition, which reads in timeline order.
    qb.where((w) =>
      w.whereIn('e.service', services).orWhereIn(
        'e.seq',
        knex('service_mappings as m')
          .join('event_tags as r', (j) =>
            j
              .on('r.tenant', '=', 'm.tenant')
              .andOn('r.v', '=', 'm.ref_value')
              .andOn(knex.raw(`r.k = ${REF_TAG_SQL}`)),
          )
          .where('m.tenant', tenant)
          .whereIn('m.service', services)
          .select('r.seq'),
      ),
    );
  }
  if (f.environment?.length) qb.whereIn('e.environment', f.environment);
  if (f.source?.length) qb.whereIn('e.source', f.source);
  if (f.kind?.length) qb.whereIn('e.kind', f.kind);
  if (f.severity?.length) qb.whereIn('e.severity', f.severity);
  if (f.status?.length) qb.whereIn('e.status', f.status);
  for (const tag of f.tag ?? []) {
    qb.whereExists(
      knex('event_tags as t')
        .select(knex.raw('1'))
        .whereRaw('t.tenant = e.tenant and t.seq = e.seq')
        .andWhere({ 't.k': tag.key, 't.v': tag.value }),
    );
  }
  const terms = f.q ? queryTerms(f.q) : [];
  if (terms.length > 0) {
    if (dialect === 'sqlite') {
      qb.whereRaw('e.rid in (select rowid from events_fts where events_fts match ?)', [sqliteMatchSql(knex, terms)]);
    } else {
      qb.whereRaw("e.search @@ to_tsquery('simple', ?)", [postgresTsQuery(terms)]);
    }
  }
  return qb;
}

/** Whether a mapping places sender ids in one of these services, so the service filter must look at them. */
export async function anyMapping(knex: Knex, tenant: string, services: string[] | undefined): Promise<boolean> {
  if (!services?.length) return false;
  return (
    (await knex('service_mappings').where('tenant', tenant).whereIn('service', services).first('service')) !== undefined
  );
}

/** The same test on one event: every term a prefix of some word of its text. */
export function matchesFilters(e: Event, f: Partial<EventFilters>): boolean {
  const inList = (list: readonly string[] | undefined, v: string | undefined) =>
    !list?.length || (v !== undefined && list.includes(v));
  if (!inList(f.service, e.service) || !inList(f.environment, e.environment)) return false;
  if (!inList(f.source, e.source) || !inList(f.kind, e.kind)) return false;
  if (!inList(f.severity, e.severity) || !inList(f.status, e.status)) return false;
  for (const tag of f.tag ?? []) if (e.tags[tag.key] !== tag.value) return false;
  return matchesText(e, f.q ? queryTerms(f.q) : []);
}

/** Every term a prefix of some word of the event's text: what the full-text indexes match. */
export function matchesText(e: Event, terms: string[]): boolean {
  if (terms.length === 0) return true;
  const words = searchText(e).split(' ');
  return terms.every((t) => words.some((w) => w.startsWith(t)));
}
