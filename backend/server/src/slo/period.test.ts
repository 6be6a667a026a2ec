import { describe, expect, it } from 'vitest';
import { periodBounds, zoneOffsetMs } from './period.js';

const at = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

describe('periodBounds', () => {
  it.each([
    ['7d', 7 * 86_400],
    ['28d', 28 * 86_400],
    ['30d', 30 * 86_400],
  ] as const)('rolling %s ends at the instant and spans the window', (window, seconds) => {
    const b = periodBounds({ kind: 'rolling', window }, at('2026-11-20T12:00:00Z'));
    expect(b.to - b.from).toBe(seconds * 1000);
    expect(b.lengthMs).toBe(seconds * 1000);
    expect(iso(b.to)).toBe('2026-11-20T12:00:00.000Z');
  });

  it.each([
    // 00:30 UTC on 1 November is 01:30 in Berlin (CET): November has begun there, at 23:00 UTC the day before.
    ['Europe/Berlin', '2026-11-01T00:30:00Z', '2026-10-31T23:00:00.000Z', 30 * 86_400, 'calendar month 2026-11'],
    // 22:30 UTC on 31 October is 23:30 in Berlin: still October, which began at 22:00 UTC (CEST) and
    // is an hour longer than 31 days because the clocks went back on 25 October.
    ['Europe/Berlin', '2026-10-31T22:30:00Z', '2026-09-30T22:00:00.000Z', 31 * 86_400 + 3600, 'calendar month 2026-10'],
    // 03:00 UTC on 1 November is 23:00 on 31 October in New York (EDT): still October.
    ['America/New_York', '2026-11-01T03:00:00Z', '2026-10-01T04:00:00.000Z', 31 * 86_400, 'calendar month 2026-10'],
    // Half an hour after midnight in Tokyo on 1 December; November began at 15:00 UTC on 31 October.
    ['Asia/Tokyo', '2026-11-30T15:30:00Z', '2026-11-30T15:00:00.000Z', 31 * 86_400, 'calendar month 2026-12'],
    ['UTC', '2027-02-10T00:00:00Z', '2027-02-01T00:00:00.000Z', 28 * 86_400, 'calendar month 2027-02'],
  ])('calendar month in %s at %s starts %s', (timeZone, now, start, seconds, description) => {
    const b = periodBounds({ kind: 'calendar', unit: 'month', timeZone }, at(now));
    expect(iso(b.from)).toBe(start);
    expect(b.lengthMs / 1000).toBe(seconds);
    expect(b.description).toBe(`${description} in ${timeZone}`);
  });

  it('reads zone offsets on both sides of a clock change', () => {
    expect(zoneOffsetMs(at('2026-10-25T00:59:00Z'), 'Europe/Berlin')).toBe(2 * 3600_000);
    expect(zoneOffsetMs(at('2026-10-25T01:00:00Z'), 'Europe/Berlin')).toBe(3600_000);
  });
});
