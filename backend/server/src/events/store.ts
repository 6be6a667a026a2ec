import type {
  Actor,
  AnnotationList,
  ContextResult,
  Event,
  EventPage,
  FacetCounts,
  FacetQuery,
  IngestResult,
  ParsedEventInput,
  SearchQuery,
  VerifyResult,
} from '@ballast/contract';
import type { AnnotationWindow } from './annotationsRead.js';
import type { Placing } from './placing.js';
import type { JsonText } from '../http/jsonText.js';

/**
 * The event store of one tenant. There is no way to reach events without naming the tenant first:
 * `EventStore.forTenant(tenant)` is the only door.
 */
export interface TenantEventStore {
  readonly tenant: string;
  /** Validated events in, stored atomically with seq and hash chain; dedupeKey repeats report duplicates. */
  append(events: ParsedEventInput[], actor: Actor): Promise<IngestResult>;
  /** A page of events as JSON text: stored documents as they are, those `placing` names placed anew. */
  search(query: SearchQuery, placing?: Placing): Promise<JsonText<EventPage>>;
  get(id: string): Promise<Event | null>;
  /** Points and paired ranges overlapping a window, for Grafana, as JSON text (from each event's stored form). */
  annotations(window: AnnotationWindow): Promise<JsonText<AnnotationList>>;
  /** How many events of each value of some fields a search finds in a window. */
  facets(query: FacetQuery): Promise<FacetCounts>;
  /** Changes in the `windowMs` before the event started; null when there is no such event. */
  context(id: string, windowMs: number, limit: number): Promise<ContextResult | null>;
  /** Walks the hash chain from its anchor. */
  verify(): Promise<VerifyResult>;
}

export interface EventStore {
  forTenant(tenant: string): TenantEventStore;
}

/** What the store needs from the outside world; fixed values make hashes reproducible across dialects. */
export interface StoreClock {
  now(): number;
  newId(time: number): string;
  newSalt(): string;
}
