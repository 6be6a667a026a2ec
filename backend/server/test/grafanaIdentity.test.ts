/**
 * The Grafana user as the actor, through real HTTP on both dialects: a `grafana-proxy` key with the
 * ID token Grafana forwards (`X-Grafana-Id`). No Grafana server runs here: a local server publishes a
 * JWKS the way Grafana's `/api/signing-keys/keys` does, and the test signs tokens as Grafana would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { startServer, type RunningServer } from '../src/server.js';
import { createTestStore, DIALECTS, testConfig, type TestStore } from './harness.js';

describe.each(DIALECTS)('Grafana identity on %s', (dialect) => {
  let store: TestStore;
  let server: RunningServer;
  let jwks: Server;
  let signingKey: CryptoKey;
  let adminKey: string;
  let proxyKey: string;
  let plainKey: string;
  const ISSUER = 'https://grafana.example.com/';

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    signingKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'g1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
    store = await createTestStore(dialect);
    const config = testConfig(store, {
      stabilize: { defaults: {}, environments: {} },
      grafanaJwksUrl: `http://127.0.0.1:${(jwks.address() as { port: number }).port}/api/signing-keys/keys`,
      grafanaIssuer: ISSUER,
      grafanaAudience: 'org:1',
    });
    adminKey = config.bootstrapAdminKey!;
    server = await startServer(config, () => {});
    const make = async (name: string, kind: string) => {
      const res = await call('/v1/keys', { key: adminKey, body: { name, role: 'operator', kind } });
      return res.json.secret as string;
    };
    proxyKey = await make('grafana', 'grafana-proxy');
    plainKey = await make('ci', 'standard');
  });
  afterAll(async () => {
    await server?.close();
    await store?.drop();
    await new Promise((r) => jwks?.close(r));
  });

  async function call(path: string, o: { key: string; body?: unknown; headers?: Record<string, string> }) {
    const res = await fetch(server.url + path, {
      method: o.body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${o.key}`,
        ...(o.body !== undefined && { 'content-type': 'application/json' }),
        ...o.headers,
      },
      ...(o.body !== undefined && { body: JSON.stringify(o.body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }
  const token = (claims: Record<string, unknown>, aud = 'org:1') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'g1' })
      .setIssuer(ISSUER)
      .setAudience(aud)
      .setSubject('user:42')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signingKey);
  const request = (service: string) => ({ service, environment: 'staging', reason: 'errors after deploy' });

  it('records the Grafana user from a verified ID token as the actor', async () => {
    const id = await token({ email: 'Ana@Example.com', username: 'ana', displayName: 'Ana Lima' });
    const made = await call('/v1/stabilize/requests', {
      key: proxyKey,
      body: request('checkout'),
      // The user header from the proxy route is not needed, and the token wins over it.
      headers: { 'x-grafana-id': id, 'x-ballast-user': 'someone-else' },
    });
    expect(made.status).toBe(201);
    expect(made.json.requestedBy).toEqual({
      type: 'user',
      id: 'ana@example.com',
      name: 'Ana Lima',
      email: 'ana@example.com',
      verified: true,
    });
    const events = await call('/v1/events?source=stabilize&service=checkout', { key: adminKey });
    const [event] = events.json.events as { actor: Record<string, unknown> }[];
    expect(event!.actor).toMatchObject({ id: 'ana@example.com', verified: true });
  });

  it('refuses a bad token with 401, and the token from any other kind of key with 400', async () => {
    const wrongOrg = await call('/v1/stabilize/requests', {
      key: proxyKey,
      body: request('payments'),
      headers: { 'x-grafana-id': await token({ email: 'a@b.co' }, 'org:2') },
    });
    expect(wrongOrg.status).toBe(401);
    expect(wrongOrg.json.details).toEqual([{ path: 'headers.x-grafana-id', message: 'bad claim aud' }]);
    const plain = await call('/v1/stabilize/requests', {
      key: plainKey,
      body: request('payments'),
      headers: { 'x-grafana-id': await token({ email: 'a@b.co' }) },
    });
    expect(plain.status).toBe(400);
    expect(plain.json.details).toEqual([{ path: 'headers.x-grafana-id', message: 'not accepted from this key' }]);
    // Nothing was stored by either.
    expect((await call('/v1/stabilize?service=payments', { key: adminKey })).json.stabilizes).toEqual([]);
  });

  it('takes X-Grafana-User (Grafana proxy send_user_header) from a proxy key, and ignores it from others', async () => {
    const proxied = await call('/v1/stabilize/requests', {
      key: proxyKey,
      body: request('ledger'),
      headers: { 'x-grafana-user': 'carol', 'x-ballast-user': 'someone-else' },
    });
    expect(proxied.status).toBe(201);
    expect(proxied.json.requestedBy).toEqual({ type: 'user', id: 'carol', name: 'carol', verified: false });
    // Grafana's data source proxy adds it to every request, whatever the key: a plain key stays itself.
    const plain = await call('/v1/stabilize/requests', {
      key: plainKey,
      body: request('cart'),
      headers: { 'x-grafana-user': 'carol' },
    });
    expect(plain.status).toBe(201);
    expect(plain.json.requestedBy).toMatchObject({ type: 'key', name: 'ci', verified: true });
    const bad = await call('/v1/stabilize/requests', {
      key: proxyKey,
      body: request('billing'),
      headers: { 'x-grafana-user': 'two words' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.details).toEqual([{ path: 'headers.x-grafana-user', message: 'not a login or email' }]);
  });

  it('still takes the user header alone, unverified', async () => {
    const made = await call('/v1/stabilize/requests', {
      key: proxyKey,
      body: request('search'),
      headers: { 'x-ballast-user': 'bob@example.com' },
    });
    expect(made.status).toBe(201);
    expect(made.json.requestedBy).toMatchObject({ id: 'bob@example.com', verified: false });
  });
});
