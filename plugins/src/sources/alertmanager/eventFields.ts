/**
 * Fitting a sender's free-form values into the event contract's limits (names, links, tags, sizes), so a
 * label with a colon or a 600-character annotation shortens the event instead of refusing the delivery.
 * Used by every alert-shaped source (Alertmanager, Grafana) and by the change sources.
 */
import { EVENT_LIMITS, type EventInput } from '@ballast/contract';
import { str } from '../../source.js';

/** A service or environment name the contract accepts, or undefined when nothing usable is left. */
export function nameOf(value: unknown): string | undefined {
  const s = str(value);
  if (!s) return undefined;
  const cleaned = s
    .replace(/[^A-Za-z0-9._\-/]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
  return cleaned === '' ? undefined : cleaned;
}

/** Cuts a string to at most `bytes` UTF-8 bytes without splitting a character. */
export function truncateBytes(s: string, bytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= bytes) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (used + n > bytes - 3) break;
    out += ch;
    used += n;
  }
  return out + '…';
}

export const titleOf = (s: string): string => {
  const t = s.trim();
  return t.length <= EVENT_LIMITS.titleChars ? t : t.slice(0, EVENT_LIMITS.titleChars - 1) + '…';
};

export type EventLink = NonNullable<EventInput['links']>[number];

/** An http(s) link the contract accepts, or undefined (other schemes and junk are dropped, not refused). */
export function linkOf(rel: string, value: unknown, text?: string): EventLink | undefined {
  const url = str(value);
  if (!url || url.length > 2048) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  } catch {
    return undefined;
  }
  return { rel, url, ...(text && { text: text.slice(0, 256) }) };
}

/** Joins links, dropping the unusable ones and repeats of one URL, capped at the contract's limit. */
export function linksOf(...candidates: (EventLink | undefined)[]): EventLink[] {
  const seen = new Set<string>();
  const out: EventLink[] = [];
  for (const l of candidates) {
    if (!l || seen.has(l.url) || out.length >= EVENT_LIMITS.links) continue;
    seen.add(l.url);
    out.push(l);
  }
  return out;
}

/**
 * String pairs as tags: keys with a colon or space are rewritten, values cut to the limit, and at most
 * 50 kept, `first` keys ahead of the rest (alphabetical) so the useful ones survive a cut.
 */
export function tagsOf(
  pairs: Readonly<Record<string, unknown>> | undefined,
  first: readonly string[] = [],
  skip: (key: string) => boolean = () => false,
): Record<string, string> {
  if (!pairs || typeof pairs !== 'object') return {};
  const keys = Object.keys(pairs)
    .filter((k) => !skip(k))
    .sort((a, b) => {
      const ia = first.indexOf(a);
      const ib = first.indexOf(b);
      if (ia !== -1 || ib !== -1) return (ia === -1 ? Infinity : ia) - (ib === -1 ? Infinity : ib);
      return a < b ? -1 : a > b ? 1 : 0;
    });
  const tags: Record<string, string> = {};
  for (const k of keys) {
    if (Object.keys(tags).length >= EVENT_LIMITS.tags) break;
    const value = str(pairs[k]);
    const key = k.replace(/[:\s]/g, '_').slice(0, EVENT_LIMITS.tagKeyChars);
    if (value === undefined || key === '' || key in tags) continue;
    tags[key] = value.slice(0, EVENT_LIMITS.tagValueChars);
  }
  return tags;
}

/** Sender ids as source refs: strings only, values cut to the limit. */
export function refsOf(pairs: Record<string, unknown>): Record<string, string> {
  const refs: Record<string, string> = {};
  for (const [k, v] of Object.entries(pairs)) {
    const s = str(v);
    if (s !== undefined)
      refs[k.slice(0, EVENT_LIMITS.sourceRefKeyChars)] = s.slice(0, EVENT_LIMITS.sourceRefValueChars);
  }
  return refs;
}

/**
 * An ISO timestamp with a zone, or undefined. Go's zero time (`0001-01-01T00:00:00Z`) means "not set"
 * in Alertmanager and Grafana payloads, and is read as absent.
 */
export function timeOf(value: unknown): string | undefined {
  const s = str(value);
  if (!s || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s)) return undefined;
  const ms = Date.parse(s);
  if (Number.isNaN(ms) || ms < Date.parse('1970-01-02T00:00:00Z')) return undefined;
  return new Date(ms).toISOString();
}

/** A plain object's string-valued entries (labels, annotations), or an empty record. */
export function stringMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}
