import { z } from 'zod';
import { Event, Kind, Source, Timestamp } from './event.js';
import { EventFilters } from './search.js';

/** The live stream takes the search filters (no paging: it follows new events as they commit). */
export const StreamQuery = EventFilters.extend({
  /** Resume after this seq; the Last-Event-ID header does the same and wins when both are given. */
  after: z.coerce.number().int().min(0).optional(),
});
export type StreamQueryInput = z.input<typeof StreamQuery>;
export type StreamQuery = z.output<typeof StreamQuery>;

/** SSE event names on the stream. `event` carries an Event as JSON with `id` = its seq. */
export const STREAM_EVENT = 'event';

export const AnnotationQuery = EventFilters.omit({ q: true, severity: true, status: true })
  .extend({
    from: Timestamp,
    to: Timestamp,
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type AnnotationQueryInput = z.input<typeof AnnotationQuery>;

/** One annotation in the shape Grafana draws: a point, or a region when `timeEnd` is set. */
export const Annotation = z.object({
  /** Epoch milliseconds. */
  time: z.number(),
  timeEnd: z.number().optional(),
  /** True when the range has not ended yet: `timeEnd` is then the window's end. */
  open: z.boolean(),
  title: z.string(),
  /** Description and links as text (markdown links), for the annotation tooltip. */
  text: z.string(),
  tags: z.array(z.string()),
  source: Source,
  kind: Kind,
  severity: z.string(),
  service: z.string().optional(),
  environment: z.string().optional(),
  /** The events behind it: the start (and end) of a range, or the one event of a point. */
  eventIds: z.array(z.string()),
  /** The runbook of the (start) event, resolved when read, as on the event. */
  runbook: Event.shape.runbook,
});
export type Annotation = z.infer<typeof Annotation>;

export const AnnotationList = z.object({
  annotations: z.array(Annotation),
  /**
   * True when the window held more events than `limit`, or more ranges reached into it from before:
   * the oldest were left out (narrow the window or the filters, or raise `limit`).
   */
  truncated: z.boolean(),
});
export type AnnotationList = z.infer<typeof AnnotationList>;

export const ContextQuery = z.strictObject({
  /** How far back to look from the event's start, e.g. `2h`, `90m`, `1d`. */
  window: z
    .string()
    .regex(/^\d+(m|h|d)$/, 'a duration such as 30m, 2h or 1d')
    .default('2h')
    .transform(
      (w) => Number(w.slice(0, -1)) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[w.slice(-1) as 'm' | 'h' | 'd'],
    )
    .pipe(z.number().max(7 * 86_400_000, 'at most 7d')),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const ContextRelation = z.enum(['same_service', 'dependency', 'environment']);

export const ContextResult = z.object({
  event: Event,
  from: z.string(),
  to: z.string(),
  /** Changes before the event: same service first, then dependencies, then environment-wide; newest first within each. */
  changes: z.array(
    z.object({
      relation: ContextRelation,
      /** Milliseconds between the change and the event's start. */
      before: z.number(),
      event: Event,
    }),
  ),
});
export type ContextResult = z.infer<typeof ContextResult>;

export const VerifyResult = z.object({
  ok: z.boolean(),
  tenant: z.string(),
  /** Where verification started: the genesis, or a retention anchor. */
  anchor: z.object({ seq: z.number(), hash: z.string() }),
  checked: z.number(),
  headSeq: z.number(),
  /**
   * The annotation range rows compared with what the events make; present once the chain was found
   * sound (a break with it present is in those rows).
   */
  rangeRows: z.number().optional(),
  firstBadSeq: z.number().nullable(),
  reason: z.string().nullable(),
});
export type VerifyResult = z.infer<typeof VerifyResult>;
