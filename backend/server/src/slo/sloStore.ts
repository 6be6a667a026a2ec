/** SLO definitions per tenant: the parsed spec as JSON beside the columns lists and lookups need. */
import type { Knex } from 'knex';
import type { ParsedSloSpec, Slo } from '@ballast/contract';
import { toNumber } from '../db/knex.js';

export type StoredSpec = ParsedSloSpec & { id: string };

export interface SloRecord {
  key: number;
  tenant: string;
  spec: StoredSpec;
  origin: Slo['origin'];
  managedBy: Slo['managedBy'];
  createdAt: number;
  updatedAt: number;
}

interface Row {
  key: number | string;
  tenant: string;
  id: string;
  spec: string;
  origin: string;
  managed_by: string;
  created_at: number | string;
  updated_at: number | string;
}

const fromRow = (r: Row): SloRecord => ({
  key: toNumber(r.key),
  tenant: r.tenant,
  spec: JSON.parse(r.spec),
  origin: r.origin as Slo['origin'],
  managedBy: r.managed_by as Slo['managedBy'],
  createdAt: toNumber(r.created_at),
  updatedAt: toNumber(r.updated_at),
});

export function toSlo(r: SloRecord): Slo {
  return {
    ...r.spec,
    tenant: r.tenant,
    origin: r.origin,
    managedBy: r.managedBy,
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
  };
}

export function sloStore(db: Knex | Knex.Transaction, tenant: string) {
  return {
    async get(id: string, opts: { forUpdate?: boolean } = {}): Promise<SloRecord | undefined> {
      const q = db<Row>('slos').where({ tenant, id }).first();
      if (opts.forUpdate && db.client.config.client === 'pg') q.forUpdate();
      const row = await q;
      return row ? fromRow(row) : undefined;
    },
    async list(service?: string): Promise<SloRecord[]> {
      const q = db<Row>('slos').where({ tenant });
      if (service) q.andWhere('service', service);
      return (await q.orderBy('id', 'asc')).map(fromRow);
    },
    async insert(r: Omit<SloRecord, 'key' | 'tenant'>): Promise<SloRecord> {
      const [row] = await db('slos')
        .insert({
          tenant,
          id: r.spec.id,
          service: r.spec.service,
          name: r.spec.name,
          spec: JSON.stringify(r.spec),
          origin: r.origin,
          managed_by: r.managedBy,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
        })
        .returning('key');
      const key = typeof row === 'object' ? (row as { key: number }).key : row;
      return { ...r, tenant, key: toNumber(key) };
    },
    async update(key: number, spec: StoredSpec, origin: Slo['origin'], updatedAt: number): Promise<void> {
      await db('slos')
        .where({ tenant, key })
        .update({ service: spec.service, name: spec.name, spec: JSON.stringify(spec), origin, updated_at: updatedAt });
    },
    async delete(key: number): Promise<void> {
      await db('slo_sli_minute').where({ slo_key: key }).delete();
      await db('slo_sli_hour').where({ slo_key: key }).delete();
      await db('slo_sli_day').where({ slo_key: key }).delete();
      await db('slo_states').where({ slo_key: key }).delete();
      await db('slos').where({ tenant, key }).delete();
    },
  };
}
