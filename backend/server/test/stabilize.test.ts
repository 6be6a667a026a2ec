/** Stabilize mode's control plane through real HTTP on both dialects. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EffectivePolicy, Stabilize } from '@ballast/contract';
import { startServer, type RunningServer } from '../src/server.js';
import { createTestStore, DIALECTS, openStore, testConfig, type TestStore } from './harness.js';

describe.each(DIALECTS)('stabilize on %s', (dialect) => {
  let store: TestStore;
  let server: RunningServer;
  let adminKey: string;
  const keys: Record<string, string> = {};

  const call = async (
    path: string,
    init: Omit<RequestInit, 'body'> & { key?: string; user?: string; body?: unknown } = {},
  ) => {
    const { key, user, body, ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set('authorization', `Bearer ${key ?? adminKey}`);
    if (user) headers.set('x-ballast-user', user);
    if (body !== undefined) headers.set('content-type', 'application/json');
    const res = await fetch(server.url + path, {
      ...rest,
      method: rest.method ?? (body !== undefined ? 'POST' : 'GET'),
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  };
  const makeKey = async (name: string, role: string, kind = 'standard') =>
    (keys[name] = (await call('/v1/keys', { body: { name, role, kind } })).json.secret as string);

  beforeAll(async () => {
    store = await createTestStore(dialect);
    const config = testConfig(store, {
      stabilize: {
        defaults: {},
        environments: { production: { requireApproval: true, maxTtlMinutes: 120 }, staging: {} },
      },
      gate: {
        freezeWindows: [
          {
            name: 'always',
            environments: ['frozen'],
            start: '2000-01-01T00:00',
            end: '2999-01-01T00:00',
            timeZone: 'UTC',
          },
        ],
      },
    });
    adminKey = config.bootstrapAdminKey!;
    server = await startServer(config, () => {});
    await makeKey('grafana-operator', 'operator', 'grafana-proxy');
    await makeKey('grafana-approver', 'approver', 'grafana-proxy');
    await makeKey('ops', 'operator');
    await makeKey('viewer', 'viewer');
  });
  afterAll(async () => {
    await server?.close();
    await store?.drop();
  });

  it('versions profiles, stores a repeated one once, and previews the change against normal', async () => {
    const spec = {
      rateClamp: { requestsPerSecond: 200 },
      queues: [{ name: 'emails', action: 'pause' }],
      flags: ['recommendations'],
    };
    const v1 = await call('/v1/stabilize/profiles/checkout', { method: 'PUT', body: spec });
    expect(v1.status).toBe(200);
    expect(v1.json).toMatchObject({ service: 'checkout', version: 1, deployFreeze: true, shadowMinutes: 0 });
    expect((await call('/v1/stabilize/profiles/checkout', { method: 'PUT', body: spec })).json.version).toBe(1);
    const v2 = await call('/v1/stabilize/profiles/checkout', { method: 'PUT', body: { ...spec, shadowMinutes: 2 } });
    expect(v2.json.version).toBe(2);
    const preview = await call('/v1/stabilize/checkout/production/preview');
    expect(preview.json.version).toBe(2);
    expect(preview.json.changes).toEqual(
      expect.arrayContaining([
        { path: 'rateClamp', normal: 'no limit', stabilized: '200 req/s in total, shared by the instances' },
        { path: 'queues[emails]', normal: 'consumed normally', stabilized: 'paused' },
        { path: 'flags[recommendations]', normal: 'as configured', stabilized: 'off' },
        { path: 'deployFreeze', normal: 'deploys allowed', stabilized: 'deploys frozen' },
      ]),
    );
    const bad = await call('/v1/stabilize/profiles/checkout', {
      method: 'PUT',
      body: { rateClamp: { requestsPerSecond: -1 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.details[0].path).toBe('rateClamp.requestsPerSecond');
    expect((await call('/v1/stabilize/profiles/checkout')).json.version).toBe(2);
  });

  it('enters at once where no approval is needed; one per scope; the policy carries ETag and expiry; exit', async () => {
    const entered = await call('/v1/stabilize/requests', {
      key: keys.ops,
      body: { service: 'checkout', environment: 'staging', reason: 'latency regression', ttlMinutes: 30 },
    });
    expect(entered.status).toBe(201);
    const s = entered.json as Stabilize;
    expect(s).toMatchObject({ state: 'active', profile: { version: 2 }, ttlMinutes: 30 });

    const again = await call('/v1/stabilize/requests', {
      key: keys.ops,
      body: { service: 'checkout', environment: 'staging', reason: 'twice' },
    });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('already_stabilized');
    expect(again.json.message).toContain(s.id);

    const policy = await call('/v1/stabilize/checkout/staging/policy', { key: keys.viewer });
    expect(policy.status).toBe(200);
    expect(policy.json as EffectivePolicy).toMatchObject({
      mode: 'shadow',
      stabilizeId: s.id,
      expiresAt: s.expiresAt,
      flags: ['recommendations'],
      deployFreeze: true,
    });
    const etag = policy.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const same = await call('/v1/stabilize/checkout/staging/policy', {
      key: keys.viewer,
      headers: { 'if-none-match': etag },
    });
    expect(same.status).toBe(304);

    const exit = await call('/v1/stabilize/checkout/staging/exit', { key: keys.ops, body: { reason: 'recovered' } });
    expect(exit.json).toMatchObject({ state: 'ended', endReason: 'recovered' });
    const after = await call('/v1/stabilize/checkout/staging/policy', {
      key: keys.viewer,
      headers: { 'if-none-match': etag },
    });
    expect(after.status).toBe(200);
    expect(after.json).toMatchObject({ mode: 'normal', deployFreeze: false, flags: [] });
    expect(
      (await call('/v1/stabilize/checkout/staging/exit', { key: keys.ops, body: { reason: 'again' } })).json.code,
    ).toBe('not_stabilized');

    const timeline = await call(`/v1/events?source=stabilize&service=checkout&environment=staging`);
    expect(timeline.json.events.map((e: { status: string }) => e.status)).toEqual(['ended', 'active']);
    expect(timeline.json.events[0].correlation.stabilizeId).toBe(s.id);
  });

  it('needs a second person in production, across identities, for entering and extending', async () => {
    const asked = await call('/v1/stabilize/requests', {
      key: keys['grafana-operator'],
      user: 'Jane@Example.com',
      body: { service: 'payments', environment: 'production', reason: 'error spike after deploy' },
    });
    expect(asked.status).toBe(201);
    expect(asked.json).toMatchObject({ state: 'requested', requestedBy: { type: 'user', email: 'jane@example.com' } });
    const id = asked.json.id as string;
    expect((await call('/v1/stabilize/payments/production/policy')).json.mode).toBe('normal');

    const self = await call(`/v1/stabilize/requests/${id}/approve`, {
      key: keys['grafana-approver'],
      user: 'jane@example.com',
      body: {},
    });
    expect(self.status).toBe(403);
    expect(self.json.code).toBe('self_approval');
    const byViewer = await call(`/v1/stabilize/requests/${id}/approve`, { key: keys.viewer, body: {} });
    expect(byViewer.status).toBe(403);
    expect(byViewer.json.message).toContain('stabilize:approve');

    const approved = await call(`/v1/stabilize/requests/${id}/approve`, {
      key: keys['grafana-approver'],
      user: 'bob@example.com',
      body: { comment: 'go' },
    });
    expect(approved.json).toMatchObject({ state: 'active', approvedBy: { email: 'bob@example.com', verified: false } });

    const tooLong = await call('/v1/stabilize/payments/production/extend', {
      key: keys['grafana-operator'],
      user: 'jane@example.com',
      body: { minutes: 100, reason: 'still burning' },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json).toMatchObject({ code: 'ttl_too_long', details: [{ path: 'body.minutes' }] });
    const ext = await call('/v1/stabilize/payments/production/extend', {
      key: keys['grafana-operator'],
      user: 'jane@example.com',
      body: { minutes: 30, reason: 'still burning' },
    });
    expect(ext.json.pendingExtension).toMatchObject({ minutes: 30 });
    const extApproved = await call(`/v1/stabilize/requests/${id}/approve`, {
      key: keys['grafana-approver'],
      user: 'bob@example.com',
      body: {},
    });
    expect(Date.parse(extApproved.json.expiresAt) - Date.parse(approved.json.expiresAt)).toBe(30 * 60_000);

    const userFromPlainKey = await call('/v1/stabilize/payments/production/exit', {
      key: keys.ops,
      user: 'mallory@example.com',
      body: { reason: 'x x x' },
    });
    expect(userFromPlainKey.status).toBe(400);
    expect(userFromPlainKey.json.details[0].path).toBe('headers.x-ballast-user');
    const listed = await call('/v1/stabilize?service=payments');
    expect(listed.json.stabilizes.map((x: Stabilize) => x.id)).toEqual([id]);
  });

  it('lets break-glass in only with the permission and an incident, flagged for review', async () => {
    const body = {
      service: 'search',
      environment: 'production',
      reason: 'outage',
      breakGlass: true,
      incident: 'https://pagerduty.example.com/incidents/P1',
    };
    const refused = await call('/v1/stabilize/requests', { key: keys.ops, body });
    expect(refused.status).toBe(403);
    expect(refused.json.details[0].path).toBe('body.breakGlass');
    const entered = await call('/v1/stabilize/requests', { body });
    expect(entered.json).toMatchObject({ state: 'active', breakGlass: true, reviewRequired: true, ttlMinutes: 30 });
    const event = (await call('/v1/events?source=stabilize&service=search')).json.events[0];
    expect(event.links).toEqual([{ rel: 'incident', url: body.incident, text: 'incident' }]);
  });

  it('lets exactly one of many concurrent requests for a scope win', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('/v1/stabilize/requests', {
          key: keys.ops,
          body: { service: 'cart', environment: 'staging', reason: `racer ${i}` },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).map((r) => r.json.code)).toEqual(
      Array(7).fill('already_stabilized'),
    );
    const timeline = await call('/v1/events?source=stabilize&service=cart');
    expect(timeline.json.events).toHaveLength(1);
  });

  it('answers a long-poll as soon as the scope enters stabilize', async () => {
    const first = await call('/v1/stabilize/inventory/staging/policy', { key: keys.viewer });
    const etag = first.headers.get('etag')!;
    const started = Date.now();
    const polled = call('/v1/stabilize/inventory/staging/policy?wait=20', {
      key: keys.viewer,
      headers: { 'if-none-match': etag },
    });
    await new Promise((r) => setTimeout(r, 300));
    await call('/v1/stabilize/requests', {
      key: keys.ops,
      body: { service: 'inventory', environment: 'staging', reason: 'queue backlog' },
    });
    const answer = await polled;
    expect(answer.status).toBe(200);
    expect(answer.json.mode).toBe('enforce');
    expect(answer.headers.get('etag')).not.toBe(etag);
    expect(Date.now() - started).toBeLessThan(15_000); // woken by the change, not by the 20 s deadline
  });

  it('gates deploys on stabilize, error budget and freeze windows; records denials once; lets an override through', async () => {
    const gate = (service: string, environment: string, key = keys.ops) =>
      call(`/v1/gates/deploy?service=${service}&environment=${environment}`, { key });
    expect((await gate('gated', 'staging')).json).toMatchObject({ allowed: true, reasons: [] });

    const entered = await call('/v1/stabilize/requests', {
      key: keys.ops,
      body: { service: 'gated', environment: 'staging', reason: 'error spike' },
    });
    const denied = await gate('gated', 'staging');
    expect(denied.json).toMatchObject({
      allowed: false,
      stabilizeId: entered.json.id,
      reasons: [{ code: 'stabilized', stabilizeId: entered.json.id }],
    });
    await gate('gated', 'staging'); // CI asking again: one denial event, not two
    const denials = (await call('/v1/events?source=policy&kind=policy_decision&service=gated')).json.events;
    expect(denials.map((e: { status: string }) => e.status)).toEqual(['denied']);

    // An SLO out of budget: every request of the last hour failed.
    const slo = await call('/v1/slos', {
      body: {
        service: 'gated',
        name: 'availability',
        objective: 0.999,
        period: { kind: 'rolling', window: '30d' },
        sli: { kind: 'pushed' },
      },
    });
    expect(slo.status).toBe(201);
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const points = Array.from({ length: 60 }, (_, i) => ({
      timestamp: new Date(minute - i * 60_000).toISOString(),
      good: 0,
      total: 100,
    }));
    expect((await call(`/v1/slos/${slo.json.slo.id}/sli`, { body: { points } })).status).toBeLessThan(300);
    const budget = await gate('gated', 'production');
    expect(budget.json.allowed).toBe(false);
    expect(budget.json.reasons).toEqual([
      expect.objectContaining({ code: 'budget_exhausted', sloIds: [slo.json.slo.id] }),
    ]);
    expect(budget.json.budgetRemaining).toBeLessThan(0);

    const frozen = await gate('other', 'frozen');
    expect(frozen.json).toMatchObject({ allowed: false, reasons: [{ code: 'freeze_window', freezeWindow: 'always' }] });

    const notAllowed = await call('/v1/gates/deploy/override', {
      key: keys.ops,
      body: { service: 'other', environment: 'frozen', reason: 'hotfix for the outage' },
    });
    expect(notAllowed.status).toBe(403);
    const override = await call('/v1/gates/deploy/override', {
      body: { service: 'other', environment: 'frozen', reason: 'hotfix for the outage', minutes: 30 },
    });
    expect(override.status).toBe(201);
    const again = await call('/v1/gates/deploy/override', {
      body: { service: 'other', environment: 'frozen', reason: 'hotfix for the outage', minutes: 30 },
    });
    expect(again.json).toEqual(override.json); // a retry, not a second override
    const through = await gate('other', 'frozen');
    expect(through.json).toMatchObject({
      allowed: true,
      reasons: [{ code: 'freeze_window' }],
      override: { reason: 'hotfix for the outage', expiresAt: override.json.expiresAt },
    });
    const overrides = (await call('/v1/events?source=policy&kind=policy_decision&service=other')).json.events;
    expect(overrides.map((e: { status: string }) => e.status)).toEqual(['override', 'denied']);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/ballast_gate_checks_total\{decision="denied"\} [4-9]/);
    expect(metrics).toMatch(/ballast_gate_checks_total\{decision="overridden"\} 1/);
  });

  it('suggests entering when a page tier fires, and exiting once every SLO burns below 1× for 30 minutes', async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const push = async (service: string, good: number) => {
      const slo = await call('/v1/slos', {
        body: {
          service,
          name: 'availability',
          objective: 0.999,
          period: { kind: 'rolling', window: '30d' },
          sli: { kind: 'pushed' },
        },
      });
      const points = Array.from({ length: 90 }, (_, i) => ({
        timestamp: new Date(minute - i * 60_000).toISOString(),
        good,
        total: 100,
      }));
      expect((await call(`/v1/slos/${slo.json.slo.id}/sli`, { body: { points } })).status).toBe(200);
      return slo.json.slo.id as string;
    };
    const burning = await push('burning', 50);
    const scope = await call('/v1/stabilize/burning/staging');
    expect(scope.json).toMatchObject({ stabilize: null, policy: { mode: 'normal' } });
    expect(scope.json.suggestion).toMatchObject({ action: 'enter', sloIds: [burning] });
    expect(scope.json.suggestion.reason).toContain('page_fast');

    const calm = await push('calm', 100);
    expect((await call('/v1/stabilize/calm/staging')).json.suggestion).toBeNull(); // nothing to suggest
    await call('/v1/stabilize/requests', {
      key: keys.ops,
      body: { service: 'calm', environment: 'staging', reason: 'was burning' },
    });
    const active = await call('/v1/stabilize/calm/staging');
    expect(active.json.stabilize.state).toBe('active');
    expect(active.json.suggestion).toMatchObject({ action: 'exit', sloIds: [calm] });
  });

  it('counts the instances following a scope from their heartbeats', async () => {
    const beat = (id: string) =>
      call(`/v1/stabilize/beats/staging/instances/${id}`, { method: 'PUT', key: keys.viewer });
    expect((await beat('pod-a')).json).toEqual({ instances: 1, windowSeconds: 60 });
    await beat('pod-a');
    expect((await beat('pod-b')).json.instances).toBe(2);
    expect((await call('/v1/stabilize/beats/production/instances/pod-c', { method: 'PUT' })).json.instances).toBe(1);
    const bad = await call('/v1/stabilize/beats/staging/instances/a%20b', { method: 'PUT' });
    expect(bad.status).toBe(400);
    expect(bad.json.details[0].path).toBe('params.instance');
  });

  it('streams the policy: the current one at once, then each change', async () => {
    const res = await fetch(`${server.url}/v1/stabilize/stream-svc/staging/policy/stream`, {
      headers: { authorization: `Bearer ${keys.viewer}`, accept: 'text/event-stream' },
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const policies = () =>
      [...text.matchAll(/event: policy\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]!) as EffectivePolicy);
    const until = async (n: number) => {
      while (policies().length < n) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended after ${policies().length} policies: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await until(1);
    expect(policies()[0]!.mode).toBe('normal');
    await call('/v1/stabilize/requests', {
      key: keys.ops,
      body: { service: 'stream-svc', environment: 'staging', reason: 'memory leak' },
    });
    await until(2);
    expect(policies()[1]).toMatchObject({ mode: 'enforce', deployFreeze: true });
    await call('/v1/stabilize/stream-svc/staging/exit', { key: keys.ops, body: { reason: 'fixed' } });
    await until(3);
    expect(policies()[2]!.mode).toBe('normal');
    await reader.cancel();
  });

  it('ends a stabilize whose TTL passed while no server ran, once, when a server starts', async () => {
    const made = await call('/v1/stabilize/requests', {
      key: keys.ops,
      body: { service: 'ledger', environment: 'staging', reason: 'disk pressure', ttlMinutes: 10 },
    });
    const id = made.json.id as string;
    await server.close();
    // The time passes while every server is stopped: move the stabilize's expiry into the past.
    const db = openStore(store);
    const row = await db('stabilizes').where({ id }).first();
    const doc = JSON.parse(row.doc) as Stabilize;
    const past = Date.now() - 3_600_000;
    doc.expiresAt = new Date(past).toISOString();
    await db('stabilizes')
      .where({ id })
      .update({ doc: JSON.stringify(doc), due_at: past });
    await db.destroy();

    server = await startServer(testConfig(store, { bootstrapAdminKey: adminKey }), () => {});
    const after = await call(`/v1/stabilize/requests/${id}`);
    expect(after.json).toMatchObject({ state: 'expired', endedAt: doc.expiresAt, endReason: 'TTL reached' });
    const events = (await call('/v1/events?source=stabilize&service=ledger')).json.events;
    expect(events.map((e: { status: string; occurredAt: string }) => [e.status, e.occurredAt]).sort()).toEqual([
      ['active', made.json.activatedAt],
      ['expired', doc.expiresAt],
    ]);
  });
});
