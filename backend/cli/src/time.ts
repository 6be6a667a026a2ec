/** Times on the command line: an ISO 8601 timestamp, `now`, or a duration ago such as `90s`, `15m`, `6h`, `7d`. */

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Turns relative forms into an ISO timestamp and leaves anything else as typed: the server is the one
 * judge of a timestamp, so its message and field path reach the user unchanged.
 */
export function resolveTime(value: string, now: Date): string {
  const v = value.trim();
  if (v === 'now') return now.toISOString();
  const m = /^(\d+)(s|m|h|d|w)$/.exec(v);
  if (m) return new Date(now.getTime() - Number(m[1]) * UNIT_MS[m[2]!]!).toISOString();
  return v;
}
