/** `X-Ballast-Actor` through real HTTP on both dialects: who may send it, and what a bad one gets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { actorAssertionKey, type Event } from '@ballast/contract';
import { startTestServer, DIALECTS, type TestServer } from '../../test/harness.js';

interface Claims {
  sub?: string;
  email?: string;
  name?: string;
  aud?: string;
  iat?: number;
  exp?: number;
}

async function sign(secret: string, claims: Claims = {}, alg = 'HS256'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const { sub = 'user:default/jane', aud = 'ballast', iat = now, exp = now + 60, ...rest } = claims;
  const key = alg === 'HS256' ? await actorAssertionKey(secret) : new TextEncoder().encode(secret.repeat(2));
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg })
    .setSubject(sub)
    .setAudience(aud)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
}

describe.each(DIALECTS)('X-Ballast-Actor on %s', (dialect) => {
  let server: TestServer;
  let backstageKey: string;
  let otherBackstageKey: string;
  let grafanaKey: string;
  let plainKey: string;

  const post = (key: string, headers: Record<string, string>, title: string) =>
    server.fetch('/v1/events', {
      key,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        events: [{ occurredAt: new Date().toISOString(), kind: 'annotation', service: 'checkout', title }],
      }),
    });
  const stored = async (title: string): Promise<Event | undefined> => {
    const page = await server.admin.call('searchEvents', { query: { q: title } });
    return page.events.find((e) => e.title === title);
  };

  beforeAll(async () => {
    server = await startTestServer(dialect);
    const make = async (name: string, kind: 'standard' | 'grafana-proxy' | 'backstage') =>
      (await server.admin.call('createKey', { body: { name, role: 'approver', kind } })).secret;
    backstageKey = await make('backstage', 'backstage');
    otherBackstageKey = await make('backstage-2', 'backstage');
    grafanaKey = await make('grafana', 'grafana-proxy');
    plainKey = await make('ci', 'standard');
  });
  afterAll(() => server?.close());

  it('records a good assertion as the verified user, by email', async () => {
    const assertion = await sign(backstageKey, { email: 'Jane.Doe@Example.com', name: 'Jane Doe' });
    const res = await post(backstageKey, { 'x-ballast-actor': assertion }, 'asserted deploy');
    expect(res.status).toBe(201);
    const event = await stored('asserted deploy');
    expect(event?.actor).toEqual({
      type: 'user',
      id: 'jane.doe@example.com',
      name: 'Jane Doe',
      email: 'jane.doe@example.com',
      verified: true,
    });
  });

  it('uses the entity ref as the id when the user has no email', async () => {
    const assertion = await sign(backstageKey, { sub: 'user:default/ops-bot' });
    expect((await post(backstageKey, { 'x-ballast-actor': assertion }, 'no email')).status).toBe(201);
    expect((await stored('no email'))?.actor).toEqual({
      type: 'user',
      id: 'user:default/ops-bot',
      name: 'user:default/ops-bot',
      verified: true,
    });
  });

  it('lets a backstage key act as itself without an assertion', async () => {
    expect((await post(backstageKey, {}, 'as the key')).status).toBe(201);
    const actor = (await stored('as the key'))?.actor;
    expect(actor).toMatchObject({ type: 'key', name: 'backstage', verified: true });
  });

  it.each([
    ['expired', { iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 300 }, 'expired'],
    ['for another audience', { aud: 'grafana' }, 'wrong audience'],
    ['living too long', { exp: Math.floor(Date.now() / 1000) + 3600 }, 'lives too long'],
    [
      'issued in the future',
      { iat: Math.floor(Date.now() / 1000) + 600, exp: Math.floor(Date.now() / 1000) + 660 },
      'bad iat',
    ],
    ['with a bad email', { email: 'not an email' }, 'bad email'],
  ])('refuses an assertion %s with 401 naming the header', async (_, claims, why) => {
    const res = await post(backstageKey, { 'x-ballast-actor': await sign(backstageKey, claims) }, 'refused ' + why);
    const body = await res.json();
    expect(res.status).toBe(401);
    expect(body.code).toBe('unauthorized');
    expect(body.message).toMatch(/^X-Ballast-Actor: /);
    expect(body.details).toEqual([{ path: 'headers.x-ballast-actor', message: why }]);
    expect(await stored('refused ' + why)).toBeUndefined();
  });

  it('refuses an assertion signed for another key', async () => {
    const res = await post(backstageKey, { 'x-ballast-actor': await sign(otherBackstageKey) }, 'forged');
    expect(res.status).toBe(401);
    expect((await res.json()).details[0].message).toBe('bad signature');
    expect(await stored('forged')).toBeUndefined();
  });

  it('refuses other algorithms and garbage', async () => {
    const hs512 = await post(backstageKey, { 'x-ballast-actor': await sign(backstageKey, {}, 'HS512') }, 'hs512');
    expect(hs512.status).toBe(401);
    expect((await hs512.json()).details[0].message).toBe('wrong algorithm');
    const garbage = await post(backstageKey, { 'x-ballast-actor': 'jane@example.com' }, 'garbage');
    expect(garbage.status).toBe(401);
    expect((await garbage.json()).details[0].message).toBe('malformed');
  });

  it('accepts the header only from a backstage key, and never beside X-Ballast-User', async () => {
    for (const key of [grafanaKey, plainKey]) {
      const res = await post(key, { 'x-ballast-actor': await sign(key) }, 'wrong kind');
      expect(res.status).toBe(400);
      expect((await res.json()).details).toEqual([
        { path: 'headers.x-ballast-actor', message: 'not accepted from this key' },
      ]);
    }
    const both = await post(
      backstageKey,
      { 'x-ballast-actor': await sign(backstageKey), 'x-ballast-user': 'mallory@example.com' },
      'both',
    );
    expect(both.status).toBe(400);
    const plainUser = await post(backstageKey, { 'x-ballast-user': 'mallory@example.com' }, 'user header');
    expect(plainUser.status).toBe(400);
    expect(await stored('wrong kind')).toBeUndefined();
  });
});
