/**
 * @ballast/stabilize through its public exports, against a real Ballast server (SQLite) on a real port:
 * a real Fastify app and a real Express app under load from a local client, the policy client across a
 * restart and across expiry with Ballast stopped, and the OpenFeature provider through the SDK itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import express from 'express';
import knexFactory from 'knex';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import type { EffectivePolicy } from '@ballast/contract';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { createTestStore, testConfig, type TestStore } from '../../server/test/harness.js';
import {
  createClamp,
  PolicyClient,
  StabilizeFlagProvider,
  stabilizeMiddleware,
  stabilizeOnRequest,
  stabilizeFastify,
  TokenBucket,
} from '../src/index.js';

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function until(pred: () => boolean, what: string, ms = 15_000) {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `n` GETs, `parallel` at a time, as fast as the app answers; the statuses and how long it took. */
async function hammer(url: string, n: number, parallel = 10) {
  const statuses: number[] = [];
  const retryAfter: string[] = [];
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        next++;
        const res = await fetch(url);
        statuses.push(res.status);
        if (res.status === 503) retryAfter.push(res.headers.get('retry-after') ?? '');
        await res.arrayBuffer();
      }
    }),
  );
  return {
    ok: statuses.filter((s) => s === 200).length,
    shed: statuses.filter((s) => s === 503).length,
    retryAfter,
    seconds: (Date.now() - started) / 1000,
  };
}

describe('token bucket', () => {
  it.each([
    // rate, burst, takes at t=0, then a take at t ms: expected
    [10, 10, 10, 0, false],
    [10, 10, 10, 100, true], // one token back after 100 ms
    [10, 10, 10, 99, false],
    [2, 5, 5, 499, false],
    [2, 5, 5, 500, true],
  ])('rate %d, burst %d: %d taken, then at +%d ms → %s', (rate, burst, taken, at, expected) => {
    const b = new TokenBucket(rate, burst, 0);
    for (let i = 0; i < taken; i++) expect(b.take(0).ok).toBe(true);
    expect(b.take(at).ok).toBe(expected);
  });

  it('says when the next token comes', () => {
    const b = new TokenBucket(0.5, 1, 0);
    b.take(0);
    expect(b.take(0)).toEqual({ ok: false, retryAfterSeconds: 2 });
  });
});

