import type { Actor, ApiKey, Permission } from '@ballast/contract';
import { ApiError } from '../http/errors.js';
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

export function createAuthenticator(knex: Knex, now: () => number = Date.now) {
  const keys = keyStore(knex);
  const cache = new Map<string, { row: KeyRow; at: number }>();

  async function lookup(hash: string): Promise<KeyRow | undefined> {
    const hit = cache.get(hash);
    if (hit && now() - hit.at < CACHE_MS) return hit.row;
    const row = await keys.byTokenHash(hash);
    if (row) {
      if (cache.size > 10_000) cache.clear();
      cache.set(hash, { row, at: now() });
    }
    return row;
  }

  return {
    async authenticate(header: string | undefined): Promise<AuthContext> {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
      if (!match) throw new ApiError(401, 'unauthorized', 'send an API key as "Authorization: Bearer <key>"');
      const row = await lookup(tokenHash(match[1]!));
      if (!row) throw new ApiError(401, 'unauthorized', 'unknown API key');
      const key = rowToKey(row);
      if (key.revokedAt) throw new ApiError(401, 'unauthorized', `this API key was revoked at ${key.revokedAt}`);
      if (key.expiresAt && Date.parse(key.expiresAt) <= now()) {
        throw new ApiError(401, 'unauthorized', `this API key expired at ${key.expiresAt}`);
      }
      return {
        tenant: key.tenant,
        key,
        permissions: new Set(key.permissions),
        inScope: serviceScope(key.services),
        actor: { type: 'key', id: key.id, name: key.name, verified: true },
      };
    },
    /** Forget cached lookups of a key in this process (revocation here takes effect at once). */
    forget(keyId: string): void {
      for (const [hash, entry] of cache) if (entry.row.id === keyId) cache.delete(hash);
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

export function requirePermission(auth: AuthContext, permission: Permission | null): void {
  if (permission && !auth.permissions.has(permission)) {
    throw new ApiError(
      403,
      'forbidden',
      `key "${auth.key.name}" (role ${auth.key.role}) lacks the permission ${permission}`,
    );
  }
}
