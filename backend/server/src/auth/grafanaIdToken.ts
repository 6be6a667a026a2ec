/**
 * Verifies `X-Grafana-Id`, the ID token Grafana forwards to plugins when its `idForwarding` feature is
 * on: a JWT Grafana signs (ES256) with the keys it publishes at `/api/signing-keys/keys`. A good token
 * from a `grafana-proxy` key makes the Grafana user the actor with `verified: true`.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Actor } from '@ballast/contract';
import { ApiError } from '../http/errors.js';

const PATH = 'headers.x-grafana-id';
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;

export interface GrafanaIdTokenSettings {
  /** Grafana's signing keys: `<grafana>/api/signing-keys/keys`. */
  jwksUrl: string;
  /** Grafana's `iss` (its root URL as Grafana sees it); checked when set. */
  issuer?: string;
  /** `aud`, e.g. `org:1`; checked when set. */
  audience?: string;
}

const refuse = (message: string, why: string): ApiError =>
  new ApiError(401, 'unauthorized', `X-Grafana-Id: ${message}`, [{ path: PATH, message: why }]);

function reason(err: unknown): ApiError {
  if (err instanceof errors.JWTExpired) return refuse('the ID token has expired', 'expired');
  if (err instanceof errors.JWKSNoMatchingKey)
    return refuse('signed by a key Grafana does not publish', 'unknown signing key');
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return refuse('the signature does not match Grafana’s key', 'bad signature');
  if (err instanceof errors.JOSEAlgNotAllowed) return refuse('only ES256 tokens are accepted', 'wrong algorithm');
  if (err instanceof errors.JWTClaimValidationFailed)
    return refuse(`claim ${err.claim}: ${err.message}`, `bad claim ${err.claim}`);
  // The keys could not be had: a timeout, an answer that is no key set, or no 200 at all.
  const keysUnreadable =
    err instanceof errors.JWKSTimeout ||
    err instanceof errors.JWKSInvalid ||
    (err instanceof errors.JOSEError && /JSON Web Key Set/.test(err.message));
  if (keysUnreadable)
    return new ApiError(503, 'upstream_unavailable', 'Grafana’s signing keys could not be read', [
      { path: PATH, message: 'signing keys unavailable' },
    ]);
  if (err instanceof errors.JOSEError) return refuse('not a valid JWT', 'malformed');
  // A network error fetching the keys.
  if (err instanceof TypeError)
    return new ApiError(503, 'upstream_unavailable', `Grafana’s signing keys could not be read: ${err.message}`, [
      { path: PATH, message: 'signing keys unavailable' },
    ]);
  throw err;
}

/** A verifier holding Grafana's keys (fetched on first use, refetched when an unknown key id appears). */
export function grafanaIdTokenVerifier(settings: GrafanaIdTokenSettings, now: () => number = Date.now) {
  const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(settings.jwksUrl), {
    timeoutDuration: 5000,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  });
  return async function verify(token: string | string[]): Promise<Actor> {
    if (Array.isArray(token)) throw refuse('send one token', 'more than one');
    if (!COMPACT_JWS.test(token)) throw refuse('not a JWT (header.payload.signature)', 'malformed');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ['ES256'],
        ...(settings.issuer && { issuer: settings.issuer }),
        ...(settings.audience && { audience: settings.audience }),
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 30,
        currentDate: new Date(now()),
      }));
    } catch (err) {
      throw reason(err);
    }
    const claims = payload as Record<string, unknown>;
    const str = (k: string) => (typeof claims[k] === 'string' && claims[k] ? (claims[k] as string) : undefined);
    const email = str('email');
    const login = str('username') ?? str('login');
    const sub = str('sub')!;
    if (email !== undefined && (email.length > 320 || !EMAIL.test(email)))
      throw refuse('email is not an email address', 'bad email');
    const normalised = email?.toLowerCase();
    // The email where there is one: the same person is one actor in Grafana and Backstage.
    return {
      type: 'user',
      id: normalised ?? login ?? sub,
      name: str('displayName') ?? str('name') ?? login ?? sub,
      ...(normalised && { email: normalised }),
      verified: true,
    };
  };
}

export type GrafanaIdTokenVerifier = ReturnType<typeof grafanaIdTokenVerifier>;
