/**
 * Grafana's ID tokens, verified against signing keys served over real HTTP. No Grafana server runs
 * here: a local server publishes a JWKS the way Grafana's `/api/signing-keys/keys` does, and the tests
 * sign tokens with the claims Grafana puts in them (ES256, `sub: user:<id>`, `aud: org:<id>`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { ApiError } from '../http/errors.js';
import { grafanaIdTokenVerifier } from './grafanaIdToken.js';

describe('Grafana ID token', () => {
  let server: Server;
  let jwksUrl: string;
  let grafanaKey: CryptoKey;
  let strangerKey: CryptoKey;
  let served = 0;
  const ISSUER = 'https://grafana.example.com/';

  beforeAll(async () => {
    const grafana = await generateKeyPair('ES256');
    const stranger = await generateKeyPair('ES256');
    grafanaKey = grafana.privateKey;
    strangerKey = stranger.privateKey;
    const jwk = { ...(await exportJWK(grafana.publicKey)), kid: 'grafana-1', alg: 'ES256', use: 'sig' };
    server = createServer((req, res) => {
      if (req.url !== '/api/signing-keys/keys') return res.writeHead(404).end();
      served++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    jwksUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/signing-keys/keys`;
  });
  afterAll(() => new Promise((r) => server?.close(r)));

  const sign = (claims: Record<string, unknown>, key = grafanaKey, kid = 'grafana-1', exp: number | string = '5m') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'jwt' })
      .setIssuer(ISSUER)
      .setAudience('org:1')
      .setSubject('user:7')
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(key);
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    return { status: e.status, code: e.code, details: e.details };
  };

  it('makes the Grafana user the actor, verified, by email', async () => {
    const verify = grafanaIdTokenVerifier({ jwksUrl, issuer: ISSUER, audience: 'org:1' });
    const token = await sign({
      email: 'Jane@Example.com',
      username: 'jane',
      displayName: 'Jane Doe',
      namespace: 'default',
    });
    expect(await verify(token)).toEqual({
      type: 'user',
      id: 'jane@example.com',
      name: 'Jane Doe',
      email: 'jane@example.com',
      verified: true,
    });
    // Without an email the login names the person.
    expect(await verify(await sign({ username: 'svc-bot' }))).toMatchObject({ id: 'svc-bot', verified: true });
    expect(served).toBe(1); // the keys are fetched once and kept
  });

  it('refuses expired, foreign, mis-addressed and malformed tokens with 401 naming the header', async () => {
    const verify = grafanaIdTokenVerifier({ jwksUrl, issuer: ISSUER, audience: 'org:1' });
    const expired = await sign({ email: 'a@b.c' }, grafanaKey, 'grafana-1', Math.floor(Date.now() / 1000) - 120);
    expect(await refusal(verify(expired))).toEqual({
      status: 401,
      code: 'unauthorized',
      details: [{ path: 'headers.x-grafana-id', message: 'expired' }],
    });
    expect(await refusal(verify(await sign({}, strangerKey, 'other')))).toMatchObject({
      status: 401,
      details: [{ message: 'unknown signing key' }],
    });
    expect(await refusal(verify(await sign({}, strangerKey)))).toMatchObject({
      details: [{ message: 'bad signature' }],
    });
    const otherOrg = grafanaIdTokenVerifier({ jwksUrl, audience: 'org:2' });
    expect(await refusal(otherOrg(await sign({})))).toMatchObject({ details: [{ message: 'bad claim aud' }] });
    expect(await refusal(verify('not-a-token'))).toMatchObject({ details: [{ message: 'malformed' }] });
    expect(await refusal(verify([await sign({}), await sign({})]))).toMatchObject({
      details: [{ message: 'more than one' }],
    });
  });

  it('answers 503 when Grafana’s keys cannot be read', async () => {
    const verify = grafanaIdTokenVerifier({ jwksUrl: jwksUrl.replace('/keys', '/nothing-here') });
    expect(await refusal(verify(await sign({})))).toMatchObject({ status: 503, code: 'upstream_unavailable' });
  });
});
