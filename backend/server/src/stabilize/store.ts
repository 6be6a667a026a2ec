import type { Knex } from 'knex';
import { OPEN_STATES, type Stabilize } from '@ballast/contract';
import type { Dialect } from '../db/knex.js';
import { dueAt } from './machine.js';

/**
 * Stabilizes as rows: the contract object as JSON plus the columns queries need. `open_scope` is set
 * while the stabilize holds its scope and null after; a unique index on (tenant, open_scope) is what
 * makes two concurrent requests for one scope end with exactly one stored.
 */

interface Row {
  id: string;
  tenant: string;
  doc: string;
}

const openScope = (s: Stabilize) => (OPEN_STATES.includes(s.state) ? `${s.service}\n${s.environment}` : null);

const columns = (s: Stabilize) => ({
  service: s.service,
  environment: s.environment,
  state: s.state,
  open_scope: openScope(s),
  due_at: dueAt(s),
  doc: JSON.stringify(s),
  updated_at: Date.parse(s.updatedAt),
});

export function isScopeTaken(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    (e.code === '23505' && /open_scope/.test(e.message ?? '')) ||
    (e.code === 'SQLITE_CONSTRAINT_UNIQUE' && /open_scope/.test(e.message ?? ''))
  );
}

export function stabilizeStore(knex: Knex, dialect: Dialect, tenant: string) {
  const parse = (r: Row | undefined) => (r ? (JSON.parse(r.doc) as Stabilize) : null);
  return {
    insert: (s: Stabilize) => knex('stabilizes').insert({ id: s.id, tenant, ...columns(s) }),

    update: (s: Stabilize) => knex('stabilizes').where({ tenant, id: s.id }).update(columns(s)),

    async get(id: string): Promise<Stabilize | null> {
      return parse(await knex('stabilizes').where({ tenant, id }).first<Row | undefined>());
    },

    /** The stabilize holding a scope now, locked for the rest of the transaction on PostgreSQL. */
    async openFor(service: string, environment: string, lock = false): Promise<Stabilize | null> {
      const q = knex('stabilizes').where({ tenant, open_scope: `${service}\n${environment}` });
      if (lock && dialect === 'postgres') q.forUpdate();
      return parse(await q.first<Row | undefined>());
    },

    /** By id, locked for the rest of the transaction on PostgreSQL (SQLite has one writer anyway). */
    async lock(id: string): Promise<Stabilize | null> {
      const q = knex('stabilizes').where({ tenant, id });
      if (dialect === 'postgres') q.forUpdate();
      return parse(await q.first<Row | undefined>());
    },

    async list(f: { service?: string[]; environment?: string[]; state?: string[]; limit: number }) {
      const q = knex('stabilizes').where({ tenant });
      if (f.service?.length) q.whereIn('service', f.service);
      if (f.environment?.length) q.whereIn('environment', f.environment);
      if (f.state?.length) q.whereIn('state', f.state);
      else q.whereNotNull('open_scope');
      const rows: Row[] = await q.orderBy('updated_at', 'desc').limit(f.limit).select('id', 'tenant', 'doc');
      return rows.map((r) => parse(r)!);
    },
  };
}

/**
 * Stabilizes whose time is up, across tenants, each locked for the caller's transaction. On PostgreSQL
 * `SKIP LOCKED` lets replicas sweep side by side: a row another replica is ending is not waited for,
 * and once it commits the row is no longer due.
 */
export async function lockDue(
  trx: Knex.Transaction,
  dialect: Dialect,
  now: number,
  limit: number,
): Promise<{ tenant: string; stabilize: Stabilize }[]> {
  const q = trx('stabilizes').where('due_at', '<=', now).orderBy('due_at').limit(limit).select('tenant', 'doc');
  if (dialect === 'postgres') q.forUpdate().skipLocked();
  const rows: Row[] = await q;
  return rows.map((r) => ({ tenant: r.tenant, stabilize: JSON.parse(r.doc) as Stabilize }));
}
