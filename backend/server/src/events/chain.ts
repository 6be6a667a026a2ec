import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Event } from '@ballast/contract';

/** prevHash of a tenant's first event. */
export const GENESIS_HASH = '0'.repeat(64);

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** H(salt‖value) of a personal field: the chain keeps this, so the value itself can be redacted later. */
export function personalDigest(salt: string, value: unknown): string {
  return 'sha256:' + sha256(salt + canonicalize(value));
}

/**
 * The object the chain hashes: the contract event without `hash`, personal fields replaced by their
 * salted digests. Times are the millisecond ISO strings the contract already carries.
 */
export function hashForm(event: Omit<Event, 'hash'>, salt: string): Record<string, unknown> {
  const attributes: Record<string, unknown> = { ...event.attributes };
  for (const key of event.personalAttributes) {
    if (key in attributes) attributes[key] = personalDigest(salt, attributes[key]);
  }
  const actor: Record<string, unknown> = { ...event.actor };
  if (actor.email !== undefined) actor.email = personalDigest(salt, actor.email);
  if (actor.name !== undefined && event.actor.type === 'user') actor.name = personalDigest(salt, actor.name);
  return { ...event, attributes, actor };
}

/** sha256 over the RFC 8785 canonical JSON of the hash form; it includes seq and prevHash. */
export function eventHash(event: Omit<Event, 'hash'>, salt: string): string {
  const canonical = canonicalize(hashForm(event, salt));
  if (canonical === undefined) throw new Error('event has no canonical form');
  return sha256(canonical);
}
