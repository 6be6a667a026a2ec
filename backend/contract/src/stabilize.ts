import { z } from 'zod';
import { Actor, ServiceName, Timestamp } from './event.js';

/**
 * Stabilize mode: per (service, environment), a person asks for a profile of protective measures to
 * be enforced for a limited time, possibly with a second person's approval; it always ends (exit,
 * expiry). Profiles say what the measures are; the effective policy is what services read.
 */

const FlagKey = z.string().min(1).max(256);
const QueueName = z.string().min(1).max(256);

export const RateClamp = z.strictObject({
  /** Requests per second for the whole service in this environment (or per instance, see `split`). */
  requestsPerSecond: z.number().positive().max(10_000_000),
  /** Tighter limits for given routes (`GET /search`, `/api/export/*`). */
  routes: z
    .array(
      z.strictObject({
        route: z.string().min(1).max(256),
        requestsPerSecond: z.number().positive().max(10_000_000),
      }),
    )
    .max(100)
    .default([]),
  /** `divide_total`: the limit is shared, each instance takes limit / instances; `per_instance`: each gets it. */
  split: z.enum(['divide_total', 'per_instance']).default('divide_total'),
});

export const Breakers = z.strictObject({
  /** Consecutive failures that open a breaker. */
  consecutiveErrors: z.number().int().min(1).max(10_000),
  /** How long a breaker stays open before it lets a trial request through. */
  openSeconds: z.number().int().min(1).max(3600),
  /** Requests allowed to wait on a dependency at once. */
  maxPending: z.number().int().min(1).max(1_000_000),
});

export type Breakers = z.infer<typeof Breakers>;

export const QueueRule = z.strictObject({
  name: QueueName,
  action: z.enum(['pause', 'deprioritize']),
  /** For `deprioritize`: the priority class the queue's consumers drop to (`low`, `batch`, …). */
  priorityClass: z.string().min(1).max(64).optional(),
});

export type QueueRule = z.infer<typeof QueueRule>;

/** What a profile asks for; everything optional but the scope. */
export const ProfileSpec = z.strictObject({
  description: z.string().max(2000).optional(),
  rateClamp: RateClamp.optional(),
  breakers: Breakers.optional(),
  queues: z.array(QueueRule).max(100).default([]),
  /** Feature flags turned off while stabilized. */
  flags: z.array(FlagKey).max(200).default([]),
  /** Deploys to the scope are refused by the deploy gate while stabilized. */
  deployFreeze: z.boolean().default(true),
  /** Minutes after entering during which the measures are only observed (counted, not enforced). */
  shadowMinutes: z.number().int().min(0).max(1440).default(0),
});
export type ProfileSpec = z.infer<typeof ProfileSpec>;

/** `environment` absent: the service's profile for every environment without its own. */
export const ProfileScope = z.strictObject({
  service: ServiceName,
  environment: ServiceName.optional(),
});

export const ProfileParams = z.strictObject({ service: ServiceName });
export const ProfileQuery = z.strictObject({ environment: ServiceName.optional() });

export const Profile = ProfileSpec.extend({
  service: ServiceName,
  environment: ServiceName.optional(),
  /** Starts at 1 and grows with every change; a stabilize records the version it enforces. */
  version: z.number().int().min(1),
  updatedAt: Timestamp,
  updatedBy: Actor,
  /** `file`: reconciled from a profiles folder (`file` names it); the API refuses to change it. */
  managedBy: z.enum(['api', 'file']),
  file: z.string().optional(),
});
export type Profile = z.infer<typeof Profile>;

/** A profile file: one scope's profile, YAML or JSON, in the folder named by BALLAST_STABILIZE_PROFILES_DIR. */
export const ProfileFile = ProfileSpec.extend({
  service: ServiceName,
  environment: ServiceName.optional(),
});

export const ProfileList = z.strictObject({ profiles: z.array(Profile) });

/** One line of "what changes when this profile is enforced", against running normally. */
export const ProfileChange = z.strictObject({
  path: z.string(),
  normal: z.string(),
  stabilized: z.string(),
});
export const ProfilePreview = z.strictObject({
  service: ServiceName,
  environment: ServiceName,
  /** Null when the scope has no profile: entering then only freezes deploys. */
  version: z.number().int().nullable(),
  changes: z.array(ProfileChange),
});

