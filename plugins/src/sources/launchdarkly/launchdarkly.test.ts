import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacHex } from '../../source.js';
import { sourcePlugins } from '../../index.js';
import { launchdarkly, parseResource, verifyLaunchdarkly } from './index.js';
import { archived, created, environmentRenamed, rulesChanged, turnedOff, turnedOn } from './samples.js';
import { startTestServer, type TestServer } from '../../../../backend/server/test/harness.js';
import { createHook, deliver } from '../../../test/deliver.js';

describe('LaunchDarkly signature', () => {
  it('is the hex HMAC-SHA256 of the raw body with the webhook secret', () => {
    const raw = Buffer.from(JSON.stringify(turnedOn));
    const secret = 'ld-webhook-secret-5c1f0e2a9b8d';
    const sig = hmacHex('sha256', secret, raw);
    expect(verifyLaunchdarkly(raw, { 'x-ld-signature': sig }, ['previous', secret])).toEqual({ ok: true });
    expect(verifyLaunchdarkly(raw, { 'x-ld-signature': sig }, ['previous'])).toMatchObject({
      ok: false,
      reason: 'bad_signature',
      header: 'X-LD-Signature',
    });
    expect(
      verifyLaunchdarkly(Buffer.concat([raw, Buffer.from(' ')]), { 'x-ld-signature': sig }, [secret]),
    ).toMatchObject({
      ok: false,
    });
    expect(verifyLaunchdarkly(raw, {}, [secret])).toMatchObject({ ok: false, reason: 'missing_signature' });
  });
  it('reads resource specifiers', () => {
    expect(parseResource('proj/checkout:env/production:flag/new-address-form')).toEqual({
      project: 'checkout',
      environment: 'production',
      flag: 'new-address-form',
    });
    expect(parseResource('proj/checkout;team-a,web:env/*:flag/x')).toEqual({
      project: 'checkout',
      environment: undefined,
      flag: 'x',
    });
    expect(parseResource('garbage')).toEqual({ project: undefined, environment: undefined, flag: undefined });
  });
});

