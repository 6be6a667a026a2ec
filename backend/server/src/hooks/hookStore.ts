import type { Knex } from 'knex';
import type { Hook, HookSource } from '@ballast/contract';
import { toNumber } from '../db/knex.js';

export interface StoredSecret {
  secret: string;
  createdAt: number;
}

/** A hook as the delivery path needs it: whose it is and what proves a delivery. */
export interface HookRecord {
  id: string;
  tenant: string;
  source: HookSource;
  name: string;
  allowUnsigned: boolean;
  options: Record<string, string | boolean | number>;
  /** Newest first. */
  secrets: StoredSecret[];
  createdAt: number;
}

interface Row {
  id: string;
  tenant: string;
  source: string;
  name: string;
  allow_unsigned: boolean | number;
  options: string;
  secrets: string;
  created_at: number | string;
}

const fromRow = (r: Row): HookRecord => ({
  id: r.id,
  tenant: r.tenant,
  source: r.source as HookSource,
  name: r.name,
  allowUnsigned: Boolean(r.allow_unsigned),
  options: JSON.parse(r.options),
  secrets: JSON.parse(r.secrets),
  createdAt: toNumber(r.created_at),
});

export const hookPath = (source: string, id: string) => `/v1/hooks/${source}/${id}`;

/** The public view: secrets by prefix only. */
export function toHook(h: HookRecord): Hook {
  return {
    id: h.id,
    tenant: h.tenant,
    source: h.source,
    name: h.name,
    allowUnsigned: h.allowUnsigned,
    options: h.options,
    path: hookPath(h.source, h.id),
    secrets: h.secrets.map((s) => ({ prefix: s.secret.slice(0, 6), createdAt: new Date(s.createdAt).toISOString() })),
    createdAt: new Date(h.createdAt).toISOString(),
  };
}

export function hookStore(db: Knex | Knex.Transaction) {
  return {
    /** The delivery path's lookup: the URL names source and id, the hook names the tenant. */
    async bySourceAndId(source: string, id: string): Promise<HookRecord | undefined> {
      const row = await db<Row>('hooks').where({ source, id }).first();
      return row ? fromRow(row) : undefined;
    },
    forTenant(tenant: string) {
      return {
        async get(id: string): Promise<HookRecord | undefined> {
          const row = await db<Row>('hooks').where({ tenant, id }).first();
          return row ? fromRow(row) : undefined;
        },
        async list(): Promise<HookRecord[]> {
          return (await db<Row>('hooks').where({ tenant }).orderBy('created_at', 'asc')).map(fromRow);
        },
        async insert(h: Omit<HookRecord, 'tenant'>): Promise<HookRecord> {
          const full = { ...h, tenant };
          await db('hooks').insert({
            id: h.id,
            tenant,
            source: h.source,
            name: h.name,
            allow_unsigned: h.allowUnsigned,
            options: JSON.stringify(h.options),
            secrets: JSON.stringify(h.secrets),
            created_at: h.createdAt,
          });
          return full;
        },
        async setSecrets(id: string, secrets: StoredSecret[]): Promise<void> {
          await db('hooks')
            .where({ tenant, id })
            .update({ secrets: JSON.stringify(secrets) });
        },
        async delete(id: string): Promise<void> {
          await db('hooks').where({ tenant, id }).delete();
        },
      };
    },
  };
}
