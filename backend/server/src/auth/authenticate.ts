import type { Actor, ApiKey, Permission } from '@ballast/contract';
import { ApiError } from '../http/errors.js';
import { verifyActorAssertion } from './actorAssertion.js';
import type { GrafanaIdTokenVerifier } from './grafanaIdToken.js';
import { keyStore, rowToKey, type KeyRow } from './keyStore.js';
import { serviceScope } from './serviceScope.js';
import { tokenHash } from './tokens.js';
import type { Knex } from 'knex';

export interface AuthContext {
  tenant: string;
  key: ApiKey;
  permissions: ReadonlySet<Permission>;
  /** May this key write or act on that service? */
  inScope: (service: string | undefined) => boolean;
  /** The key as the actor of what it does. */
  actor: Actor;
}

/** Key lookups are cached this long: a revocation reaches every replica within a second. */
const CACHE_MS = 1000;

export function createAuthenticator(
  knex: Knex,
  now: () => number = Date.now,
  /** Verifies Grafana's forwarded ID tokens (`X-Grafana-Id`) when Grafana's signing keys are configured. */
  grafanaIdToken?: GrafanaIdTokenVerifier,
) {
  const keys = keyStore(knex);
  /** The key as read, with what every request needs of it already worked out (scope matcher, permissions). */
  interface Known {
    row: KeyRow;
    key: ApiKey;
    permissions: ReadonlySet<Permission>;
    inScope: (service: string | undefined) => boolean;
    at: number;
  }
  const cache = new Map<string, Known>();

  async function lookup(hash: string): Promise<Known | undefined> {
    const hit = cache.get(hash);
    if (hit && now() - hit.at < CACHE_MS) return hit;
    const row = await keys.byTokenHash(hash);
    if (!row) return undefined;
    const key = rowToKey(row);
    const known = { row, key, permissions: new Set(key.permissions), inScope: serviceScope(key.services), at: now() };
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, known);
    return known;
  }

  return {
    /**
     * Who acts, besides the key (`headers`):
     * - `user` is `X-Ballast-User`, and `grafanaUser` is `X-Grafana-User`, which Grafana's plugin proxy
     *   sets to the signed-in user's login when `send_user_header` is on (it drops any the browser
     *   sent). Only a `grafana-proxy` key may name a person this way, and the actor is then recorded
     *   with `verified: false`: the server has the proxy's word for it, not a proof. `X-Grafana-User`
     *   wins over `X-Ballast-User`; from any other kind of key it is ignored (Grafana's data source
     *   proxy adds it to every request), while `X-Ballast-User` is refused.
     * - `actor` is `X-Ballast-Actor`: a `backstage` key's signed assertion of its user, recorded with
     *   `verified: true` once its signature, audience and lifetime check out.
     * - `grafanaId` is `X-Grafana-Id`: the ID token Grafana forwards with ID forwarding on. From a
     *   `grafana-proxy` key, and with Grafana's signing keys configured, a good token makes its user the
     *   actor with `verified: true`; without that configuration it is not read.
     */
    async authenticate(
      header: string | undefined,
      headers: {
        user?: string | string[];
        grafanaUser?: string | string[];
        actor?: string | string[];
        grafanaId?: string | string[];
      } = {},
    ): Promise<AuthContext> {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
      if (!match) throw new ApiError(401, 'unauthorized', 'send an API key as "Authorization: Bearer <key>"');
      const known = await lookup(tokenHash(match[1]!));
      if (!known) throw new ApiError(401, 'unauthorized', 'unknown API key');
      const { key } = known;
      if (key.revokedAt) throw new ApiError(401, 'unauthorized', `this API key was revoked at ${key.revokedAt}`);
      if (key.expiresAt && Date.parse(key.expiresAt) <= now()) {
        throw new ApiError(401, 'unauthorized', `this API key expired at ${key.expiresAt}`);
      }
      return {
        tenant: key.tenant,
        key,
        permissions: known.permissions,
        inScope: known.inScope,
        actor:
          headers.actor !== undefined
            ? await assertedActor(key, match[1]!, headers.actor, headers.user, now)
            : headers.grafanaId !== undefined && grafanaIdToken
              ? await grafanaActor(key, headers.grafanaId, grafanaIdToken)
              : actorOf(
                  key,
                  key.kind === 'grafana-proxy' && headers.grafanaUser !== undefined
                    ? headers.grafanaUser
                    : headers.user,
                  headers.grafanaUser !== undefined && key.kind === 'grafana-proxy'
                    ? 'headers.x-grafana-user'
                    : 'headers.x-ballast-user',
                ),
      };
    },
    /** Forget cached lookups of a key in this process (revocation here takes effect at once). */
    forget(keyId: string): void {
      for (const [hash, entry] of cache) if (entry.row.id === keyId) cache.delete(hash);
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

const USER = /^[^\s<>"]{1,256}$/;

function actorOf(key: ApiKey, userHeader: string | string[] | undefined, path: string): Actor {
  const keyActor: Actor = { type: 'key', id: key.id, name: key.name, verified: true };
  if (userHeader === undefined) return keyActor;
  if (key.kind !== 'grafana-proxy')
    throw new ApiError(400, 'validation_failed', 'only a grafana-proxy key may name the user it acts for', [
      { path, message: 'not accepted from this key' },
    ]);
  const user = Array.isArray(userHeader) ? userHeader[0] : userHeader;
  const name = path === 'headers.x-grafana-user' ? 'X-Grafana-User' : 'X-Ballast-User';
  if (!user || !USER.test(user))
    throw new ApiError(400, 'validation_failed', `${name} must be a login or an email`, [
      { path, message: 'not a login or email' },
    ]);
  return {
    type: 'user',
    id: user,
    name: user,
    ...(/^[^@\s]+@[^@\s]+$/.test(user) && { email: user.toLowerCase() }),
    verified: false,
  };
}

async function assertedActor(
  key: ApiKey,
  secret: string,
  actorHeader: string | string[],
  userHeader: string | string[] | undefined,
  now: () => number,
): Promise<Actor> {
  if (key.kind !== 'backstage')
    throw new ApiError(400, 'validation_failed', 'only a backstage key may send X-Ballast-Actor', [
      { path: 'headers.x-ballast-actor', message: 'not accepted from this key' },
    ]);
  if (userHeader !== undefined || Array.isArray(actorHeader))
    throw new ApiError(400, 'validation_failed', 'send one X-Ballast-Actor and no X-Ballast-User', [
      { path: 'headers.x-ballast-actor', message: 'more than one actor' },
    ]);
  return verifyActorAssertion(actorHeader, secret, now);
}

async function grafanaActor(key: ApiKey, token: string | string[], verify: GrafanaIdTokenVerifier): Promise<Actor> {
  if (key.kind !== 'grafana-proxy')
    throw new ApiError(400, 'validation_failed', 'only a grafana-proxy key may forward a Grafana ID token', [
      { path: 'headers.x-grafana-id', message: 'not accepted from this key' },
    ]);
  return verify(token);
}

export function requirePermission(auth: AuthContext, permission: Permission | null): void {
  if (permission && !auth.permissions.has(permission)) {
    throw new ApiError(
      403,
      'forbidden',
      `key "${auth.key.name}" (role ${auth.key.role}) lacks the permission ${permission}`,
    );
  }
}
