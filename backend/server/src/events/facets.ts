/**
 * Facet counts for the timeline: how many events of each value of a field a search finds in a window.
 * Each field is counted with every filter but its own, so a chosen environment still shows the others'
 * counts to switch to (the usual faceted-search behaviour). One GROUP BY per field on the window.
 */
import { FACET_FIELDS, type FacetCounts, type FacetField, type FacetQuery } from '@ballast/contract';
import type { Database } from '../db/knex.js';
import { anyMapping, applyFilters } from './filters.js';

const DAY_MS = 86_400_000;

export async function facetCountsFor(
  db: Database,
  tenant: string,
  query: FacetQuery,
  now = Date.now(),
): Promise<FacetCounts> {
  const { knex, dialect } = db;
  const to = query.to ? Date.parse(query.to) : now;
  const from = query.from ? Date.parse(query.from) : to - DAY_MS;
  const fields = query.facet?.length ? [...new Set(query.facet)] : [...FACET_FIELDS];
  const mapped = await anyMapping(knex, tenant, query.service);
  const matching = (filters: Partial<FacetQuery>) =>
    applyFilters(
      knex('events as e').where('e.tenant', tenant).whereBetween('e.occurred_at', [from, to]),
      knex,
      dialect,
      filters,
      tenant,
      { mapped },
    );

  const counted = async (field: FacetField) => {
    const { [field]: _own, ...others } = query;
    const rows: { value: string; count: number | string }[] = await matching(others)
      .whereNotNull(`e.${field}`)
      .groupBy(`e.${field}`)
      .select({ value: `e.${field}` })
      .count({ count: '*' })
      .orderBy([
        { column: 'count', order: 'desc' },
        { column: 'value', order: 'asc' },
      ])
      .limit(query.size + 1);
    return [field, rows.map((r) => ({ value: r.value, count: Number(r.count) }))] as const;
  };
  const [totalRow, ...counts] = await Promise.all([
    matching(query).count({ count: '*' }).first() as Promise<{ count: number | string } | undefined>,
    ...fields.map(counted),
  ]);
  const out: FacetCounts = {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    total: Number(totalRow?.count ?? 0),
    facets: {},
    truncated: {},
  };
  for (const [field, values] of counts) {
    out.facets[field] = values.slice(0, query.size);
    out.truncated[field] = values.length > query.size;
  }
  return out;
}
