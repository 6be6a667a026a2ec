import type { Knex } from 'knex';
import { EventInput, type Actor } from '@ballast/contract';

type Appender = {
  appendInTransaction(
    trx: Knex.Transaction,
    tenant: string,
    events: ReturnType<typeof EventInput.parse>[],
    actor: Actor,
  ): Promise<unknown>;
};

/** Control-plane changes (keys, tenants) become `policy` events in the same transaction as the change. */
export function policyEventRecorder(store: Appender, now: () => number = Date.now) {
  return async (
    trx: Knex.Transaction,
    tenant: string,
    title: string,
    status: string,
    attributes: Record<string, unknown>,
    actor: Actor,
  ) => {
    const event = EventInput.parse({
      occurredAt: new Date(now()).toISOString(),
      source: 'policy',
      kind: 'config_change',
      status,
      severity: 'info',
      title,
      attributes,
    });
    await store.appendInTransaction(trx, tenant, [event], actor);
  };
}

/** How the control plane records its changes: in the caller's transaction, as the given actor. */
export type PolicyRecorder = ReturnType<typeof policyEventRecorder>;
