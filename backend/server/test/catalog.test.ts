/** The service catalog over real HTTP on both dialects: CRUD by permission, unclaimed services, context, on-call. */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BallastApiError, ServiceSpec } from '@ballast/contract';
import { DIALECTS, startTestServer, type TestServer, until } from './harness.js';
import { anEvent } from './fixtures.js';
import { onCallsBody, startPagerDutyStub, type PagerDutyStub } from './catalogPagerDutyStub.js';

const refusal = async (p: Promise<unknown>) => (await p.catch((e: unknown) => e)) as BallastApiError;

describe.each(DIALECTS)('service catalog on %s', (dialect) => {
  let server: TestServer;
  let pd: PagerDutyStub;
  beforeAll(async () => {
    pd = await startPagerDutyStub();
    server = await startTestServer(dialect, { pagerdutyToken: 'pd-test-token', pagerdutyApiUrl: pd.url });
  });
  afterAll(async () => {
    await server?.close();
    await pd?.close();
  });

  const checkout: ServiceSpec = {
    description: 'Takes the money',
    owner: 'group:default/payments',
    tier: 1,
    repo: 'https://github.com/acme/checkout',
    dashboards: [{ title: 'Checkout', url: 'https://grafana.example.com/d/checkout' }],
    links: [{ rel: 'docs', url: 'https://docs.example.com/checkout', text: 'Docs' }],
    dependsOn: ['payments-db', 'fraud'],
    oncall: {
      pagerduty: { escalationPolicyIds: ['PEP1234'] },
      static: { people: [{ name: 'Ada', email: 'ada@example.com' }], startsAt: '2026-01-01T00:00:00Z', shift: '1w' },
    },
  };

  it('creates, reads, lists, replaces and deletes entries; a repeated PUT records one event', async () => {
    const policyEvents = async () =>
      (await server.admin.call('searchEvents', { query: { source: 'policy', q: 'catalog' } })).events.length;
    const before = await policyEvents();
    const put = await server.admin.call('putService', { params: { name: 'checkout' }, body: checkout });
    expect(put).toMatchObject({ name: 'checkout', owner: 'group:default/payments', tier: 1, managedBy: 'api' });
    await server.admin.call('putService', { params: { name: 'checkout' }, body: checkout });
    expect(await policyEvents()).toBe(before + 1);

    pd.answer = { status: 200, body: onCallsBody([{ name: 'Grace Hopper', email: 'grace@example.com', level: 1 }]) };
    const got = await server.admin.call('getService', { params: { name: 'checkout' } });
    expect(got).toMatchObject({
      name: 'checkout',
      repo: 'https://github.com/acme/checkout',
      dependsOn: ['payments-db', 'fraud'],
      dashboards: [{ title: 'Checkout', url: 'https://grafana.example.com/d/checkout' }],
      onCallNow: { source: 'pagerduty', people: [{ name: 'Grace Hopper', email: 'grace@example.com', level: 1 }] },
    });
    expect(pd.requests.at(-1)!.authorization).toBe('Token token=pd-test-token');

    const replaced = await server.admin.call('putService', {
      params: { name: 'checkout' },
      body: { ...checkout, tier: 2, dependsOn: ['payments-db'] },
    });
    expect(replaced.tier).toBe(2);
    const list = await server.admin.call('listServices', {});
    expect(list.services.map((s) => [s.name, s.tier])).toEqual([['checkout', 2]]);

    await server.admin.call('putService', { params: { name: 'to-remove' }, body: {} });
    expect((await server.admin.call('deleteService', { params: { name: 'to-remove' } })).name).toBe('to-remove');
    const gone = await refusal(server.admin.call('getService', { params: { name: 'to-remove' } }));
    expect([gone.status, gone.code, gone.details[0]!.path]).toEqual([404, 'not_found', 'params.name']);
  });

  it('stores one entry and records one event when the same first PUT arrives several times at once', async () => {
    const events = async () =>
      (await server.admin.call('searchEvents', { query: { source: 'policy', q: 'concurrent' } })).events.length;
    const before = await events();
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        server.admin.call('putService', { params: { name: 'concurrent' }, body: { tier: 3 } }),
      ),
    );
    expect(results.every((r) => r.name === 'concurrent' && r.tier === 3)).toBe(true);
    expect(await events()).toBe(before + 1);
  });

  it('refuses bad entries with the field path, storing nothing, and writes only with catalog:write', async () => {
    const bad = await refusal(
      server.admin.call('putService', {
        params: { name: 'bad' },
        body: { tier: 7, repo: 'ftp://x', oncall: { static: { people: [], startsAt: 'soon', shift: '1x' } } } as never,
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.code).toBe('validation_failed');
    expect(bad.details.map((d) => d.path).sort()).toEqual([
      'oncall.static.people',
      'oncall.static.shift',
      'oncall.static.startsAt',
      'repo',
      'tier',
    ]);
    expect((await refusal(server.admin.call('getService', { params: { name: 'bad' } }))).status).toBe(404);

    for (const role of ['viewer', 'operator', 'approver'] as const) {
      const key = server.client((await server.admin.call('createKey', { body: { name: `cat-${role}`, role } })).secret);
      const denied = await refusal(key.call('putService', { params: { name: 'checkout' }, body: {} }));
      expect([denied.status, denied.code], role).toEqual([403, 'forbidden']);
      expect(denied.message).toContain('catalog:write');
      expect((await key.call('getService', { params: { name: 'checkout' } })).name).toBe('checkout');
    }
    // The catalog role writes the catalog and nothing else.
    const catalogKey = server.client(
      (await server.admin.call('createKey', { body: { name: 'cat-catalog', role: 'catalog' } })).secret,
    );
    await catalogKey.call('putService', { params: { name: 'catalog-only' }, body: {} });
    expect((await catalogKey.call('getService', { params: { name: 'catalog-only' } })).name).toBe('catalog-only');
    const noEvents = await refusal(catalogKey.call('ingestEvents', { body: { events: [] } }));
    expect([noEvents.status, noEvents.code]).toEqual([403, 'forbidden']);
    const noKeys = await refusal(catalogKey.call('listKeys', {}));
    expect(noKeys.status).toBe(403);
  });

  it('falls back to the static rotation when PagerDuty fails, and says so', async () => {
    // Another policy id, so the cached answer for checkout's does not answer this one.
    await server.admin.call('putService', {
      params: { name: 'search' },
      body: { ...checkout, oncall: { ...checkout.oncall!, pagerduty: { escalationPolicyIds: ['PEP5678'] } } },
    });
    pd.answer = { status: 503 };
    const got = await server.admin.call('getService', { params: { name: 'search' } });
    expect(got.onCallNow.source).toBe('static');
    expect(got.onCallNow.people.map((p) => p.name)).toEqual(['Ada']);
    expect(got.onCallNow.fallbackReason).toContain('PagerDuty answered HTTP 503');
  });

  it('lists services seen on events that nobody has claimed', async () => {
    const recent = new Date(Date.now() - 3_600_000).toISOString();
    await server.admin.call('ingestEvents', {
      body: {
        events: [
          anEvent({ service: 'orphan-worker', occurredAt: recent }),
          anEvent({ service: 'orphan-worker', occurredAt: recent, title: 'again' }),
          anEvent({ service: 'checkout', occurredAt: recent }),
        ],
      },
    });
    const { unclaimed } = await server.admin.call('listServices', {});
    expect(unclaimed.find((u) => u.name === 'orphan-worker')).toEqual({
      name: 'orphan-worker',
      lastSeen: recent,
      events: 2,
    });
    expect(unclaimed.some((u) => u.name === 'checkout')).toBe(false);
  });

  it("fills the context's dependency group from the catalog's dependsOn", async () => {
    await server.admin.call('putService', { params: { name: 'web' }, body: { dependsOn: ['api-backend'] } });
    const stored = await server.admin.call('ingestEvents', {
      body: {
        events: [
          anEvent({
            kind: 'deploy',
            service: 'api-backend',
            title: 'Deploy api-backend 9',
            occurredAt: '2026-10-01T11:30:00Z',
          }),
          anEvent({
            kind: 'deploy',
            service: 'unrelated',
            title: 'Deploy unrelated',
            occurredAt: '2026-10-01T11:40:00Z',
          }),
          anEvent({ kind: 'alert', service: 'web', title: 'web errors', occurredAt: '2026-10-01T12:00:00Z' }),
        ],
      },
    });
    const context = await server.admin.call('eventContext', { params: { id: stored.results[2]!.id } });
    expect(context.changes.map((c) => [c.event.title, c.relation])).toEqual([
      ['Deploy api-backend 9', 'dependency'],
      ['Deploy unrelated', 'environment'],
    ]);
  });
});

