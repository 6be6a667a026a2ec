import { createHash } from 'node:crypto';
import type { EffectivePolicy, Stabilize } from '@ballast/contract';

/**
 * What services in a scope enforce at `now`, from the stabilize holding the scope (if any). Computed
 * at read time, so a stabilize is over at its `expiresAt` to the millisecond even before the expiry
 * sweep has recorded it, and the shadow period ends on time.
 */
export function effectivePolicy(
  service: string,
  environment: string,
  open: Stabilize | null,
  now: number,
): EffectivePolicy {
  const mode = modeOf(open, now);
  if (mode === 'normal') return { service, environment, mode, queues: [], flags: [], deployFreeze: false };
  return policyOf(open!, mode);
}

/**
 * The policy a stabilize enforces, whatever its state now: what actuators apply, and what they are
 * given again to revert.
 */
export function policyOf(open: Stabilize, mode: 'shadow' | 'enforce' = 'enforce'): EffectivePolicy {
  const { service, environment } = open;
  const p = open.profile;
  const shadow = mode === 'shadow';
  return {
    service,
    environment,
    mode: shadow ? 'shadow' : 'enforce',
    stabilizeId: open.id,
    expiresAt: open.expiresAt!,
    ...(shadow && { enforceFrom: open.enforceFrom! }),
    ...(p && { profileVersion: p.version }),
    ...(p?.rateClamp && { rateClamp: p.rateClamp }),
    ...(p?.breakers && { breakers: p.breakers }),
    queues: p?.queues ?? [],
    flags: p?.flags ?? [],
    // Without a profile, entering still freezes deploys: the one measure every scope has.
    deployFreeze: p ? p.deployFreeze : true,
  };
}

/** The mode alone: what the rest of the policy follows from, with the stabilize. */
export function modeOf(open: Stabilize | null, now: number): EffectivePolicy['mode'] {
  if (!open || open.state !== 'active' || !open.expiresAt || Date.parse(open.expiresAt) <= now) return 'normal';
  return open.enforceFrom !== undefined && Date.parse(open.enforceFrom) > now ? 'shadow' : 'enforce';
}

/** A strong ETag of the policy's content: equal policies, equal tags, on every replica. */
export const policyEtag = (p: EffectivePolicy): string =>
  `"${createHash('sha256').update(JSON.stringify(p)).digest('base64url').slice(0, 27)}"`;

/** When the policy changes by itself (shadow ends, TTL reached), so a long-poll wakes then. */
export function nextChangeAt(p: EffectivePolicy): number | null {
  const t = [p.enforceFrom, p.expiresAt].filter((x): x is string => x !== undefined).map(Date.parse);
  return t.length ? Math.min(...t) : null;
}
