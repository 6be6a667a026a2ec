import { describe, expect, it } from 'vitest';
import { UsageError } from '../io.js';
import { seedWindow } from './seed.js';

const now = new Date('2026-03-10T08:15:00.000Z');

describe('seedWindow', () => {
  it('ends a past day at its midnight', () => {
    expect(seedWindow('2026-03-01', now)).toEqual({ day: '2026-03-01', end: new Date('2026-03-02T00:00:00.000Z') });
  });

  it('ends today, given or by default, now', () => {
    expect(seedWindow(undefined, now)).toEqual({ day: '2026-03-10', end: now });
    expect(seedWindow('2026-03-10', now)).toEqual({ day: '2026-03-10', end: now });
  });

  it('refuses a future or malformed date as a usage error', () => {
    expect(() => seedWindow('2026-03-11', now)).toThrow(UsageError);
    expect(() => seedWindow('2026-13-01', now)).toThrow(/--date: "2026-13-01" is not a date/);
  });
});
