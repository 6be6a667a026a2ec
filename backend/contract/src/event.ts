import { z } from 'zod';

/** Caps that keep one event readable and the store predictable. */
export const EVENT_LIMITS = {
  titleChars: 512,
  descriptionBytes: 16 * 1024,
  tags: 50,
  tagKeyChars: 64,
  tagValueChars: 256,
  links: 20,
  attributesBytes: 64 * 1024,
  sourceRefs: 20,
  /** Sender ids are indexed beside tags, so they fit the same columns. */
  sourceRefKeyChars: 48,
  sourceRefValueChars: 256,
  dedupeKeyChars: 256,
  batch: 1000,
} as const;

export const Source = z.enum([
  'sentry',
  'github',
  'alertmanager',
  'grafana',
  'pagerduty',
  'launchdarkly',
  'unleash',
  'argocd',
  'api',
  'stabilize',
  'policy',
  'slo',
]);
export type Source = z.infer<typeof Source>;

export const Kind = z.enum([
  'deploy',
  'error',
  'alert',
  'incident',
  'flag_change',
  'policy_decision',
  'stabilize',
  'annotation',
  'config_change',
]);
export type Kind = z.infer<typeof Kind>;

export const Severity = z.enum(['critical', 'high', 'warning', 'info']);
export type Severity = z.infer<typeof Severity>;

/** Status is open-ended (each source has its own lifecycle words) but always a short lowercase word. */
export const Status = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,31}$/, 'status must be a lowercase word such as triggered, resolved, started');

// One encoder for the module: validation measures every description and attributes object.
const encoder = new TextEncoder();
const utf8Bytes = (s: string): number => encoder.encode(s).length;

/** ISO 8601 with an offset; stored and returned as UTC with millisecond precision. */
export const Timestamp = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 timestamp with a time zone, e.g. 2026-01-31T12:00:00Z' })
  .transform((s) => new Date(s).toISOString());

export const ServiceName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'must start with a letter or digit and hold only letters, digits, . _ - /');

export const Link = z.strictObject({
  rel: z.string().min(1).max(64),
  url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048),
  text: z.string().max(256).optional(),
});
export type Link = z.infer<typeof Link>;

export const ActorType = z.enum(['user', 'service', 'key', 'system']);

/** Who or what the sender says did it. The server sets `verified`. */
export const ActorInput = z.strictObject({
  type: ActorType,
  id: z.string().min(1).max(256),
  name: z.string().max(256).optional(),
  email: z.email().max(320).optional(),
});
export type ActorInput = z.infer<typeof ActorInput>;

export const Actor = ActorInput.extend({ verified: z.boolean() });
export type Actor = z.infer<typeof Actor>;

export const Correlation = z.strictObject({
  commitSha: z.string().max(128).optional(),
  release: z.string().max(256).optional(),
  deploymentId: z.string().max(256).optional(),
  incidentId: z.string().max(256).optional(),
  alertFingerprint: z.string().max(256).optional(),
  flagKey: z.string().max(256).optional(),
  traceId: z.string().max(128).optional(),
  sloId: z.string().max(256).optional(),
  stabilizeId: z.string().max(256).optional(),
});
export type Correlation = z.infer<typeof Correlation>;

const Tags = z
  .record(
    z
      .string()
      .min(1)
      .max(EVENT_LIMITS.tagKeyChars)
      .regex(/^[^:\s]+$/, 'tag keys hold no colon or space'),
    z.string().max(EVENT_LIMITS.tagValueChars),
  )
  .refine((t) => Object.keys(t).length <= EVENT_LIMITS.tags, `at most ${EVENT_LIMITS.tags} tags`);

const SourceRefs = z
  .record(z.string().min(1).max(EVENT_LIMITS.sourceRefKeyChars), z.string().max(EVENT_LIMITS.sourceRefValueChars))
  .refine((t) => Object.keys(t).length <= EVENT_LIMITS.sourceRefs, `at most ${EVENT_LIMITS.sourceRefs} source refs`);

const Attributes = z
  .record(z.string(), z.json())
  .refine(
    (a) => utf8Bytes(JSON.stringify(a)) <= EVENT_LIMITS.attributesBytes,
    `attributes must serialize to at most ${EVENT_LIMITS.attributesBytes} bytes of JSON`,
  );

/** What a sender posts. Server-owned fields (id, tenant, seq, receivedAt, hashes) are refused. */
export const EventInput = z
  .strictObject({
    occurredAt: Timestamp,
    endedAt: Timestamp.optional(),
    source: Source.default('api'),
    kind: Kind,
    status: Status.optional(),
    severity: Severity.default('info'),
    service: ServiceName.optional(),
    environment: ServiceName.optional(),
    sourceRefs: SourceRefs.default({}),
    title: z.string().trim().min(1).max(EVENT_LIMITS.titleChars),
    description: z
      .string()
      .refine((d) => utf8Bytes(d) <= EVENT_LIMITS.descriptionBytes, `at most ${EVENT_LIMITS.descriptionBytes} bytes`)
      .optional(),
    links: z.array(Link).max(EVENT_LIMITS.links).default([]),
    actor: ActorInput.optional(),
    tags: Tags.default({}),
    attributes: Attributes.default({}),
    /** Top-level attribute keys holding personal data: hashed with a salt in the chain so they can be redacted. */
    personalAttributes: z.array(z.string().min(1).max(128)).max(50).default([]),
    correlation: Correlation.default({}),
    dedupeKey: z.string().min(1).max(EVENT_LIMITS.dedupeKeyChars).optional(),
  })
  .refine((e) => e.endedAt === undefined || e.endedAt >= e.occurredAt, {
    message: 'endedAt must not be before occurredAt',
    path: ['endedAt'],
  })
  .refine((e) => e.personalAttributes.every((k) => k in e.attributes), {
    message: 'every personal attribute must name a key of attributes',
    path: ['personalAttributes'],
  });
export type EventInput = z.input<typeof EventInput>;
export type ParsedEventInput = z.output<typeof EventInput>;

/** An event as stored and returned. */
export const Event = z.object({
  id: z.string(),
  tenant: z.string(),
  seq: z.number().int().positive(),
  occurredAt: z.string(),
  endedAt: z.string().optional(),
  receivedAt: z.string(),
  source: Source,
  kind: Kind,
  status: z.string().optional(),
  severity: Severity,
  service: z.string().optional(),
  environment: z.string().optional(),
  sourceRefs: z.record(z.string(), z.string()),
  title: z.string(),
  description: z.string().optional(),
  links: z.array(Link),
  actor: Actor,
  tags: z.record(z.string(), z.string()),
  attributes: z.record(z.string(), z.json()),
  personalAttributes: z.array(z.string()),
  correlation: Correlation,
  dedupeKey: z.string().optional(),
  hash: z.string(),
  prevHash: z.string(),
  /**
   * Present only on events read back when a service mapping (added after the event was stored) now
   * places the event elsewhere: the service and environment as recorded, which the hash covers.
   */
  recorded: z.object({ service: z.string().optional(), environment: z.string().optional() }).optional(),
  /**
   * Alerts and incidents only, resolved when read (never stored): the runbook that applies now, and how
   * it was found (docs/runbooks.md). A runbook added today shows on yesterday's alerts.
   */
  runbook: z
    .object({
      id: z.string(),
      title: z.string(),
      by: z.enum(['runbook_url', 'alert', 'slo', 'service']),
      /** `GET` this (relative to the server) for the runbook itself. */
      href: z.string(),
    })
    .optional(),
});
export type Event = z.infer<typeof Event>;
