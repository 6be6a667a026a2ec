import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacHex } from '../../source.js';
import { github, verifyGithub } from './index.js';
import { deploymentCreated, deploymentStatus, ping, releasePublished } from './samples.js';
import { startTestServer, type TestServer } from '../../../../backend/server/test/harness.js';
import { createHook, deliver } from '../../../test/deliver.js';

describe('GitHub signature', () => {
  it('matches GitHub’s published test vector', () => {
    // From "Validating webhook deliveries": secret and payload as documented.
    const raw = Buffer.from('Hello, World!');
    const headers = {
      'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    };
    expect(verifyGithub(raw, headers, ["It's a Secret to Everybody"])).toEqual({ ok: true });
    expect(verifyGithub(raw, headers, ['another secret'])).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyGithub(Buffer.from('Hello, World?'), headers, ["It's a Secret to Everybody"])).toMatchObject({
      ok: false,
    });
    expect(verifyGithub(raw, {}, ['x'])).toMatchObject({
      ok: false,
      reason: 'missing_signature',
      header: 'X-Hub-Signature-256',
    });
  });
});

describe('GitHub normalizer', () => {
  const h = (event: string) => ({ 'x-github-event': event, 'x-github-delivery': 'd-1' });
  it('turns a deployment_status into a deploy event with correlation and links', () => {
    const out = github.normalize(deploymentStatus('success', '2026-11-20T10:04:00Z'), h('deployment_status'), {});
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.events).toEqual([
      expect.objectContaining({
        occurredAt: '2026-11-20T10:04:00Z',
        source: 'github',
        kind: 'deploy',
        status: 'succeeded',
        service: 'checkout',
        environment: 'production',
        title: 'Deploy checkout v5.2.1 to production succeeded',
        sourceRefs: { repo: 'acme/checkout', deployment: '145988' },
        correlation: {
          deploymentId: 'github:acme/checkout:145988',
          commitSha: '9f1c2e7d4b7a3e1f0c9d8b7a6f5e4d3c2b1a0f9e',
          release: 'v5.2.1',
        },
        dedupeKey: 'github:d-1',
        actor: { type: 'user', id: 'github-actions[bot]', name: 'github-actions[bot]' },
      }),
    ]);
    expect(out.events[0]!.links!.map((l) => l.rel)).toEqual(['logs', 'environment', 'commit']);
  });
  it('maps states to the timeline’s words', () => {
    const status = (s: string) => {
      const out = github.normalize(deploymentStatus(s, '2026-11-20T10:00:00Z'), h('deployment_status'), {});
      return out.ok ? out.events[0]!.status : out.message;
    };
    expect(['queued', 'in_progress', 'success', 'failure', 'error', 'inactive'].map(status)).toEqual([
      'pending',
      'started',
      'succeeded',
      'failed',
      'failed',
      'inactive',
    ]);
  });
  it('reads releases and ignores pings and other events', () => {
    const rel = github.normalize(releasePublished, h('release'), {});
    expect(rel.ok && rel.events[0]).toMatchObject({
      status: 'released',
      title: 'Release Checkout 5.2.1 (v5.2.1) of checkout',
      correlation: { release: 'v5.2.1' },
    });
    expect(github.normalize({ ...releasePublished, action: 'edited' }, h('release'), {})).toMatchObject({
      ok: true,
      events: [],
    });
    expect(github.normalize(ping, h('ping'), {})).toMatchObject({
      ok: true,
      events: [],
      ignored: expect.stringContaining('ping'),
    });
  });
  it('names what is missing', () => {
    expect(github.normalize({ deployment: {} }, h('deployment'), {})).toEqual({
      ok: false,
      missing: ['deployment.id', 'repository.full_name'],
      message: expect.any(String),
    });
    expect(github.normalize(deploymentCreated, { 'x-github-event': 'deployment' }, {})).toMatchObject({
      ok: false,
      missing: ['headers.x-github-delivery'],
    });
  });
  it('never throws on malformed or truncated payloads', () => {
    const raw = JSON.stringify(deploymentStatus('success', '2026-11-20T10:00:00Z'));
    for (let cut = 0; cut < raw.length; cut += 37) {
      let payload: unknown;
      try {
        payload = JSON.parse(raw.slice(0, cut));
      } catch {
        payload = raw.slice(0, cut);
      }
      for (const event of ['deployment', 'deployment_status', 'release'])
        expect(() => github.normalize(payload, h(event), {})).not.toThrow();
    }
    for (const payload of [
      null,
      42,
      'x',
      [],
      { deployment: 5 },
      { deployment: { id: {} }, repository: { full_name: 7 } },
    ]) {
      expect(() => github.normalize(payload, h('deployment_status'), {})).not.toThrow();
    }
  });
});

