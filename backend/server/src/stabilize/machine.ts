/**
 * The stabilize state machine, pure: each command takes the stored stabilize (or a request) and
 * answers the next state and the event that records it, or a refusal a person can act on. The service
 * stores the result under optimistic concurrency; nothing here reads a clock or a database.
 *
 *   requested ──approve──▶ active ──exit──▶ ended
 *       │                    │ └──expiry──▶ expired
 *       ├──reject──▶ rejected └──extend (approved like entering)
 *       ├──exit (withdrawn)──▶ ended
 *       └──not approved in time──▶ expired
 *
 * With actuators, an exit or expiry that has something to undo goes through `exiting` (the scope stays
 * held, services already run normally) until every actuator acknowledged its revert; then `ended` or
 * `expired`, or `failed` when an actuator gave up undoing. Without actuators an exit ends at once.
 */
import type { Actor, ErrorCode, Profile, Severity, Stabilize, StabilizeRequest } from '@ballast/contract';
import type { ResolvedPolicy } from './policy.js';

export interface Refusal {
  status: number;
  code: ErrorCode;
  message: string;
  path?: string;
}

export interface TransitionEvent {
  status: string;
  title: string;
  severity: Severity;
  attributes: Record<string, unknown>;
}

export type Outcome = { ok: true; next: Stabilize; event: TransitionEvent } | { ok: false; refusal: Refusal };

const refuse = (status: number, code: ErrorCode, message: string, path?: string): Outcome => ({
  ok: false,
  refusal: { status, code, message, ...(path !== undefined && { path }) },
});

const iso = (ms: number) => new Date(ms).toISOString();
const MINUTE = 60_000;

/**
 * One person across every way in: the email when known (Grafana and Backstage both send it), else
 * the actor's own id. Case is ignored; `Jane@Example.com` from Grafana is `jane@example.com` from Backstage.
 */
export function identity(a: Actor): string {
  const email = a.email ?? (a.id.includes('@') ? a.id : undefined);
  return (email ?? `${a.type}:${a.id}`).trim().toLowerCase();
}
export const sameActor = (a: Actor, b: Actor): boolean => identity(a) === identity(b);

const scope = (s: Pick<Stabilize, 'service' | 'environment'>) => `${s.service} in ${s.environment}`;

/** What gets recorded with every transition: who, why, for how long, which profile. */
function attributes(s: Stabilize, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    stabilizeId: s.id,
    state: s.state,
    reason: s.reason,
    ttlMinutes: s.ttlMinutes,
    breakGlass: s.breakGlass,
    ...(s.incident && { incident: s.incident }),
    ...(s.expiresAt && { expiresAt: s.expiresAt }),
    profileVersion: s.profile?.version ?? null,
    requestedBy: s.requestedBy,
    ...(s.approvedBy && { approvedBy: s.approvedBy }),
    ...extra,
  };
}

export interface OpenInput {
  id: string;
  request: StabilizeRequest;
  actor: Actor;
  canBreakGlass: boolean;
  policy: ResolvedPolicy;
  profile: Profile | null;
  now: number;
}

