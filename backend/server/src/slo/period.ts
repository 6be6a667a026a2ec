/** Where an SLO's period begins and ends at a given instant: rolling windows, or calendar months in a time zone. */
import type { SloPeriod } from '@ballast/contract';
import { durationMs } from './windows.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a zone. */
export function zonedParts(ms: number, timeZone: string) {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(ms))
      .filter((p) => p.type !== 'literal')
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  return parts;
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant a wall-clock time in a zone denotes (the earlier one when a clock change repeats it). */
export function zonedTimeToUtc(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  let guess = wall - zoneOffsetMs(wall, timeZone);
  // A second pass settles instants near an offset change.
  guess = wall - zoneOffsetMs(guess, timeZone);
  return guess;
}

export interface PeriodBounds {
  /** Start of the budget window. */
  from: number;
  /** The evaluation instant (end of the budget window). */
  to: number;
  /** The full period's length: the window for rolling periods, the whole month for calendar ones. */
  lengthMs: number;
  description: string;
}

export function periodBounds(period: SloPeriod, at: number): PeriodBounds {
  if (period.kind === 'rolling') {
    const lengthMs = durationMs(period.window);
    return { from: at - lengthMs, to: at, lengthMs, description: `rolling ${period.window}` };
  }
  const p = zonedParts(at, period.timeZone);
  const from = zonedTimeToUtc(p.year, p.month, 1, period.timeZone);
  const next =
    p.month === 12
      ? zonedTimeToUtc(p.year + 1, 1, 1, period.timeZone)
      : zonedTimeToUtc(p.year, p.month + 1, 1, period.timeZone);
  const name = `${p.year}-${String(p.month).padStart(2, '0')}`;
  return { from, to: at, lengthMs: next - from, description: `calendar month ${name} in ${period.timeZone}` };
}
