import type { PolicyRecorder } from '../events/policyEvents.js';
import type { Knex } from 'knex';
import { ulid } from 'ulid';
import { type KeyCreate, type Actor, type KeyCreated } from '@ballast/contract';
import type { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { keyStore, rowToKey } from './keyStore.js';
import { newToken, tokenHash, tokenPrefix } from './tokens.js';

/** Creating and revoking keys: each change is stored with its policy event in one transaction. */
export function keyService(knex: Knex, recordEvent: PolicyRecorder, now: () => number = Date.now) {
  async function createInTransaction(
    trx: Knex.Transaction,
    tenant: string,
    input: z.output<typeof KeyCreate>,
    actor: Actor,
    token = newToken(),
  ): Promise<KeyCreated> {
    if (input.expiresAt && input.expiresInDays) {
      throw new ApiError(400, 'validation_failed', 'give expiresAt or expiresInDays, not both', [
        { path: 'expiresInDays', message: 'conflicts with expiresAt' },
      ]);
    }
    const created = now();
    const expires = input.expiresAt
      ? Date.parse(input.expiresAt)
      : input.expiresInDays
        ? created + input.expiresInDays * 86_400_000
        : null;
    if (expires !== null && expires <= created) {
      throw new ApiError(400, 'validation_failed', 'expiresAt is in the past', [
        { path: 'expiresAt', message: 'must be in the future' },
      ]);
    }
    const key = await keyStore(trx)
      .forTenant(tenant)
      .insert({
        id: 'key_' + ulid(created).toLowerCase(),
        name: input.name,
        role: input.role,
        kind: input.kind,
        services: JSON.stringify(input.services),
        token_hash: tokenHash(token),
        prefix: tokenPrefix(token),
        created_at: created,
        expires_at: expires,
        revoked_at: null,
      });
    await recordEvent(
      trx,
      tenant,
      `API key "${key.name}" created (role ${key.role})`,
      'created',
      { keyId: key.id, role: key.role, kind: key.kind, services: key.services, expiresAt: key.expiresAt },
      actor,
    );
    return { key, secret: token };
  }

  return {
    createInTransaction,
    create: (tenant: string, input: z.output<typeof KeyCreate>, actor: Actor) =>
      knex.transaction((trx) => createInTransaction(trx, tenant, input, actor)),
    list: (tenant: string) => keyStore(knex).forTenant(tenant).list(),
    revoke: (tenant: string, id: string, actor: Actor) =>
      knex.transaction(async (trx) => {
        const keys = keyStore(trx).forTenant(tenant);
        const row = await keys.get(id);
        if (!row)
          throw new ApiError(404, 'not_found', `no API key ${id} in this tenant`, [
            { path: 'params.id', message: 'not found' },
          ]);
        if (row.revoked_at === null) {
          await keys.revoke(id, now());
          await recordEvent(
            trx,
            tenant,
            `API key "${row.name}" revoked`,
            'revoked',
            { keyId: id, role: row.role },
            actor,
          );
        }
        return rowToKey((await keys.get(id))!);
      }),
  };
}
