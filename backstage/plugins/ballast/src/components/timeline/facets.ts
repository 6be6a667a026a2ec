/**
 * The tab's facets: how many of the service's events of each kind, source, environment and severity a
 * search finds over the last days (Ballast counts them; each facet without its own filter, so the
 * other values stay there to switch to).
 */
import type { Event, FacetCounts, FacetQueryInput } from '@ballast/contract';

export const FACETS = ['kind', 'source', 'environment', 'severity'] as const;
export type Facet = (typeof FACETS)[number];
export type Filters = Record<Facet, string[]>;

export const NO_FILTERS: Filters = { kind: [], source: [], environment: [], severity: [] };

/** How far back the counts reach. */
export const FACET_DAYS = 30;

/** The facet counts' query for a search of the tab, over the FACET_DAYS before `now`. */
export function facetQuery(search: { service: string[]; q?: string } & Partial<Filters>, now: number): FacetQueryInput {
  return {
    ...search,
    from: new Date(now - FACET_DAYS * 86_400_000).toISOString(),
    to: new Date(now).toISOString(),
    facet: [...FACETS],
  };
}

/** One facet's values with their counts, most frequent first; selected values stay listed at 0. */
export function facetValues(
  counts: FacetCounts | undefined,
  facet: Facet,
  selected: string[],
): Array<[string, number]> {
  const out = new Map<string, number>((counts?.facets[facet] ?? []).map((v) => [v.value, v.count]));
  for (const v of selected) if (!out.has(v)) out.set(v, 0);
  return [...out];
}

export function toggle(filters: Filters, facet: Facet, value: string): Filters {
  const now = filters[facet];
  return { ...filters, [facet]: now.includes(value) ? now.filter((v) => v !== value) : [...now, value] };
}

/** Newest first, each event once (a live event may also arrive in a later page). */
export function merge(live: Event[], page: Event[]): Event[] {
  const seen = new Set<string>();
  return [...live, ...page].filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
}
