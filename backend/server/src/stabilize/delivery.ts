import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Actuation, Delivery, Stabilize } from '@ballast/contract';
import { ActuatorError, type Actuator, type RevertReport, type Snapshot } from '@ballast/plugins';
import type { Database } from '../db/knex.js';
import { ApiError } from '../http/errors.js';
import { policyOf } from './effectivePolicy.js';

/**
 * Delivery of stabilizes to actuators (flag services, gateways, an operator's webhook), as a durable
 * work queue in `stabilize_actuations`:
 *
 * - entering plans one row per actuator of the scope in the same transaction (`desired: applied`, due
 *   when enforcing begins, after any shadow period);
 * - ending sets `desired: reverted`; rows that never applied anything settle at once, and the
 *   stabilize waits in `exiting` only for those that did;
 * - a worker on any replica takes due rows under a lease, calls the actuator outside any transaction,
 *   then records the acknowledgement (or the failure and the next attempt, with backoff) on the row
 *   and on the stabilize's `delivery` in one transaction, locking the stabilize first as transitions do.
 *
 * A step that fails is retried with backoff until `maxAttempts`, then marked `failed` until a person
 * retries it from the API. Actuators are idempotent, so a step repeated after a lost lease is harmless.
 */

export interface ConfiguredActuator {
  actuator: Actuator;
  tenant: string;
  /** Only stabilizes in these environments; every environment when absent. */
  environments?: string[];
}

export interface RetrySettings {
  maxAttempts: number;
  /** Before the second attempt; each later one waits three times longer, at most 10 minutes. */
  firstDelayMs: number;
}

interface Row {
  tenant: string;
  stabilize_id: string;
  actuator: string;
  desired: Actuation['desired'];
  actual: Actuation['actual'];
  status: Actuation['status'];
  attempts: number;
  snapshot: string | null;
  report: string | null;
  last_error: string | null;
  due_at: number | string | null;
  lease_until: number | string | null;
  lease_token: string | null;
  updated_at: number | string;
}

/** How long a worker owns a row it took; well past the actuator timeout, so a live worker never loses it. */
const LEASE_MS = 120_000;
/** Each call to an actuator. */
const STEP_TIMEOUT_MS = 30_000;
const MAX_DELAY_MS = 10 * 60_000;

const iso = (ms: number) => new Date(ms).toISOString();
const num = (v: number | string | null) => (v === null ? null : Number(v));

function toActuation(r: Row): Actuation {
  const report = r.report ? (JSON.parse(r.report) as RevertReport) : undefined;
  const due = num(r.due_at);
  return {
    actuator: r.actuator,
    desired: r.desired,
    actual: r.actual,
    status: r.status,
    attempts: r.attempts,
    ...(due !== null && { nextAttemptAt: iso(due) }),
    ...(r.last_error && { lastError: r.last_error }),
    ...(report && { reverted: report.reverted, leftAlone: report.leftAlone }),
    ...(report?.unchanged?.length && { unchanged: report.unchanged }),
    updatedAt: iso(Number(r.updated_at)),
  };
}

/** The stabilize's delivery, summed up from its rows; undefined when no actuator takes part. */
export function summarize(rows: Row[]): Delivery | undefined {
  if (!rows.length) return undefined;
  const actuations = rows.map(toActuation).sort((a, b) => a.actuator.localeCompare(b.actuator));
  let status: Delivery['status'];
  if (rows.every((r) => r.desired === 'applied')) {
    if (rows.every((r) => r.actual === 'applied')) status = 'active';
    else if (rows.some((r) => r.status === 'retrying' || r.status === 'failed')) status = 'partially_active';
    else status = 'pending';
  } else if (rows.every((r) => r.actual === 'reverted')) status = 'reverted';
  else if (rows.some((r) => r.status === 'failed' && r.actual !== 'reverted')) status = 'revert_failed';
  else status = 'reverting';
  return { status, actuations };
}

/** What the worker reports back, to be recorded with the stabilize's own events and notifications. */
export interface StepOutcome {
  tenant: string;
  before: Stabilize;
  after: Stabilize;
  actuator: string;
  step: 'apply' | 'revert';
  error?: string;
  /** The actuator just gave up (no more automatic attempts). */
  gaveUp: boolean;
}

