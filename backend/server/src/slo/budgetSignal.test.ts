/** The budget signal the deploy gate will read, against a real SQLite store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SloSpec, SliPush } from '@ballast/contract';
import { Config } from '../config/config.js';
import { migrate, openDatabase, type Database } from '../db/knex.js';
import { sloService, type SloService } from './service.js';

const AT = Date.parse('2026-11-20T12:00:00Z');
const scope = {
  tenant: 'default',
  actor: { type: 'system' as const, id: 'test', name: 'test', verified: true },
  inScope: () => true,
};

describe('budgetSignal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-budget-'));
  let db: Database;
  let slos: SloService;
  beforeAll(async () => {
    db = openDatabase(Config.parse({ dataDir: dir }));
    await migrate(db);
    await db.knex('tenants').insert({ id: 'default', name: 'Default', created_at: 0 });
    // Policy events are the event store's business, not this test's.
    slos = sloService(db.knex, async () => {}, { now: () => AT });
    for (const name of ['healthy', 'spent']) {
      await slos.create(
        scope,
        SloSpec.parse({
          service: 'checkout',
          name,
          objective: 0.999,
          period: { kind: 'rolling', window: '7d' },
          sli: { kind: 'pushed' },
        }),
      );
    }
    const push = (id: string, bad: number) =>
      slos.pushSli(
        scope,
        id,
        SliPush.parse({ points: [{ timestamp: new Date(AT - 60_000).toISOString(), good: 1000 - bad, total: 1000 }] }),
      );
    await push('checkout-healthy', 0);
    await push('checkout-spent', 2);
  });
  afterAll(async () => {
    await db?.knex.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says a service is exhausted when any of its SLOs has spent its budget, and which', async () => {
    const signal = await slos.budgetSignal('default', 'checkout', AT);
    expect(signal.exhausted).toBe(true);
    expect(signal.slos.map((s) => [s.id, s.exhausted])).toEqual([
      ['checkout-healthy', false],
      ['checkout-spent', true],
    ]);
    expect(signal.slos[1]!.budgetRemaining).toBeCloseTo(-1, 9);
  });

  it('says not exhausted for a service without SLOs or with budget left', async () => {
    expect(await slos.budgetSignal('default', 'search', AT)).toEqual({ service: 'search', exhausted: false, slos: [] });
    await slos.delete(scope, 'checkout-spent');
    expect((await slos.budgetSignal('default', 'checkout', AT)).exhausted).toBe(false);
  });
});
