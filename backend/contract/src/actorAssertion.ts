/**
 * The signed actor assertion a `backstage` key sends in `X-Ballast-Actor`: a compact JWS (HS256) naming
 * the signed-in person. Both sides take its parameters and its key derivation from here.
 */

export const ACTOR_ASSERTION_HEADER = 'x-ballast-actor';

/** The `aud` claim an assertion must carry. */
export const ACTOR_ASSERTION_AUDIENCE = 'ballast';

/** Longest life (`exp - iat`) the server accepts; signers use less (60 s). */
export const ACTOR_ASSERTION_MAX_AGE_SECONDS = 300;

/** Clock difference tolerated between signer and server. */
export const ACTOR_ASSERTION_CLOCK_TOLERANCE_SECONDS = 30;

/** The claims beyond `aud`, `iat`, `exp`: `sub` is the Backstage user entity ref. */
export interface ActorAssertionClaims {
  sub: string;
  email?: string;
  name?: string;
}

const INFO = 'ballast actor assertion v1';

/**
 * The HS256 key: HKDF-SHA256 of the API key's secret. The secret never leaves the Backstage backend,
 * and a signature made for one key is worthless with any other. Web Crypto, so it runs in Node and browsers.
 */
export async function actorAssertionKey(apiKeySecret: string): Promise<Uint8Array> {
  const subtle = globalThis.crypto.subtle;
  const base = await subtle.importKey('raw', new TextEncoder().encode(apiKeySecret), 'HKDF', false, ['deriveBits']);
  const bits = await subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(INFO) },
    base,
    256,
  );
  return new Uint8Array(bits);
}
