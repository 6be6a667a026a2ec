import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import {
  type Actor,
  type EffectivePolicy,
  type ProfileSpec,
  type Stabilize,
  type SloStatus,
  type StabilizeRequest,
} from '@ballast/contract';
import type { Database } from '../db/knex.js';
import { ApiError } from '../http/errors.js';
import type { PolicyRecorder } from '../events/policyEvents.js';
import * as machine from './machine.js';
import { policyFor, type StabilizeConfig } from './policy.js';
import { previewChanges, profileStore } from './profiles.js';
import { isScopeTaken, lockDue, stabilizeStore } from './store.js';
import { effectivePolicy, modeOf, policyEtag } from './effectivePolicy.js';
import type { Notify } from './notifications.js';
import { suggest } from './suggest.js';
import { deliveryQueue, type ConfiguredActuator, type RetrySettings } from './delivery.js';
import { deliveryRunner, type EventAppender } from './deliveryRunner.js';
import { transitionEvent } from './transitionEvent.js';

export { DELIVERY_ACTOR } from './deliveryRunner.js';

/** Who ends stabilizes whose time is up. */
export const EXPIRY_ACTOR: Actor = { type: 'system', id: 'ballast', name: 'stabilize expiry', verified: true };

/** An instance not heard from for this long no longer counts. */
const INSTANCE_WINDOW_MS = 60_000;
/** At most one store write per instance this often (the SDK beats every 15 s). */
const HEARTBEAT_WRITE_MS = 10_000;

/** How long before its end an active stabilize is announced as ending. */
const EXPIRY_WARNING_MS = 10 * 60_000;

const newId = () => 'stb_' + randomBytes(10).toString('hex').slice(0, 16);
const iso = (ms: number) => new Date(ms).toISOString();

const toApiError = (r: machine.Refusal) =>
  new ApiError(r.status, r.code, r.message, r.path ? [{ path: r.path, message: r.message }] : []);

/**
 * Stabilize mode's decisions, stored: every transition runs the pure machine on the row locked in a
 * transaction, stores the result and appends its event in that same transaction, so the timeline
 * and the state never disagree and a transition is never half-done.
 */
