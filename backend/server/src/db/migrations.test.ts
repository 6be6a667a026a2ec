import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { EventInput, type Actor, type Event } from '@ballast/contract';
import { createTestStore, DIALECTS, type TestStore } from '../../test/harness.js';
import { createKnexEventStore } from '../events/knexEventStore.js';
import { searchText } from '../events/fullText.js';
import { bucketRowids } from '../events/timeRowid.js';
import { migrate, openDatabase, type Database } from './knex.js';
import { migrationSource } from './migrations.js';

const actor: Actor = { type: 'key', id: 'key_m', name: 'migrator', verified: true };
const at = (hhmm: string) => `2026-11-20T${hhmm}:00.000Z`;
const alert = (hhmm: string, status: string, fp: string) =>
  EventInput.parse({
    occurredAt: at(hhmm),
    kind: 'alert',
    source: 'alertmanager',
    status,
    service: 'mig',
    title: `migalert ${fp} ${status} ${hhmm}`,
    correlation: { alertFingerprint: fp },
  });

/** A store as 005_timeline_read_paths finds it: events written before that migration existed. */
describe.each(DIALECTS)('migration 005 on %s', (dialect) => {
  let store: TestStore;
  let db: Database;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    db = openDatabase({ dataDir: store.dataDir ?? '', databaseUrl: store.databaseUrl, databasePoolMax: 4 });
    await migrate(db);
    await db.knex('tenants').insert({ id: 'm', name: 'M', created_at: 0 });
  });
  afterAll(async () => {
    await db?.knex.destroy();
    await store?.drop();
  });

  it('pairs the ranges of stored events and, on SQLite, gives them time-ordered rowids', async () => {
    const events = createKnexEventStore(db).forTenant('m');
    // Later events first, so that arrival order is not time order.
    await events.append([alert('12:00', 'resolved', 'a'), alert('13:00', 'firing', 'b')], actor);
    await events.append(
      [alert('09:00', 'firing', 'a'), alert('09:30', 'firing', 'a'), alert('08:00', 'firing', 'c')],
      actor,
    );
    await events.append(
      [
        EventInput.parse({
          occurredAt: at('09:45'),
          endedAt: at('11:15'),
          kind: 'deploy',
          service: 'mig',
          title: 'migsync',
        }),
        // An end that closes no range and carries its own end: drawn as a point spanning 09:50–10:30.
        EventInput.parse({ ...alert('09:50', 'resolved', 'd'), endedAt: at('10:30') }),
      ],
      actor,
    );
    const window = { from: Date.parse(at('10:00')), to: Date.parse(at('14:00')), limit: 100 };
    const storedForms = () => db.knex('events').orderBy('seq').select('seq', 'kind', 'annotation', 'runbook_inputs');
    const ranges = () => db.knex('event_ranges').orderBy(['start_seq', 'range_key']).select('*');
    const before = {
      ranges: await ranges(),
      annotations: (await events.annotations(window)).parse().annotations,
      search: (await events.search({ q: 'migalert', limit: 3 })).parse().events.map((e) => e.title),
      stored: await storedForms(),
    };
    // a (09:00 → 12:00), b and c open, the spans of the deploy and of d
    expect(before.ranges).toHaveLength(5);
    expect(before.annotations.map((a) => a.title).sort()).toEqual([
      'migalert a firing 09:00',
      'migalert b firing 13:00',
      'migalert c firing 08:00',
      'migalert d resolved 09:50',
      'migsync',
    ]);

    // Back to 004, and on SQLite the rowids of that time: arrival order, full-text rows under them.
    const applied = async () => (await db.knex('knex_migrations').orderBy('id').pluck('name')) as string[];
    while ((await applied()).some((n) => n >= '005'))
      await db.knex.migrate.down({ migrationSource: migrationSource(dialect) });
    expect(await db.knex.schema.hasTable('event_ranges')).toBe(false);
    if (dialect === 'sqlite') {
      await db.knex.raw('UPDATE events SET rid = -seq');
      await db.knex.raw('UPDATE events SET rid = -rid');
      const conn = (await db.knex.client.acquireConnection()) as SqliteDatabase;
      conn.prepare("INSERT INTO events_fts (events_fts) VALUES ('delete-all')").run();
      for (const r of conn.prepare('SELECT rid, doc FROM events').all() as { rid: number; doc: string }[])
        conn
          .prepare('INSERT INTO events_fts (rowid, body) VALUES (?, ?)')
          .run(r.rid, searchText(JSON.parse(r.doc) as Event));
      db.knex.client.releaseConnection(conn);
    }

    await migrate(db);
    expect(await ranges()).toEqual(before.ranges);
    expect((await events.annotations(window)).parse().annotations).toEqual(before.annotations);
    // 014 made every stored event's annotation from its document, as the write path had.
    expect(before.stored).toHaveLength(7);
    expect(before.stored.every((r) => typeof r.annotation === 'string' && r.annotation.length > 0)).toBe(true);
    // 015 made the runbook inputs of the alerts (and of nothing else) as the write path had.
    expect(before.stored.map((r) => [r.kind, typeof r.runbook_inputs])).toEqual([
      ...Array.from({ length: 5 }, () => ['alert', 'string']),
      ['deploy', 'object'],
      ['alert', 'string'],
    ]);
    expect(await storedForms()).toEqual(before.stored);
    expect((await events.search({ q: 'migalert', limit: 3 })).parse().events.map((e) => e.title)).toEqual(
      before.search,
    );
    if (dialect === 'sqlite') {
      for (const r of (await db.knex('events').select('rid', 'occurred_at')) as {
        rid: number;
        occurred_at: number;
      }[]) {
        const { first, last } = bucketRowids(r.occurred_at);
        expect(r.rid).toBeGreaterThanOrEqual(first);
        expect(r.rid).toBeLessThanOrEqual(last);
      }
      // 017 filled search_terms from the full-text index: every word it holds, and nothing else.
      await db.knex.raw('CREATE VIRTUAL TABLE temp.indexed USING fts5vocab(main, events_fts, row)');
      const indexed = (await db.knex.raw('SELECT term FROM temp.indexed ORDER BY term')) as { term: string }[];
      expect(indexed.map((r) => r.term)).toContain('migalert');
      expect(await db.knex('search_terms').orderBy('term').select('term')).toEqual(indexed);
      await db.knex.raw('DROP TABLE temp.indexed');
    }
    // Writing goes on after the migration: the second range of `a` opens and the text index finds it.
    await events.append([alert('13:30', 'firing', 'a')], actor);
    expect((await events.search({ q: 'migalert', limit: 1 })).parse().events[0]!.title).toBe('migalert a firing 13:30');
  });
});