describe('@ballast/stabilize against a real Ballast', () => {
  let store: TestStore;
  let server: RunningServer;
  let port: number;
  let adminKey: string;
  let viewerKey: string;
  const clients: PolicyClient[] = [];

  const start = async () => {
    server = await startServer(testConfig(store, { port, bootstrapAdminKey: adminKey }), () => {});
  };
  const api = async (path: string, method: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const stabilize = async (service: string, profile: Record<string, unknown>) => {
    await api(`/v1/stabilize/profiles/${service}`, 'PUT', profile);
    return api('/v1/stabilize/requests', 'POST', {
      service,
      environment: 'staging',
      reason: 'sdk test',
      ttlMinutes: 60,
    });
  };
  const follow = async (service: string) => {
    const c = new PolicyClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: viewerKey,
      service,
      environment: 'staging',
      retryMs: 100,
      maxRetryMs: 500,
    });
    clients.push(c);
    await c.start();
    return c;
  };

  beforeAll(async () => {
    store = await createTestStore('sqlite');
    port = await freePort();
    adminKey = testConfig(store).bootstrapAdminKey!;
    await start();
    viewerKey = (await api('/v1/keys', 'POST', { name: 'sdk', role: 'viewer' })).secret as string;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await server?.close();
    await store?.drop();
  });

  it('sheds a Fastify app down to the clamp with 503 and Retry-After', async () => {
    await stabilize('fast', { rateClamp: { requestsPerSecond: 20, split: 'per_instance' } });
    const client = await follow('fast');
    await until(() => client.mode() === 'enforce', 'enforce');
    const clamp = createClamp(client);
    const app = Fastify();
    app.addHook('onRequest', stabilizeOnRequest(clamp));
    app.get('/work', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const r = await hammer(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/work`, 150);
    await app.close();
    expect(r.shed).toBeGreaterThan(0);
    expect(r.ok).toBeGreaterThanOrEqual(20); // the burst
    expect(r.ok).toBeLessThanOrEqual(20 + Math.ceil(20 * r.seconds) + 1);
    expect(r.retryAfter.every((v) => Number(v) >= 1)).toBe(true);
    expect(clamp.stats).toMatchObject({ allowed: r.ok, shed: r.shed, wouldShed: 0 });
  });

  it('sheds the same through the route-wrapping Fastify plugin, and leaves routes added before it alone', async () => {
    await stabilize('wrapped', { rateClamp: { requestsPerSecond: 20, split: 'per_instance' } });
    const client = await follow('wrapped');
    await until(() => client.mode() === 'enforce', 'enforce');
    const clamp = createClamp(client);
    const app = Fastify();
    app.get('/health', async () => ({ ok: true }));
    await app.register(stabilizeFastify(clamp));
    app.get('/work', async () => ({ ok: true }));
    app.post('/orders', async (request) => ({ got: request.body }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const r = await hammer(`${base}/work`, 150);
    const orders = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${base}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id: i }),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> })),
      ),
    );
    const health = await hammer(`${base}/health`, 50);
    await app.close();
    expect(r.shed).toBeGreaterThan(0);
    expect(r.ok).toBeGreaterThanOrEqual(20);
    expect(r.ok).toBeLessThanOrEqual(20 + Math.ceil(20 * r.seconds) + 1);
    expect(r.retryAfter.every((v) => Number(v) >= 1)).toBe(true);
    expect(health).toMatchObject({ ok: 50, shed: 0 }); // added before the plugin: not covered
    // Routes with a body go through the same bucket (drained by now): most are shed, the rest answered.
    const shedOrders = orders.filter((o) => o.status === 503);
    expect(shedOrders.length).toBeGreaterThan(0);
    expect(shedOrders.every((o) => o.body.code === 'stabilized')).toBe(true);
    expect(
      orders.filter((o) => o.status === 200).every((o) => typeof (o.body.got as { id: number }).id === 'number'),
    ).toBe(true);
    expect(clamp.stats.allowed + clamp.stats.shed).toBe(150 + 40);
    expect(clamp.stats.shed).toBe(r.shed + shedOrders.length);
  });

  it('shares a total limit among instances and clamps routes in an Express app', async () => {
    await stabilize('shared', {
      rateClamp: {
        requestsPerSecond: 40,
        split: 'divide_total',
        routes: [{ route: 'GET /export/*', requestsPerSecond: 4 }],
      },
    });
    const client = await follow('shared');
    await until(() => client.mode() === 'enforce', 'enforce');
    const clamp = createClamp(client, { instances: 4 }); // this instance's share: 10 req/s, exports 1 req/s
    const app = express();
    app.use(stabilizeMiddleware(clamp));
    app.get('/work', (_req, res) => res.json({ ok: true }));
    app.get('/export/:id', (_req, res) => res.json({ ok: true }));
    const srv = app.listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    const work = await hammer(`${base}/work`, 100);
    await new Promise((r) => setTimeout(r, 1100)); // the shared bucket fills again
    const exports = await hammer(`${base}/export/1`, 30);
    await new Promise((r) => srv.close(r));
    expect(work.ok).toBeGreaterThanOrEqual(10);
    expect(work.ok).toBeLessThanOrEqual(10 + Math.ceil(10 * work.seconds) + 1);
    expect(exports.ok).toBeGreaterThanOrEqual(1);
    expect(exports.ok).toBeLessThanOrEqual(1 + Math.ceil(1 * exports.seconds) + 1);
  });

  it('splits a divide_total clamp by the instances Ballast has heard from', async () => {
    await stabilize('fleet', { rateClamp: { requestsPerSecond: 30, split: 'divide_total' } });
    const beat = { retryMs: 100, heartbeatMs: 100 };
    const make = (instanceId: string) =>
      new PolicyClient({
        baseUrl: `http://127.0.0.1:${port}`,
        apiKey: viewerKey,
        service: 'fleet',
        environment: 'staging',
        instanceId,
        ...beat,
      });
    const fleet = [make('fleet-a'), make('fleet-b'), make('fleet-c')];
    clients.push(...fleet);
    await Promise.all(fleet.map((c) => c.start()));
    await until(() => fleet.every((c) => c.instances() === 3 && c.mode() === 'enforce'), 'three instances', 30_000);
    const clamp = createClamp(fleet[0]!); // 30 / 3 = 10 req/s for this one
    const app = Fastify();
    app.addHook('onRequest', stabilizeOnRequest(clamp));
    app.get('/work', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const r = await hammer(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/work`, 80);
    await app.close();
    expect(r.ok).toBeGreaterThanOrEqual(10);
    expect(r.ok).toBeLessThanOrEqual(10 + Math.ceil(10 * r.seconds) + 1);
  });

  it('counts what it would shed in a shadow period without shedding', async () => {
    await stabilize('shadowed', { rateClamp: { requestsPerSecond: 5, split: 'per_instance' }, shadowMinutes: 10 });
    const client = await follow('shadowed');
    await until(() => client.mode() === 'shadow', 'shadow');
    const clamp = createClamp(client);
    const app = Fastify();
    app.addHook('onRequest', stabilizeOnRequest(clamp));
    app.get('/work', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const r = await hammer(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/work`, 60);
    await app.close();
    expect(r).toMatchObject({ ok: 60, shed: 0 });
    expect(clamp.stats.wouldShed).toBeGreaterThan(0);
    expect(clamp.stats.allowed + clamp.stats.wouldShed).toBe(60);
  });

  it('keeps the policy across a Ballast restart and follows changes after it', async () => {
    await stabilize('restart', { flags: ['heavy-report'] });
    const client = await follow('restart');
    await until(() => client.mode() === 'enforce', 'enforce');
    await server.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(client.mode()).toBe('enforce'); // Ballast away: the policy holds until its expiry
    await start();
    await api('/v1/stabilize/restart/staging/exit', 'POST', { reason: 'recovered' });
    await until(() => client.mode() === 'normal', 'the exit after the restart');
    expect(client.flagOff('heavy-report')).toBe(false);
  });

  it('returns to normal at expiresAt while Ballast is stopped', async () => {
    const made = await stabilize('expiring', { breakers: { consecutiveErrors: 3, openSeconds: 10, maxPending: 5 } });
    // Bring the end near: the row as Ballast stores it, expiring three seconds from now.
    const db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: `${store.dataDir}/ballast.sqlite` },
      useNullAsDefault: true,
    });
    const row = await db('stabilizes').where({ id: made.id }).first();
    const doc = JSON.parse(row.doc) as { expiresAt: string };
    const expiresAt = Date.now() + 3000;
    doc.expiresAt = new Date(expiresAt).toISOString();
    await db('stabilizes')
      .where({ id: made.id })
      .update({ doc: JSON.stringify(doc), due_at: expiresAt });
    await db.destroy();
    const client = await follow('expiring');
    await until(() => client.policy().expiresAt === doc.expiresAt, 'the near expiry');
    expect(client.breakers()).toEqual({ consecutiveErrors: 3, openSeconds: 10, maxPending: 5 });
    let normalAt = 0;
    client.on('change', (p: EffectivePolicy) => {
      if (p.mode === 'normal') normalAt = Date.now();
    });
    await server.close();
    await until(() => client.mode() === 'normal', 'the local expiry', 10_000);
    expect(normalAt).toBeGreaterThanOrEqual(expiresAt);
    expect(client.breakers()).toBeUndefined();
    await start();
  });

  it('turns flags off through OpenFeature and tells the SDK when they come back', async () => {
    await stabilize('flags', { flags: ['recommendations'] });
    const client = await follow('flags');
    await until(() => client.mode() === 'enforce', 'enforce');
    await OpenFeature.setProviderAndWait(new StabilizeFlagProvider(client));
    const of = OpenFeature.getClient();
    const details = await of.getBooleanDetails('recommendations', true);
    expect(details).toMatchObject({ value: false, reason: 'DISABLED' });
    expect(await of.getBooleanValue('checkout-v2', true)).toBe(true);
    const changed: string[][] = [];
    OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, (e) =>
      changed.push((e?.flagsChanged as string[] | undefined) ?? []),
    );
    await api('/v1/stabilize/flags/staging/exit', 'POST', { reason: 'recovered' });
    await until(() => changed.length > 0, 'the configuration-changed event');
    expect(changed[0]).toEqual(['recommendations']);
    expect(await of.getBooleanValue('recommendations', true)).toBe(true);
    await OpenFeature.close();
  });
});