/** A new stabilize: requested when the policy wants a second person, otherwise active at once. */
export function open({ id, request, actor, canBreakGlass, policy, profile, now }: OpenInput): Outcome {
  if (request.breakGlass) {
    if (!canBreakGlass)
      return refuse(403, 'forbidden', 'break-glass needs the permission stabilize:breakglass', 'body.breakGlass');
    if (!request.incident)
      return refuse(400, 'validation_failed', 'break-glass needs the incident it is for', 'body.incident');
    if (request.ttlMinutes !== undefined && request.ttlMinutes > policy.breakGlassMaxTtlMinutes)
      return refuse(
        400,
        'ttl_too_long',
        `break-glass lasts at most ${policy.breakGlassMaxTtlMinutes} minutes in ${request.environment}`,
        'body.ttlMinutes',
      );
  } else if (request.ttlMinutes !== undefined && request.ttlMinutes > policy.maxTtlMinutes) {
    return refuse(
      400,
      'ttl_too_long',
      `stabilize lasts at most ${policy.maxTtlMinutes} minutes in ${request.environment}; extend it later if needed`,
      'body.ttlMinutes',
    );
  }
  const ttlMinutes =
    request.ttlMinutes ?? (request.breakGlass ? policy.breakGlassMaxTtlMinutes : policy.defaultTtlMinutes);
  const base: Stabilize = {
    id,
    service: request.service,
    environment: request.environment,
    state: 'requested',
    reason: request.reason,
    ...(request.incident && { incident: request.incident }),
    breakGlass: request.breakGlass,
    reviewRequired: request.breakGlass,
    approvalRequired: policy.requireApproval,
    ttlMinutes,
    requestedBy: actor,
    requestedAt: iso(now),
    extensions: [],
    profile,
    updatedAt: iso(now),
  };
  if (policy.requireApproval && !request.breakGlass) {
    const next: Stabilize = { ...base, requestExpiresAt: iso(now + policy.approvalTimeoutMinutes * MINUTE) };
    return {
      ok: true,
      next,
      event: {
        status: 'requested',
        severity: 'warning',
        title: `Stabilize requested for ${scope(next)}, waiting for approval`,
        attributes: attributes(next),
      },
    };
  }
  const next = activate(base, now);
  return {
    ok: true,
    next,
    event: {
      status: 'active',
      severity: 'high',
      title: request.breakGlass
        ? `Stabilize entered for ${scope(next)} by break-glass (review required)`
        : `Stabilize entered for ${scope(next)}`,
      attributes: attributes(next),
    },
  };
}

function activate(s: Stabilize, now: number, approvedBy?: Actor): Stabilize {
  const shadow = s.profile?.shadowMinutes ?? 0;
  const { requestExpiresAt: _dropped, ...rest } = s;
  return {
    ...rest,
    state: 'active',
    ...(approvedBy && { approvedBy, approvedAt: iso(now) }),
    activatedAt: iso(now),
    expiresAt: iso(now + s.ttlMinutes * MINUTE),
    ...(shadow > 0 && { enforceFrom: iso(now + shadow * MINUTE) }),
    updatedAt: iso(now),
  };
}

const notOpen = (s: Stabilize, what: string): Outcome =>
  refuse(409, 'invalid_state', `stabilize ${s.id} is ${s.state}; it cannot be ${what}`);

/** Approves a waiting request, a waiting extension, or (break-glass) reviews it. Never by the same person. */
export function approve(s: Stabilize, actor: Actor, now: number, comment?: string): Outcome {
  if (s.state === 'requested') {
    if (sameActor(s.requestedBy, actor))
      return refuse(
        403,
        'self_approval',
        'you requested this stabilize; another person with stabilize:approve must approve it',
      );
    const next = activate(s, now, actor);
    return {
      ok: true,
      next,
      event: {
        status: 'active',
        severity: 'high',
        title: `Stabilize entered for ${scope(next)}, approved by ${actor.name ?? actor.id}`,
        attributes: attributes(next, comment ? { comment } : {}),
      },
    };
  }
  if (s.state === 'active' && s.pendingExtension) {
    const ext = s.pendingExtension;
    if (sameActor(ext.requestedBy, actor))
      return refuse(
        403,
        'self_approval',
        'you asked for this extension; another person with stabilize:approve must approve it',
      );
    const expiresAt = iso(Date.parse(s.expiresAt!) + ext.minutes * MINUTE);
    const { pendingExtension: _done, ...rest } = s;
    const next: Stabilize = {
      ...rest,
      expiresAt,
      extensions: [...s.extensions, { ...ext, approvedBy: actor, approvedAt: iso(now) }],
      updatedAt: iso(now),
    };
    return {
      ok: true,
      next,
      event: {
        status: 'extended',
        severity: 'warning',
        title: `Stabilize for ${scope(next)} extended by ${ext.minutes} min, approved by ${actor.name ?? actor.id}`,
        attributes: attributes(next, { minutes: ext.minutes, extensionReason: ext.reason }),
      },
    };
  }
  if (s.state === 'active' && s.reviewRequired) {
    if (sameActor(s.requestedBy, actor))
      return refuse(403, 'self_approval', 'you used break-glass; another person must review it');
    const next: Stabilize = {
      ...s,
      reviewRequired: false,
      approvedBy: actor,
      approvedAt: iso(now),
      updatedAt: iso(now),
    };
    return {
      ok: true,
      next,
      event: {
        status: 'reviewed',
        severity: 'info',
        title: `Break-glass stabilize for ${scope(next)} reviewed by ${actor.name ?? actor.id}`,
        attributes: attributes(next, comment ? { comment } : {}),
      },
    };
  }
  return s.state === 'active'
    ? refuse(409, 'invalid_state', `stabilize ${s.id} is active with nothing waiting for approval`)
    : notOpen(s, 'approved');
}

