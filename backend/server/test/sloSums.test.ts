/**
 * Pushed SLI sums against the plainest reading of the stored minutes: random pushes (gaps, replaced
 * minutes, out of order, far in the past and the future) through the store's own write path, then many
 * random windows, aligned to nothing, read through the day, hour and minute levels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, DIALECTS, type TestStore } from './harness.js';
import { migrate, openDatabase, type Database } from '../src/db/knex.js';
import { storeMinutes, sumRanges, type Counts, type MinutePoint, type Range } from '../src/slo/sliStore.js';
import { DAY, HOUR, MINUTE, WINDOWS, durationMs } from '../src/slo/windows.js';

/** Deterministic, so a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [11, 12, 13];
/** Never pushed: its sums must be zero. */
const EMPTY_KEY = 14;
/** 2026-11-20T00:00Z in minutes; pushes spread a few days either side. */
const BASE = Date.UTC(2026, 10, 20) / MINUTE;

describe.each(DIALECTS)('pushed SLI sums on %s', (dialect) => {
  let store: TestStore;
  let db: Database;
  const rand = random(dialect === 'sqlite' ? 5 : 6);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo));
  const stored = new Map<number, Map<number, Counts>>(KEYS.map((k) => [k, new Map()]));

  beforeAll(async () => {
    store = await createTestStore(dialect);
    db = openDatabase({ dataDir: store.dataDir ?? '', databaseUrl: store.databaseUrl, databasePoolMax: 4 });
    await migrate(db);
  });
  afterAll(async () => {
    await db?.knex.destroy();
    await store?.drop();
  });

  const naive = (key: number, from: number, to: number): Counts => {
    const sum = { good: 0, total: 0 };
    for (const [minute, c] of stored.get(key) ?? [])
      if (minute * MINUTE >= from && minute * MINUTE < to) {
        sum.good += c.good;
        sum.total += c.total;
      }
    return sum;
  };

  it('stores random pushes, replacing minutes sent again, with hours and days in step', async () => {
    for (let push = 0; push < 40; push++) {
      const key = KEYS[int(0, KEYS.length)]!;
      const minutes = new Set<number>();
      if (push % 10 === 9) {
        // Far from the rest, across days: weeks back and ahead.
        for (let i = 0; i < 30; i++) minutes.add(BASE + int(-40, 40) * 1440 + int(-90, 90));
      } else {
        // A run with gaps somewhere in five days around BASE, often over minutes already stored.
        const start = BASE + int(-2 * 1440, 3 * 1440);
        const length = int(1, push % 3 === 0 ? 3000 : 200);
        for (let m = start; m < start + length; m++) if (rand() < 0.8) minutes.add(m);
      }
      const points: MinutePoint[] = [...minutes]
        .map((minute) => {
          const total = rand() < 0.05 ? 0 : int(0, 1000);
          return { minute, total, good: total - int(0, Math.min(total, 30) + 1) };
        })
        .sort(() => rand() - 0.5);
      const known = stored.get(key)!;
      const expectReplaced = points.filter((p) => known.has(p.minute)).length;
      const replaced = await db.knex.transaction((trx) => storeMinutes(trx, key, points));
      expect(replaced).toBe(expectReplaced);
      for (const p of points) known.set(p.minute, { good: p.good, total: p.total });
    }
    expect(Math.max(...KEYS.map((k) => stored.get(k)!.size))).toBeGreaterThan(1000);

    for (const [table, unit, size] of [
      ['slo_sli_hour', 'hour', 60],
      ['slo_sli_day', 'day', 1440],
    ] as const) {
      const rows: Record<string, unknown>[] = await db.knex(table).select('slo_key', unit, 'good', 'total');
      const want = new Map<string, Counts>();
      for (const [key, minutes] of stored)
        for (const [minute, c] of minutes) {
          const k = `${key}:${Math.floor(minute / size)}`;
          const w = want.get(k) ?? { good: 0, total: 0 };
          want.set(k, { good: w.good + c.good, total: w.total + c.total });
        }
      const got = new Map(
        rows.map((r) => [`${r.slo_key}:${r[unit]}`, { good: Number(r.good), total: Number(r.total) }]),
      );
      expect(new Map([...got].sort())).toEqual(new Map([...want].sort()));
    }
  });

  it('sums any window as the stored minutes whose start lies in it', async () => {
    const keys = [...KEYS, EMPTY_KEY];
    const span = { from: (BASE - 45 * 1440) * MINUTE, to: (BASE + 45 * 1440) * MINUTE };
    for (let call = 0; call < 30; call++) {
      let ranges: Range[];
      if (call % 3 === 0) {
        // The status windows, ending anywhere near the data: not on a minute, an hour or a day.
        const at = (BASE + int(-1440, 4 * 1440)) * MINUTE + (call % 2 ? int(0, MINUTE) : 0);
        ranges = [...WINDOWS, '30d'].map((w) => ({ name: w, from: at - durationMs(w), to: at }));
      } else {
        ranges = Array.from({ length: int(1, 8) }, (_, i) => {
          const length = [MINUTE, HOUR, DAY, 10 * DAY, 80 * DAY][int(0, 5)]! * rand();
          const from = Math.round(BASE * MINUTE + (rand() - 0.5) * 8 * DAY);
          return { name: `r${i}`, from, to: from + Math.round(length) };
        });
        if (call % 5 === 1) ranges.push({ name: 'everything', ...span }, { name: 'empty', from: 1000, to: 1000 });
        if (call % 5 === 2)
          ranges.push({ name: 'aligned', from: (BASE - 1440) * MINUTE, to: (BASE + 2 * 1440 + 60) * MINUTE });
      }
      const sums = await sumRanges(db.knex, keys, ranges);
      for (const key of keys) {
        const want = Object.fromEntries(ranges.map((r) => [r.name, naive(key, r.from, r.to)]));
        expect({ key, ranges, sums: sums.get(key) }).toEqual({ key, ranges, sums: want });
      }
    }
  });

  it('reads many ranges in one call, far apart or nested', async () => {
    const start = (BASE - 2 * 1440) * MINUTE;
    const ranges: Range[] = [
      // More separate scans than one statement takes.
      ...Array.from({ length: 150 }, (_, i) => ({
        name: `apart${i}`,
        from: start + i * 47 * MINUTE + 13_000,
        to: start + i * 47 * MINUTE + 7 * MINUTE,
      })),
      // More parts over the same rows than one scan takes.
      ...Array.from({ length: 120 }, (_, i) => ({
        name: `nested${i}`,
        from: start + 5 * DAY - i * 41 * MINUTE,
        to: start + 5 * DAY + i * 17 * MINUTE + 1,
      })),
    ];
    const keys = [...KEYS, EMPTY_KEY];
    const sums = await sumRanges(db.knex, keys, ranges);
    for (const key of keys)
      expect(sums.get(key)).toEqual(Object.fromEntries(ranges.map((r) => [r.name, naive(key, r.from, r.to)])));
  });

  it('answers every asked key, with no statement for none', async () => {
    expect(await sumRanges(db.knex, [], [{ name: 'x', from: 0, to: DAY }])).toEqual(new Map());
    const one = await sumRanges(
      db.knex,
      [KEYS[0]!],
      [{ name: 'day', from: BASE * MINUTE, to: (BASE + 1440) * MINUTE }],
    );
    expect(one.get(KEYS[0]!)).toEqual({ day: naive(KEYS[0]!, BASE * MINUTE, (BASE + 1440) * MINUTE) });
  });
});