describe.each(DIALECTS)('catalog files on %s', (dialect) => {
  let server: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'ballast-catalog-'));
  beforeAll(async () => {
    writeFileSync(
      join(dir, 'payments.yaml'),
      `name: payments
owner: group:default/payments
tier: 1
dependsOn: [payments-db]
---
name: ledger
tier: 9
`,
    );
    server = await startTestServer(dialect, { catalogDir: dir, runbooksPollMs: 100 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads entries from files (managedBy file), reports a bad document by path and field, refuses API edits', async () => {
    const list = await server.admin.call('listServices', {});
    expect(list.services.map((s) => [s.name, s.managedBy, s.tier])).toEqual([['payments', 'file', 1]]);
    expect(list.problems).toEqual([
      { path: expect.stringMatching(/payments\.yaml$/), field: '1.tier', message: expect.any(String) },
    ]);
    const put = await refusal(server.admin.call('putService', { params: { name: 'payments' }, body: { tier: 2 } }));
    expect([put.status, put.code, put.details[0]!.path]).toEqual([409, 'conflict', 'params.name']);
    expect(put.message).toContain('managed by a file');
    expect((await refusal(server.admin.call('deleteService', { params: { name: 'payments' } }))).status).toBe(409);
  });

  it('follows the files: an edit is re-read, a removed file takes its entries away', async () => {
    writeFileSync(join(dir, 'payments.yaml'), 'name: payments\ntier: 2\n---\nname: ledger\ntier: 3\n');
    const edited = await until(
      () => server.admin.call('listServices', {}),
      (l) => l.services.length === 2,
      'the edited file',
    );
    expect(edited.services.map((s) => [s.name, s.tier])).toEqual([
      ['ledger', 3],
      ['payments', 2],
    ]);
    expect(edited.problems).toEqual([]);
    // A typo keeps the last good entries until it is fixed.
    writeFileSync(join(dir, 'payments.yaml'), 'name: payments\ntier: two\n');
    const typo = await until(
      () => server.admin.call('listServices', {}),
      (l) => l.problems.length > 0,
      'the typo reported',
    );
    expect(typo.problems[0]!.field).toBe('tier');
    expect(typo.services.map((s) => s.name)).toEqual(['ledger', 'payments']);
    unlinkSync(join(dir, 'payments.yaml'));
    await until(
      () => server.admin.call('listServices', {}),
      (l) => l.services.length === 0,
      'the entries of the removed file to go',
    );
  });
});
