import type { Actor, Event, EventPage, IngestResult, ParsedEventInput, SearchQuery } from '@ballast/contract';

/**
 * The event store of one tenant. There is no way to reach events without naming the tenant first:
 * `EventStore.forTenant(tenant)` is the only door.
 */
export interface TenantEventStore {
  readonly tenant: string;
  /** Validated events in, stored atomically with seq and hash chain; dedupeKey repeats report duplicates. */
  append(events: ParsedEventInput[], actor: Actor): Promise<IngestResult>;
  search(query: SearchQuery): Promise<EventPage>;
  get(id: string): Promise<Event | null>;
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
