import type { PolicyRecorder } from '../events/policyEvents.js';
import type { Knex } from 'knex';
import { KeyCreate, type Actor, type TenantCreate } from '@ballast/contract';
import type { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { STARTUP_LOCK } from '../db/knex.js';
import type { keyService } from '../auth/keys.js';

/** The organisation the bootstrap key belongs to; its admins may create other tenants. */
export const DEFAULT_TENANT = 'default';

type Keys = ReturnType<typeof keyService>;

export function tenantService(knex: Knex, keys: Keys, recordEvent: PolicyRecorder, now: () => number = Date.now) {
  async function insertTenant(trx: Knex.Transaction, id: string, name: string) {
    const createdAt = now();
    await trx('tenants').insert({ id, name, created_at: createdAt });
    return { id, name, createdAt: new Date(createdAt).toISOString() };
  }

  return {
    /** A new organisation with its first admin key, all or nothing. */
    create: (input: z.output<typeof TenantCreate>, actor: Actor, requesterTenant: string) => {
      if (requesterTenant !== DEFAULT_TENANT) {
        throw new ApiError(403, 'forbidden', `only admin keys of the "${DEFAULT_TENANT}" tenant may create tenants`);
      }
      return knex.transaction(async (trx) => {
        if (await trx('tenants').where({ id: input.id }).first()) {
          throw new ApiError(409, 'conflict', `tenant ${input.id} already exists`, [
            { path: 'id', message: 'already exists' },
          ]);
        }
        const tenant = await insertTenant(trx, input.id, input.name);
        await recordEvent(trx, DEFAULT_TENANT, `Tenant "${input.id}" created`, 'created', { tenant: input.id }, actor);
        const adminKey = await keys.createInTransaction(
          trx,
          input.id,
          KeyCreate.parse({ name: 'first-admin', role: 'admin' }),
          actor,
        );
        return { tenant, adminKey };
      });
    },

    /**
     * On an empty store: the default tenant and one admin key, from BALLAST_BOOTSTRAP_ADMIN_KEY or new.
     * Returns the secret only when it was generated here (so it can be shown once).
     */
    async bootstrap(givenKey: string | undefined): Promise<{ created: false } | { created: true; secret?: string }> {
      // On PostgreSQL, replicas starting together serialise here; the loser then finds the key made.
      return knex.transaction(async (trx) => {
        if (knex.client.config.client === 'pg') await trx.raw('select pg_advisory_xact_lock(?)', [STARTUP_LOCK]);
        const any = await trx('api_keys').first('id');
        if (any) return { created: false as const };
        if (!(await trx('tenants').where({ id: DEFAULT_TENANT }).first()))
          await insertTenant(trx, DEFAULT_TENANT, 'Default organisation');
        const system: Actor = { type: 'system', id: 'bootstrap', name: 'first start', verified: true };
        const made = await keys.createInTransaction(
          trx,
          DEFAULT_TENANT,
          KeyCreate.parse({ name: 'bootstrap-admin', role: 'admin' }),
          system,
          givenKey,
        );
        return givenKey ? { created: true as const } : { created: true as const, secret: made.secret };
      });
    },
  };
}
