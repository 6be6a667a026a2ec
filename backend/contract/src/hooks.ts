import { z } from 'zod';

/** Senders that push into `POST /v1/hooks/{source}/{hookId}`. */
export const HookSource = z.enum([
  'sentry',
  'github',
  'alertmanager',
  'grafana',
  'pagerduty',
  'launchdarkly',
  'unleash',
  'argocd',
]);
export type HookSource = z.infer<typeof HookSource>;

export const HookOptions = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'option names are identifiers'),
  z.union([z.string().max(256), z.boolean(), z.number()]),
);

export const HookCreate = z.strictObject({
  source: HookSource,
  name: z.string().trim().min(1).max(128),
  /** Deliveries without a signature are refused unless this is set (for senders that cannot sign). */
  allowUnsigned: z.boolean().default(false),
  /** Source-specific settings, e.g. Grafana's signature header name, Sentry's `includeErrors`. */
  options: HookOptions.default({}),
  /** Use this secret instead of a generated one (when the sender generates it, as Sentry does). */
  secret: z.string().min(16).max(512).optional(),
});
export type HookCreate = z.input<typeof HookCreate>;

export const Hook = z.object({
  id: z.string(),
  tenant: z.string(),
  source: HookSource,
  name: z.string(),
  allowUnsigned: z.boolean(),
  options: HookOptions,
  /** The path to paste into the sender, after the server's base URL. */
  path: z.string(),
  /** The secrets in force, newest first, by prefix and age (never the secrets themselves). */
  secrets: z.array(z.object({ prefix: z.string(), createdAt: z.string() })),
  createdAt: z.string(),
});
export type Hook = z.infer<typeof Hook>;

export const HookCreated = z.object({ hook: Hook, secret: z.string() });
export type HookCreated = z.infer<typeof HookCreated>;

export const HookList = z.object({ hooks: z.array(Hook) });

export const HookRotate = z.strictObject({
  /** Keep this many previous secrets valid beside the new one (1 lets senders switch over). */
  keepPrevious: z.number().int().min(0).max(4).default(1),
  secret: z.string().min(16).max(512).optional(),
});

export const HookIdParams = z.strictObject({ id: z.string().min(1).max(64) });

/** What a delivery stored. */
export const HookDeliveryResult = z.object({
  created: z.number().int(),
  duplicates: z.number().int(),
  /** Set when the payload was valid but carries nothing for the timeline (a ping, a filtered type). */
  ignored: z.string().optional(),
});
