import { describe, expect, it } from 'vitest';
import { shiftMs, staticOnCall } from './static.js';

const rotation = {
  people: [{ name: 'Ada', email: 'ada@example.com' }, { name: 'Brian' }, { name: 'Chen' }],
  startsAt: '2026-11-02T09:00:00Z',
  shift: '1w',
};

describe('staticOnCall', () => {
  it.each([
    ['before the rotation starts', '2026-11-02T08:59:59.999Z', []],
    ['at the start', '2026-11-02T09:00:00Z', [['Ada', '2026-11-09T09:00:00.000Z']]],
    ['the last moment of the first shift', '2026-11-09T08:59:59.999Z', [['Ada', '2026-11-09T09:00:00.000Z']]],
    ['the handover', '2026-11-09T09:00:00Z', [['Brian', '2026-11-16T09:00:00.000Z']]],
    ['the third week', '2026-11-20T00:00:00Z', [['Chen', '2026-11-23T09:00:00.000Z']]],
    ['round again', '2026-11-23T09:00:00Z', [['Ada', '2026-11-30T09:00:00.000Z']]],
  ])('%s', (_, at, expected) => {
    expect(staticOnCall(rotation, new Date(at)).map((p) => [p.name, p.until])).toEqual(expected);
  });

  it('keeps the email and gives level 1', () => {
    expect(staticOnCall(rotation, new Date('2026-11-03T00:00:00Z'))).toEqual([
      { name: 'Ada', email: 'ada@example.com', level: 1, until: '2026-11-09T09:00:00.000Z' },
    ]);
  });

  it('reads shift lengths', () => {
    expect([shiftMs('12h'), shiftMs('1d'), shiftMs('2w')]).toEqual([43_200_000, 86_400_000, 1_209_600_000]);
    expect(() => shiftMs('1mo')).toThrow('not a shift length');
  });
});