export function deliveryQueue(db: Database, actuators: ConfiguredActuator[], retry: RetrySettings, now: () => number) {
  const { knex, dialect } = db;
  const byName = new Map<string, Actuator>();
  for (const a of actuators) byName.set(`${a.tenant}\n${a.actuator.name}`, a.actuator);

  const rowsOf = (trx: Knex, id: string): Promise<Row[]> =>
    trx('stabilize_actuations').where({ stabilize_id: id }).orderBy('actuator');
  const inFlight = (r: Row) => r.lease_until !== null && Number(r.lease_until) > now();
  /** Something to undo: an acknowledged apply, or one that failed part way (its snapshot says what it did). */
  const touched = (r: Row) => r.actual === 'applied' || (r.actual === 'none' && r.snapshot !== null);
  const delayFor = (attempts: number) => Math.min(MAX_DELAY_MS, retry.firstDelayMs * 3 ** (attempts - 1));

  return {
    enabled: actuators.length > 0,

    /** Whether ending this stabilize must wait for reverts: something was applied, or is being applied now. */
    async mustRevert(trx: Knex, id: string): Promise<boolean> {
      return (await rowsOf(trx, id)).some((r) => touched(r) || inFlight(r));
    },

    /** Entering: one row per actuator of the scope, due when enforcing begins. The stabilize's delivery. */
    async plan(trx: Knex, tenant: string, s: Stabilize): Promise<Delivery | undefined> {
      const chosen = actuators.filter(
        (a) => a.tenant === tenant && (!a.environments || a.environments.includes(s.environment)),
      );
      if (!chosen.length) return undefined;
      const at = now();
      const due = s.enforceFrom ? Math.max(at, Date.parse(s.enforceFrom)) : at;
      const rows = chosen.map((a) => ({
        tenant,
        stabilize_id: s.id,
        actuator: a.actuator.name,
        desired: 'applied',
        actual: 'none',
        status: 'pending',
        attempts: 0,
        due_at: due,
        updated_at: at,
      }));
      await trx('stabilize_actuations').insert(rows);
      return summarize(await rowsOf(trx, s.id));
    },

    /**
     * Ending: every row now wants `reverted`. What never applied anything (and is not applying now)
     * settles at once; the rest is due now. The stabilize's delivery afterwards.
     */
    async beginRevert(trx: Knex, s: Stabilize): Promise<Delivery | undefined> {
      const rows = await rowsOf(trx, s.id);
      const at = now();
      for (const r of rows) {
        if (r.desired === 'reverted') continue;
        const settle = !touched(r) && !inFlight(r);
        await trx('stabilize_actuations')
          .where({ stabilize_id: r.stabilize_id, actuator: r.actuator })
          .update(
            settle
              ? {
                  desired: 'reverted',
                  actual: 'reverted',
                  status: 'done',
                  due_at: null,
                  last_error: null,
                  updated_at: at,
                }
              : { desired: 'reverted', status: 'pending', attempts: 0, due_at: at, last_error: null, updated_at: at },
          );
      }
      return summarize(await rowsOf(trx, s.id));
    },

    /** A person asks to try again now what failed or waits for its next attempt. The stabilize's delivery. */
    async retry(trx: Knex, s: Stabilize, actuator?: string): Promise<{ delivery: Delivery; names: string[] }> {
      const rows = await rowsOf(trx, s.id);
      if (actuator && !rows.some((r) => r.actuator === actuator))
        throw new ApiError(404, 'not_found', `stabilize ${s.id} has no actuator ${actuator}`, [
          { path: 'body.actuator', message: 'not an actuator of this stabilize' },
        ]);
      const chosen = rows.filter(
        (r) => (!actuator || r.actuator === actuator) && (r.status === 'failed' || r.status === 'retrying'),
      );
      if (!chosen.length)
        throw new ApiError(
          409,
          'nothing_to_retry',
          `nothing of stabilize ${s.id} failed${actuator ? ` at ${actuator}` : ''}; its delivery is ${summarize(rows)?.status ?? 'not configured'}`,
          [{ path: actuator ? 'body.actuator' : 'params.id', message: 'nothing failed' }],
        );
      const at = now();
      for (const r of chosen)
        await trx('stabilize_actuations')
          .where({ stabilize_id: r.stabilize_id, actuator: r.actuator })
          .update({ status: 'pending', attempts: 0, due_at: at, updated_at: at });
      return { delivery: summarize(await rowsOf(trx, s.id))!, names: chosen.map((r) => r.actuator) };
    },

    /**
     * Takes the due rows (at most `batch`) under a lease: on PostgreSQL rows another replica is taking
     * are skipped, not waited for.
     */
    async claim(batch: number): Promise<{ rows: Row[]; token: string }> {
      const token = randomBytes(8).toString('hex');
      const rows = await knex.transaction(async (trx) => {
        const at = now();
        const q = trx('stabilize_actuations')
          .where('due_at', '<=', at)
          .where((w) => w.whereNull('lease_until').orWhere('lease_until', '<=', at))
          .orderBy('due_at')
          .limit(batch);
        if (dialect === 'postgres') q.forUpdate().skipLocked();
        const due: Row[] = await q;
        for (const r of due)
          await trx('stabilize_actuations')
            .where({ stabilize_id: r.stabilize_id, actuator: r.actuator })
            .update({ lease_until: at + LEASE_MS, lease_token: token });
        return due;
      });
      return { rows, token };
    },

    /** Calls the actuator for one taken row; never throws (a failure is an outcome to record). */
    async perform(
      row: Row,
      s: Stabilize | null,
    ): Promise<{ actual?: Actuation['actual']; snapshot?: Snapshot; report?: RevertReport; error?: string }> {
      const actuator = byName.get(`${row.tenant}\n${row.actuator}`);
      if (row.desired === 'reverted' && !touched(row)) return { actual: 'reverted' };
      if (row.desired === 'applied' && row.actual === 'applied') return { actual: 'applied' };
      if (!s) return { error: `stabilize ${row.stabilize_id} is gone` };
      if (!actuator) return { error: `${row.actuator} is no longer configured on this server` };
      const policy = { ...policyOf(s), stabilizeId: s.id };
      const signal = AbortSignal.timeout(STEP_TIMEOUT_MS);
      const snapshot = row.snapshot ? (JSON.parse(row.snapshot) as Snapshot) : undefined;
      try {
        if (row.desired === 'applied')
          return { actual: 'applied', snapshot: await actuator.apply(policy, signal, snapshot) };
        return { actual: 'reverted', report: await actuator.revert(snapshot ?? {}, policy, signal) };
      } catch (err) {
        // Part of the step may be done: its snapshot replaces the old one, for the retry or the revert.
        const partial = err instanceof ActuatorError ? { snapshot: err.snapshot } : {};
        return { error: ((err as Error).message || String(err)).slice(0, 2000), ...partial };
      }
    },

    /**
     * Records a step's result on its row, if the lease is still ours, and answers the stabilize's
     * delivery and whether this step just gave up. Runs inside the caller's transaction, after the
     * caller locked the stabilize.
     */
    async record(
      trx: Knex,
      row: Row,
      token: string,
      result: { actual?: Actuation['actual']; snapshot?: Snapshot; report?: RevertReport; error?: string },
    ): Promise<{ delivery: Delivery | undefined; gaveUp: boolean; step: 'apply' | 'revert' } | null> {
      const q = trx('stabilize_actuations').where({ stabilize_id: row.stabilize_id, actuator: row.actuator });
      if (dialect === 'postgres') q.forUpdate();
      const cur: Row | undefined = await q.first();
      if (!cur || cur.lease_token !== token) return null;
      const at = now();
      const step = cur.desired === 'applied' ? 'apply' : 'revert';
      let gaveUp = false;
      const update: Record<string, unknown> = { lease_until: null, lease_token: null, updated_at: at };
      if (result.error === undefined) {
        const actual = result.actual!;
        // An exit may have come while applying: the row then wants the revert next, at once.
        const done = cur.desired === actual;
        Object.assign(update, {
          actual,
          status: done ? 'done' : 'pending',
          due_at: done ? null : at,
          attempts: 0,
          last_error: null,
          ...(result.snapshot !== undefined && { snapshot: JSON.stringify(result.snapshot) }),
          ...(result.report !== undefined && { report: JSON.stringify(result.report) }),
        });
      } else if (cur.desired === 'reverted' && cur.actual === 'none' && !cur.snapshot && !result.snapshot) {
        // The apply failed and the stabilize ended meanwhile: nothing was applied, nothing to undo.
        Object.assign(update, { actual: 'reverted', status: 'done', due_at: null, last_error: result.error });
      } else {
        if (result.snapshot !== undefined) update.snapshot = JSON.stringify(result.snapshot);
        const attempts = cur.attempts + 1;
        gaveUp = attempts >= retry.maxAttempts;
        Object.assign(update, {
          attempts,
          last_error: result.error,
          status: gaveUp ? 'failed' : 'retrying',
          due_at: gaveUp ? null : at + delayFor(attempts),
        });
      }
      await trx('stabilize_actuations')
        .where({ stabilize_id: row.stabilize_id, actuator: row.actuator })
        .update(update);
      return { delivery: summarize(await rowsOf(trx, row.stabilize_id)), gaveUp, step };
    },
  };
}

export type DeliveryQueue = ReturnType<typeof deliveryQueue>;
export type ActuationRow = Row;
