/** Every route over real HTTP: success and each refusal a client can meet. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BallastApiError, rolePermissions, routes, Role, type RouteId } from '@ballast/contract';
import { startTestServer, type TestServer } from './harness.js';
import { anEvent } from './fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer('sqlite', { bodyLimitBytes: 256 * 1024 });
});
afterAll(async () => server?.close());

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('operational endpoints', () => {
  it('answers health, liveness and readiness without a key', async () => {
    const health = await server.fetch('/health', { key: null });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: { dialect: 'sqlite', up: true } });
    expect((await server.fetch('/health/live', { key: null })).status).toBe(200);
    const ready = await server.fetch('/health/ready', { key: null });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', store: 'up' });
  });

  it('exposes Prometheus metrics, counting ingested events', async () => {
    await server.admin.call('ingestEvents', { body: anEvent({ service: 'metrics-svc' }) });
    const res = await server.fetch('/metrics', { key: null });
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/ballast_events_ingested_total\{result="created"\} [1-9]/);
    expect(text).toContain('ballast_http_request_duration_seconds_bucket');
    expect(text).toContain('ballast_process_cpu_seconds_total');
  });

  it('serves an OpenAPI 3.1 document with every route of the contract', async () => {
    const doc = (await (await server.fetch('/openapi.json', { key: null })).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const [id, def] of Object.entries(routes)) {
      const path = def.path.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(doc.paths[path]?.[def.method.toLowerCase()]?.operationId, id).toBe(id);
    }
    const search = doc.paths['/v1/events']!.get as unknown as { parameters: { name: string }[] };
    expect(search.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['q', 'service', 'tag', 'cursor', 'limit']),
    );
  });

  it('sets secure headers', async () => {
    const res = await server.fetch('/health/live', { key: null });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await server.fetch('/v1/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'not_found' });
  });
});

describe('authentication', () => {
  it('refuses a request without a key, with an unknown key, and with a malformed header', async () => {
    for (const [headers, message] of [
      [{}, 'Authorization: Bearer'],
      [{ authorization: 'Bearer blst_notakey' }, 'unknown API key'],
      [{ authorization: 'Basic Zm9vOmJhcg==' }, 'Authorization: Bearer'],
    ] as const) {
      const res = await server.fetch('/v1/events', { key: null, headers });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe('unauthorized');
      expect(body.message).toContain(message);
    }
  });

  it('stops a revoked key at once and records the revocation as a policy event', async () => {
    const made = await server.admin.call('createKey', { body: { name: 'short-lived', role: 'viewer' } });
    expect(made.secret).toMatch(/^blst_/);
    const key = server.client(made.secret);
    expect((await key.call('whoAmI', {})).key.id).toBe(made.key.id);
    const revoked = await server.admin.call('revokeKey', { params: { id: made.key.id } });
    expect(revoked.revokedAt).not.toBeNull();
    const err = (await key.call('whoAmI', {}).catch((e: unknown) => e)) as BallastApiError;
    expect(err.status).toBe(401);
    expect(err.message).toContain('revoked');
    const events = await server.admin.call('searchEvents', { query: { source: 'policy', q: 'short lived' } });
    expect(events.events.map((e) => e.status).sort()).toEqual(['created', 'revoked']);
    expect(events.events[0]!.actor).toMatchObject({ type: 'key', name: 'bootstrap-admin', verified: true });
  });

  it('refuses an expired key', async () => {
    const made = await server.admin.call('createKey', {
      body: { name: 'soon', role: 'viewer', expiresAt: new Date(Date.now() + 1500).toISOString() },
    });
    const key = server.client(made.secret);
    await key.call('whoAmI', {});
    await new Promise((r) => setTimeout(r, 1600)); // waits for a real expiry time to pass, not for a result
    const err = (await key.call('whoAmI', {}).catch((e: unknown) => e)) as BallastApiError;
    expect(err.status).toBe(401);
    expect(err.message).toContain('expired');
  });

  it('never stores or returns a secret in key lists', async () => {
    const made = await server.admin.call('createKey', { body: { name: 'listed', role: 'ci' } });
    const list = await server.admin.call('listKeys', {});
    const text = JSON.stringify(list);
    expect(text).not.toContain(made.secret);
    expect(list.keys.find((k) => k.id === made.key.id)).toMatchObject({
      name: 'listed',
      role: 'ci',
      permissions: ['events:read', 'gate:read', 'events:write'],
    });
  });
});

describe('permissions', () => {
  const keys: Partial<Record<Role, string>> = {};
  beforeAll(async () => {
    for (const role of Role.options)
      keys[role] = (await server.admin.call('createKey', { body: { name: `perm-${role}`, role } })).secret;
  });

  const requests: Record<RouteId, { path: string; init?: RequestInit }> = {
    ingestEvents: { path: '/v1/events', init: json(anEvent({ service: 'perm-svc' })) },
    searchEvents: { path: '/v1/events' },
    getEvent: { path: '/v1/events/00000000000000000000000000' },
    streamEvents: { path: '/v1/events/stream?kind=nope' },
    annotations: { path: '/v1/annotations?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z' },
    eventFacets: { path: '/v1/events/facets' },
    eventContext: { path: '/v1/events/00000000000000000000000000/context' },
    auditVerify: { path: '/v1/audit/verify' },
    createHook: { path: '/v1/admin/hooks', init: json({ source: 'github', name: 'perm-hook' }) },
    listHooks: { path: '/v1/admin/hooks' },
    rotateHook: { path: '/v1/admin/hooks/hk_missing/rotate', init: json({}) },
    deleteHook: { path: '/v1/admin/hooks/hk_missing', init: { method: 'DELETE' } },
    putMapping: {
      path: '/v1/mappings',
      init: { ...json({ source: 'sentry', refKey: 'project', refValue: 'p', service: 's' }), method: 'PUT' },
    },
    listMappings: { path: '/v1/mappings' },
    deleteMapping: { path: '/v1/mappings?source=sentry&refKey=project&refValue=nope', init: { method: 'DELETE' } },
    whoAmI: { path: '/v1/auth/whoami' },
    createKey: { path: '/v1/keys', init: json({ name: 'by-perm-test', role: 'viewer' }) },
    listKeys: { path: '/v1/keys' },
    revokeKey: { path: '/v1/keys/key_missing', init: { method: 'DELETE' } },
    createTenant: { path: '/v1/tenants', init: json({ id: `perm-tenant-${Date.now()}`, name: 'P' }) },
    createSlo: {
      path: '/v1/slos',
      init: json({
        service: 'perm-svc',
        name: 'availability',
        objective: 0.999,
        period: { kind: 'rolling', window: '30d' },
        sli: { kind: 'pushed' },
      }),
    },
    importSlos: { path: '/v1/slos/import', init: json({ format: 'sloth', document: 'nope: 1' }) },
    listSlos: { path: '/v1/slos' },
    listSloStatuses: { path: '/v1/slos/status' },
    getSlo: { path: '/v1/slos/missing' },
    updateSlo: { path: '/v1/slos/missing', init: { ...json({}), method: 'PUT' } },
    deleteSlo: { path: '/v1/slos/missing', init: { method: 'DELETE' } },
    pushSli: { path: '/v1/slos/missing/sli', init: json({ points: [] }) },
    sloStatus: { path: '/v1/slos/missing/status' },
    sloSeries: { path: '/v1/slos/missing/series' },
    sloRules: { path: '/v1/slos/missing/rules' },
    putStabilizeProfile: {
      path: '/v1/stabilize/profiles/perm-svc',
      init: { ...json({ queues: 'not a list' }), method: 'PUT' },
    },
    getStabilizeProfile: { path: '/v1/stabilize/profiles/perm-none' },
    listStabilizeProfiles: { path: '/v1/stabilize/profiles' },
    previewStabilizeProfile: { path: '/v1/stabilize/perm-svc/production/preview' },
    requestStabilize: { path: '/v1/stabilize/requests', init: json({ service: 'perm-svc', environment: 'prod' }) },
    getStabilize: { path: '/v1/stabilize/requests/stb_0000000000000000' },
    approveStabilize: { path: '/v1/stabilize/requests/stb_0000000000000000/approve', init: json({}) },
    rejectStabilize: {
      path: '/v1/stabilize/requests/stb_0000000000000000/reject',
      init: json({ reason: 'no' + 'pe' }),
    },
    exitStabilize: { path: '/v1/stabilize/perm-svc/production/exit', init: json({ reason: 'nothing to exit' }) },
    extendStabilize: {
      path: '/v1/stabilize/perm-svc/production/extend',
      init: json({ minutes: 5, reason: 'nothing to extend' }),
    },
    retryStabilizeDelivery: { path: '/v1/stabilize/requests/stb_0000000000000000/retry', init: json({}) },
    listStabilizes: { path: '/v1/stabilize' },
    stabilizePolicy: { path: '/v1/stabilize/perm-svc/production/policy' },
    stabilizeScope: { path: '/v1/stabilize/perm-svc/production' },
    stabilizeHeartbeat: { path: '/v1/stabilize/perm-svc/production/instances/has space', init: { method: 'PUT' } },
    stabilizePolicyStream: { path: '/v1/stabilize/-bad/production/policy/stream' },
    checkDeployGate: { path: '/v1/gates/deploy?service=perm-svc&environment=production' },
    overrideDeployGate: {
      path: '/v1/gates/deploy/override',
      init: json({ service: 'perm-svc', environment: 'production' }),
    },
    listRunbooks: { path: '/v1/runbooks' },
    getRunbook: { path: '/v1/runbooks/perm-missing' },
    putRunbook: { path: '/v1/runbooks/perm-missing', init: { ...json({ markdown: '' }), method: 'PUT' } },
    deleteRunbook: { path: '/v1/runbooks/perm-missing', init: { method: 'DELETE' } },
    listServices: { path: '/v1/services' },
    getService: { path: '/v1/services/perm-missing' },
    putService: { path: '/v1/services/perm-svc', init: { ...json({ tier: 9 }), method: 'PUT' } },
    deleteService: { path: '/v1/services/perm-missing', init: { method: 'DELETE' } },
  };

  for (const role of Role.options) {
    it(`gives role ${role} exactly its permissions`, async () => {
      for (const [id, def] of Object.entries(routes) as [RouteId, (typeof routes)[RouteId]][]) {
        const req = requests[id];
        const res = await server.fetch(req.path, { ...req.init, key: keys[role]! });
        const allowed = def.permission === null || rolePermissions[role].includes(def.permission);
        if (allowed) {
          expect([200, 201, 400, 404], `${role} ${id}`).toContain(res.status);
        } else {
          expect(res.status, `${role} ${id}`).toBe(403);
          const body = (await res.json()) as { code: string; message: string };
          expect(body.code).toBe('forbidden');
          expect(body.message).toContain(def.permission!);
        }
      }
    });
  }

  it('limits a scoped key to its services', async () => {
    const made = await server.admin.call('createKey', {
      body: { name: 'pay-ci', role: 'ci', services: ['payments-*'] },
    });
    const key = server.client(made.secret);
    const ok = await key.call('ingestEvents', { body: anEvent({ service: 'payments-api' }) });
    expect(ok.created).toBe(1);
    const err = (await key
      .call('ingestEvents', {
        body: { events: [anEvent({ service: 'payments-api' }), anEvent({ service: 'checkout' })] },
      })
      .catch((e: unknown) => e)) as BallastApiError;
    expect(err.status).toBe(403);
    expect(err.details[0]!.path).toBe('events.1.service');
    const noService = (await key
      .call('ingestEvents', { body: anEvent({ service: undefined }) })
      .catch((e: unknown) => e)) as BallastApiError;
    expect(noService.status).toBe(403);
    // Reading spans the tenant: "what changed upstream" crosses teams.
    expect((await key.call('searchEvents', { query: { service: 'checkout' } })).events.length).toBeGreaterThanOrEqual(
      0,
    );
  });
});

describe('request validation', () => {
  it('answers 400 with the path of each bad query parameter', async () => {
    const res = await server.fetch('/v1/events?limit=501&kind=nope&from=yesterday');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; details: { path: string }[] };
    expect(body.code).toBe('validation_failed');
    expect(body.details.map((d) => d.path).sort()).toEqual(['query.from', 'query.kind.0', 'query.limit']);
  });

  it('refuses unknown query parameters and unknown event fields', async () => {
    const q = await server.fetch('/v1/events?servce=checkout');
    expect(q.status).toBe(400);
    const e = await server.fetch('/v1/events', json({ ...anEvent(), seq: 5 }));
    expect(e.status).toBe(400);
    expect(((await e.json()) as { details: { path: string; message: string }[] }).details[0]!.message).toContain('seq');
  });

  it('refuses a body that is not JSON, not an object, or missing', async () => {
    const bad = await server.fetch('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"kind":',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'validation_failed', message: 'the body is not valid JSON' });
    const arr = await server.fetch('/v1/events', json([anEvent()]));
    expect(arr.status).toBe(400);
    const empty = await server.fetch('/v1/events', json({ events: [] }));
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { details: { path: string }[] }).details[0]!.path).toBe('events');
  });

  it('refuses more than 1,000 events in one batch', async () => {
    const events = Array.from({ length: 1001 }, () => ({
      occurredAt: '2026-11-20T00:00:00Z',
      kind: 'deploy',
      title: 'x',
    }));
    const res = await server.fetch('/v1/events', json({ events }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { details: { path: string }[] }).details[0]!.path).toBe('events');
  });

  it('answers 413 for a body over the limit, storing nothing', async () => {
    const res = await server.fetch(
      '/v1/events',
      json(anEvent({ service: 'too-big', description: 'x'.repeat(300 * 1024) })),
    );
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'payload_too_large' });
    expect((await server.admin.call('searchEvents', { query: { service: 'too-big' } })).events).toHaveLength(0);
  });

  it('answers 415 for a body that is not JSON by media type', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await server.fetch('/v1/events', {
        method: 'POST',
        headers: { 'content-type': type },
        body: 'kind=deploy',
      });
      expect(res.status, type).toBe(415);
      expect(await res.json()).toMatchObject({ code: 'unsupported_media_type' });
    }
  });

  it('refuses a key with both expiry forms, or an expiry in the past', async () => {
    const both = (await server.admin
      .call('createKey', { body: { name: 'x', role: 'viewer', expiresAt: '2030-01-01T00:00:00Z', expiresInDays: 3 } })
      .catch((e: unknown) => e)) as BallastApiError;
    expect(both.status).toBe(400);
    expect(both.details[0]!.path).toBe('expiresInDays');
    const past = (await server.admin
      .call('createKey', { body: { name: 'x', role: 'viewer', expiresAt: '2020-01-01T00:00:00Z' } })
      .catch((e: unknown) => e)) as BallastApiError;
    expect(past.details[0]!.path).toBe('expiresAt');
    const role = (await server.admin
      .call('createKey', { body: { name: 'x', role: 'root' as never } })
      .catch((e: unknown) => e)) as BallastApiError;
    expect(role.details[0]!.path).toBe('role');
  });

  it('refuses a duplicate tenant id with 409', async () => {
    await server.admin.call('createTenant', { body: { id: 'dup-org', name: 'Dup' } });
    const err = (await server.admin
      .call('createTenant', { body: { id: 'dup-org', name: 'Dup' } })
      .catch((e: unknown) => e)) as BallastApiError;
    expect(err.status).toBe(409);
    expect(err.details[0]!.path).toBe('id');
  });
});
