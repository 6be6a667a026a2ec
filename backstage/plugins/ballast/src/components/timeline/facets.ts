/** Facets of the events on screen: how many of each kind, source, environment and severity. */
import type { Event } from '@ballast/contract';

export const FACETS = ['kind', 'source', 'environment', 'severity'] as const;
export type Facet = (typeof FACETS)[number];
export type Filters = Record<Facet, string[]>;

export const NO_FILTERS: Filters = { kind: [], source: [], environment: [], severity: [] };

/** Values with their counts, most frequent first; selected values stay listed even when none are shown. */
export function facetCounts(events: Event[], facet: Facet, selected: string[]): Array<[string, number]> {
  const counts = new Map<string, number>(selected.map((v) => [v, 0]));
  for (const e of events) {
    const value = e[facet];
    if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
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