export const StabilizeState = z.enum(['requested', 'active', 'exiting', 'ended', 'rejected', 'expired', 'failed']);
export type StabilizeState = z.infer<typeof StabilizeState>;
/** States of a stabilize still holding its scope; the others are history. */
export const OPEN_STATES: readonly StabilizeState[] = ['requested', 'active', 'exiting'];

export const StabilizeId = z.string().regex(/^stb_[a-z0-9]{16}$/, 'must be a stabilize id (stb_…)');

const Reason = z.string().trim().min(3, 'say why, in a few words').max(1000);

export const StabilizeRequest = z.strictObject({
  service: ServiceName,
  environment: ServiceName,
  reason: Reason,
  /** Default from the environment's policy (60 min unless configured); at most its `maxTtlMinutes`. */
  ttlMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional(),
  /** Incident id or URL; required for break-glass. */
  incident: z.string().trim().min(1).max(2048).optional(),
  /** Enter at once without approval (`stabilize:breakglass`), with a short TTL; flagged for review. */
  breakGlass: z.boolean().default(false),
});
export type StabilizeRequest = z.infer<typeof StabilizeRequest>;

export const StabilizeIdParams = z.strictObject({ id: StabilizeId });
export const StabilizeScopeParams = z.strictObject({ service: ServiceName, environment: ServiceName });
export const StabilizeApprove = z.strictObject({ comment: z.string().max(1000).optional() });
export const StabilizeReject = z.strictObject({ reason: Reason });
export const StabilizeExit = z.strictObject({ reason: Reason });
/** Retry what failed: every failed or retrying actuator of the stabilize, or only the one named. */
export const StabilizeRetry = z.strictObject({ actuator: z.string().min(1).max(256).optional() });
export const StabilizeExtend = z.strictObject({
  minutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  reason: Reason,
});

export const Extension = z.strictObject({
  minutes: z.number().int(),
  reason: z.string(),
  requestedBy: Actor,
  requestedAt: Timestamp,
});

/**
 * One actuator's part in a stabilize (a flag service, a gateway, an operator's webhook): what Ballast
 * wants of it (`applied` while the stabilize enforces, `reverted` once it ends), what it has
 * acknowledged, and how the last attempt went.
 */
export const Actuation = z.strictObject({
  /** `unleash:production`, `webhook:hooks.example.com`. */
  actuator: z.string(),
  desired: z.enum(['applied', 'reverted']),
  /** What the actuator acknowledged: `none` before its first apply, `reverted` also when nothing needed undoing. */
  actual: z.enum(['none', 'applied', 'reverted']),
  /** `pending` (due now or at the end of the shadow period), `retrying` after a failure, `done`, `failed` (gave up: retry from the API). */
  status: z.enum(['pending', 'retrying', 'done', 'failed']),
  attempts: z.number().int(),
  /** When the next attempt is due, while pending or retrying. */
  nextAttemptAt: Timestamp.optional(),
  lastError: z.string().optional(),
  /** From the revert: what was put back, and what a person changed meanwhile and was left alone. */
  reverted: z.array(z.string()).optional(),
  leftAlone: z.array(z.strictObject({ key: z.string(), reason: z.string() })).optional(),
  /** From the revert: what was already as the policy wanted before the stabilize (a flag already off), so nothing was put back. */
  unchanged: z.array(z.string()).optional(),
  updatedAt: Timestamp,
});
export type Actuation = z.infer<typeof Actuation>;

/**
 * Delivery of a stabilize to its actuators, summed up: `partially_active` while at least one actuator
 * failed to apply (the others hold), `reverting` while an exit waits for acknowledgements,
 * `revert_failed` when an actuator gave up undoing (the stabilize is then `failed`).
 */
export const Delivery = z.strictObject({
  status: z.enum(['pending', 'active', 'partially_active', 'reverting', 'reverted', 'revert_failed']),
  actuations: z.array(Actuation),
});
export type Delivery = z.infer<typeof Delivery>;

