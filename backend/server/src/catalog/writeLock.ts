import type { Knex } from 'knex';

/**
 * Serializes writes to one catalog or runbook row across replicas for the rest of the transaction, so
 * that two first PUTs of the same entry at once store it once and record one event. SQLite has one
 * writer already.
 */
export async function lockRow(trx: Knex.Transaction, table: string, tenant: string, key: string): Promise<void> {
  if (trx.client.config.client === 'pg')
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`${table}\n${tenant}\n${key}`]);
}
