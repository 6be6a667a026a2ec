/**
 * The backend plugin in a real Backstage test backend, calling a real Ballast server: users with and
 * without each permission, the actor Ballast records, and Ballast's refusals passing through.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreServices, createServiceFactory, type UserInfoService } from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import type { Event, Stabilize } from '@ballast/contract';
import { startBallast, type TestBallast } from '../../../test/ballastServer.js';
import examplePolicy from '../../../test/examplePolicy.js';
import ballastPlugin from './index.js';

const JANE = 'user:default/jane';
const BOB = 'user:default/bob';
const VIEWER = 'user:default/vic';
const NOBODY = 'user:default/nora';
const SAM = 'user:default/sam';

/**
 * The organisation: who is in which group (what a sign-in resolver would say). The policy deciding on
 * it is backstage/test/examplePolicy.ts, run by the real permission backend.
 */
const GROUPS: Record<string, string[]> = {
  [JANE]: ['group:default/sre', 'group:default/oncall-checkout'],
  [BOB]: ['group:default/sre'],
  [VIEWER]: ['group:default/payments'],
  [NOBODY]: ['group:default/contractors'],
  [SAM]: ['group:default/oncall-checkout'],
};

const organisationUserInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: (): UserInfoService => ({
    async getUserInfo(credentials) {
      const ref = (credentials.principal as { userEntityRef: string }).userEntityRef;
      return { userEntityRef: ref, ownershipEntityRefs: [ref, ...(GROUPS[ref] ?? [])] };
    },
  }),
});

const user = (name: string, email?: string, displayName?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { profile: { ...(email && { email }), ...(displayName && { displayName }) }, memberOf: [] },
});

