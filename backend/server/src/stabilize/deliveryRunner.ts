/**
 * Runs the actuators' due steps of stabilizes: claims a batch, calls each actuator, and records what it
 * said on the step and the stabilize together, with the timeline events of what changed.
 */
import type { Knex } from 'knex';
import type { Actor, EventInput, Stabilize } from '@ballast/contract';
import type { Database } from '../db/knex.js';
import type { ActuationRow, deliveryQueue } from './delivery.js';
import { afterStep } from './deliveryEvents.js';
import { stabilizeStore } from './store.js';
import { transitionEvent } from './transitionEvent.js';

/** Who records what actuators acknowledged. */
export const DELIVERY_ACTOR: Actor = { type: 'system', id: 'ballast', name: 'stabilize delivery', verified: true };

const iso = (ms: number) => new Date(ms).toISOString();

/** Where stabilize events go: the event store's append, in the caller's transaction. */
export interface EventAppender {
  appendInTransaction(trx: Knex.Transaction, tenant: string, events: EventInput[], actor: Actor): Promise<unknown>;
}

export interface DeliveryRunnerDeps {
  db: Database;
  delivery: ReturnType<typeof deliveryQueue>;
  events: EventAppender;
  now: () => number;
  log?: (msg: string) => void;
  /** After a step was recorded: the stabilize as stored, and what failed if the step did. */
  delivered(tenant: string, s: Stabilize, failed: string | undefined): void;
}

export function deliveryRunner({ db, delivery, events, now, log, delivered }: DeliveryRunnerDeps) {
  const { knex, dialect } = db;

  /** One taken row: call the actuator, then record what it said on the row and the stabilize together. */
  async function deliverOne(row: ActuationRow, token: string) {
    const seen = await stabilizeStore(knex, dialect, row.tenant).get(row.stabilize_id);
    const result = await delivery.perform(row, seen);
    const told = await knex.transaction(async (trx) => {
      const store = stabilizeStore(trx, dialect, row.tenant);
      const s = await store.lock(row.stabilize_id);
      const recorded = await delivery.record(trx, row, token, result);
      if (!recorded || !s) return null;
      const at = now();
      const updated: Stabilize = {
        ...s,
        ...(recorded.delivery && { delivery: recorded.delivery }),
        updatedAt: iso(at),
      };
      const step = afterStep(s, updated, row, recorded.step, result.error, recorded.gaveUp, at);
      await store.update(step.next);
      if (step.events.length)
        await events.appendInTransaction(
          trx,
          row.tenant,
          step.events.map((e) => transitionEvent(step.next, e, at)),
          DELIVERY_ACTOR,
        );
      return { s: step.next, failed: step.failed };
    });
    if (told) delivered(row.tenant, told.s, told.failed);
  }

  let delivering: Promise<number> | null = null;
  let deliverAgain = false;
  /** Every due step, batch after batch, until none is due; steps of one batch run side by side. */
  async function deliverDue(batch = 20): Promise<number> {
    let n = 0;
    for (;;) {
      const { rows, token } = await delivery.claim(batch);
      await Promise.all(
        rows.map((r) =>
          deliverOne(r, token).catch((err: Error) =>
            log?.(`stabilize delivery of ${r.stabilize_id} to ${r.actuator}: ${err.message}`),
          ),
        ),
      );
      n += rows.length;
      if (rows.length < batch) return n;
    }
  }
  /** Runs the due steps now (after a transition), once at a time per process. */
  function kick(): Promise<number> {
    if (delivering) {
      deliverAgain = true;
      return delivering;
    }
    delivering = (async () => {
      let n = 0;
      do {
        deliverAgain = false;
        n += await deliverDue();
      } while (deliverAgain);
      return n;
    })()
      .catch((err: Error) => {
        log?.(`stabilize delivery: ${err.message}`);
        return 0;
      })
      .finally(() => (delivering = null));
    return delivering;
  }

  return {
    kick,
    /** Resolves once no delivery step is running in this process. */
    async idle() {
      while (delivering) await delivering;
    },
  };
}