describe('LaunchDarkly normalizer', () => {
  it('turns a toggle into a flag_change in the environment it names', () => {
    expect(launchdarkly.normalize(turnedOn, {}, {})).toEqual({
      ok: true,
      events: [
        {
          occurredAt: '2026-11-20T10:00:00.000Z',
          source: 'launchdarkly',
          kind: 'flag_change',
          status: 'enabled',
          severity: 'info',
          service: 'checkout',
          environment: 'production',
          sourceRefs: {
            auditEntry: '6740b2c19f1e2a0f4c7d1a01',
            flag: 'new-address-form',
            project: 'checkout',
            environment: 'production',
            flagVersion: '8',
          },
          title: 'Flag New address form turned on in Production',
          description: '- Turned the flag on',
          links: [
            {
              rel: 'flag',
              url: 'https://app.launchdarkly.com/checkout/production/features/new-address-form',
              text: 'New address form',
            },
          ],
          actor: { type: 'user', id: '548f6741c1efad40031b18ae', name: 'Reese Applebaum', email: 'reese@example.com' },
          correlation: { flagKey: 'new-address-form' },
          tags: { project: 'checkout', actions: 'updateOn' },
          dedupeKey: 'launchdarkly:6740b2c19f1e2a0f4c7d1a01',
        },
      ],
    });
  });

  it('names the change: enabled, disabled, updated, created, archived', () => {
    const one = (p: unknown, options = {}) => {
      const out = launchdarkly.normalize(p, {}, options);
      if (!out.ok) throw new Error(out.message);
      return out.events;
    };
    expect([turnedOn, turnedOff, rulesChanged, created, archived].map((p) => one(p)[0]!.status)).toEqual([
      'enabled',
      'disabled',
      'updated',
      'created',
      'archived',
    ]);
    // Creating and archiving change the flag everywhere, so no environment is claimed.
    expect(one(created)[0]).toMatchObject({
      title: 'Flag New address form created',
      dedupeKey: 'launchdarkly:6740a0009f1e2a0f4c7d1a00',
    });
    expect(one(created)[0]!.environment).toBeUndefined();
    expect(one(turnedOff)[0]!.description).toBe(
      '- Turned the flag off\n\nAddress form crashes on empty postcode (CHECKOUT-9)',
    );
    const restored = {
      ...archived,
      titleVerb: 'restored the flag',
      currentVersion: { ...archived.currentVersion, archived: false },
    };
    expect(one(restored)[0]!.status).toBe('restored');
    // Without versions, the title verb tells on from off.
    const bare = { ...turnedOff, previousVersion: undefined, currentVersion: undefined };
    expect(one(bare)[0]!.status).toBe('disabled');
    expect(one(turnedOn, { service: 'checkout-web', appUrl: 'https://app.eu.launchdarkly.com/' })[0]).toMatchObject({
      service: 'checkout-web',
      links: [{ url: 'https://app.eu.launchdarkly.com/checkout/production/features/new-address-form' }],
    });
  });

  it('gives one event per environment when an entry touches several', () => {
    const both = {
      ...turnedOn,
      accesses: [
        { action: 'updateOn', resource: 'proj/checkout:env/production:flag/new-address-form' },
        { action: 'updateOn', resource: 'proj/checkout:env/staging:flag/new-address-form' },
      ],
    };
    const out = launchdarkly.normalize(both, {}, {});
    expect(out.ok && out.events.map((e) => [e.environment, e.status, e.dedupeKey])).toEqual([
      ['production', 'enabled', 'launchdarkly:6740b2c19f1e2a0f4c7d1a01:production'],
      ['staging', 'enabled', 'launchdarkly:6740b2c19f1e2a0f4c7d1a01:staging'],
    ]);
  });

  it('ignores other kinds, keeps a malformed email out, and names what is missing', () => {
    expect(launchdarkly.normalize(environmentRenamed, {}, {})).toMatchObject({
      ok: true,
      events: [],
      ignored: expect.stringContaining('environment'),
    });
    const odd = launchdarkly.normalize({ ...turnedOn, member: { ...turnedOn.member, email: 'not an email' } }, {}, {});
    expect(odd.ok && odd.events[0]!.actor).toEqual({
      type: 'user',
      id: '548f6741c1efad40031b18ae',
      name: 'Reese Applebaum',
    });
    const token = launchdarkly.normalize(
      { ...turnedOn, member: undefined, token: { _id: 'tok-1', name: 'terraform' } },
      {},
      {},
    );
    expect(token.ok && token.events[0]!.actor).toEqual({ type: 'service', id: 'tok-1', name: 'terraform' });
    expect(launchdarkly.normalize({ accesses: [] }, {}, {})).toEqual({
      ok: false,
      missing: ['_id', 'kind'],
      message: expect.any(String),
    });
    expect(launchdarkly.normalize({ _id: 'x', kind: 'flag', accesses: [] }, {}, {})).toMatchObject({
      ok: false,
      missing: ['accesses.0.resource'],
    });
  });

  it('never throws on malformed or truncated payloads', () => {
    for (const sample of [turnedOn, created]) {
      const raw = JSON.stringify(sample);
      for (let cut = 0; cut < raw.length; cut += 41) {
        let payload: unknown;
        try {
          payload = JSON.parse(raw.slice(0, cut));
        } catch {
          payload = raw.slice(0, cut);
        }
        expect(() => launchdarkly.normalize(payload, {}, {})).not.toThrow();
      }
    }
    for (const payload of [
      null,
      1,
      [],
      { _id: 1, kind: 'flag', accesses: {} },
      { _id: 'a', kind: 'flag', date: 1e300, accesses: [null, 3, { action: 'updateOn', resource: ':::/' }] },
      { _id: 'a', kind: 'flag', date: 'yesterday', accesses: [{ action: 'updateOn', resource: 'flag/k' }], member: [] },
      {
        _id: 'a',
        kind: 'flag',
        accesses: [{ action: 'x', resource: 'proj/p:env/e:flag/k' }],
        currentVersion: { environments: 5 },
      },
    ])
      expect(() => launchdarkly.normalize(payload, {}, { appUrl: 42 })).not.toThrow();
  });
});

