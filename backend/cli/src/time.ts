/**
 * Times on the command line: an ISO 8601 timestamp, `now`, or a duration ago such as `90s`, `15m`,
 * `6h`, `7d`. And spans written for people.
 */

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

/** A span for people, in its two largest units: `45s`, `12m`, `1h 05m`, `2d 3h`. */
export function formatDuration(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60];
  const sign = ms < 0 ? '-' : '';
  if (d > 0) return `${sign}${d}d${h ? ` ${h}h` : ''}`;
  if (h > 0) return `${sign}${h}h${m ? ` ${String(m).padStart(2, '0')}m` : ''}`;
  if (m > 0) return `${sign}${m}m${s % 60 ? ` ${String(s % 60).padStart(2, '0')}s` : ''}`;
  return `${sign}${s}s`;
}
