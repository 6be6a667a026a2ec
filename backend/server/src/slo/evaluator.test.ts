/** Evaluations as time passes, on both dialects: events recorded in the real event store, with hysteresis. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SloSpec, SliPush, type Event } from '@ballast/contract';
import { Config } from '../config/config.js';
import { migrate, openDatabase, type Database } from '../db/knex.js';
import { createKnexEventStore } from '../events/knexEventStore.js';
import { DIALECTS, createTestStore, type TestStore } from '../../test/harness.js';
import { sloService, type SloService } from './service.js';

const MIN = 60_000;
const T = Date.parse('2026-11-20T12:00:00Z');
const scope = {
  tenant: 'default',
  actor: { type: 'system' as const, id: 'test', name: 'test', verified: true },
  inScope: () => true,
};

describe.each(DIALECTS)('SLO evaluation on %s', (dialect) => {
  let store: TestStore;
  let db: Database;
  let slos: SloService;
  let clock = T;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    db = openDatabase(Config.parse({ dataDir: store.dataDir ?? './data', databaseUrl: store.databaseUrl }));
    await migrate(db);
    await db.knex('tenants').insert({ id: 'default', name: 'Default', created_at: 0 });
    const events = createKnexEventStore(db);
    slos = sloService(db.knex, async () => {}, { events, now: () => clock });
    await slos.create(
      scope,
      SloSpec.parse({
        service: 'checkout',
        name: 'availability',
        objective: 0.999,
        period: { kind: 'rolling', window: '30d' },
        sli: { kind: 'pushed' },
      }),
    );
  });
  afterAll(async () => {
    await db?.knex.destroy();
    await store?.drop();
  });

  const recorded = async (): Promise<[string, string][]> =>
    (await db.knex('events').where({ tenant: 'default', source: 'slo' }).orderBy('seq').select('doc'))
      .map((r: { doc: string }) => JSON.parse(r.doc) as Event)
      .map((e) => [e.status!, e.correlation.alertFingerprint!.replace('slo:checkout-availability:', '')]);

  it('records a tier starting at once and stopping only after its short window of quiet', async () => {
    // Three days up to T, the last hour at 10 % errors but the last 10 minutes clean.
    const points = Array.from({ length: 3 * 1440 }, (_, i) => {
      const minute = T - (3 * 1440 - i) * MIN;
      const bad = minute >= T - 60 * MIN && minute < T - 10 * MIN ? 100 : 0;
      return { timestamp: new Date(minute).toISOString(), good: 1000 - bad, total: 1000 };
    });
    await slos.pushSli(scope, 'checkout-availability', SliPush.parse({ points }));
    // At T the 5 m window is clean: page_fast does not fire; the slower tiers do.
    const first = await recorded();
    expect(first).toContainEqual(['triggered', 'page_slow']);
    expect(first).not.toContainEqual(['triggered', 'page_fast']);

    // Ten minutes back, page_fast fired; then it went quiet.
    clock = T - 10 * MIN;
    await slos.evaluateAll();
    expect((await recorded()).slice(first.length)).toEqual([['triggered', 'page_fast']]);
    for (const [minutes, expected] of [
      [-9, []], // the 5 m window still holds bad minutes: still firing
      [-5, []], // the 5 m window is clean: quiet from here
      [-1, []], // 4 m quiet
      [0, [['resolved', 'page_fast']]], // 5 m quiet
      [1, []],
    ] as [number, [string, string][]][]) {
      const before = (await recorded()).length;
      clock = T + minutes * MIN;
      const done = await slos.evaluateAll();
      expect(done).toMatchObject({ evaluated: 1 });
      expect((await recorded()).slice(before), `at ${minutes} m`).toEqual(expected);
    }
  });

  it('evaluates a fleet in batches, writing only the SLOs whose state changes', async () => {
    const fleet = { ...scope, tenant: 'fleet' };
    await db.knex('tenants').insert({ id: 'fleet', name: 'Fleet', created_at: 0 });
    const COUNT = 210; // more than one batch
    const start = T - 3 * 60 * MIN;
    for (let i = 0; i < COUNT; i++) {
      const spec = SloSpec.parse({
        service: `svc-${i}`,
        name: 'availability',
        objective: 0.999,
        period: { kind: 'rolling', window: '30d' },
        sli: { kind: 'pushed' },
      });
      await slos.create(fleet, spec);
      // Every tenth SLO burns at 20 % in the last 30 minutes before T; the push is evaluated at an
      // earlier instant, when nothing burns yet.
      const points = Array.from({ length: 180 }, (_, m) => {
        const bad = i % 10 === 0 && m >= 150 ? 200 : 0;
        return { timestamp: new Date(start + m * MIN).toISOString(), good: 1000 - bad, total: 1000 };
      });
      clock = start + 60 * MIN;
      await slos.pushSli(fleet, `svc-${i}-availability`, SliPush.parse({ points }));
    }
    const fleetEvents = async () =>
      (await db.knex('events').where({ tenant: 'fleet', source: 'slo', status: 'triggered' }).select('doc')).map(
        (r: { doc: string }) => (JSON.parse(r.doc) as Event).service,
      );
    expect(await fleetEvents()).toEqual([]);

    clock = T;
    const done = await slos.evaluateAll();
    expect(done!.evaluated).toBeGreaterThanOrEqual(COUNT);
    const burning = new Set(await fleetEvents());
    expect([...burning].sort()).toEqual(Array.from({ length: COUNT / 10 }, (_, k) => `svc-${k * 10}`).sort());
    const fleetKeys = db.knex('slos').where({ tenant: 'fleet' }).select('key');
    const writtenAt = async () =>
      Object.fromEntries(
        (await db.knex('slo_states').whereIn('slo_key', fleetKeys).select('slo_key', 'updated_at')).map(
          (r: { slo_key: number | string; updated_at: number | string }) => [String(r.slo_key), Number(r.updated_at)],
        ),
      );
    const after = await writtenAt();
    // Written at T: the burning SLOs only; the others keep the state their push wrote.
    expect(Object.values(after).filter((t) => t === T)).toHaveLength(COUNT / 10);
    expect(Object.keys(after)).toHaveLength(COUNT);

    // Evaluated again at the same instant: nothing new, nothing rewritten.
    const again = await slos.evaluateAll();
    expect(again!.events).toBe(0);
    expect(await writtenAt()).toEqual(after);
  });
});
