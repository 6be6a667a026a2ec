/** The live stream on each dialect, in one process: order, filters, resume, a dropped LISTEN. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import knexFactory from 'knex';
import type { Event } from '@ballast/contract';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';
import { anEvent, eventsAt } from './fixtures.js';

/** Collects a stream's events and lets a test wait for a condition on them (no fixed sleeps). */
export function collect(server: TestServer, query: Record<string, unknown> = {}, after?: number) {
  const events: Event[] = [];
  const controller = new AbortController();
  let opened!: () => void;
  const open = new Promise<void>((r) => (opened = r));
  const done = server.admin
    .stream(query as never, (e) => events.push(e), { after, signal: controller.signal, onOpen: () => opened() })
    .catch((err: unknown) => {
      if (!controller.signal.aborted) throw err;
      return undefined;
    });
  return {
    events,
    open,
    done,
    async until(pred: (events: Event[]) => boolean, timeoutMs = 15_000): Promise<void> {
      const start = Date.now();
      while (!pred(events)) {
        if (Date.now() - start > timeoutMs) throw new Error(`stream condition not met; have ${events.length} events`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop() {
      controller.abort();
    },
  };
}

describe.each(DIALECTS)('live stream on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => server?.close());

  it('delivers new events in seq order, exactly once, with the seq as SSE id', async () => {
    const sub = collect(server, { service: 'live' });
    await sub.open;
    const written: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await server.admin.call('ingestEvents', {
        body: { events: eventsAt(20, undefined, (j) => ({ service: 'live', title: `live ${i}-${j}` })) },
      });
      written.push(...res.results.map((r) => r.seq));
    }
    await sub.until((e) => e.length >= 100);
    await new Promise((r) => setTimeout(r, 200)); // nothing more may arrive: give a stray duplicate the chance to show
    sub.stop();
    expect(sub.events.map((e) => e.seq)).toEqual(written);
  });

  it('applies the search filters, text included', async () => {
    const sub = collect(server, { kind: 'deploy', q: 'canary', tag: 'team:edge' });
    await sub.open;
    await server.admin.call('ingestEvents', {
      body: {
        events: [
          anEvent({ service: 'f', title: 'Canary deploy of edge', tags: { team: 'edge' } }),
          anEvent({ service: 'f', title: 'Canary deploy of core', tags: { team: 'core' } }),
          anEvent({ service: 'f', kind: 'alert', title: 'canary alert', tags: { team: 'edge' } }),
          anEvent({ service: 'f', title: 'Full deploy of edge', tags: { team: 'edge' } }),
          anEvent({ service: 'f', title: 'canaryish rollout', tags: { team: 'edge' } }),
        ],
      },
    });
    await sub.until((e) => e.length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    sub.stop();
    expect(sub.events.map((e) => e.title)).toEqual(['Canary deploy of edge', 'canaryish rollout']);
  });

  it('resumes after Last-Event-ID with exactly what was missed, then follows live', async () => {
    const first = await server.admin.call('ingestEvents', {
      body: { events: eventsAt(3, undefined, (i) => ({ service: 'resume', title: `r${i}` })) },
    });
    const lastSeen = first.results[0]!.seq;
    const sub = collect(server, { service: 'resume' }, lastSeen);
    await sub.open;
    await server.admin.call('ingestEvents', { body: anEvent({ service: 'resume', title: 'r-live' }) });
    await sub.until((e) => e.length >= 3);
    await new Promise((r) => setTimeout(r, 200));
    sub.stop();
    expect(sub.events.map((e) => e.title)).toEqual(['r1', 'r2', 'r-live']);
  });

  it('refuses a bad Last-Event-ID and bad filters before streaming', async () => {
    const res = await server.fetch('/v1/events/stream', {
      headers: { 'last-event-id': 'abc', accept: 'text/event-stream' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { details: { path: string }[] }).details[0]!.path).toBe('headers.last-event-id');
    const bad = await server.fetch('/v1/events/stream?kind=nope', { headers: { accept: 'text/event-stream' } });
    expect(bad.status).toBe(400);
    const anon = await server.fetch('/v1/events/stream', { key: null, headers: { accept: 'text/event-stream' } });
    expect(anon.status).toBe(401);
  });

  it('keeps tenants apart', async () => {
    const other = await server.admin.call('createTenant', { body: { id: `stream-${dialect}`, name: 'S' } });
    const theirs = collect({ ...server, admin: server.client(other.adminKey.secret) });
    await theirs.open;
    await server.admin.call('ingestEvents', { body: anEvent({ service: 'mine-only' }) });
    await server.client(other.adminKey.secret).call('ingestEvents', { body: anEvent({ service: 'theirs-only' }) });
    await theirs.until((e) => e.some((x) => x.service === 'theirs-only'));
    theirs.stop();
    expect(theirs.events.every((e) => e.tenant === `stream-${dialect}`)).toBe(true);
  });

  if (dialect === 'postgres') {
    it('loses nothing when the LISTEN connection is killed mid-stream', async () => {
      const sub = collect(server, { service: 'killed' });
      await sub.open;
      const admin = knexFactory({ client: 'pg', connection: server.store.databaseUrl });
      const written: number[] = [];
      for (let i = 0; i < 6; i++) {
        if (i === 3) {
          const killed = await admin.raw(
            "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'ballast-listen' and datname = current_database()",
          );
          expect(killed.rows.length).toBeGreaterThan(0);
        }
        const res = await server.admin.call('ingestEvents', {
          body: { events: eventsAt(10, undefined, () => ({ service: 'killed' })) },
        });
        written.push(...res.results.map((r) => r.seq));
      }
      await admin.destroy();
      await sub.until((e) => e.length >= written.length);
      await new Promise((r) => setTimeout(r, 200));
      sub.stop();
      expect(sub.events.map((e) => e.seq)).toEqual(written);
    });
  }
});
