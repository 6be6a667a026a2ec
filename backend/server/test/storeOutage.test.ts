/** PostgreSQL goes away and comes back: writes answer 503, readiness follows, nothing half-written. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@ballast/contract';
import { startServer, type RunningServer } from '../src/server.js';
import { createTestStore, testConfig, type TestStore } from './harness.js';
import { startTcpProxy } from './tcpProxy.js';
import { anEvent } from './fixtures.js';

describe('store outage on postgres', () => {
  let store: TestStore;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let server: RunningServer;
  let key: string;

  beforeAll(async () => {
    store = await createTestStore('postgres');
    const url = new URL(store.databaseUrl!);
    proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
    url.host = `127.0.0.1:${proxy.port}`;
    const config = testConfig({ databaseUrl: url.toString() });
    key = config.bootstrapAdminKey!;
    server = await startServer(config, () => {});
  });
  afterAll(async () => {
    await server?.close();
    await proxy?.stop();
    await store?.drop();
  });

  const post = (body: unknown) =>
    fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers 503 with Retry-After while the store is down, and recovers without a restart', async () => {
    const before = await post(anEvent({ service: 'outage', title: 'before', dedupeKey: 'before' }));
    expect(before.status).toBe(201);

    await proxy.cut();
    const during = await post({ events: [anEvent({ service: 'outage', title: 'during', dedupeKey: 'during' })] });
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('5');
    expect(await during.json()).toMatchObject({ code: 'store_unavailable' });
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable' });
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);

    await proxy.restore();
    // The pool reconnects on its own; wait for readiness rather than sleeping.
    let up = false;
    for (let i = 0; i < 50 && !up; i++) {
      up = (await fetch(`${server.url}/health/ready`)).status === 200;
      if (!up) await new Promise((r) => setTimeout(r, 200));
    }
    expect(up).toBe(true);
    const retry = await post({ events: [anEvent({ service: 'outage', title: 'during', dedupeKey: 'during' })] });
    expect(retry.status).toBe(201);

    const client = createClient({ baseUrl: server.url, apiKey: key });
    const page = await client.call('searchEvents', { query: { service: 'outage' } });
    expect(page.events.map((e) => e.title).sort()).toEqual(['before', 'during']);
    expect(page.events.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
      [page.events[1]!.seq, page.events[1]!.seq + 1].sort((a, b) => a - b),
    );
  });
});
