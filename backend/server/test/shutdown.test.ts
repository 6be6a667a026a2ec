/** Graceful shutdown: a write in flight when shutdown starts is finished and stored. */
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/server.js';
import { createTestStore, DIALECTS, openStore, testConfig } from './harness.js';
import { eventsAt } from './fixtures.js';

describe.each(DIALECTS)('graceful shutdown on %s', (dialect) => {
  it('finishes in-flight writes, then refuses new connections', async () => {
    const store = await createTestStore(dialect);
    const config = testConfig(store);
    const server = await startServer(config, () => {});
    const body = JSON.stringify({
      events: eventsAt(1000, undefined, (i) => ({
        service: 'shutdown',
        description: 'x'.repeat(2000),
        dedupeKey: `s${i}`,
      })),
    });
    const inFlight = fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.bootstrapAdminKey}`, 'content-type': 'application/json' },
      body,
    });
    // Start closing once the server has the request: it counts it in flight (this probe is one more).
    for (;;) {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      if (Number(/^ballast_http_requests_in_flight (\d+)/m.exec(text)?.[1] ?? 0) >= 2) break;
    }
    const closed = server.close();
    const res = await inFlight;
    await closed;
    expect(res.status).toBe(201);
    expect(((await res.json()) as { created: number }).created).toBe(1000);
    await expect(fetch(`${server.url}/health/live`)).rejects.toThrow();

    const knex = openStore(store);
    const row = await knex('events').where({ service: 'shutdown' }).count({ n: '*' }).first();
    expect(Number(row!.n)).toBe(1000);
    await knex.destroy();
    await store.drop();
  });
});
