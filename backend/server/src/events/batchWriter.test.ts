import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventInput, type Actor } from '@ballast/contract';
import { migrate, openDatabase, type Database } from '../db/knex.js';
import { createTestStore, DIALECTS, type TestStore } from '../../test/harness.js';
import { createKnexEventStore } from './knexEventStore.js';
import { bigintArray, textArray } from './pgBinaryArray.js';

const actor: Actor = { type: 'key', id: 'key_w', name: 'writer', verified: true };
const event = (i: number, dedupeKey?: string) =>
  EventInput.parse({
    occurredAt: new Date(Date.UTC(2026, 10, 20, 10, 0, i)).toISOString(),
    kind: 'deploy',
    title: `Deploy ${i}`,
    service: 'writer',
    tags: { n: String(i) },
    ...(dedupeKey !== undefined && { dedupeKey }),
  });

describe.each(DIALECTS)('batch writes on %s', (dialect) => {
  let store: TestStore;
  let db: Database;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    db = openDatabase({ dataDir: store.dataDir ?? '', databaseUrl: store.databaseUrl, databasePoolMax: 8 });
    await migrate(db);
    await db.knex('tenants').insert({ id: 'w', name: 'W', created_at: 0 });
  });
  afterAll(async () => {
    await db?.knex.destroy();
    await store?.drop();
  });

  it('keeps the chain linear and seq gap-free under concurrent batches', async () => {
    const events = createKnexEventStore(db).forTenant('w');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, b) =>
        events.append(
          [0, 1, 2, 3, 4].map((i) => event(b * 10 + i)),
          actor,
        ),
      ),
    );
    const seqs = results.flatMap((r) => r.results.map((x) => x.seq)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    for (const r of results) {
      const own = r.results.map((x) => x.seq);
      expect(own).toEqual(own.map((_, i) => own[0]! + i)); // a batch's events stay together, in order
    }
    expect(await events.verify()).toMatchObject({ ok: true, checked: 60, headSeq: 60 });
  });

  it('stores a dedupeKey sent by concurrent batches once; the others report that event', async () => {
    const events = createKnexEventStore(db).forTenant('w');
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, b) => events.append([event(100 + b, 'same-key'), event(200 + b)], actor)),
    );
    const forKey = results.map((r) => r.results[0]!);
    expect(forKey.filter((x) => x.status === 'created')).toHaveLength(1);
    const created = forKey.find((x) => x.status === 'created')!;
    for (const x of forKey) expect({ id: x.id, seq: x.seq }).toEqual({ id: created.id, seq: created.seq });
    expect(results.every((r) => r.results[1]!.status === 'created')).toBe(true);
    expect(await db.knex('events').where({ tenant: 'w', dedupe_key: 'same-key' }).count({ n: '*' })).toEqual([
      { n: dialect === 'postgres' ? '1' : 1 },
    ]);
    expect((await events.verify()).ok).toBe(true);
  });

  it('does the same for a batch appended inside a caller’s transaction, keeping the caller’s writes', async () => {
    const store = createKnexEventStore(db);
    const results = await Promise.all([
      ...Array.from({ length: 3 }, (_, b) =>
        db.knex.transaction(async (trx) => {
          await trx('tenants').insert({ id: `w-caller-${b}`, name: 'caller', created_at: 0 });
          return store.appendInTransaction(trx, 'w', [event(300 + b, 'tx-key')], actor);
        }),
      ),
      store.forTenant('w').append([event(310, 'tx-key')], actor),
    ]);
    expect(results.map((r) => r.results[0]!.status).filter((s) => s === 'created')).toHaveLength(1);
    expect(new Set(results.map((r) => r.results[0]!.id)).size).toBe(1);
    expect(await db.knex('tenants').whereLike('id', 'w-caller-%').count({ n: '*' })).toEqual([
      { n: dialect === 'postgres' ? '3' : 3 },
    ]);
    expect((await store.forTenant('w').verify()).ok).toBe(true);
  });
});

describe.runIf(DIALECTS.includes('postgres'))('binary array parameters on postgres', () => {
  let store: TestStore;
  let db: Database;
  beforeAll(async () => {
    store = await createTestStore('postgres');
    db = openDatabase({ dataDir: '', databaseUrl: store.databaseUrl, databasePoolMax: 1 });
  });
  afterAll(async () => {
    await db?.knex.destroy();
    await store?.drop();
  });

  it('reads back text arrays as sent: NULLs, empty strings, quotes, backslashes, any Unicode', async () => {
    const values = ['plain', null, '', 'a "quoted" \\ back\\slash, {brace}', 'NULL', 'ü 描 🚀', 'x'.repeat(70_000)];
    const res = await db.knex.raw('SELECT ?::text[] AS a, cardinality(?::text[]) AS n', [
      textArray(values),
      textArray(values),
    ]);
    expect(res.rows[0]).toEqual({ a: values, n: values.length });
    const empty = await db.knex.raw('SELECT cardinality(?::text[]) AS n', [textArray([])]);
    expect(empty.rows[0].n).toBe(0);
  });

  it('reads back bigint arrays as sent, and refuses a number that is not an integer', async () => {
    const values = [0, 1, -1, null, 1_790_000_000_000, Number.MAX_SAFE_INTEGER];
    const res = await db.knex.raw('SELECT ?::bigint[]::text[] AS a', [bigintArray(values)]);
    expect(res.rows[0].a).toEqual(values.map((v) => (v === null ? null : String(v))));
    expect(() => bigintArray([1.5])).toThrow(/integer/);
  });
});