describe('GitHub deliveries over HTTP', () => {
  let server: TestServer;
  let path: string;
  let secret: string;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    const made = await createHook(server, 'github');
    path = made.hook.path;
    secret = made.secret;
  });
  afterAll(async () => server?.close());

  const send = (payload: unknown, event: string, delivery: string, key = secret) => {
    const raw = JSON.stringify(payload);
    return deliver(server, path, raw, {
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-hub-signature-256': 'sha256=' + hmacHex('sha256', key, raw),
    });
  };
  const stored = async () =>
    (await server.admin.call('searchEvents', { query: { source: 'github', limit: 500 } })).events;

  it('stores a signed deployment’s lifecycle as a range, once per delivery', async () => {
    expect(
      (await send(deploymentStatus('in_progress', '2026-11-20T10:00:00Z'), 'deployment_status', 'a1')).status,
    ).toBe(201);
    expect((await send(deploymentStatus('success', '2026-11-20T10:04:00Z'), 'deployment_status', 'a2')).status).toBe(
      201,
    );
    const again = await send(deploymentStatus('success', '2026-11-20T10:04:00Z'), 'deployment_status', 'a2');
    expect(again).toEqual({ status: 200, body: { created: 0, duplicates: 1 } });
    const events = await stored();
    expect(events.map((e) => e.status)).toEqual(['succeeded', 'started']);
    expect(events[0]).toMatchObject({
      tenant: 'default',
      service: 'checkout',
      environment: 'production',
      actor: { id: 'github-actions[bot]', verified: false },
    });
    const { annotations } = await server.admin.call('annotations', {
      query: { from: '2026-11-20T09:00:00Z', to: '2026-11-20T11:00:00Z' },
    });
    expect(annotations.map((a) => [a.time, a.timeEnd, a.open])).toEqual([
      [Date.parse('2026-11-20T10:00:00Z'), Date.parse('2026-11-20T10:04:00Z'), false],
    ]);
  });

  it('reads form-encoded deliveries (GitHub’s other content type) and JSON sent with a form type', async () => {
    const json = JSON.stringify(releasePublished);
    const form = 'payload=' + encodeURIComponent(json);
    for (const [raw, delivery] of [
      [form, 'f1'],
      [json, 'f2'],
    ] as const) {
      const res = await deliver(server, path, raw, {
        'content-type': 'application/x-www-form-urlencoded',
        'x-github-event': 'release',
        'x-github-delivery': delivery,
        'x-hub-signature-256': 'sha256=' + hmacHex('sha256', secret, raw),
      });
      expect(res.status, delivery).toBe(201);
    }
  });

  it('acknowledges a ping without storing anything', async () => {
    const before = (await stored()).length;
    const res = await send(ping, 'ping', 'p1');
    expect(res.status).toBe(200);
    expect(res.body.ignored).toContain('ping');
    expect(await stored()).toHaveLength(before);
  });

  it('refuses wrong, missing and rotated-out signatures and truncated bodies, storing nothing', async () => {
    const before = (await stored()).length;
    const raw = JSON.stringify(releasePublished);
    const wrong = await send(releasePublished, 'release', 'r1', 'not-the-secret-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toContain('X-Hub-Signature-256');
    const missing = await deliver(server, path, raw, { 'x-github-event': 'release', 'x-github-delivery': 'r2' });
    expect(missing.status).toBe(401);
    const truncated = raw.slice(0, 100);
    const cut = await deliver(server, path, truncated, {
      'x-github-event': 'release',
      'x-github-delivery': 'r3',
      'x-hub-signature-256': 'sha256=' + hmacHex('sha256', secret, truncated),
    });
    expect(cut.status).toBe(422);
    const incomplete = await send({ action: 'published', release: {}, repository: {} }, 'release', 'r4');
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.details!.map((d) => d.path)).toEqual(['release.tag_name', 'repository.full_name']);

    // Rotation: the old secret keeps working beside the new one, then stops when retired.
    const hookId = path.split('/').pop()!;
    const rotated = await server.admin.call('rotateHook', { params: { id: hookId }, body: { keepPrevious: 1 } });
    expect((await send(releasePublished, 'release', 'r5', secret)).status).toBe(201);
    // GitHub's redelivery keeps the delivery id: signed with the new secret, it is a duplicate.
    expect((await send(releasePublished, 'release', 'r5', rotated.secret)).status).toBe(200);
    await server.admin.call('rotateHook', {
      params: { id: hookId },
      body: { keepPrevious: 0, secret: rotated.secret + '-next' },
    });
    expect((await send(releasePublished, 'release', 'r7', secret)).status).toBe(401);
    secret = rotated.secret + '-next';
    expect((await stored()).length).toBe(before + 1);
  });

  it('answers 404 for an unknown source or hook, and counts refusals in /metrics', async () => {
    expect((await deliver(server, '/v1/hooks/nagios/x', '{}', {})).status).toBe(404);
    expect((await deliver(server, '/v1/hooks/github/hk_nope', '{}', {})).status).toBe(404);
    const metrics = await (await server.fetch('/metrics', { key: null })).text();
    expect(metrics).toMatch(/ballast_hook_deliveries_total\{source="github",result="bad_signature"\} [1-9]/);
    expect(metrics).toMatch(/ballast_hook_deliveries_total\{source="unknown",result="unknown_source"\} 1/);
    expect(metrics).toMatch(/ballast_hook_deliveries_total\{source="github",result="stored"\} [1-9]/);
  });

  it('serves the default hook from BALLAST_SOURCE_GITHUB_SECRETS', async () => {
    const envServer = await startTestServer('sqlite', {
      sourceSecrets: { github: ['env-secret-0123456789', 'env-secret-second-one'] },
    });
    try {
      const raw = JSON.stringify(releasePublished);
      const ok = await deliver(envServer, '/v1/hooks/github/default', raw, {
        'x-github-event': 'release',
        'x-github-delivery': 'e1',
        'x-hub-signature-256': 'sha256=' + hmacHex('sha256', 'env-secret-second-one', raw),
      });
      expect(ok.status).toBe(201);
      expect((await deliver(envServer, '/v1/hooks/sentry/default', raw, {})).status).toBe(404);
    } finally {
      await envServer.close();
    }
  });
});