export const Stabilize = z.strictObject({
  id: StabilizeId,
  service: ServiceName,
  environment: ServiceName,
  state: StabilizeState,
  reason: z.string(),
  incident: z.string().optional(),
  breakGlass: z.boolean(),
  /** Break-glass entries are flagged until a person with `stabilize:approve` reviews them. */
  reviewRequired: z.boolean(),
  /** Whether the environment's policy asks a second person to approve entering and extending. */
  approvalRequired: z.boolean(),
  ttlMinutes: z.number().int(),
  requestedBy: Actor,
  requestedAt: Timestamp,
  /** A request not approved by then expires. */
  requestExpiresAt: Timestamp.optional(),
  approvedBy: Actor.optional(),
  approvedAt: Timestamp.optional(),
  activatedAt: Timestamp.optional(),
  /** While active: when it ends by itself. */
  expiresAt: Timestamp.optional(),
  /** Until then the profile is only observed (shadow period). */
  enforceFrom: Timestamp.optional(),
  pendingExtension: Extension.optional(),
  /** When the "ends in 10 minutes" notification went out (once, whichever replica sent it). */
  expiryNotifiedAt: Timestamp.optional(),
  extensions: z.array(Extension.extend({ approvedBy: Actor.optional(), approvedAt: Timestamp })),
  endedAt: Timestamp.optional(),
  endedBy: Actor.optional(),
  endReason: z.string().optional(),
  /** The profile enforced (its version and spec when entering), null when the scope had none. */
  profile: Profile.nullable(),
  /** Present when actuators are configured for the scope: what each has acknowledged. */
  delivery: Delivery.optional(),
  updatedAt: Timestamp,
});
export type Stabilize = z.infer<typeof Stabilize>;

export const StabilizeListQuery = z.strictObject({
  service: z.union([ServiceName, z.array(ServiceName)]).optional(),
  environment: z.union([ServiceName, z.array(ServiceName)]).optional(),
  /** Default: only stabilizes holding their scope (requested, active, exiting). */
  state: z.union([StabilizeState, z.array(StabilizeState)]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const StabilizeList = z.strictObject({ stabilizes: z.array(Stabilize) });

/** What a service in the scope enforces now; `expiresAt` lets a consumer that loses Ballast return to normal. */
export const EffectivePolicy = z.strictObject({
  service: ServiceName,
  environment: ServiceName,
  mode: z.enum(['normal', 'shadow', 'enforce']),
  stabilizeId: StabilizeId.optional(),
  expiresAt: Timestamp.optional(),
  /** When a shadow period ends and enforcing begins. */
  enforceFrom: Timestamp.optional(),
  profileVersion: z.number().int().optional(),
  rateClamp: RateClamp.optional(),
  breakers: Breakers.optional(),
  queues: z.array(QueueRule),
  flags: z.array(FlagKey),
  deployFreeze: z.boolean(),
});
export type EffectivePolicy = z.infer<typeof EffectivePolicy>;

export const PolicyQuery = z.strictObject({
  /** Long-poll: with `If-None-Match`, wait up to this many seconds (≤ 25) for the policy to change. */
  wait: z.coerce.number().int().min(0).max(25).default(0),
});

/** What the SLO numbers suggest for a scope; a person decides. */
export const StabilizeSuggestion = z.strictObject({
  action: z.enum(['enter', 'exit']),
  reason: z.string(),
  sloIds: z.array(z.string()),
});
export type StabilizeSuggestion = z.infer<typeof StabilizeSuggestion>;

/** One scope: the stabilize holding it (if any), the policy services enforce, and a suggestion. */
export const StabilizeScopeStatus = z.strictObject({
  service: ServiceName,
  environment: ServiceName,
  stabilize: Stabilize.nullable(),
  policy: EffectivePolicy,
  suggestion: StabilizeSuggestion.nullable(),
});

/** An instance of a service saying it follows the scope's policy (every 15 s or so). */
export const InstanceParams = z.strictObject({
  service: ServiceName,
  environment: ServiceName,
  instance: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[^\s/]+$/, 'no spaces or slashes'),
});
export const InstanceCount = z.strictObject({
  /** Instances heard from within `windowSeconds`, this one included. */
  instances: z.number().int().min(1),
  windowSeconds: z.number().int(),
});
