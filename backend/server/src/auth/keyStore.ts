import type { Knex } from 'knex';
import { permissionsOf, type ApiKey, type Role } from '@ballast/contract';
import { toNumber } from '../db/knex.js';

export interface KeyRow {
  id: string;
  tenant: string;
  name: string;
  role: string;
  kind: string;
  services: string;
  token_hash: string;
  prefix: string;
  created_at: number | string;
  expires_at: number | string | null;
  revoked_at: number | string | null;
}

const iso = (v: number | string | null): string | null => (v === null ? null : new Date(toNumber(v)).toISOString());

export function rowToKey(r: KeyRow): ApiKey {
  const role = r.role as Role;
  return {
    id: r.id,
    tenant: r.tenant,
    name: r.name,
    role,
    kind: r.kind as ApiKey['kind'],
    permissions: [...permissionsOf(role)],
    services: JSON.parse(r.services) as string[],
    prefix: r.prefix,
    createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
  };
}

/** Keys of one tenant. Lookup by token hash is the one read that does not start from a tenant. */
export function keyStore(db: Knex | Knex.Transaction) {
  return {
    async byTokenHash(hash: string): Promise<KeyRow | undefined> {
      return db<KeyRow>('api_keys').where({ token_hash: hash }).first();
    },
    forTenant(tenant: string) {
      return {
        async insert(row: Omit<KeyRow, 'tenant'>): Promise<ApiKey> {
          const full = { ...row, tenant };
          await db('api_keys').insert(full);
          return rowToKey(full);
        },
        async list(): Promise<ApiKey[]> {
          const rows = await db<KeyRow>('api_keys').where({ tenant }).orderBy('created_at', 'asc');
          return rows.map(rowToKey);
        },
        async get(id: string): Promise<KeyRow | undefined> {
          return db<KeyRow>('api_keys').where({ tenant, id }).first();
        },
        async revoke(id: string, at: number): Promise<void> {
          await db('api_keys').where({ tenant, id }).whereNull('revoked_at').update({ revoked_at: at });
        },
      };
    },
    async count(): Promise<number> {
      const row = await db('api_keys').count({ n: '*' }).first();
      return toNumber(row?.n ?? 0);
    },
  };
}
