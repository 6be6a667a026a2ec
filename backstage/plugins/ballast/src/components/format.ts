/** How the card and the tab say times, durations and ratios. */

/** `3 min`, `2 h 5 min`, `4 d`: a span of milliseconds, for people. */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** `12 min ago`, `in 3 h`: a moment relative to `now`. */
export function relative(iso: string, now: number): string {
  const delta = Date.parse(iso) - now;
  if (Math.abs(delta) < 60_000) return 'just now';
  return delta < 0 ? `${duration(-delta)} ago` : `in ${duration(delta)}`;
}

/** `29:59`, `1:02:03`: a countdown to a moment, never negative. */
export function countdown(untilIso: string, now: number): string {
  const s = Math.max(0, Math.floor((Date.parse(untilIso) - now) / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/** `99.95 %`, `-12.3 %`. */
export function percent(ratio: number, digits = 1): string {
  return `${(ratio * 100).toFixed(digits)} %`;
}

/** `2.4×`: a burn rate. */
export function burn(rate: number): string {
  return `${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)}×`;
}

export const KIND_LABEL: Record<string, string> = {
  deploy: 'deploy',
  flag_change: 'flag',
  config_change: 'config',
  incident: 'incident',
  alert: 'alert',
  error: 'error',
  stabilize: 'stabilize',
  policy_decision: 'policy',
  annotation: 'note',
};

/** `review overdue since 2025-01-01`, `next review 2026-03-01`, `no review date`: where a runbook's review stands. */
export function reviewState(r: { stale: boolean; reviewDue?: string }): string {
  if (r.stale) return `review overdue${r.reviewDue ? ` since ${r.reviewDue.slice(0, 10)}` : ''}`;
  return r.reviewDue ? `next review ${r.reviewDue.slice(0, 10)}` : 'no review date';
}
