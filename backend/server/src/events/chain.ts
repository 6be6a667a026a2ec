import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Event } from '@ballast/contract';

/**
 * The tenant's hash chain (docs/adr/001-event-chain-format.md), in two steps so that the costly one
 * happens before the chain-head lock: an event's content hash depends on the event alone, and its
 * chain hash binds that content hash to its place in the chain (seq, prevHash).
 */

/** prevHash of a tenant's first event. */
export const GENESIS_HASH = '0'.repeat(64);

const sha256 = (s: string): string => hash('sha256', s, 'hex');

/** What the content hash covers: the event without its place in the chain. */
export type EventContent = Omit<Event, 'seq' | 'prevHash' | 'hash'>;

/** H(salt‖value) of a personal field: the chain keeps this, so the value itself can be redacted later. */
export function personalDigest(salt: string, value: unknown): string {
  return 'sha256:' + sha256(salt + canonicalize(value));
}

/**
 * The object the content hash covers: the contract event without `seq`, `prevHash` and `hash` (any of
 * them present is left out), personal fields replaced by their salted digests. Times are the
 * millisecond ISO strings the contract already carries.
 */
export function hashForm(event: EventContent & Partial<Pick<Event, 'seq' | 'prevHash' | 'hash'>>, salt: string) {
  const { seq: _seq, prevHash: _prevHash, hash: _hash, ...content } = event;
  const attributes: Record<string, unknown> = { ...content.attributes };
  for (const key of content.personalAttributes) {
    if (key in attributes) attributes[key] = personalDigest(salt, attributes[key]);
  }
  const actor: Record<string, unknown> = { ...content.actor };
  if (actor.email !== undefined) actor.email = personalDigest(salt, actor.email);
  if (actor.name !== undefined && content.actor.type === 'user') actor.name = personalDigest(salt, actor.name);
  return { ...content, attributes, actor } as Record<string, unknown>;
}

/** sha256 over the RFC 8785 canonical JSON of the hash form: everything but the event's place in the chain. */
export function contentHash(event: EventContent, salt: string): string {
  const canonical = canonicalize(hashForm(event, salt));
  if (canonical === undefined) throw new Error('event has no canonical form');
  return sha256(canonical);
}

/** The chain link: sha256 of `prevHash \n seq \n contentHash` (hex, decimal, hex: unambiguous). */
export function linkHash(prevHash: string, seq: number, content: string): string {
  return sha256(`${prevHash}\n${seq}\n${content}`);
}

/** An event's `hash`, recomputed from the event itself (what verification does). */
export function eventHash(event: Omit<Event, 'hash'>, salt: string): string {
  return linkHash(event.prevHash, event.seq, contentHash(event, salt));
}
