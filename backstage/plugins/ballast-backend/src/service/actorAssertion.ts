/** Signs the assertion of a Backstage user that Ballast records as the verified actor (docs/backstage.md). */
import { SignJWT } from 'jose';
import { ACTOR_ASSERTION_AUDIENCE, actorAssertionKey, type ActorAssertionClaims } from '@ballast/contract';

export type ActorSigner = (claims: ActorAssertionClaims) => Promise<string>;

export function createActorSigner(apiKey: string, ttlSeconds: number, now: () => number = Date.now): ActorSigner {
  const key = actorAssertionKey(apiKey);
  return async ({ sub, email, name }) => {
    const iat = Math.floor(now() / 1000);
    return new SignJWT({ ...(email && { email }), ...(name && { name }) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setAudience(ACTOR_ASSERTION_AUDIENCE)
      .setIssuer('backstage')
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(await key);
  };
}