/** Turns down a waiting request (it ends) or a waiting extension (the stabilize goes on). */
export function reject(s: Stabilize, actor: Actor, reason: string, now: number): Outcome {
  if (s.state === 'requested') {
    const { requestExpiresAt: _dropped, ...rest } = s;
    const next: Stabilize = {
      ...rest,
      state: 'rejected',
      endedAt: iso(now),
      endedBy: actor,
      endReason: reason,
      updatedAt: iso(now),
    };
    return {
      ok: true,
      next,
      event: {
        status: 'rejected',
        severity: 'info',
        title: `Stabilize request for ${scope(next)} rejected by ${actor.name ?? actor.id}`,
        attributes: attributes(next, { rejectReason: reason }),
      },
    };
  }
  if (s.state === 'active' && s.pendingExtension) {
    const { pendingExtension: ext, ...rest } = s;
    const next: Stabilize = { ...rest, updatedAt: iso(now) };
    return {
      ok: true,
      next,
      event: {
        status: 'extension_rejected',
        severity: 'info',
        title: `Extension of stabilize for ${scope(next)} rejected by ${actor.name ?? actor.id}`,
        attributes: attributes(next, { minutes: ext!.minutes, rejectReason: reason }),
      },
    };
  }
  return s.state === 'active'
    ? refuse(409, 'invalid_state', `stabilize ${s.id} is active with nothing waiting for approval`)
    : notOpen(s, 'rejected');
}

/**
 * Ends an active stabilize, or withdraws a waiting request. `reverting`: actuators applied something
 * that must be undone first, so the stabilize is `exiting` until they acknowledge.
 */
export function exit(s: Stabilize, actor: Actor, reason: string, now: number, reverting = false): Outcome {
  if (s.state !== 'active' && s.state !== 'requested') return notOpen(s, 'exited');
  const { requestExpiresAt: _a, pendingExtension: _b, ...rest } = s;
  const waiting = reverting && s.state === 'active';
  const next: Stabilize = {
    ...rest,
    state: waiting ? 'exiting' : 'ended',
    endedAt: iso(now),
    endedBy: actor,
    endReason: reason,
    updatedAt: iso(now),
  };
  const withdrawn = s.state === 'requested';
  return {
    ok: true,
    next,
    event: {
      status: withdrawn ? 'withdrawn' : waiting ? 'exiting' : 'ended',
      severity: 'info',
      title: withdrawn
        ? `Stabilize request for ${scope(next)} withdrawn`
        : waiting
          ? `Stabilize for ${scope(next)} exiting (asked by ${actor.name ?? actor.id}), waiting for actuators to revert`
          : `Stabilize for ${scope(next)} ended by ${actor.name ?? actor.id}`,
      attributes: attributes(next, { exitReason: reason }),
    },
  };
}