describe('ballast backend plugin', () => {
  let ballast: TestBallast;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const as = (ref: string) => ({ Authorization: mockCredentials.user.header(ref) });

  beforeAll(async () => {
    ballast = await startBallast({
      stabilize: { defaults: {}, environments: { production: { requireApproval: true } } },
    });
    const apiKey = await ballast.backstageKey('approver');
    await ballast.admin.call('putService', {
      params: { name: 'checkout' },
      body: { owner: 'group:default/payments', tier: 1, dependsOn: ['payments'] },
    });
    await ballast.admin.call('createSlo', {
      body: {
        service: 'checkout',
        name: 'availability',
        objective: 0.999,
        period: { kind: 'rolling', window: '28d' },
        sli: { kind: 'pushed' },
      },
    });
    await ballast.admin.call('putRunbook', {
      params: { id: 'checkout-errors' },
      body: {
        frontmatter: { id: 'checkout-errors', title: 'Checkout errors', services: ['checkout'] },
        markdown: '## Meaning\nm\n\n## Impact\ni\n\n## Diagnosis\nd\n\n## Mitigation\nx\n',
      },
    });
    backend = await startTestBackend({
      features: [
        ballastPlugin,
        import('@backstage/plugin-permission-backend'),
        examplePolicy,
        permissionsServiceFactory,
        organisationUserInfo,
        mockServices.rootConfig.factory({
          data: { permission: { enabled: true }, ballast: { baseUrl: ballast.url, apiKey } },
        }),
        catalogServiceMock.factory({
          entities: [
            user('jane', 'Jane@Example.com', 'Jane Doe'),
            user('bob', 'bob@example.com'),
            user('vic'),
            user('sam'),
          ],
        }),
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await ballast?.close();
  });

  it('refuses a request without a signed-in user', async () => {
    const res = await request(backend.server)
      .get('/api/ballast/services/checkout')
      .set({ Authorization: mockCredentials.none.header() });
    expect(res.status).toBe(401);
    const service = await request(backend.server)
      .get('/api/ballast/services/checkout')
      .set({ Authorization: mockCredentials.service.header() });
    expect(service.status).toBe(403);
  });

  it('reads the catalog entry for a user with ballast.events.read, and refuses one without', async () => {
    const ok = await request(backend.server).get('/api/ballast/services/checkout').set(as(VIEWER));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'checkout', owner: 'group:default/payments', tier: 1 });

    const denied = await request(backend.server).get('/api/ballast/services/checkout').set(as(NOBODY));
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 'forbidden', from: 'backstage' });
    expect(denied.body.message).toContain('ballast.events.read');
  });

  it("reads a service's runbooks, SLOs with their status, and changes for a reader", async () => {
    const runbooks = await request(backend.server).get('/api/ballast/services/checkout/runbooks').set(as(VIEWER));
    expect(runbooks.status).toBe(200);
    expect(runbooks.body.runbooks.map((r: { id: string }) => r.id)).toEqual(['checkout-errors']);
    const runbook = await request(backend.server).get('/api/ballast/runbooks/checkout-errors').set(as(VIEWER));
    expect(runbook.status).toBe(200);
    expect(runbook.body.html).toContain('<h2');

    const slos = await request(backend.server).get('/api/ballast/services/checkout/slos').set(as(VIEWER));
    expect(slos.status).toBe(200);
    expect(slos.body.slos.map((x: { id: string }) => x.id)).toEqual(['checkout-availability']);
    expect(slos.body.statuses.map((x: { slo: { id: string } }) => x.slo.id)).toEqual(['checkout-availability']);

    await ballast.admin.call('ingestEvents', {
      body: { occurredAt: new Date().toISOString(), kind: 'deploy', service: 'checkout', title: 'checkout 1.2.3' },
    });
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const changes = await request(backend.server)
      .get('/api/ballast/services/checkout/changes')
      .query({ from, to })
      .set(as(VIEWER));
    expect(changes.status).toBe(200);
    expect(changes.body.annotations.map((a: { title: string }) => a.title)).toContain('checkout 1.2.3');

    const noRange = await request(backend.server).get('/api/ballast/services/checkout/changes').set(as(VIEWER));
    expect(noRange.status).toBe(400);
    expect(noRange.body).toMatchObject({ code: 'validation_failed', from: 'ballast' });

    const denied = await request(backend.server).get('/api/ballast/services/checkout/slos').set(as(NOBODY));
    expect(denied.status).toBe(403);
  });

  it('tells the frontend who Ballast will see and what the policy allows', async () => {
    const res = await request(backend.server).get('/api/ballast/me').set(as(BOB));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: { sub: BOB, email: 'bob@example.com' },
      allowed: {
        'ballast.events.read': true,
        'ballast.stabilize.request': false,
        'ballast.stabilize.approve': true,
      },
    });
  });

  it('passes Ballast refusals through with status, code, message and details', async () => {
    const res = await request(backend.server)
      .post('/api/ballast/stabilize/checkout/production/request')
      .set(as(JANE))
      .send({ reason: '' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.from).toBe('ballast');
    expect(res.body.details.map((d: { path: string }) => d.path)).toContain('reason');

    const missing = await request(backend.server).get('/api/ballast/runbooks/no-such-runbook').set(as(VIEWER));
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'not_found', from: 'ballast' });
  });

  it('requests, approves and exits stabilize as the signed-in people, recorded as verified actors', async () => {
    const scope = '/api/ballast/stabilize/checkout/production';

    const noRequest = await request(backend.server).post(`${scope}/request`).set(as(BOB)).send({ reason: 'x' });
    expect(noRequest.status).toBe(403);
    expect(noRequest.body.message).toContain('ballast.stabilize.request');

    const requested = await request(backend.server)
      .post(`${scope}/request`)
      .set(as(JANE))
      .send({ reason: 'error budget burning after the 14:00 deploy', ttlMinutes: 30 });
    expect(requested.status).toBe(201);
    const waiting = requested.body as Stabilize;
    expect(waiting.state).toBe('requested');
    expect(waiting.requestedBy).toEqual({
      type: 'user',
      id: 'jane@example.com',
      name: 'Jane Doe',
      email: 'jane@example.com',
      verified: true,
    });

    // Jane may approve by the Backstage policy, but Ballast's two-person rule refuses her own request.
    const own = await request(backend.server)
      .post(`/api/ballast/stabilize/requests/${waiting.id}/approve`)
      .set(as(JANE))
      .send({});
    expect(own.status).toBeGreaterThanOrEqual(400);
    expect(own.body.from).toBe('ballast');
    expect(own.body.message).toMatch(/own|same|another|second/i);

    const viewerApprove = await request(backend.server)
      .post(`/api/ballast/stabilize/requests/${waiting.id}/approve`)
      .set(as(VIEWER))
      .send({});
    expect(viewerApprove.status).toBe(403);
    expect(viewerApprove.body.from).toBe('backstage');

    const approved = await request(backend.server)
      .post(`/api/ballast/stabilize/requests/${waiting.id}/approve`)
      .set(as(BOB))
      .send({ comment: 'ok' });
    expect(approved.status).toBe(200);
    expect(approved.body.state).toBe('active');
    expect(approved.body.approvedBy).toMatchObject({ id: 'bob@example.com', verified: true });

    const status = await request(backend.server).get(scope).set(as(VIEWER));
    expect(status.status).toBe(200);
    expect(status.body.stabilize.id).toBe(waiting.id);

    const exited = await request(backend.server).post(`${scope}/exit`).set(as(JANE)).send({ reason: 'recovered' });
    expect(exited.status).toBe(200);
    expect(exited.body.endedBy).toMatchObject({ id: 'jane@example.com', verified: true });

    // What Ballast stored on its timeline, read back with its own admin key.
    const page = await ballast.admin.call('searchEvents', { query: { kind: 'stabilize', service: 'checkout' } });
    const actors = page.events.map((e: Event) => e.actor);
    expect(actors).toContainEqual(expect.objectContaining({ id: 'jane@example.com', type: 'user', verified: true }));
    expect(actors).toContainEqual(expect.objectContaining({ id: 'bob@example.com', type: 'user', verified: true }));

    // The timeline route of the plugin shows the same events to a reader.
    const timeline = await request(backend.server)
      .get('/api/ballast/events')
      .query({ service: 'checkout', kind: 'stabilize' })
      .set(as(VIEWER));
    expect(timeline.status).toBe(200);
    expect(timeline.body.events.map((e: Event) => e.id).sort()).toEqual(page.events.map((e: Event) => e.id).sort());
  });

  it('uses the entity ref as the actor when the user entity has no email', async () => {
    const res = await request(backend.server)
      .post('/api/ballast/stabilize/checkout/staging/request')
      .set(as(SAM))
      .send({ reason: 'load test' });
    expect(res.status).toBe(201);
    expect(res.body.requestedBy).toEqual({ type: 'user', id: SAM, name: SAM, verified: true });
  });
});