describe('LaunchDarkly deliveries over HTTP', () => {
  let server: TestServer;
  let path: string;
  let secret: string;
  beforeAll(async () => {
    sourcePlugins.launchdarkly = launchdarkly;
    server = await startTestServer('sqlite');
    const made = await createHook(server, 'launchdarkly');
    path = made.hook.path;
    secret = made.secret;
  });
  afterAll(async () => server?.close());

  const send = (payload: unknown, key = secret) => {
    const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
    return deliver(server, path, raw, { 'x-ld-signature': hmacHex('sha256', key, raw) });
  };
  const stored = async () =>
    (await server.admin.call('searchEvents', { query: { source: 'launchdarkly', limit: 500 } })).events;

  it('stores flag changes field by field, and a redelivery once', async () => {
    for (const p of [created, turnedOn, turnedOff, rulesChanged]) expect((await send(p)).status).toBe(201);
    expect(await send(turnedOff)).toEqual({ status: 200, body: { created: 0, duplicates: 1 } });
    const events = await stored();
    expect(events.map((e) => [e.status, e.environment ?? null])).toEqual([
      ['updated', 'production'],
      ['disabled', 'production'],
      ['enabled', 'production'],
      ['created', null],
    ]);
    expect(events[1]).toMatchObject({
      tenant: 'default',
      occurredAt: '2026-11-20T10:20:00.000Z',
      source: 'launchdarkly',
      kind: 'flag_change',
      status: 'disabled',
      severity: 'info',
      service: 'checkout',
      environment: 'production',
      sourceRefs: {
        auditEntry: '6740b7719f1e2a0f4c7d1a02',
        flag: 'new-address-form',
        project: 'checkout',
        environment: 'production',
        flagVersion: '9',
      },
      title: 'Flag New address form turned off in Production',
      description: '- Turned the flag off\n\nAddress form crashes on empty postcode (CHECKOUT-9)',
      links: [
        {
          rel: 'flag',
          url: 'https://app.launchdarkly.com/checkout/production/features/new-address-form',
          text: 'New address form',
        },
      ],
      actor: {
        type: 'user',
        id: '548f6741c1efad40031b18ae',
        name: 'Reese Applebaum',
        email: 'reese@example.com',
        verified: false,
      },
      correlation: { flagKey: 'new-address-form' },
      tags: { project: 'checkout', actions: 'updateOn' },
      dedupeKey: 'launchdarkly:6740b7719f1e2a0f4c7d1a02',
    });
  });

  it('acknowledges changes to other kinds without storing anything', async () => {
    const before = (await stored()).length;
    const res = await send(environmentRenamed);
    expect(res.status).toBe(200);
    expect(res.body.ignored).toContain('environment');
    expect(await stored()).toHaveLength(before);
  });

  it('refuses wrong, missing and rotated-out signatures and truncated bodies, storing nothing', async () => {
    const before = (await stored()).length;
    const raw = JSON.stringify(archived);
    const wrong = await send(archived, 'not-the-secret-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toContain('X-LD-Signature');
    expect((await deliver(server, path, raw, {})).status).toBe(401);
    expect((await send(raw.slice(0, 150))).status).toBe(422);
    const incomplete = await send({ _id: 'x', kind: 'flag', accesses: [] });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.details!.map((d) => d.path)).toEqual(['accesses.0.resource']);

    const hookId = path.split('/').pop()!;
    await server.admin.call('rotateHook', {
      params: { id: hookId },
      body: { keepPrevious: 0, secret: 'ld-webhook-secret-rotated-1234567' },
    });
    expect((await send(archived, secret)).status).toBe(401);
    expect((await stored()).length).toBe(before);
    secret = 'ld-webhook-secret-rotated-1234567';
    expect((await send(archived)).status).toBe(201);
    expect((await stored()).length).toBe(before + 1);
  });

  it('never answers a malformed but signed delivery with a 5xx', async () => {
    const before = (await stored()).length;
    const raw = JSON.stringify({ ...turnedOn, _id: '6740ffff9f1e2a0f4c7d1aff' });
    for (let cut = 1; cut < raw.length; cut += Math.ceil(raw.length / 40)) {
      const res = await send(raw.slice(0, cut));
      expect(res.status, raw.slice(0, cut)).toBeLessThan(500);
    }
    const statuses: number[] = [];
    for (const body of [
      '[]',
      '{"_id":"a","kind":"flag","accesses":[{"action":"updateOn","resource":"proj/bad project!:env/e:flag/k"}]}',
      '{"_id":"b","kind":"flag","accesses":[{"action":"updateOn","resource":"proj/p:env/e:flag/k"}],"date":"soon"}',
    ])
      statuses.push((await send(body)).status);
    // A project key that cannot be a service name is refused as an event; a missing date falls back to now.
    expect(statuses).toEqual([422, 422, 201]);
    expect((await stored()).length).toBe(before + 1);
  });
});
