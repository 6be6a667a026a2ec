import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventInput } from '@ballast/contract';
import { sourcePlugins } from '../../index.js';
import { unleash, verifyUnleash } from './index.js';
import {
  archived,
  environmentDisabled,
  environmentEnabled,
  metadataUpdated,
  projectCreated,
  strategyRemoved,
  strategyUpdated,
} from './samples.js';
import { startTestServer, type TestServer } from '../../../../backend/server/test/harness.js';
import { createHook, deliver } from '../../../test/deliver.js';

describe('Unleash authorization', () => {
  it('accepts the secret as a bearer token or bare, as the webhook’s Authorization field sends it', () => {
    expect(verifyUnleash({ authorization: 'Bearer s-1' }, ['s-0', 's-1'])).toEqual({ ok: true });
    expect(verifyUnleash({ authorization: 's-1' }, ['s-1'])).toEqual({ ok: true });
    expect(verifyUnleash({ authorization: 'Bearer s-2' }, ['s-1'])).toMatchObject({
      ok: false,
      reason: 'bad_signature',
      header: 'Authorization',
    });
    expect(verifyUnleash({}, ['s-1'])).toMatchObject({ ok: false, reason: 'missing_signature' });
  });
});

describe('Unleash normalizer', () => {
  const one = (payload: unknown, options = {}) => {
    const out = unleash.normalize(payload, {}, options);
    if (!out.ok) throw new Error(out.message);
    return out.events[0]!;
  };

  it('turns an environment toggle into a flag_change event, field by field', () => {
    const event = one(environmentEnabled, { unleashUrl: 'https://unleash.example.com/' });
    expect(event).toEqual({
      occurredAt: '2026-11-20T09:59:10.512Z',
      source: 'unleash',
      kind: 'flag_change',
      status: 'enabled',
      severity: 'info',
      service: 'checkout',
      environment: 'production',
      sourceRefs: {
        eventId: '4311',
        eventType: 'feature-environment-enabled',
        project: 'web',
        flag: 'new-checkout-flow',
      },
      title: 'Flag new-checkout-flow enabled in production',
      links: [
        {
          rel: 'flag',
          url: 'https://unleash.example.com/projects/web/features/new-checkout-flow',
          text: 'new-checkout-flow',
        },
      ],
      actor: { type: 'user', id: 'alice@acme.example', name: 'alice@acme.example', email: 'alice@acme.example' },
      tags: {
        simple: 'checkout-redesign',
        service: 'checkout',
        project: 'web',
        unleash_event: 'feature-environment-enabled',
      },
      correlation: { flagKey: 'new-checkout-flow' },
      dedupeKey: 'unleash:4311',
    });
    expect(EventInput.safeParse(event).success).toBe(true);
  });

  it('maps each event type to a status and says what changed', () => {
    const rows = [environmentDisabled, strategyUpdated, strategyRemoved, archived, metadataUpdated].map((p) => {
      const e = one(p);
      return [e.status, e.title, e.description, e.service, e.environment];
    });
    expect(rows).toEqual([
      ['disabled', 'Flag new-checkout-flow disabled in production', undefined, 'checkout', 'production'],
      [
        'updated',
        'Flag new-checkout-flow strategy updated in production',
        'Strategy flexibleRollout (rollout 25%, 1 constraint)',
        'checkout',
        'production',
      ],
      ['updated', 'Flag new-checkout-flow strategy removed in staging', 'Strategy userWithId', 'checkout', 'staging'],
      // No service tag: the project stands in for the service.
      ['archived', 'Flag old-banner archived', undefined, 'web', undefined],
      ['updated', 'Flag new-checkout-flow metadata updated', undefined, 'checkout', undefined],
    ]);
    expect(one(archived).actor).toEqual({ type: 'system', id: 'unleash_system_user', name: 'unleash_system_user' });
    expect(one({ ...strategyUpdated, type: 'feature-strategy-add' }).title).toContain('strategy added');
    expect(one({ ...archived, type: 'feature-something-new' })).toMatchObject({
      status: 'updated',
      title: 'Flag old-banner something new',
    });
    expect(one(environmentEnabled, { serviceTagType: 'simple' }).service).toBe('checkout-redesign');
  });

  it('ignores events that are not flag changes and names what is missing', () => {
    expect(unleash.normalize(projectCreated, {}, {})).toEqual({
      ok: true,
      events: [],
      ignored: 'Unleash event "project-created" is not a flag change',
    });
    expect(unleash.normalize({ event: 'feature-created', featureToggle: 'x' }, {}, {})).toMatchObject({
      ok: false,
      missing: ['id', 'type'],
    });
    expect(unleash.normalize({ id: 1, type: 'feature-created' }, {}, {})).toMatchObject({
      ok: false,
      missing: ['featureName'],
    });
  });

  it('never throws on malformed or truncated payloads, and what it returns is storable', () => {
    const payloads: unknown[] = [null, 1, 'x', [], { id: {}, type: [] }];
    for (const sample of [environmentEnabled, strategyUpdated, archived]) {
      const raw = JSON.stringify(sample);
      for (let cut = 0; cut < raw.length; cut += 7) {
        try {
          payloads.push(JSON.parse(raw.slice(0, cut)));
        } catch {
          payloads.push(raw.slice(0, cut));
        }
      }
      for (const k of Object.keys(sample))
        for (const junk of [null, -1, {}, [], '', ':: :/', [{ type: 'a b:c', value: 5 }], 'x'.repeat(600)])
          payloads.push({ ...sample, [k]: junk });
    }
    for (const p of payloads) {
      const out = unleash.normalize(p, {}, { unleashUrl: 'https://u.example.com' });
      if (out.ok) for (const e of out.events) expect(EventInput.safeParse(e).error).toBeUndefined();
      else expect(out.missing.length).toBeGreaterThan(0);
    }
  });
});

