import { describe, expect, it } from 'vitest';
import { activeFreezes, FreezeWindow } from './freezeWindows.js';

const windows = [
  FreezeWindow.parse({
    name: 'weekend',
    environments: ['production'],
    timeZone: 'Europe/Berlin',
    weekly: { from: 'Fri 16:00', to: 'Mon 08:00' },
  }),
  FreezeWindow.parse({
    name: 'holidays',
    timeZone: 'America/New_York',
    start: '2026-12-24T00:00',
    end: '2026-12-27T00:00',
    services: ['checkout'],
  }),
];
const names = (at: string, service = 'checkout', environment = 'production') =>
  activeFreezes(windows, service, environment, Date.parse(at)).map((w) => w.name);

describe('freeze windows', () => {
  it.each([
    // Friday 2026-11-20: 16:00 in Berlin is 15:00 UTC (CET, UTC+1).
    ['2026-11-20T14:59:59Z', []],
    ['2026-11-20T15:00:00Z', ['weekend']],
    ['2026-11-22T23:00:00Z', ['weekend']], // Monday 00:00 in Berlin
    ['2026-11-23T06:59:59Z', ['weekend']],
    ['2026-11-23T07:00:00Z', []], // Monday 08:00 in Berlin
    // Summer time (CEST, UTC+2): Friday 16:00 in Berlin is 14:00 UTC.
    ['2026-07-03T13:59:00Z', []],
    ['2026-07-03T14:00:00Z', ['weekend']],
    // A one-off window in New York local time (EST, UTC-5): 2026-12-24 00:00 is 05:00 UTC.
    ['2026-12-24T04:59:59Z', []],
    ['2026-12-24T05:00:00Z', ['holidays']],
    ['2026-12-26T12:00:00Z', ['weekend', 'holidays']], // a Saturday
    ['2026-12-27T05:00:00Z', ['weekend']],
  ])('at %s holds deploys to production in %j', (at, expected) => {
    expect(names(at)).toEqual(expected);
  });

  it('applies only to its environments and services', () => {
    expect(names('2026-11-21T12:00:00Z', 'checkout', 'staging')).toEqual([]);
    expect(names('2026-12-24T12:00:00Z', 'search', 'staging')).toEqual([]);
    expect(names('2026-12-24T12:00:00Z', 'checkout', 'staging')).toEqual(['holidays']);
  });

  it('refuses a window that is neither weekly nor bounded, or runs backwards, or has an unknown zone', () => {
    expect(FreezeWindow.safeParse({ name: 'x' }).success).toBe(false);
    expect(
      FreezeWindow.safeParse({ name: 'x', start: '2026-12-27T00:00', end: '2026-12-24T00:00' }).error?.issues[0]?.path,
    ).toEqual(['end']);
    expect(
      FreezeWindow.safeParse({ name: 'x', timeZone: 'Mars/Olympus', weekly: { from: 'Fri 16:00', to: 'Mon 08:00' } })
        .success,
    ).toBe(false);
    expect(FreezeWindow.safeParse({ name: 'x', weekly: { from: 'Friday at 4', to: 'Mon 08:00' } }).success).toBe(false);
  });
});
