/**
 * Verifies `X-Ballast-Actor`, the signed assertion of a person a `backstage` key acts for
 * (docs/backstage.md). A good assertion makes the person the actor, with `verified: true`.
 */
import { errors, jwtVerify } from 'jose';
import {
  ACTOR_ASSERTION_AUDIENCE,
  ACTOR_ASSERTION_CLOCK_TOLERANCE_SECONDS,
  ACTOR_ASSERTION_MAX_AGE_SECONDS,
  actorAssertionKey,
  type Actor,
} from '@ballast/contract';
import { ApiError } from '../http/errors.js';

const PATH = 'headers.x-ballast-actor';
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;

const refuse = (message: string, why: string): ApiError =>
  new ApiError(401, 'unauthorized', `X-Ballast-Actor: ${message}`, [{ path: PATH, message: why }]);

function reason(err: unknown): ApiError {
  if (err instanceof errors.JWTExpired) return refuse('the assertion has expired', 'expired');
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return refuse('the signature does not match this API key', 'bad signature');
  if (err instanceof errors.JOSEAlgNotAllowed) return refuse('only HS256 assertions are accepted', 'wrong algorithm');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return refuse(`the audience must be "${ACTOR_ASSERTION_AUDIENCE}"`, 'wrong audience');
    if (err.claim === 'iat')
      return refuse(`iat must be within the last ${ACTOR_ASSERTION_MAX_AGE_SECONDS} s (${err.message})`, 'bad iat');
    return refuse(`claim ${err.claim}: ${err.message}`, `bad claim ${err.claim}`);
  }
  if (err instanceof errors.JOSEError) return refuse('not a valid compact JWS', 'malformed');
  throw err;
}

/**
 * `secret` is the API key the request authenticated with: the assertion's HS256 key derives from it,
 * so only the holder of this very key can sign for it.
 */
export async function verifyActorAssertion(assertion: string, secret: string, now: () => number): Promise<Actor> {
  if (!COMPACT_JWS.test(assertion)) throw refuse('not a compact JWS (header.payload.signature)', 'malformed');
  const key = await actorAssertionKey(secret);
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, key, {
      algorithms: ['HS256'],
      audience: ACTOR_ASSERTION_AUDIENCE,
      maxTokenAge: ACTOR_ASSERTION_MAX_AGE_SECONDS,
      clockTolerance: ACTOR_ASSERTION_CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'iat', 'sub'],
      currentDate: new Date(now()),
    }));
  } catch (err) {
    throw reason(err);
  }
  const { sub, email, name, iat, exp } = payload as Record<string, unknown>;
  if (typeof iat === 'number' && typeof exp === 'number' && exp - iat > ACTOR_ASSERTION_MAX_AGE_SECONDS)
    throw refuse(`the assertion may live at most ${ACTOR_ASSERTION_MAX_AGE_SECONDS} s`, 'lives too long');
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256)
    throw refuse('sub must name the user (at most 256 characters)', 'bad sub');
  if (email !== undefined && (typeof email !== 'string' || email.length > 320 || !EMAIL.test(email)))
    throw refuse('email is not an email address', 'bad email');
  if (name !== undefined && (typeof name !== 'string' || name.length > 256))
    throw refuse('name must be a string of at most 256 characters', 'bad name');
  const normalised = typeof email === 'string' ? email.toLowerCase() : undefined;
  // The email is the id where there is one, so the same person is the same actor in Grafana and Backstage.
  return {
    type: 'user',
    id: normalised ?? sub,
    name: typeof name === 'string' && name ? name : sub,
    ...(normalised && { email: normalised }),
    verified: true,
  };
}
