import { describe, expect, it } from 'vitest';
import { formatDuration, resolveTime } from './time.js';

const now = new Date('2026-03-10T12:00:00.000Z');

describe('resolveTime', () => {
  it.each([
    ['now', '2026-03-10T12:00:00.000Z'],
    ['90s', '2026-03-10T11:58:30.000Z'],
    ['15m', '2026-03-10T11:45:00.000Z'],
    ['6h', '2026-03-10T06:00:00.000Z'],
    ['2d', '2026-03-08T12:00:00.000Z'],
    ['1w', '2026-03-03T12:00:00.000Z'],
  ])('%s means %s', (input, expected) => {
    expect(resolveTime(input, now)).toBe(expected);
  });

  it('passes anything else through for the server to judge', () => {
    expect(resolveTime('2026-01-31T12:00:00+01:00', now)).toBe('2026-01-31T12:00:00+01:00');
    expect(resolveTime('yesterday', now)).toBe('yesterday');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [45_000, '45s'],
    [90_000, '1m 30s'],
    [12 * 60_000, '12m'],
    [3_600_000, '1h'],
    [3_600_000 + 5 * 60_000 + 59_000, '1h 05m'],
    [2 * 86_400_000 + 3 * 3_600_000 + 60_000, '2d 3h'],
    [-12 * 60_000, '-12m'],
  ])('%d ms reads %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});
