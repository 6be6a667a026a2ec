import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventInput } from '@ballast/contract';
import { sourcePlugins } from '../../index.js';
import { argocd } from './index.js';
import { failed, running, succeeded } from './samples.js';
import { startTestServer, type TestServer } from '../../../../backend/server/test/harness.js';
import { createHook, deliver } from '../../../test/deliver.js';

const CONFIG_MAP = new URL('../../../../provisioning/argocd/argocd-notifications-cm.yaml', import.meta.url);

describe('the Argo CD notification template', () => {
  const cm = readFileSync(CONFIG_MAP, 'utf8');

  it('renders exactly the fields the samples (and so the normalizer) read', () => {
    const body = /template\.ballast-sync: \|[\s\S]*?body: \|\n([\s\S]*?)\n\n/.exec(cm)?.[1];
    expect(body).toBeDefined();
    const keys = [...body!.matchAll(/^\s*"([A-Za-z]+)":/gm)].map((m) => m[1]);
    const sampleKeys = (o: object, into: string[] = []): string[] => {
      for (const [k, v] of Object.entries(o)) {
        into.push(k);
        if (k === 'destination') sampleKeys(v as object, into);
      }
      return into;
    };
    expect([...keys].sort()).toEqual(sampleKeys(running).sort());
    // Every value is JSON-encoded by the template, so messages with quotes cannot break the body.
    for (const line of body!.split('\n').filter((l) => l.includes('{{')))
      expect(line, line).toMatch(/\|\s*toJson\s*}}/);
  });

  it('sends the secret as a bearer token from argocd-notifications-secret, on start and end of each sync', () => {
    expect(cm).toContain('value: Bearer $ballast-token');
    expect(cm).toContain("phase in ['Running']");
    expect(cm).toContain("phase in ['Succeeded']");
    expect(cm).toContain("phase in ['Error', 'Failed']");
    expect(cm.match(/oncePer: app\.status\.operationState\.startedAt/g)).toHaveLength(3);
  });
});

describe('Argo CD normalizer', () => {
  const one = (payload: unknown) => {
    const out = argocd.normalize(payload, {}, {});
    if (!out.ok) throw new Error(out.message);
    return out.events[0]!;
  };

  it('turns a sync that starts into a started deploy event, field by field', () => {
    const event = one(running);
    expect(event).toEqual({
      occurredAt: '2026-11-20T09:58:20.000Z',
      source: 'argocd',
      kind: 'deploy',
      status: 'started',
      severity: 'info',
      service: 'checkout',
      environment: 'production',
      sourceRefs: {
        app: 'checkout-prod',
        appNamespace: 'argocd',
        project: 'payments',
        revision: '9f1c2e7d4b7a3e1f0c9d8b7a6f5e4d3c2b1a0f9e',
        phase: 'Running',
      },
      title: 'Sync checkout-prod to production started (9f1c2e7)',
      links: [
        {
          rel: 'argocd',
          url: 'https://argocd.example.com/applications/argocd/checkout-prod',
          text: 'Argo CD application',
        },
        {
          rel: 'commit',
          url: 'https://github.com/acme/deploy/commit/9f1c2e7d4b7a3e1f0c9d8b7a6f5e4d3c2b1a0f9e',
          text: '9f1c2e7',
        },
        { rel: 'repository', url: 'https://github.com/acme/deploy.git', text: 'repository' },
      ],
      actor: { type: 'system', id: 'argocd-automated-sync', name: 'Argo CD automated sync' },
      tags: {
        project: 'payments',
        sync_status: 'OutOfSync',
        health: 'Progressing',
        namespace: 'checkout',
        cluster: 'https://kubernetes.default.svc',
        target_revision: 'main',
      },
      correlation: {
        deploymentId: 'argocd:argocd/checkout-prod:2026-11-20T09:58:20Z',
        commitSha: '9f1c2e7d4b7a3e1f0c9d8b7a6f5e4d3c2b1a0f9e',
      },
      dedupeKey: 'argocd:argocd/checkout-prod:2026-11-20T09:58:20Z:Running',
    });
    expect(EventInput.safeParse(event).success).toBe(true);
  });

  it('stores the end of the sync at finishedAt under the same deployment id', () => {
    expect(one(succeeded)).toMatchObject({
      occurredAt: '2026-11-20T10:00:05.000Z',
      status: 'succeeded',
      title: 'Sync checkout-prod to production succeeded (9f1c2e7)',
      description: 'successfully synced (all tasks run)',
      correlation: { deploymentId: 'argocd:argocd/checkout-prod:2026-11-20T09:58:20Z' },
      dedupeKey: 'argocd:argocd/checkout-prod:2026-11-20T09:58:20Z:Succeeded',
    });
  });

  it('reads a failed manual Helm sync: the app name as service, chart version as release', () => {
    const event = one(failed);
    expect(event).toMatchObject({
      status: 'failed',
      severity: 'warning',
      service: 'payments-staging',
      title: 'Sync payments-staging to payments failed (2.4.1)',
      actor: { type: 'user', id: 'alice@acme.example' },
      correlation: { release: '2.4.1' },
      tags: { cluster: 'staging-eu', health: 'Degraded' },
    });
    expect(event.environment).toBeUndefined();
    expect(event.links!.map((l) => l.rel)).toEqual(['argocd', 'repository']);
    expect(one({ ...failed, phase: 'Error' }).status).toBe('failed');
    expect(one({ ...running, phase: 'Terminating' }).status).toBe('terminating');
  });

  it('names what is missing', () => {
    expect(argocd.normalize({ app: 'x', phase: 'Running', startedAt: '' }, {}, {})).toEqual({
      ok: false,
      missing: ['startedAt'],
      message: expect.stringContaining('ballast.argocd.v1'),
    });
    expect(argocd.normalize({}, {}, {})).toMatchObject({ missing: ['app', 'phase', 'startedAt'] });
  });

  it('never throws on malformed or truncated payloads, and what it returns is storable', () => {
    const payloads: unknown[] = [null, 3, 'x', [], { app: {}, phase: [], startedAt: 5 }];
    for (const sample of [running, failed]) {
      const raw = JSON.stringify(sample);
      for (let cut = 0; cut < raw.length; cut += 7) {
        try {
          payloads.push(JSON.parse(raw.slice(0, cut)));
        } catch {
          payloads.push(raw.slice(0, cut));
        }
      }
      for (const k of Object.keys(sample))
        for (const junk of [null, 0, true, {}, [], '', '!!', 'ftp://x', 'Z'.repeat(700)])
          payloads.push({ ...sample, [k]: junk });
    }
    for (const p of payloads) {
      const out = argocd.normalize(p, {}, {});
      if (out.ok) for (const e of out.events) expect(EventInput.safeParse(e).error).toBeUndefined();
      else expect(out.missing.length).toBeGreaterThan(0);
    }
  });
});

