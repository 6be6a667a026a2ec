import { z } from 'zod';
import { EVENT_LIMITS, EventInput, type ParsedEventInput } from './event.js';
import { issuesToDetails, type ErrorDetail } from './errors.js';

export const IngestBatch = z.strictObject({
  events: z.array(EventInput).min(1).max(EVENT_LIMITS.batch),
});

/** `POST /v1/events` takes one event, or `{ events: [...] }` of up to 1,000. */
export const IngestBody = z.union([EventInput, IngestBatch]);
export type IngestBody = z.input<typeof IngestBody>;

export const IngestItemResult = z.object({
  index: z.number().int(),
  id: z.string(),
  seq: z.number().int(),
  /** `duplicate`: an event with this dedupeKey was already stored; `id`/`seq` are the stored one's. */
  status: z.enum(['created', 'duplicate']),
});

export const IngestResult = z.object({
  created: z.number().int(),
  duplicates: z.number().int(),
  results: z.array(IngestItemResult),
});
export type IngestResult = z.infer<typeof IngestResult>;

export type ParsedIngest =
  { ok: true; batch: boolean; events: ParsedEventInput[] } | { ok: false; batch: boolean; details: ErrorDetail[] };

/**
 * Parses either body shape with paths a person can act on: `events.3.title` for a batch, `title` for
 * one event. A union would report both branches' failures; choosing the branch by shape reports one.
 */
export function parseIngestBody(body: unknown): ParsedIngest {
  const isBatch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body;
  if (Array.isArray(body)) {
    return {
      ok: false,
      batch: false,
      details: [{ path: '', message: 'send one event object or { "events": [...] }' }],
    };
  }
  const result = isBatch ? IngestBatch.safeParse(body) : EventInput.safeParse(body);
  if (!result.success) return { ok: false, batch: isBatch, details: issuesToDetails(result.error.issues) };
  return { ok: true, batch: isBatch, events: 'events' in result.data ? result.data.events : [result.data] };
}
