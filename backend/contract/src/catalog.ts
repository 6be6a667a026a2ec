import { z } from 'zod';
import { Link, ServiceName } from './event.js';
import { RunbookProblem } from './runbooks.js';

const Name = ServiceName;

const HttpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048);

/** One person in a static on-call rotation. */
export const OnCallPerson = z.strictObject({
  name: z.string().trim().min(1).max(256),
  email: z.email().max(320).optional(),
});
export type OnCallPerson = z.infer<typeof OnCallPerson>;

/**
 * Who is on call for a service. PagerDuty is asked live (escalation policies and/or schedules); the
 * static rotation answers when PagerDuty is not configured or does not answer.
 */
export const OnCallConfig = z
  .strictObject({
    pagerduty: z
      .strictObject({
        escalationPolicyIds: z.array(z.string().min(1).max(64)).max(20).default([]),
        scheduleIds: z.array(z.string().min(1).max(64)).max(20).default([]),
      })
      .refine((p) => p.escalationPolicyIds.length + p.scheduleIds.length > 0, {
        message: 'name at least one escalation policy or schedule',
      })
      .optional(),
    /** A rotation: `people[0]` from `startsAt` for one `shift`, then the next, round and round. */
    static: z
      .strictObject({
        people: z.array(OnCallPerson).min(1).max(100),
        startsAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 timestamp with a time zone' }),
        shift: z.string().regex(/^[1-9]\d{0,3}(h|d|w)$/, 'a duration such as 12h, 1d or 1w'),
      })
      .optional(),
  })
  .refine((o) => o.pagerduty !== undefined || o.static !== undefined, {
    message: 'give pagerduty, static, or both',
  });
export type OnCallConfig = z.output<typeof OnCallConfig>;

/** What `PUT /v1/services/{name}` takes: the whole entry (a PUT replaces it). */
export const ServiceSpec = z.strictObject({
  description: z.string().max(2000).optional(),
  /** A group reference, e.g. `group:default/payments`. */
  owner: z
    .string()
    .min(1)
    .max(256)
    .regex(/^([a-z]+:)?([A-Za-z0-9._-]+\/)?[A-Za-z0-9._-]+$/, 'a group reference such as group:default/payments')
    .optional(),
  /** 1 is the most critical. */
  tier: z.number().int().min(1).max(4).optional(),
  /** The system it belongs to, e.g. `system:default/shop` (Backstage's `spec.system`). */
  system: z
    .string()
    .min(1)
    .max(256)
    .regex(/^([a-z]+:)?([A-Za-z0-9._-]+\/)?[A-Za-z0-9._-]+$/, 'a system reference such as system:default/shop')
    .optional(),
  /** Backstage's `spec.lifecycle`: production, experimental, deprecated, or the organisation's own. */
  lifecycle: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._-]+$/, 'a word such as production or experimental')
    .optional(),
  repo: HttpUrl.optional(),
  dashboards: z
    .array(z.strictObject({ title: z.string().min(1).max(256), url: HttpUrl }))
    .max(50)
    .default([]),
  links: z.array(Link).max(50).default([]),
  /** Services this one calls: "what changed before this" looks at their changes too. */
  dependsOn: z.array(Name).max(200).default([]),
  oncall: OnCallConfig.optional(),
});
export type ServiceSpec = z.input<typeof ServiceSpec>;

export const OnCallNow = z.object({
  /** Who answered: PagerDuty live, the static rotation, or nobody configured. */
  source: z.enum(['pagerduty', 'static', 'none']),
  people: z.array(
    z.object({
      name: z.string(),
      email: z.string().optional(),
      /** PagerDuty's escalation level (1 first); 1 for the static rotation. */
      level: z.number().int(),
      until: z.string().optional(),
      url: z.string().optional(),
    }),
  ),
  /** When the answer was fetched (answers are cached for up to 60 s). */
  asOf: z.string(),
  /** Set when PagerDuty was asked and failed: the answer is then the fallback's. */
  fallbackReason: z.string().optional(),
});
export type OnCallNow = z.infer<typeof OnCallNow>;

export const CatalogService = z.object({
  name: z.string(),
  description: z.string().optional(),
  owner: z.string().optional(),
  tier: z.number().int().optional(),
  system: z.string().optional(),
  lifecycle: z.string().optional(),
  repo: z.string().optional(),
  dashboards: z.array(z.object({ title: z.string(), url: z.string() })),
  links: z.array(Link),
  dependsOn: z.array(z.string()),
  oncall: OnCallConfig.optional(),
  managedBy: z.enum(['file', 'api']),
  updatedAt: z.string(),
});
export type CatalogService = z.infer<typeof CatalogService>;

/** One service with who is on call right now. */
export const CatalogServiceDetail = CatalogService.extend({ onCallNow: OnCallNow });
export type CatalogServiceDetail = z.infer<typeof CatalogServiceDetail>;

export const CatalogServiceList = z.object({
  services: z.array(CatalogService),
  /** Services named on recent events (30 days) that have no catalog entry: for an operator to claim. */
  unclaimed: z.array(z.object({ name: z.string(), lastSeen: z.string(), events: z.number().int() })),
  /** Catalog files (BALLAST_CATALOG_DIR) that were skipped, and why. */
  problems: z.array(RunbookProblem),
});
export type CatalogServiceList = z.infer<typeof CatalogServiceList>;

export const ServiceNameParams = z.strictObject({ name: Name });
