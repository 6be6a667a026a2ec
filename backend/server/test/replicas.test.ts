/** Two server processes on one PostgreSQL: the stream crosses replicas through NOTIFY/LISTEN. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import knexFactory from 'knex';
import { createClient, type Event } from '@ballast/contract';
import { createTestStore, type TestStore } from './harness.js';
import { buildServer, randomKey, spawnServer, type ServerProcess } from './processes.js';

describe('two server processes on one PostgreSQL', () => {
  let store: TestStore;
  const servers: ServerProcess[] = [];
  const key = randomKey();

  beforeAll(async () => {
    const entry = buildServer();
    store = await createTestStore('postgres');
    const env = { BALLAST_DATABASE_URL: store.databaseUrl!, BALLAST_BOOTSTRAP_ADMIN_KEY: key };
    // Both at once on an empty database: they race to migrate and to create the first key.
    servers.push(...(await Promise.all([spawnServer(entry, env), spawnServer(entry, env)])));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await store?.drop();
  });

  function subscribe(url: string, after?: number) {
    const events: Event[] = [];
    const controller = new AbortController();
    let opened!: () => void;
    const open = new Promise<void>((r) => (opened = r));
    const done = createClient({ baseUrl: url, apiKey: key })
      .stream({}, (e) => events.push(e), { after, signal: controller.signal, onOpen: () => opened() })
      .catch(() => undefined);
    return { events, open, done, stop: () => controller.abort() };
  }

  async function until(pred: () => boolean, what: string): Promise<void> {
    const start = Date.now();
    while (!pred()) {
      if (Date.now() - start > 20_000) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('gives a subscriber on each process every event written through either, once, in seq order', async () => {
    const subs = servers.map((s) => subscribe(s.url));
    await Promise.all(subs.map((s) => s.open));
    const clients = servers.map((s) => createClient({ baseUrl: s.url, apiKey: key }));
    // Interleaved concurrent writers on both processes.
    const writes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        clients[i % 2]!.call('ingestEvents', {
          body: {
            events: Array.from({ length: 5 }, (_, j) => ({
              occurredAt: new Date().toISOString(),
              kind: 'deploy' as const,
              service: `svc-${i % 3}`,
              title: `write ${i}.${j} via ${i % 2}`,
            })),
          },
        }),
      ),
    );
    const seqs = writes.flatMap((w) => w.results.map((r) => r.seq)).sort((a, b) => a - b);
    expect(seqs).toHaveLength(100);
    await until(() => subs.every((s) => s.events.length >= 100), 'both subscribers');
    await new Promise((r) => setTimeout(r, 300));
    for (const s of subs) {
      s.stop();
      expect(s.events.map((e) => e.seq)).toEqual(seqs);
    }
  });

  it('loses nothing when a process’s LISTEN connection is killed mid-stream', async () => {
    const sub = subscribe(servers[1]!.url);
    await sub.open;
    const writer = createClient({ baseUrl: servers[0]!.url, apiKey: key });
    const admin = knexFactory({ client: 'pg', connection: store.databaseUrl });
    const seqs: number[] = [];
    for (let i = 0; i < 10; i++) {
      if (i === 4) {
        await admin.raw(
          "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'ballast-listen' and datname = current_database()",
        );
      }
      const res = await writer.call('ingestEvents', {
        body: { occurredAt: new Date().toISOString(), kind: 'alert', title: `k${i}` },
      });
      seqs.push(res.results[0]!.seq);
    }
    await admin.destroy();
    await until(() => sub.events.length >= 10, 'events after the LISTEN connection was killed');
    await new Promise((r) => setTimeout(r, 300));
    sub.stop();
    expect(sub.events.map((e) => e.seq)).toEqual(seqs);
  });

  it('lets a client that reconnects to the other process with Last-Event-ID get exactly what it missed', async () => {
    const writer = createClient({ baseUrl: servers[0]!.url, apiKey: key });
    const first = subscribe(servers[0]!.url);
    await first.open;
    const a = await writer.call('ingestEvents', {
      body: { occurredAt: new Date().toISOString(), kind: 'deploy', title: 'seen' },
    });
    await until(() => first.events.length >= 1, 'the first event');
    first.stop();
    const missed = await writer.call('ingestEvents', {
      body: {
        events: ['m1', 'm2', 'm3'].map((title) => ({
          occurredAt: new Date().toISOString(),
          kind: 'deploy' as const,
          title,
        })),
      },
    });
    const resumed = subscribe(servers[1]!.url, first.events[first.events.length - 1]!.seq);
    await resumed.open;
    const live = await writer.call('ingestEvents', {
      body: { occurredAt: new Date().toISOString(), kind: 'deploy', title: 'after' },
    });
    await until(() => resumed.events.length >= 4, 'missed and live events');
    await new Promise((r) => setTimeout(r, 300));
    resumed.stop();
    expect(first.events.map((e) => e.seq)).toEqual([a.results[0]!.seq]);
    expect(resumed.events.map((e) => e.title)).toEqual(['m1', 'm2', 'm3', 'after']);
    expect(resumed.events.map((e) => e.seq)).toEqual([...missed.results.map((r) => r.seq), live.results[0]!.seq]);
  });

  describe('stabilize across the two processes', () => {
    const post = (url: string, path: string, body: unknown) =>
      fetch(url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const get = (url: string, path: string, headers: Record<string, string> = {}) =>
      fetch(url + path, { headers: { authorization: `Bearer ${key}`, ...headers } });

    it('lets exactly one request win when both processes race for a scope', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          post(servers[i % 2]!.url, '/v1/stabilize/requests', {
            service: 'race',
            environment: 'staging',
            reason: `racer ${i}`,
          }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    });

    it('wakes a long-poll on one process when the other enters stabilize', async () => {
      const first = await get(servers[1]!.url, '/v1/stabilize/poll/staging/policy');
      const etag = first.headers.get('etag')!;
      const started = Date.now();
      const polled = get(servers[1]!.url, '/v1/stabilize/poll/staging/policy?wait=20', { 'if-none-match': etag });
      await new Promise((r) => setTimeout(r, 300));
      expect(
        (
          await post(servers[0]!.url, '/v1/stabilize/requests', {
            service: 'poll',
            environment: 'staging',
            reason: 'queue backlog',
          })
        ).status,
      ).toBe(201);
      const answer = await polled;
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { mode: string }).mode).toBe('enforce');
      expect(Date.now() - started).toBeLessThan(15_000); // the change woke it, not the 20 s deadline
    });

    it('ends a due stabilize exactly once while both processes sweep', async () => {
      const made = (await (
        await post(servers[0]!.url, '/v1/stabilize/requests', {
          service: 'due',
          environment: 'staging',
          reason: 'disk pressure',
        })
      ).json()) as { id: string; expiresAt: string };
      const db = knexFactory({ client: 'pg', connection: store.databaseUrl });
      const row = await db('stabilizes').where({ id: made.id }).first();
      const doc = JSON.parse(row.doc) as { expiresAt: string };
      const past = Date.now() - 1000;
      doc.expiresAt = new Date(past).toISOString();
      await db('stabilizes')
        .where({ id: made.id })
        .update({ doc: JSON.stringify(doc), due_at: past });
      await db.destroy();
      const state = async () =>
        ((await (await get(servers[1]!.url, `/v1/stabilize/requests/${made.id}`)).json()) as { state: string }).state;
      const start = Date.now();
      while ((await state()) !== 'expired') {
        if (Date.now() - start > 20_000) throw new Error('the stabilize was not expired by either process');
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 6000)); // both have swept again since
      const events = (await (await get(servers[0]!.url, '/v1/events?source=stabilize&service=due')).json()) as {
        events: { status: string }[];
      };
      expect(events.events.map((e) => e.status).sort()).toEqual(['active', 'expired']);
    }, 40_000);
  });
});