describe('Argo CD deliveries over HTTP', () => {
  let server: TestServer;
  let path: string;
  let secret: string;
  beforeAll(async () => {
    sourcePlugins.argocd = argocd;
    server = await startTestServer('sqlite');
    const made = await createHook(server, 'argocd');
    path = made.hook.path;
    secret = made.secret;
  });
  afterAll(async () => server?.close());

  const send = (payload: unknown, key = secret) =>
    deliver(server, path, JSON.stringify(payload), { authorization: `Bearer ${key}` });
  const stored = async () =>
    (await server.admin.call('searchEvents', { query: { source: 'argocd', limit: 500 } })).events;

  it('stores a sync’s start and end as one closed deploy range, once per notification', async () => {
    expect(await send(running)).toEqual({ status: 201, body: { created: 1, duplicates: 0 } });
    expect(await send(succeeded)).toEqual({ status: 201, body: { created: 1, duplicates: 0 } });
    // Argo CD retries on 5xx and network errors: a repeat stores nothing.
    expect(await send(succeeded)).toEqual({ status: 200, body: { created: 0, duplicates: 1 } });
    expect((await send(failed)).status).toBe(201);
    const events = await stored();
    expect(events.map((e) => [e.service, e.status])).toEqual([
      ['payments-staging', 'failed'],
      ['checkout', 'succeeded'],
      ['checkout', 'started'],
    ]);
    expect(events[1]).toMatchObject({
      tenant: 'default',
      occurredAt: '2026-11-20T10:00:05.000Z',
      source: 'argocd',
      kind: 'deploy',
      environment: 'production',
      title: 'Sync checkout-prod to production succeeded (9f1c2e7)',
      sourceRefs: { app: 'checkout-prod', project: 'payments', phase: 'Succeeded' },
      correlation: {
        deploymentId: 'argocd:argocd/checkout-prod:2026-11-20T09:58:20Z',
        commitSha: '9f1c2e7d4b7a3e1f0c9d8b7a6f5e4d3c2b1a0f9e',
      },
      actor: { type: 'system', id: 'argocd-automated-sync', verified: false },
    });
    const { annotations } = await server.admin.call('annotations', {
      query: { from: '2026-11-20T09:00:00Z', to: '2026-11-20T11:00:00Z', source: 'argocd', service: 'checkout' },
    });
    expect(annotations.map((a) => [a.time, a.timeEnd, a.open])).toEqual([
      [Date.parse('2026-11-20T09:58:20Z'), Date.parse('2026-11-20T10:00:05Z'), false],
    ]);
  });

  it('refuses wrong, missing and rotated-out tokens and truncated bodies, storing nothing', async () => {
    const before = (await stored()).length;
    const next = { ...running, startedAt: '2026-11-20T12:00:00Z' };
    const raw = JSON.stringify(next);
    const wrong = await send(next, 'not-the-secret-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toContain('Authorization');
    expect((await deliver(server, path, raw, {})).status).toBe(401);
    expect((await deliver(server, path, raw.slice(0, 200), { authorization: `Bearer ${secret}` })).status).toBe(422);
    const noStart = await send({ ...next, startedAt: '' });
    expect(noStart.status).toBe(422);
    expect(noStart.body.details!.map((d) => d.path)).toEqual(['startedAt']);

    const hookId = path.split('/').pop()!;
    const rotated = await server.admin.call('rotateHook', { params: { id: hookId }, body: { keepPrevious: 1 } });
    expect((await send(next, secret)).status).toBe(201);
    expect((await send(next, rotated.secret)).status).toBe(200);
    await server.admin.call('rotateHook', { params: { id: hookId }, body: { keepPrevious: 0 } });
    expect((await send({ ...next, phase: 'Succeeded' }, secret)).status).toBe(401);
    expect((await send({ ...next, phase: 'Succeeded' }, rotated.secret)).status).toBe(401);
    expect((await stored()).length).toBe(before + 1);
  });

  it('answers no 5xx to truncated or malformed bodies', async () => {
    const made = await createHook(server, 'argocd');
    const raw = JSON.stringify(failed);
    const bodies = ['', 'null', '[1]', '{"app":"a","phase":"???","startedAt":"2026-11-20T10:00:00Z"}'];
    for (let c = 1; c < raw.length; c += 53) bodies.push(raw.slice(0, c));
    for (const body of bodies)
      expect(
        (await deliver(server, made.hook.path, body, { authorization: `Bearer ${made.secret}` })).status,
        body,
      ).toBeLessThan(500);
  });
});