export function stabilizeService(
  db: Database,
  events: EventAppender,
  recordPolicyEvent: PolicyRecorder,
  config: StabilizeConfig,
  now: () => number = Date.now,
  /** The service's SLO statuses, for suggestions (none without an SLO engine). */
  slos?: (tenant: string, service: string) => Promise<SloStatus[]>,
  /** Tells people (notifications.ts); called after the change committed. */
  notify: Notify = () => {},
  /** Actuators stabilizes are delivered to (delivery.ts), and how failed steps are retried. */
  deliveryOptions: { actuators: ConfiguredActuator[]; retry: RetrySettings; log?: (msg: string) => void } = {
    actuators: [],
    retry: { maxAttempts: 5, firstDelayMs: 5_000 },
  },
) {
  const { knex, dialect } = db;
  const delivery = deliveryQueue(db, deliveryOptions.actuators, deliveryOptions.retry, now);

  /**
   * Who holds each scope, remembered for at most a second: services poll the policy often, and a
   * change on another replica then reaches them within a second (DESIGN: caches invalidated within
   * 1 s). A change here forgets the scope at once; long-polls and streams read fresh when woken.
   */
  const HOLDER_CACHE_MS = 1000;
  const lastBeat = new Map<string, number>();
  const holders = new Map<
    string,
    {
      at: number;
      open: Stabilize | null;
      computed?: { mode: EffectivePolicy['mode']; policy: EffectivePolicy; etag: string };
    }
  >();
  const scopeKey = (tenant: string, service: string, environment: string) => `${tenant}\n${service}\n${environment}`;
  const forget = (tenant: string, s: Pick<Stabilize, 'service' | 'environment'>) =>
    holders.delete(scopeKey(tenant, s.service, s.environment));

  /** Whether ending this stabilize waits in `exiting` for actuators to revert what they applied. */
  const mustRevert = async (trx: Knex, s: Stabilize) =>
    s.state === 'active' && s.delivery !== undefined && (await delivery.mustRevert(trx, s.id));

  /**
   * The delivery side of a transition, in its transaction: entering plans the actuators' work, ending
   * asks them to revert. The stabilize as stored.
   */
  async function withDelivery(trx: Knex, tenant: string, before: Stabilize | null, next: Stabilize) {
    if (next.state === 'active' && before?.state !== 'active') {
      if (!delivery.enabled) return next;
      const d = await delivery.plan(trx, tenant, next);
      return d ? { ...next, delivery: d } : next;
    }
    if (before?.state === 'active' && next.state !== 'active' && before.delivery) {
      const d = await delivery.beginRevert(trx, next);
      return d ? { ...next, delivery: d } : next;
    }
    return next;
  }

  /** Runs one command on the stored stabilize: lock, decide, store, record. */
  async function transition(
    tenant: string,
    find: (store: ReturnType<typeof stabilizeStore>) => Promise<Stabilize | null>,
    notFound: () => ApiError,
    decide: (s: Stabilize, reverting: boolean) => machine.Outcome,
    actor: Actor,
  ): Promise<Stabilize> {
    const next = await knex.transaction(async (trx) => {
      const store = stabilizeStore(trx, dialect, tenant);
      const current = await find(store);
      if (!current) throw notFound();
      const outcome = decide(current, await mustRevert(trx, current));
      if (!outcome.ok) throw toApiError(outcome.refusal);
      const next = await withDelivery(trx, tenant, current, outcome.next);
      await store.update(next);
      await events.appendInTransaction(
        trx,
        tenant,
        [transitionEvent(next, outcome.event, Date.parse(next.updatedAt))],
        actor,
      );
      return next;
    });
    forget(tenant, next);
    if (next.delivery) kickDelivery();
    return next;
  }

  const { kick: kickDelivery, idle: deliveryIdle } = deliveryRunner({
    db,
    delivery,
    events,
    now,
    log: deliveryOptions.log,
    delivered(tenant, s, failed) {
      forget(tenant, s);
      if (failed) notify('actuator_failed', tenant, s, failed);
    },
  });

  /**
   * "Ends in 10 minutes", once per stabilize: the row is locked, marked as told and committed before
   * the notification goes out, so two replicas sweeping at once never both send it.
   */
  async function warnExpiring(batch: number) {
    const told = await knex.transaction(async (trx) => {
      const soon = await lockDue(trx, dialect, now() + EXPIRY_WARNING_MS, batch);
      const out: { tenant: string; s: Stabilize }[] = [];
      for (const { tenant, stabilize } of soon) {
        if (stabilize.state !== 'active' || stabilize.expiryNotifiedAt) continue;
        if (Date.parse(stabilize.expiresAt!) <= now()) continue; // ending now: the expiry says it
        const next: Stabilize = { ...stabilize, expiryNotifiedAt: new Date(now()).toISOString() };
        await stabilizeStore(trx, dialect, tenant).update(next);
        out.push({ tenant, s: next });
      }
      return out;
    });
    for (const { tenant, s } of told) notify('expiring_soon', tenant, s);
  }

  const noStabilize = (id: string) =>
    new ApiError(404, 'not_found', `no stabilize ${id} in this tenant`, [{ path: 'params.id', message: 'not found' }]);
  const notStabilized = (service: string, environment: string) =>
    new ApiError(404, 'not_stabilized', `${service} in ${environment} is not stabilized and has no request waiting`, [
      { path: 'params.service', message: 'not stabilized' },
    ]);

  return {
    async request(tenant: string, request: StabilizeRequest, actor: Actor, canBreakGlass: boolean): Promise<Stabilize> {
      const policy = policyFor(config, request.environment);
      try {
        const s = await knex.transaction(async (trx) => {
          const profile = await profileStore(trx, tenant).effective(request.service, request.environment);
          const outcome = machine.open({ id: newId(), request, actor, canBreakGlass, policy, profile, now: now() });
          if (!outcome.ok) throw toApiError(outcome.refusal);
          await stabilizeStore(trx, dialect, tenant).insert(outcome.next);
          const next = await withDelivery(trx, tenant, null, outcome.next);
          if (next !== outcome.next) await stabilizeStore(trx, dialect, tenant).update(next);
          await events.appendInTransaction(
            trx,
            tenant,
            [transitionEvent(next, outcome.event, Date.parse(next.updatedAt))],
            actor,
          );
          return next;
        });
        forget(tenant, s);
        if (s.delivery) void kickDelivery();
        if (s.state === 'requested') notify('approval_requested', tenant, s);
        if (s.breakGlass) notify('break_glass', tenant, s);
        return s;
      } catch (err) {
        if (!isScopeTaken(err)) throw err;
        const holder = await stabilizeStore(knex, dialect, tenant).openFor(request.service, request.environment);
        throw new ApiError(
          409,
          'already_stabilized',
          `${request.service} in ${request.environment} already has stabilize ${holder?.id ?? '(just ended)'} (${holder?.state ?? 'ended'}); extend or exit it instead`,
          [{ path: 'body.service', message: 'scope taken' }],
        );
      }
    },

    approve: (tenant: string, id: string, actor: Actor, comment?: string) =>
      transition(
        tenant,
        (s) => s.lock(id),
        () => noStabilize(id),
        (s) => machine.approve(s, actor, now(), comment),
        actor,
      ),

    reject: (tenant: string, id: string, actor: Actor, reason: string) =>
      transition(
        tenant,
        (s) => s.lock(id),
        () => noStabilize(id),
        (s) => machine.reject(s, actor, reason, now()),
        actor,
      ),

    exit: (tenant: string, service: string, environment: string, actor: Actor, reason: string) =>
      transition(
        tenant,
        (s) => s.openFor(service, environment, true),
        () => notStabilized(service, environment),
        (s, reverting) => machine.exit(s, actor, reason, now(), reverting),
        actor,
      ),

    async extend(tenant: string, service: string, environment: string, actor: Actor, minutes: number, reason: string) {
      const s = await transition(
        tenant,
        (store) => store.openFor(service, environment, true),
        () => notStabilized(service, environment),
        (current) => machine.extend(current, actor, minutes, reason, policyFor(config, environment), now()),
        actor,
      );
      if (s.pendingExtension) notify('extension_requested', tenant, s);
      return s;
    },

    /**
     * Tries again now what an actuator failed to apply or revert (all of them, or the one named). The
     * attempt itself runs in the background; the stabilize's delivery shows how it went.
     */
    async retry(tenant: string, id: string, actor: Actor, actuator?: string): Promise<Stabilize> {
      const s = await knex.transaction(async (trx) => {
        const store = stabilizeStore(trx, dialect, tenant);
        const current = await store.lock(id);
        if (!current) throw noStabilize(id);
        const { delivery: d, names } = await delivery.retry(trx, current, actuator);
        const next: Stabilize = { ...current, delivery: d, updatedAt: iso(now()) };
        await store.update(next);
        await events.appendInTransaction(
          trx,
          tenant,
          [
            transitionEvent(
              next,
              {
                status: 'retry',
                severity: 'info',
                title: `Retry of ${names.join(', ')} for stabilize of ${next.service} in ${next.environment} asked by ${actor.name ?? actor.id}`,
                attributes: { stabilizeId: next.id, state: next.state, delivery: d.status, actuators: names },
              },
              now(),
            ),
          ],
          actor,
        );
        return next;
      });
      forget(tenant, s);
      void kickDelivery();
      return s;
    },

    /** Runs every due delivery step now (the sweep, and tests that wait for acknowledgements). */
    deliverDue: () => kickDelivery(),
    /** Resolves once no delivery step is running in this process. */
    deliveryIdle: () => deliveryIdle(),

    async get(tenant: string, id: string): Promise<Stabilize> {
      const s = await stabilizeStore(knex, dialect, tenant).get(id);
      if (!s) throw noStabilize(id);
      return s;
    },

    list: (tenant: string, f: { service?: string[]; environment?: string[]; state?: string[]; limit: number }) =>
      stabilizeStore(knex, dialect, tenant).list(f),

    /** A scope at a glance: who holds it, what services enforce, and what the SLOs suggest. */
    async scope(tenant: string, service: string, environment: string) {
      const open = await stabilizeStore(knex, dialect, tenant).openFor(service, environment);
      const statuses = slos ? await slos(tenant, service) : [];
      return {
        service,
        environment,
        stabilize: open,
        policy: effectivePolicy(service, environment, open, now()),
        suggestion: suggest(open, statuses),
      };
    },

    /**
     * An instance following the scope: remembered in the store (at most one write per instance every
     * 10 s), answered with how many were heard from in the last minute, on any replica.
     */
    async heartbeat(tenant: string, service: string, environment: string, instance: string) {
      const at = now();
      const key = `${scopeKey(tenant, service, environment)}\n${instance}`;
      if ((lastBeat.get(key) ?? 0) < at - HEARTBEAT_WRITE_MS) {
        await knex('policy_instances')
          .insert({ tenant, service, environment, instance, seen_at: at })
          .onConflict(['tenant', 'service', 'environment', 'instance'])
          .merge({ seen_at: at });
        if (lastBeat.size > 100_000) lastBeat.clear();
        lastBeat.set(key, at);
      }
      const row = await knex('policy_instances')
        .where({ tenant, service, environment })
        .where('seen_at', '>', at - INSTANCE_WINDOW_MS)
        .count<{ n: number | string }[]>({ n: '*' })
        .first();
      return { instances: Math.max(1, Number(row?.n ?? 1)), windowSeconds: INSTANCE_WINDOW_MS / 1000 };
    },

    /**
     * What services in the scope enforce now, computed at read time from the scope's holder, so expiry
     * and the end of a shadow period are exact to the ms. `fresh` skips the one-second cache.
     */
    async policy(tenant: string, service: string, environment: string, fresh = false): Promise<EffectivePolicy> {
      return (await this.policyWithEtag(tenant, service, environment, fresh)).policy;
    },

    /** The policy and its ETag; both are kept with the cached holder until the mode changes. */
    async policyWithEtag(tenant: string, service: string, environment: string, fresh = false) {
      const key = scopeKey(tenant, service, environment);
      let entry = holders.get(key);
      if (fresh || !entry || now() - entry.at >= HOLDER_CACHE_MS) {
        const at = now();
        const open = await stabilizeStore(knex, dialect, tenant).openFor(service, environment);
        if (holders.size > 10_000) holders.clear();
        entry = { at, open };
        holders.set(key, entry);
      }
      const mode = modeOf(entry.open, now());
      if (entry.computed?.mode !== mode) {
        const policy = effectivePolicy(service, environment, entry.open, now());
        entry.computed = { mode, policy, etag: policyEtag(policy) };
      }
      return { policy: entry.computed.policy, etag: entry.computed.etag };
    },

    /**
     * Ends every stabilize whose time is up, each once: the row is locked, the machine says whether it
     * is still due, and the state and its event commit together. Safe on any number of replicas at once.
     */
    async expireDue(batch = 100): Promise<number> {
      await warnExpiring(batch);
      let ended = 0;
      let reverting = false;
      for (;;) {
        const n = await knex.transaction(async (trx) => {
          const due = await lockDue(trx, dialect, now(), batch);
          let count = 0;
          for (const { tenant, stabilize } of due) {
            const outcome = machine.expire(stabilize, now(), await mustRevert(trx, stabilize));
            if (!outcome?.ok) continue;
            const next = await withDelivery(trx, tenant, stabilize, outcome.next);
            await stabilizeStore(trx, dialect, tenant).update(next);
            forget(tenant, next);
            const at = Date.parse(next.endedAt!);
            await events.appendInTransaction(trx, tenant, [transitionEvent(next, outcome.event, at)], EXPIRY_ACTOR);
            if (next.delivery) reverting = true;
            count++;
          }
          return due.length < batch ? -count - 1 : count;
        });
        if (n < 0) {
          if (reverting) void kickDelivery();
          return ended + (-n - 1);
        }
        ended += n;
      }
    },

    profiles: {
      get: async (tenant: string, service: string, environment?: string) => {
        const p = await profileStore(knex, tenant).get(service, environment);
        if (!p)
          throw new ApiError(
            404,
            'not_found',
            `no stabilize profile for ${service}${environment ? ` in ${environment}` : ''}`,
            [{ path: 'params.service', message: 'no profile' }],
          );
        return p;
      },
      list: (tenant: string) => profileStore(knex, tenant).list(),
      put: (tenant: string, service: string, environment: string | undefined, spec: ProfileSpec, actor: Actor) =>
        knex.transaction(async (trx) => {
          const store = profileStore(trx, tenant);
          const current = await store.get(service, environment);
          if (current?.managedBy === 'file')
            throw new ApiError(
              409,
              'conflict',
              `the profile for ${service}${environment ? ` in ${environment}` : ''} comes from the file ${current.file}; change the file instead`,
              [{ path: 'params.service', message: 'managed by file' }],
            );
          const { profile, created } = await store.put(service, environment, spec, actor, now());
          if (created)
            await recordPolicyEvent(
              trx,
              tenant,
              `Stabilize profile for ${service}${environment ? ` in ${environment}` : ''} is now version ${profile.version}`,
              'updated',
              { service, environment: environment ?? null, version: profile.version, changes: previewChanges(spec) },
              actor,
            );
          return profile;
        }),
      preview: async (tenant: string, service: string, environment: string) => {
        const p = await profileStore(knex, tenant).effective(service, environment);
        return { service, environment, version: p?.version ?? null, changes: previewChanges(p) };
      },
    },
  };
}

export type StabilizeService = ReturnType<typeof stabilizeService>;