/** Adds time: at once where no approval is needed, otherwise waiting for a second person. */
export function extend(
  s: Stabilize,
  actor: Actor,
  minutes: number,
  reason: string,
  policy: ResolvedPolicy,
  now: number,
): Outcome {
  if (s.state !== 'active') return notOpen(s, 'extended');
  if (s.pendingExtension)
    return refuse(409, 'invalid_state', 'an extension of this stabilize is already waiting for approval');
  const expiresAt = Date.parse(s.expiresAt!) + minutes * MINUTE;
  if (expiresAt - now > policy.maxTtlMinutes * MINUTE)
    return refuse(
      400,
      'ttl_too_long',
      `stabilize may run at most ${policy.maxTtlMinutes} minutes ahead in ${s.environment}`,
      'body.minutes',
    );
  const ext = { minutes, reason, requestedBy: actor, requestedAt: iso(now) };
  if (s.approvalRequired) {
    const next: Stabilize = { ...s, pendingExtension: ext, updatedAt: iso(now) };
    return {
      ok: true,
      next,
      event: {
        status: 'extension_requested',
        severity: 'warning',
        title: `Extension by ${minutes} min requested for stabilize of ${scope(next)}, waiting for approval`,
        attributes: attributes(next, { minutes, extensionReason: reason }),
      },
    };
  }
  const next: Stabilize = {
    ...s,
    expiresAt: iso(expiresAt),
    extensions: [...s.extensions, { ...ext, approvedAt: iso(now) }],
    updatedAt: iso(now),
  };
  return {
    ok: true,
    next,
    event: {
      status: 'extended',
      severity: 'warning',
      title: `Stabilize for ${scope(next)} extended by ${minutes} min`,
      attributes: attributes(next, { minutes, extensionReason: reason }),
    },
  };
}

/** When the stabilize ends by itself: an active one at `expiresAt`, a waiting request at `requestExpiresAt`. */
export function dueAt(s: Stabilize): number | null {
  if (s.state === 'active') return Date.parse(s.expiresAt!);
  if (s.state === 'requested' && s.requestExpiresAt) return Date.parse(s.requestExpiresAt);
  return null;
}

/** Ends a stabilize whose time is up; null when it is not due (or already over). `reverting` as for `exit`. */
export function expire(s: Stabilize, now: number, reverting = false): Outcome | null {
  const due = dueAt(s);
  if (due === null || due > now) return null;
  const wasActive = s.state === 'active';
  const waiting = reverting && wasActive;
  const { pendingExtension: _a, requestExpiresAt: _b, ...rest } = s;
  const next: Stabilize = {
    ...rest,
    state: waiting ? 'exiting' : 'expired',
    endedAt: iso(due),
    endReason: wasActive ? 'TTL reached' : 'not approved in time',
    updatedAt: iso(now),
  };
  return {
    ok: true,
    next,
    event: {
      status: waiting ? 'exiting' : 'expired',
      severity: 'info',
      title: wasActive
        ? `Stabilize for ${scope(next)} expired after ${s.ttlMinutes + s.extensions.reduce((n, e) => n + e.minutes, 0)} min${waiting ? ', waiting for actuators to revert' : ''}`
        : `Stabilize request for ${scope(next)} expired without approval`,
      attributes: attributes(next, { expiredAt: iso(due), handledAt: iso(now) }),
    },
  };
}

/**
 * The end of `exiting` (or of `failed`, after a retry): every actuator acknowledged its revert, so the
 * stabilize is over as it was asked to end (`ended` by a person, `expired` by its TTL); or one gave
 * up, so it is `failed` and the scope is free while a person sees to what was left.
 */
export function finishExit(s: Stabilize, reverted: boolean, now: number, detail: string): Outcome {
  if (s.state !== 'exiting' && !(s.state === 'failed' && reverted)) return notOpen(s, 'finished');
  const state = !reverted ? 'failed' : s.endedBy ? 'ended' : 'expired';
  const next: Stabilize = { ...s, state, updatedAt: iso(now) };
  return {
    ok: true,
    next,
    event: {
      status: state,
      severity: reverted ? 'info' : 'high',
      title: reverted
        ? `Stabilize for ${scope(next)} ${state}: ${detail}`
        : `Stabilize for ${scope(next)} failed to revert: ${detail}`,
      attributes: attributes(next, { delivery: detail }),
    },
  };
}