describe('ballast backend plugin: live tail, context and extend', () => {
  let ballast: TestBallast;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let base: string;
  const as = (ref: string) => ({ Authorization: mockCredentials.user.header(ref) });

  beforeAll(async () => {
    ballast = await startBallast();
    const apiKey = await ballast.backstageKey('approver');
    backend = await startTestBackend({
      features: [
        ballastPlugin,
        import('@backstage/plugin-permission-backend'),
        examplePolicy,
        permissionsServiceFactory,
        organisationUserInfo,
        mockServices.rootConfig.factory({
          data: { permission: { enabled: true }, ballast: { baseUrl: ballast.url, apiKey } },
        }),
        catalogServiceMock.factory({ entities: [user('sam'), user('bob', 'bob@example.com')] }),
      ],
    });
    const address = backend.server.address();
    if (!address || typeof address === 'string') throw new Error('the test backend has no port');
    base = `http://127.0.0.1:${address.port}/api/ballast`;
  });
  afterAll(async () => {
    await backend?.stop();
    await ballast?.close();
  });

  /** The text of a stream as it arrives: `until` reads on until the whole text so far satisfies it. */
  function textOf(body: NonNullable<Response['body']>) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    return {
      async until(done: (text: string) => boolean): Promise<string> {
        while (!done(text)) {
          const next = await reader.read();
          if (next.done) break;
          text += next.value;
        }
        return text;
      },
    };
  }

  const ingest = (title: string, kind: Event['kind'] = 'deploy', occurredAt = new Date()) =>
    ballast.admin.call('ingestEvents', {
      body: { occurredAt: occurredAt.toISOString(), kind, service: 'checkout', environment: 'production', title },
    });

  it('passes new events of the filtered service through the live tail as they are stored', async () => {
    const closed = new AbortController();
    const res = await fetch(`${base}/events/stream?service=checkout`, { headers: as(VIEWER), signal: closed.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const tail = textOf(res.body!);
    await tail.until((t) => t.includes(': following'));
    await ballast.admin.call('ingestEvents', {
      body: { occurredAt: new Date().toISOString(), kind: 'deploy', service: 'search', title: 'search 9.9.9' },
    });
    await ingest('checkout 2.0.0 (live)');
    const text = await tail.until((t) => t.includes('checkout 2.0.0 (live)'));
    closed.abort();
    const data = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as Event);
    expect(data.map((e) => e.title)).toEqual(['checkout 2.0.0 (live)']);
    expect(text).toContain(`id: ${data[0]!.seq}\nevent: event\n`);
  });

  it('resumes the live tail after Last-Event-ID, and refuses a reader the policy does not allow', async () => {
    const stored = await ingest('checkout 2.0.1');
    const page = await ballast.admin.call('searchEvents', { query: { q: 'checkout 2.0.1' } });
    const seq = page.events[0]!.seq;
    expect(stored.created).toBe(1);
    const closed = new AbortController();
    const res = await fetch(`${base}/events/stream?service=checkout`, {
      headers: { ...as(VIEWER), 'last-event-id': String(seq - 1) },
      signal: closed.signal,
    });
    const text = await textOf(res.body!).until((t) => t.includes('checkout 2.0.1'));
    closed.abort();
    expect(text).toContain(`id: ${seq}\n`);

    const denied = await fetch(`${base}/events/stream?service=checkout`, { headers: as(NOBODY) });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ code: 'forbidden', from: 'backstage' });

    const bad = await fetch(`${base}/events/stream?kind=nonsense`, { headers: as(VIEWER) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'validation_failed', from: 'ballast' });
  });

  it('answers what changed before an incident', async () => {
    const now = Date.now();
    await ingest('checkout 2.1.0', 'deploy', new Date(now - 20 * 60_000));
    await ingest('checkout is failing', 'incident', new Date(now - 5 * 60_000));
    const page = await ballast.admin.call('searchEvents', { query: { kind: 'incident', service: 'checkout' } });
    const incident = page.events[0]!;
    const res = await request(backend.server).get(`/api/ballast/events/${incident.id}/context`).set(as(VIEWER));
    expect(res.status).toBe(200);
    expect(res.body.event.id).toBe(incident.id);
    const titles = res.body.changes.map((c: { event: Event }) => c.event.title);
    expect(titles).toContain('checkout 2.1.0');
    expect(titles).not.toContain('checkout is failing');

    const bad = await request(backend.server)
      .get(`/api/ballast/events/${incident.id}/context`)
      .query({ window: 'forever' })
      .set(as(VIEWER));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'validation_failed', from: 'ballast' });
  });

  it("counts the service's events by facet as Ballast does, each facet without its own filter", async () => {
    const now = Date.now();
    await ingest('checkout 2.2.0', 'deploy', new Date(now - 30 * 60_000));
    await ingest('checkout degraded', 'incident', new Date(now - 10 * 60_000));
    const window = { from: new Date(now - 86_400_000).toISOString(), to: new Date(now + 60_000).toISOString() };
    const query = { service: 'checkout', kind: 'deploy', facet: 'kind,source', ...window };
    const res = await request(backend.server).get('/api/ballast/events/facets').query(query).set(as(VIEWER));
    expect(res.status).toBe(200);
    const direct = await ballast.admin.call('eventFacets', {
      query: { service: ['checkout'], kind: ['deploy'], facet: ['kind', 'source'], ...window },
    });
    expect(res.body).toEqual(direct);
    // The kind facet still lists the other kinds to switch to; the total applies every filter.
    expect(res.body.facets.kind.map((v: { value: string }) => v.value)).toContain('incident');
    expect(res.body.total).toBe(res.body.facets.kind.find((v: { value: string }) => v.value === 'deploy').count);

    const denied = await request(backend.server).get('/api/ballast/events/facets').query(query).set(as(NOBODY));
    expect(denied.status).toBe(403);
    const bad = await request(backend.server)
      .get('/api/ballast/events/facets')
      .query({ ...query, facet: 'colour' })
      .set(as(VIEWER));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'validation_failed', from: 'ballast' });
  });

  it('extends an active stabilize for a requester, and refuses one without the permission', async () => {
    const scope = '/api/ballast/stabilize/checkout/qa';
    const entered = await request(backend.server)
      .post(`${scope}/request`)
      .set(as(SAM))
      .send({ reason: 'load test', ttlMinutes: 30 });
    expect(entered.status).toBe(201);
    expect(entered.body.state).toBe('active');
    const extended = await request(backend.server)
      .post(`${scope}/extend`)
      .set(as(SAM))
      .send({ minutes: 15, reason: 'still running' });
    expect(extended.status).toBe(200);
    expect(Date.parse(extended.body.expiresAt) - Date.parse(entered.body.expiresAt)).toBe(15 * 60_000);
    expect(extended.body.extensions).toHaveLength(1);

    const denied = await request(backend.server)
      .post(`${scope}/extend`)
      .set(as(BOB))
      .send({ minutes: 15, reason: 'x' });
    expect(denied.status).toBe(403);
  });
});
