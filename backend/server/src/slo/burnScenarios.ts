/**
 * Synthetic counters for the rule and Prometheus tests: per-minute increments in segments, written as
 * promtool input series and as OpenMetrics for backfilling, with the exact increase over any minutes.
 */
import type { TierName } from '@ballast/contract';

/** [increments per minute, minutes] after t = 0. */
export type Segments = [number, number][];

/**
 * One sample every 5 minutes: promtool and Prometheus evaluate day-long windows over 1-minute samples
 * slowly. Segment lengths are multiples of it.
 */
export const STEP_MINUTES = 5;

export const minutesOf = (s: Segments) => s.reduce((n, [, m]) => n + m, 0);

/** The counter's value every `step` minutes, from 0 at t = 0. */
export function counterValues(segments: Segments, step = STEP_MINUTES): number[] {
  const out = [0];
  let v = 0;
  for (const [perMinute, n] of segments) for (let i = 0; i < n / step; i++) out.push((v += perMinute * step));
  return out;
}

/** promtool's expanding notation for the same values. */
export function promtoolSeries(segments: Segments): string {
  let v = 0;
  const parts = ['0'];
  for (const [perMinute, n] of segments) {
    const inc = perMinute * STEP_MINUTES;
    parts.push(`${v + inc}+${inc}x${n / STEP_MINUTES - 1}`);
    v += perMinute * n;
  }
  return parts.join(' ');
}

/** The increase over the minutes (from, to]. */
export function increase(segments: Segments, from: number, to: number): number {
  let sum = 0;
  let m = 0;
  for (const [perMinute, n] of segments) {
    const lo = Math.max(from, m);
    const hi = Math.min(to, m + n);
    if (hi > lo) sum += (hi - lo) * perMinute;
    m += n;
  }
  return sum;
}

export interface Scenario {
  name: string;
  /** Bad events per minute; every scenario has 1,000 events a minute in total. */
  bad: Segments;
  /** Minutes after t = 0, and the tiers that fire then (for an SLO of 99.9 % over 30 days). */
  at: [number, TierName[]][];
}

const CLEAN: [number, number] = [0, 4320]; // three clean days, so every window starts full

export const SCENARIOS: Scenario[] = [
  {
    // 10 % errors for 20 minutes.
    name: 'fast burn',
    bad: [CLEAN, [100, 20], [0, 400]],
    at: [
      [4325, []], // 5 bad minutes: 0.83 % over 1 h, under 1.44 %
      [4330, ['page_fast']],
      [4335, ['page_fast']],
      [4350, []], // the 5 m window is clean again
    ],
  },
  {
    // 0.8 % for 6.5 hours: above page_slow's 0.6 %, below page_fast's 1.44 %.
    name: 'slow burn',
    bad: [CLEAN, [8, 390], [0, 400]],
    at: [
      [4700, ['page_slow']],
      [4745, []],
    ],
  },
  {
    // 0.4 % for a day: both ticket tiers; the fast one resolves after 2 h, the slow one after 6 h.
    name: 'day-long burn',
    bad: [CLEAN, [4, 1440], [0, 400]],
    at: [
      [5760, ['ticket_fast', 'ticket_slow']],
      [5885, ['ticket_slow']],
      [6125, []],
    ],
  },
  {
    // 0.2 % for two days: ticket_slow only.
    name: 'simmer',
    bad: [CLEAN, [2, 2880], [0, 400]],
    at: [
      [7190, ['ticket_slow']],
      [7565, []],
    ],
  },
];
