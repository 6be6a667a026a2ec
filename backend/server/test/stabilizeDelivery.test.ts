/**
 * Stabilize delivery to actuators, through real HTTP on both dialects: signed webhook actuators
 * answered by a local receiver that verifies every signature and can be told to fail or to hold a
 * revert, so acknowledgements, `partially_active`, `exiting`, give-up and retry are all observed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Stabilize } from '@ballast/contract';
import { signature } from '@ballast/plugins';
import { startServer, type RunningServer } from '../src/server.js';
import { createTestStore, DIALECTS, openStore, testConfig, type TestStore } from './harness.js';

const SECRET = 'an-actuator-secret-of-some-length';

interface Call {
  path: string;
  action: string;
  stabilizeId: string;
  flags: string[];
  snapshot?: unknown;
}

describe.each(DIALECTS)('stabilize delivery on %s', (dialect) => {
  let store: TestStore;
  let server: RunningServer;
  let receiver: Server;
  let adminKey: string;
  const calls: Call[] = [];
  const notifications: { type: string; text: string; id: string }[] = [];
  const badSignatures: string[] = [];
  /** Per receiver path: answer 500 to these actions. */
  const failing = new Map<string, Set<string>>();
  /** Per receiver path: reverts wait until released. */
  const held = new Map<string, () => void>();
  const holding = new Set<string>();

  function receive(req: IncomingMessage, res: ServerResponse, raw: string) {
    const path = req.url!;
    const ts = String(req.headers['x-ballast-timestamp']);
    if (req.headers['x-ballast-signature'] !== signature(SECRET, ts, raw)) {
      badSignatures.push(path);
      return res.writeHead(401).end('bad signature');
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    if (path === '/notify') {
      const s = body.stabilize as { id: string };
      notifications.push({ type: body.type as string, text: body.text as string, id: s.id });
      return res.writeHead(200).end('ok');
    }
    const policy = body.policy as { stabilizeId: string; flags: string[] };
    const action = body.action as string;
    calls.push({ path, action, stabilizeId: policy.stabilizeId, flags: policy.flags, snapshot: body.snapshot });
    if (failing.get(path)?.has(action)) return res.writeHead(500).end('flag service down');
    const answer = () =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(action === 'apply' ? { turnedOff: policy.flags, at: path } : {}));
    if (action === 'revert' && holding.has(path)) held.set(path, answer);
    else answer();
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => receive(req, res, raw));
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    store = await createTestStore(dialect);
    const config = testConfig(store, {
      stabilizeSweepIntervalMs: 100,
      stabilize: { defaults: { requireApproval: false }, environments: {} },
      actuatorRetry: { maxAttempts: 3, firstDelayMs: 150 },
      actuators: [
        { type: 'webhook', url: `${base}/flags`, secret: SECRET, name: 'flags', tenant: 'default' },
        { type: 'webhook', url: `${base}/gateway`, secret: SECRET, name: 'gateway', tenant: 'default' },
        {
          type: 'webhook',
          url: `${base}/staging-only`,
          secret: SECRET,
          name: 'staging-only',
          tenant: 'default',
          environments: ['staging'],
        },
      ],
      notifications: { targets: [{ kind: 'webhook', url: `${base}/notify`, secret: SECRET, tenant: 'default' }] },
    });
    adminKey = config.bootstrapAdminKey!;
    server = await startServer(config, () => {});
    for (const svc of ['checkout', 'payments', 'search', 'ledger', 'cart'])
      expect(
        (await call(`/v1/stabilize/profiles/${svc}`, 'PUT', { flags: [`${svc}-recs`, `${svc}-promo`] })).status,
      ).toBe(200);
  });
  afterAll(async () => {
    for (const release of held.values()) release();
    await server?.close();
    await store?.drop();
    await new Promise((r) => receiver?.close(r));
  });

  async function call(path: string, method = 'GET', body?: unknown) {
    const res = await fetch(server.url + path, {
      method: body !== undefined && method === 'GET' ? 'POST' : method,
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  }
  const enter = async (service: string, environment = 'production') => {
    const r = await call('/v1/stabilize/requests', 'POST', { service, environment, reason: 'p99 latency burning' });
    expect(r.status).toBe(201);
    return r.json as unknown as Stabilize;
  };
  const get = async (id: string) => (await call(`/v1/stabilize/requests/${id}`)).json as unknown as Stabilize;
  /** Waits (polling the API) until the stabilize satisfies `pred`; fails with its last state. */
  async function until(id: string, pred: (s: Stabilize) => boolean, what: string): Promise<Stabilize> {
    const start = Date.now();
    for (;;) {
      const s = await get(id);
      if (pred(s)) return s;
      if (Date.now() - start > 15_000)
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ state: s.state, delivery: s.delivery })}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const timeline = async (id: string) => {
    const page = await call(`/v1/events?source=stabilize&limit=200`);
    return (page.json.events as { title: string; status: string; correlation: { stabilizeId?: string } }[])
      .filter((e) => e.correlation.stabilizeId === id)
      .reverse();
  };

  it('applies on entering, records each acknowledgement, and exits only once every revert is acknowledged', async () => {
    holding.add('/gateway');
    const s = await enter('checkout');
    expect(s.state).toBe('active');
    expect(s.delivery?.actuations.map((a) => a.actuator)).toEqual(['flags', 'gateway']);
    const applied = await until(s.id, (x) => x.delivery?.status === 'active', 'both applied');
    expect(applied.delivery!.actuations.every((a) => a.actual === 'applied' && a.status === 'done')).toBe(true);
    const applies = calls.filter((c) => c.stabilizeId === s.id && c.action === 'apply');
    expect(applies.map((c) => c.path).sort()).toEqual(['/flags', '/gateway']);
    expect(applies[0]!.flags).toEqual(['checkout-recs', 'checkout-promo']);
    expect(calls.some((c) => c.path === '/staging-only')).toBe(false);

    const exit = await call('/v1/stabilize/checkout/production/exit', 'POST', { reason: 'latency back to normal' });
    expect(exit.status).toBe(200);
    expect(exit.json.state).toBe('exiting');
    // Services run normally at once, but the scope stays held until the reverts are acknowledged.
    const policy = await call('/v1/stabilize/checkout/production/policy');
    expect(policy.json.mode).toBe('normal');
    const again = await call('/v1/stabilize/requests', 'POST', {
      service: 'checkout',
      environment: 'production',
      reason: 'again',
    });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('already_stabilized');

    await until(
      s.id,
      (x) => x.delivery?.actuations.find((a) => a.actuator === 'flags')?.actual === 'reverted',
      'flags',
    );
    expect((await get(s.id)).state).toBe('exiting');
    while (!held.has('/gateway')) await new Promise((r) => setTimeout(r, 20));
    holding.delete('/gateway');
    held.get('/gateway')!();
    held.delete('/gateway');
    const ended = await until(s.id, (x) => x.state === 'ended', 'ended');
    expect(ended.delivery?.status).toBe('reverted');
    // Each revert got back the snapshot its apply answered.
    const revert = calls.find((c) => c.stabilizeId === s.id && c.action === 'revert' && c.path === '/flags');
    expect(revert?.snapshot).toEqual({ turnedOff: ['checkout-recs', 'checkout-promo'], at: '/flags' });

    const statuses = (await timeline(s.id)).map((e) => e.status);
    expect(statuses).toEqual(['active', 'delivered', 'exiting', 'ended']);
    expect(badSignatures).toEqual([]);
  });

  it('is partially_active while one actuator fails, gives up after maxAttempts, and a retry from the API completes it', async () => {
    failing.set('/gateway', new Set(['apply']));
    const s = await enter('payments');
    const partial = await until(s.id, (x) => x.delivery?.status === 'partially_active', 'partially active');
    const gw = partial.delivery!.actuations.find((a) => a.actuator === 'gateway')!;
    expect(gw.lastError).toMatch(/500/);
    const failed = await until(
      s.id,
      (x) => x.delivery?.actuations.find((a) => a.actuator === 'gateway')?.status === 'failed',
      'gateway gave up',
    );
    expect(failed.state).toBe('active');
    expect(failed.delivery!.status).toBe('partially_active');
    expect(failed.delivery!.actuations.find((a) => a.actuator === 'flags')).toMatchObject({ actual: 'applied' });
    expect(calls.filter((c) => c.stabilizeId === s.id && c.path === '/gateway')).toHaveLength(3);
    // Told twice: at the first failure and when it gave up.
    const told = () => notifications.filter((n) => n.id === s.id && n.type === 'actuator_failed');
    while (told().length < 2) await new Promise((r) => setTimeout(r, 20));
    expect(told()[0]!.text).toMatch(/gateway failed to apply: .*500.*retrying at/);
    expect(told()[1]!.text).toMatch(/gave up; retry it from the API/);

    const unknown = await call(`/v1/stabilize/requests/${s.id}/retry`, 'POST', { actuator: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.details).toEqual([{ path: 'body.actuator', message: 'not an actuator of this stabilize' }]);
    const nothing = await call(`/v1/stabilize/requests/${s.id}/retry`, 'POST', { actuator: 'flags' });
    expect(nothing.status).toBe(409);
    expect(nothing.json.code).toBe('nothing_to_retry');

    failing.delete('/gateway');
    const retried = await call(`/v1/stabilize/requests/${s.id}/retry`, 'POST', {});
    expect(retried.status).toBe(202);
    expect(
      (retried.json as unknown as Stabilize).delivery!.actuations.find((a) => a.actuator === 'gateway'),
    ).toMatchObject({
      status: 'pending',
      attempts: 0,
    });
    await until(s.id, (x) => x.delivery?.status === 'active', 'active after retry');
    expect((await timeline(s.id)).map((e) => e.status)).toEqual([
      'active',
      'partially_active',
      'partially_active',
      'retry',
      'delivered',
    ]);
    expect((await call('/v1/stabilize/payments/production/exit', 'POST', { reason: 'done' })).status).toBe(200);
    await until(s.id, (x) => x.state === 'ended', 'ended');
  });

  it('fails when a revert gives up, frees the scope, and ends once a retried revert is acknowledged', async () => {
    const s = await enter('search');
    await until(s.id, (x) => x.delivery?.status === 'active', 'applied');
    failing.set('/flags', new Set(['revert']));
    expect((await call('/v1/stabilize/search/production/exit', 'POST', { reason: 'recovered' })).json.state).toBe(
      'exiting',
    );
    const failed = await until(s.id, (x) => x.state === 'failed', 'failed');
    expect(failed.delivery!.status).toBe('revert_failed');
    expect(failed.delivery!.actuations.find((a) => a.actuator === 'flags')).toMatchObject({
      status: 'failed',
      actual: 'applied',
      attempts: 3,
    });
    // The scope is free again: a new stabilize may enter while a person sees to the old revert.
    const next = await enter('search');
    expect(next.state).toBe('active');
    failing.delete('/flags');
    expect((await call(`/v1/stabilize/requests/${s.id}/retry`, 'POST', {})).status).toBe(202);
    const ended = await until(s.id, (x) => x.state === 'ended', 'ended after retry');
    expect(ended.delivery!.status).toBe('reverted');
    const statuses = (await timeline(s.id)).map((e) => e.status);
    expect(statuses).toEqual(['active', 'delivered', 'exiting', 'revert_failing', 'failed', 'retry', 'ended']);
    expect((await get(next.id)).state).toBe('active');
    await call('/v1/stabilize/search/production/exit', 'POST', { reason: 'done' });
  });

  it('expires through exiting too, and ends at once when nothing was applied yet (shadow period)', async () => {
    // TTL reached: expiry waits for the reverts like an exit does. The expiry is moved into the past
    // in the store, and the server's own sweep finds it.
    const s = await enter('ledger');
    await until(s.id, (x) => x.delivery?.status === 'active', 'applied');
    const db = openStore(store);
    try {
      const row = await db('stabilizes').where({ id: s.id }).first();
      const doc = JSON.parse(row.doc) as Stabilize;
      // Now, not earlier: the timeline orders the expiry after the acknowledgements that came before it.
      const past = Date.now();
      doc.expiresAt = new Date(past).toISOString();
      await db('stabilizes')
        .where({ id: s.id })
        .update({ doc: JSON.stringify(doc), due_at: past });
    } finally {
      await db.destroy();
    }
    const expired = await until(s.id, (x) => x.state === 'expired', 'expired');
    expect(expired.delivery!.status).toBe('reverted');
    expect((await timeline(s.id)).map((e) => e.status)).toEqual(['active', 'delivered', 'exiting', 'expired']);
    expect(
      calls
        .filter((c) => c.stabilizeId === s.id && c.action === 'revert')
        .map((c) => c.path)
        .sort(),
    ).toEqual(['/flags', '/gateway']);

    expect((await call('/v1/stabilize/profiles/cart', 'PUT', { flags: ['cart-recs'], shadowMinutes: 30 })).status).toBe(
      200,
    );
    const shadow = await enter('cart');
    expect(
      shadow.delivery!.actuations.every((a) => a.actual === 'none' && a.nextAttemptAt === shadow.enforceFrom),
    ).toBe(true);
    const exit = await call('/v1/stabilize/cart/production/exit', 'POST', { reason: 'false alarm' });
    expect(exit.json.state).toBe('ended');
    expect((exit.json as unknown as Stabilize).delivery!.status).toBe('reverted');
    expect(calls.filter((c) => c.stabilizeId === shadow.id)).toEqual([]);

    // Staging has its own actuator: only it is planned there.
    const staged = await enter('ledger', 'staging');
    expect(staged.delivery!.actuations.map((a) => a.actuator)).toEqual(['flags', 'gateway', 'staging-only']);
    await until(staged.id, (x) => x.delivery?.status === 'active', 'staging applied');
    await call('/v1/stabilize/ledger/staging/exit', 'POST', { reason: 'done' });
    await until(staged.id, (x) => x.state === 'ended', 'staging ended');
  });
});
