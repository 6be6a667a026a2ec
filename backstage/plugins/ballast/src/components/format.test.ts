import { describe, expect, it } from 'vitest';
import { burn, countdown, duration, percent, relative } from './format';

describe('format', () => {
  it.each([
    [0, '0 min'],
    [59_000, '1 min'],
    [45 * 60_000, '45 min'],
    [125 * 60_000, '2 h 5 min'],
    [3 * 3_600_000, '3 h'],
    [50 * 3_600_000, '2 d'],
  ])('duration(%i) is %s', (ms, text) => expect(duration(ms)).toBe(text));

  it('says moments relative to now', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(relative('2026-03-01T11:48:00Z', now)).toBe('12 min ago');
    expect(relative('2026-03-01T15:00:00Z', now)).toBe('in 3 h');
    expect(relative('2026-03-01T12:00:20Z', now)).toBe('just now');
  });

  it('counts down to a moment and stops at zero', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(countdown('2026-03-01T12:29:59Z', now)).toBe('29:59');
    expect(countdown('2026-03-01T13:02:03Z', now)).toBe('1:02:03');
    expect(countdown('2026-03-01T11:00:00Z', now)).toBe('0:00');
  });

  it('says ratios and burn rates', () => {
    expect(percent(0.8125)).toBe('81.3 %');
    expect(percent(-0.5)).toBe('-50.0 %');
    expect(burn(2.44)).toBe('2.4×');
    expect(burn(14.4)).toBe('14×');
  });
});