describe('Unleash deliveries over HTTP', () => {
  let server: TestServer;
  let path: string;
  let secret: string;
  beforeAll(async () => {
    sourcePlugins.unleash = unleash;
    server = await startTestServer('sqlite');
    const made = await createHook(server, 'unleash', { options: { unleashUrl: 'https://unleash.example.com' } });
    path = made.hook.path;
    secret = made.secret;
  });
  afterAll(async () => server?.close());

  const send = (payload: unknown, key = `Bearer ${secret}`) =>
    deliver(server, path, JSON.stringify(payload), { authorization: key });
  const stored = async () =>
    (await server.admin.call('searchEvents', { query: { source: 'unleash', limit: 500 } })).events;

  it('stores each flag event once and acknowledges other events', async () => {
    for (const p of [environmentEnabled, strategyUpdated, strategyRemoved, environmentDisabled, archived])
      expect(await send(p)).toEqual({ status: 201, body: { created: 1, duplicates: 0 } });
    // Unleash retries a failed delivery with the same event id.
    expect(await send(environmentEnabled, secret)).toEqual({ status: 200, body: { created: 0, duplicates: 1 } });
    const ignored = await send(projectCreated);
    expect(ignored.status).toBe(200);
    expect(ignored.body.ignored).toContain('project-created');
    const events = await stored();
    expect(events.map((e) => [e.status, e.environment ?? null])).toEqual([
      ['archived', null],
      ['disabled', 'production'],
      ['updated', 'staging'],
      ['updated', 'production'],
      ['enabled', 'production'],
    ]);
    expect(events[4]).toMatchObject({
      tenant: 'default',
      occurredAt: '2026-11-20T09:59:10.512Z',
      source: 'unleash',
      kind: 'flag_change',
      service: 'checkout',
      title: 'Flag new-checkout-flow enabled in production',
      sourceRefs: { eventId: '4311', project: 'web' },
      links: [{ rel: 'flag', url: 'https://unleash.example.com/projects/web/features/new-checkout-flow' }],
      correlation: { flagKey: 'new-checkout-flow' },
      tags: { service: 'checkout', unleash_event: 'feature-environment-enabled' },
      // Who Unleash says made the change; the server marks a sender's word as unverified.
      actor: { type: 'user', id: 'alice@acme.example', email: 'alice@acme.example', verified: false },
    });
    const byFlag = await server.admin.call('searchEvents', {
      query: { source: 'unleash', kind: 'flag_change', q: 'new-checkout-flow', limit: 50 },
    });
    expect(byFlag.events.length).toBe(4);
  });

  it('refuses wrong, missing and rotated-out secrets and truncated bodies, storing nothing', async () => {
    const before = (await stored()).length;
    const raw = JSON.stringify(metadataUpdated);
    const wrong = await send(metadataUpdated, 'Bearer not-the-secret-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toContain('Authorization');
    expect((await deliver(server, path, raw, {})).status).toBe(401);
    expect((await deliver(server, path, raw.slice(0, 90), { authorization: `Bearer ${secret}` })).status).toBe(422);
    const noId = await send({ type: 'feature-created', featureName: 'x' });
    expect(noId.status).toBe(422);
    expect(noId.body.details!.map((d) => d.path)).toEqual(['id']);

    const hookId = path.split('/').pop()!;
    const rotated = await server.admin.call('rotateHook', { params: { id: hookId }, body: { keepPrevious: 1 } });
    expect((await send(metadataUpdated)).status).toBe(201);
    expect((await send(metadataUpdated, `Bearer ${rotated.secret}`)).status).toBe(200);
    await server.admin.call('rotateHook', { params: { id: hookId }, body: { keepPrevious: 0 } });
    expect((await send(strategyUpdated, `Bearer ${secret}`)).status).toBe(401);
    expect((await send({ ...strategyUpdated, id: 9999 }, `Bearer ${rotated.secret}`)).status).toBe(401);
    expect((await stored()).length).toBe(before + 1);
    secret = rotated.secret;
  });

  it('answers no 5xx to truncated or malformed bodies', async () => {
    const made = await createHook(server, 'unleash');
    const raw = JSON.stringify(strategyUpdated);
    const bodies = ['', 'null', '7', '{"id":1,"type":"feature-created","featureName":{}}'];
    for (let c = 1; c < raw.length; c += 61) bodies.push(raw.slice(0, c));
    for (const body of bodies)
      expect((await deliver(server, made.hook.path, body, { authorization: made.secret })).status, body).toBeLessThan(
        500,
      );
  });
});
