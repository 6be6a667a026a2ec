import { z } from 'zod';
import { Event, Kind, Severity, Source, Timestamp } from './event.js';

/** Query strings repeat a parameter or comma-separate it; both become a list. */
const list = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(50));

const TagFilter = z
  .string()
  .regex(/^[^:\s]+:.*$/, 'tag filters are key:value')
  .transform((s) => {
    const at = s.indexOf(':');
    return { key: s.slice(0, at), value: s.slice(at + 1) };
  });

export const SEARCH_MAX_LIMIT = 500;

/** The filters search, the stream and annotations share. */
export const EventFilters = z.strictObject({
  q: z.string().trim().max(256).optional(),
  service: list(z.string().max(128)).optional(),
  environment: list(z.string().max(128)).optional(),
  source: list(Source).optional(),
  kind: list(Kind).optional(),
  severity: list(Severity).optional(),
  status: list(z.string().max(32)).optional(),
  /** `key:value`; several tags must all match. Values may hold commas, so tags are never comma-split. */
  tag: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(TagFilter).max(20))
    .optional(),
});
export type EventFilters = z.output<typeof EventFilters>;

export const SearchQuery = EventFilters.extend({
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  limit: z.coerce.number().int().min(1).max(SEARCH_MAX_LIMIT).default(100),
  cursor: z.string().max(512).optional(),
}).refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type SearchQueryInput = z.input<typeof SearchQuery>;
export type SearchQuery = z.output<typeof SearchQuery>;

export const EventPage = z.object({
  events: z.array(Event),
  /** Opaque; pass it back as `cursor` for the next (older) page. Null when there is none. */
  nextCursor: z.string().nullable(),
  /** Pages of one search show events with `seq` up to this; later arrivals need a new search. */
  snapshotSeq: z.number().int(),
});
export type EventPage = z.infer<typeof EventPage>;

export const EventIdParams = z.strictObject({ id: z.string().min(1).max(64) });

/** Fields the timeline can count values of. */
export const FACET_FIELDS = ['service', 'environment', 'source', 'kind', 'severity', 'status'] as const;
export const FacetField = z.enum(FACET_FIELDS);
export type FacetField = z.infer<typeof FacetField>;

/**
 * Counts of each value of some fields among the events a search would find in a window. Each field's
 * counts leave out that field's own filter (the other values stay visible to switch to).
 */
export const FacetQuery = EventFilters.extend({
  /** Default: 24 hours before `to`. */
  from: Timestamp.optional(),
  /** Default: now. */
  to: Timestamp.optional(),
  /** The fields to count (repeat or comma-separate); all of them by default. */
  facet: list(FacetField).optional(),
  /** The most frequent values kept per field. */
  size: z.coerce.number().int().min(1).max(100).default(20),
}).refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type FacetQueryInput = z.input<typeof FacetQuery>;
export type FacetQuery = z.output<typeof FacetQuery>;

export const FacetValue = z.object({ value: z.string(), count: z.number().int() });
export const FacetCounts = z.object({
  from: Timestamp,
  to: Timestamp,
  /** Events matching every filter in the window. */
  total: z.number().int(),
  /** Per field, its values by count (then by value), at most `size`; events without the field are not counted. */
  facets: z.partialRecord(FacetField, z.array(FacetValue)),
  /** Per field, whether values beyond `size` were left out. */
  truncated: z.partialRecord(FacetField, z.boolean()),
});
export type FacetCounts = z.infer<typeof FacetCounts>;
