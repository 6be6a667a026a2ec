import type { PolicyRecorder } from '../events/policyEvents.js';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { z } from 'zod';
import type { Actor, HookCreate, HookCreated, HookRotate } from '@ballast/contract';
import { ApiError } from '../http/errors.js';
import { DEFAULT_TENANT } from '../tenants/tenants.js';
import { hookStore, toHook, type HookRecord } from './hookStore.js';

const newSecret = () => randomBytes(24).toString('base64url');
const newId = () => 'hk_' + randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').toLowerCase();

/**
 * Webhooks: created, rotated and deleted with a policy event in the same transaction. Hooks from the
 * environment (`BALLAST_SOURCE_<SOURCE>_SECRETS`) are the id `default` of the default tenant, read-only.
 */
export function hookService(
  knex: Knex,
  recordEvent: PolicyRecorder,
  envSecrets: Readonly<Record<string, readonly string[]>>,
  now: () => number = Date.now,
) {
  const notFound = (id: string) =>
    new ApiError(404, 'not_found', `no webhook ${id} in this tenant`, [{ path: 'params.id', message: 'not found' }]);

  return {
    /** The hook a delivery names, or undefined. */
    async resolve(source: string, id: string): Promise<HookRecord | undefined> {
      if (id === 'default') {
        const secrets = envSecrets[source];
        if (!secrets?.length) return undefined;
        return {
          id: 'default',
          tenant: DEFAULT_TENANT,
          source: source as HookRecord['source'],
          name: `${source} (from BALLAST_SOURCE_${source.toUpperCase()}_SECRETS)`,
          allowUnsigned: false,
          options: {},
          secrets: secrets.map((secret) => ({ secret, createdAt: 0 })),
          createdAt: 0,
        };
      }
      return hookStore(knex).bySourceAndId(source, id);
    },

    create: (tenant: string, input: z.output<typeof HookCreate>, actor: Actor): Promise<HookCreated> =>
      knex.transaction(async (trx) => {
        const secret = input.secret ?? newSecret();
        const hook = await hookStore(trx)
          .forTenant(tenant)
          .insert({
            id: newId(),
            source: input.source,
            name: input.name,
            allowUnsigned: input.allowUnsigned,
            options: input.options,
            secrets: [{ secret, createdAt: now() }],
            createdAt: now(),
          });
        await recordEvent(
          trx,
          tenant,
          `Webhook "${hook.name}" created for ${hook.source}`,
          'created',
          { hookId: hook.id, source: hook.source },
          actor,
        );
        return { hook: toHook(hook), secret };
      }),

    list: async (tenant: string) => (await hookStore(knex).forTenant(tenant).list()).map(toHook),

    rotate: (tenant: string, id: string, input: z.output<typeof HookRotate>, actor: Actor): Promise<HookCreated> =>
      knex.transaction(async (trx) => {
        const hooks = hookStore(trx).forTenant(tenant);
        const hook = await hooks.get(id);
        if (!hook) throw notFound(id);
        const secret = input.secret ?? newSecret();
        const secrets = [{ secret, createdAt: now() }, ...hook.secrets.slice(0, input.keepPrevious)];
        await hooks.setSecrets(id, secrets);
        await recordEvent(
          trx,
          tenant,
          `Webhook "${hook.name}" secret rotated`,
          'rotated',
          { hookId: id, source: hook.source, secretsInForce: secrets.length },
          actor,
        );
        return { hook: toHook({ ...hook, secrets }), secret };
      }),

    delete: (tenant: string, id: string, actor: Actor) =>
      knex.transaction(async (trx) => {
        const hooks = hookStore(trx).forTenant(tenant);
        const hook = await hooks.get(id);
        if (!hook) throw notFound(id);
        await hooks.delete(id);
        await recordEvent(
          trx,
          tenant,
          `Webhook "${hook.name}" deleted`,
          'deleted',
          { hookId: id, source: hook.source },
          actor,
        );
        return toHook(hook);
      }),
  };
}
export type HookService = ReturnType<typeof hookService>;
