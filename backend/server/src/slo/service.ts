/**
 * The SLO engine's use cases: definitions (per tenant, policy event on each change), pushed SLI counts,
 * and status, series and rules read through the SLI's source. SLO files are reconciled in
 * fileReconcile.ts.
 */
import type { Knex } from 'knex';
import type { z } from 'zod';
import {
  SloSpec,
  issuesToDetails,
  type Actor,
  type ParsedEventInput,
  type ParsedSloSpec,
  type Slo,
  type SliPush,
  type SloImport,
  type SloSeries,
  type SloStatus,
  type SloWritten,
} from '@ballast/contract';
import type { PolicyRecorder } from '../events/policyEvents.js';
import { ApiError } from '../http/errors.js';
import { sloStore, toSlo, type SloRecord, type StoredSpec } from './sloStore.js';
import { readMinutes, storeMinutes, sumRanges } from './sliStore.js';
import { computeStatus, statusWindows, type WindowData } from './status.js';
import { computeSeries, seriesLookbackMs } from './series.js';
import { buildRuleGroups, rulesYaml } from './rules.js';
import { MINUTE } from './windows.js';
import {
  PrometheusError,
  checkLatencyBucket,
  prometheusClient,
  prometheusSeries,
  prometheusWindowData,
  type PrometheusOptions,
} from './prometheus.js';
import { parseDocuments } from './importReader.js';
import { defaultSloId } from './sloId.js';
import { canonicalJson } from './canonicalJson.js';
import { reconcileSloFiles } from './fileReconcile.js';
import { DEFAULT_TENANT } from '../tenants/tenants.js';
import { emptyState, transition, type SloState } from './sloEvents.js';
import { fromOpenSlo } from './openslo.js';
import { fromSloth } from './sloth.js';

type Scope = { tenant: string; actor: Actor; inScope: (service: string | undefined) => boolean };

export { defaultSloId } from './sloId.js';

const notFound = (id: string) =>
  new ApiError(404, 'not_found', `no SLO ${id} in this tenant`, [{ path: 'params.id', message: 'not found' }]);

function requireScope(scope: Scope, service: string, path = 'service') {
  if (!scope.inScope(service))
    throw new ApiError(403, 'forbidden', `this key may not act on service ${service}`, [
      { path, message: 'outside the key’s services' },
    ]);
}

function refuseFileManaged(r: SloRecord) {
  if (r.managedBy === 'file')
    throw new ApiError(409, 'conflict', `SLO ${r.spec.id} is managed by a file; change the file instead`, [
      { path: 'params.id', message: 'managed by file' },
    ]);
}

/** Where SLO events go: the event store's append, in the caller's transaction. */
export interface SloEventAppender {
  appendInTransaction(
    trx: Knex.Transaction,
    tenant: string,
    events: ParsedEventInput[],
    actor: Actor,
  ): Promise<unknown>;
}

export interface SloServiceOptions {
  prometheus?: PrometheusOptions;
  /** Without it, evaluations keep no state and record nothing. */
  events?: SloEventAppender;
  now?: () => number;
}

const ENGINE: Actor = { type: 'system', id: 'slo-engine', name: 'SLO engine', verified: true };
/** Arbitrary, fixed: the advisory lock of the replica that evaluates SLOs on a tick. */
const EVALUATOR_LOCK = 4680005;
/** SLOs whose statuses the evaluator reads together. */
const EVALUATION_BATCH = 200;

export function sloService(knex: Knex, recordEvent: PolicyRecorder, options: SloServiceOptions = {}) {
  const now = options.now ?? Date.now;
  const prometheus = options.prometheus ? prometheusClient(options.prometheus) : undefined;
  const upstream = (err: unknown): never => {
    if (err instanceof PrometheusError) throw new ApiError(502, 'upstream_unavailable', err.message);
    throw err;
  };

  async function load(tenant: string, id: string): Promise<SloRecord> {
    const r = await sloStore(knex, tenant).get(id);
    if (!r) throw notFound(id);
    return r;
  }

  /** Window data for pushed SLOs sharing one period, in a handful of queries. */
  async function pushedData(records: SloRecord[], at: number): Promise<Map<number, Record<string, WindowData>>> {
    const out = new Map<number, Record<string, WindowData>>();
    const groups = new Map<string, SloRecord[]>();
    for (const r of records) {
      const sig = canonicalJson(r.spec.period);
      groups.set(sig, [...(groups.get(sig) ?? []), r]);
    }
    for (const group of groups.values()) {
      const ranges = statusWindows(group[0]!.spec, at).map((w) => ({ name: w.window, from: w.from, to: at }));
      const sums = await sumRanges(
        knex,
        group.map((r) => r.key),
        ranges,
      );
      for (const r of group) {
        const s = sums.get(r.key)!;
        out.set(
          r.key,
          Object.fromEntries(
            ranges.map((range) => [
              range.name,
              { from: range.from, to: at, good: s[range.name]!.good, total: s[range.name]!.total, source: 'pushed' },
            ]),
          ),
        );
      }
    }
    return out;
  }

  function unavailableData(r: SloRecord, at: number, why: string): Record<string, WindowData> {
    return Object.fromEntries(
      statusWindows(r.spec, at).map((w) => [w.window, { from: w.from, to: at, good: null, total: null, source: why }]),
    );
  }

  async function statusesOf(records: SloRecord[], at: number): Promise<SloStatus[]> {
    const pushed = await pushedData(
      records.filter((r) => r.spec.sli.kind === 'pushed'),
      at,
    );
    const fromPrometheus = new Map<number, Record<string, WindowData>>();
    const queue = prometheus ? records.filter((r) => r.spec.sli.kind !== 'pushed') : [];
    // A few SLOs at a time: each reads its windows in parallel, and Prometheus serves other readers too.
    const worker = async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        try {
          fromPrometheus.set(r.key, await prometheusWindowData(prometheus!, r.spec, at));
        } catch (err) {
          if (!(err instanceof PrometheusError)) throw err;
          fromPrometheus.set(r.key, unavailableData(r, at, `unavailable: ${err.message}`));
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return records.map((r) =>
      computeStatus(
        r.spec,
        at,
        pushed.get(r.key) ??
          fromPrometheus.get(r.key) ??
          unavailableData(r, at, 'unavailable: no Prometheus source is configured (prometheusUrl)'),
      ),
    );
  }

  /**
   * Compares a status with the last evaluation's and records what changed (tiers starting and
   * stopping to fire, budget levels crossed), in one transaction with the new state. `seen` is the state
   * read before the status was computed: when the transition from it changes nothing, nothing is written.
   */
  async function commitStatus(r: SloRecord, status: SloStatus, at: number, seen?: string): Promise<number> {
    const appender = options.events;
    if (!appender) return 0;
    if (seen !== undefined) {
      const { state, events } = transition(r.spec, seen ? JSON.parse(seen) : emptyState(), status, at);
      if (!events.length && seen && canonicalJson(state) === canonicalJson(JSON.parse(seen))) return 0;
    }
    return knex.transaction(async (trx) => {
      const current = await sloStore(trx, r.tenant).get(r.spec.id, { forUpdate: true });
      if (!current || current.key !== r.key) return 0; // deleted or replaced meanwhile
      const row: { state: string } | undefined = await trx('slo_states').where({ slo_key: r.key }).first('state');
      const prev: SloState = row ? JSON.parse(row.state) : emptyState();
      const { state, events } = transition(r.spec, prev, status, at);
      if (events.length) await appender.appendInTransaction(trx, r.tenant, events, ENGINE);
      await trx('slo_states')
        .insert({ slo_key: r.key, state: JSON.stringify(state), updated_at: at })
        .onConflict('slo_key')
        .merge(['state', 'updated_at']);
      return events.length;
    });
  }

  async function evaluate(r: SloRecord, at: number): Promise<number> {
    if (!options.events) return 0;
    const [status] = await statusesOf([r], at);
    return commitStatus(r, status!, at);
  }

  async function statesOf(keys: number[]): Promise<Map<number, string>> {
    const rows: { slo_key: number; state: string }[] = await knex('slo_states')
      .whereIn('slo_key', keys)
      .select('slo_key', 'state');
    return new Map(rows.map((row) => [Number(row.slo_key), row.state]));
  }

  async function write(
    scope: Scope,
    spec: ParsedSloSpec,
    opts: { id?: string; origin?: Slo['origin']; mustExist?: boolean },
  ): Promise<z.output<typeof SloWritten>> {
    const id = opts.id ?? spec.id ?? defaultSloId(spec.service, spec.name);
    if (opts.id && spec.id && spec.id !== opts.id)
      throw new ApiError(400, 'validation_failed', 'the body names another SLO than the path', [
        { path: 'id', message: `must be ${opts.id} or left out` },
      ]);
    const full: StoredSpec = { ...spec, id };
    requireScope(scope, full.service);
    if (full.sli.kind === 'latency' && prometheus) {
      const wrong = await checkLatencyBucket(prometheus, full.sli).catch(upstream);
      if (wrong)
        throw new ApiError(400, 'validation_failed', 'the latency threshold is not a bucket of the histogram', [wrong]);
    }
    const origin = opts.origin ?? 'native';
    return knex.transaction(async (trx) => {
      const store = sloStore(trx, scope.tenant);
      const existing = await store.get(id, { forUpdate: true });
      if (existing) {
        requireScope(scope, existing.spec.service);
        if (canonicalJson(existing.spec) === canonicalJson(full)) return { slo: toSlo(existing), created: false };
        if (!opts.mustExist)
          throw new ApiError(
            409,
            'conflict',
            `SLO ${id} already exists with another spec; PUT /v1/slos/${id} to change it`,
            [{ path: 'id', message: 'already exists' }],
          );
        refuseFileManaged(existing);
        if (existing.spec.sli.kind === 'pushed' && full.sli.kind !== 'pushed') {
          // Pushed counts would no longer be read: keep them out of the way of a later switch back.
          await trx('slo_sli_minute').where({ slo_key: existing.key }).delete();
          await trx('slo_sli_hour').where({ slo_key: existing.key }).delete();
          await trx('slo_sli_day').where({ slo_key: existing.key }).delete();
        }
        const at = now();
        await store.update(existing.key, full, origin, at);
        await recordEvent(
          trx,
          scope.tenant,
          `SLO ${id} changed`,
          'updated',
          { sloId: id, service: full.service },
          scope.actor,
        );
        return { slo: toSlo({ ...existing, spec: full, origin, updatedAt: at }), created: false };
      }
      if (opts.mustExist) throw notFound(id);
      const at = now();
      const rec = await store.insert({ spec: full, origin, managedBy: 'api', createdAt: at, updatedAt: at });
      await recordEvent(
        trx,
        scope.tenant,
        `SLO ${id} created: ${full.objective * 100}% ${full.name} of ${full.service}`,
        'created',
        { sloId: id, service: full.service, objective: full.objective },
        scope.actor,
      );
      return { slo: toSlo(rec), created: true };
    });
  }

  const reconcileFiles = (dir: string, tenant = DEFAULT_TENANT) =>
    reconcileSloFiles({ knex, recordEvent, prometheus, now }, dir, tenant);

  return {
    create: (scope: Scope, spec: ParsedSloSpec, origin?: Slo['origin']) => write(scope, spec, { origin }),
    update: (scope: Scope, id: string, spec: ParsedSloSpec) => write(scope, spec, { id, mustExist: true }),

    /** OpenSLO or Sloth documents, converted and checked as a whole before anything is stored. */
    async import(scope: Scope, body: z.output<typeof SloImport>) {
      const docs = parseDocuments(body.document);
      const converted = body.format === 'openslo' ? fromOpenSlo(docs) : fromSloth(docs);
      const specs = converted.map((c, i) => {
        const res = SloSpec.safeParse(c);
        if (!res.success)
          throw new ApiError(
            400,
            'validation_failed',
            'a converted SLO is not valid; the paths name fields of the converted (native) spec',
            issuesToDetails(res.error.issues, `converted.${i}`),
          );
        return res.data;
      });
      if (body.dryRun) return { slos: [], specs };
      const slos: Slo[] = [];
      for (const spec of specs) {
        const exists = await sloStore(knex, scope.tenant).get(spec.id!);
        const w = await write(scope, spec, { origin: body.format, ...(exists && { id: spec.id!, mustExist: true }) });
        slos.push(w.slo);
      }
      return { slos, specs };
    },

    delete: (scope: Scope, id: string) =>
      knex.transaction(async (trx) => {
        const store = sloStore(trx, scope.tenant);
        const r = await store.get(id, { forUpdate: true });
        if (!r) throw notFound(id);
        requireScope(scope, r.spec.service);
        refuseFileManaged(r);
        await store.delete(r.key);
        await recordEvent(
          trx,
          scope.tenant,
          `SLO ${id} deleted`,
          'deleted',
          { sloId: id, service: r.spec.service },
          scope.actor,
        );
        return toSlo(r);
      }),

    list: async (tenant: string, service?: string) => (await sloStore(knex, tenant).list(service)).map(toSlo),
    get: async (tenant: string, id: string) => toSlo(await load(tenant, id)),

    pushSli: (scope: Scope, id: string, body: z.output<typeof SliPush>) =>
      knex
        .transaction(async (trx) => {
          const r = await sloStore(trx, scope.tenant).get(id, { forUpdate: true });
          if (!r) throw notFound(id);
          requireScope(scope, r.spec.service, 'params.id');
          if (r.spec.sli.kind !== 'pushed')
            throw new ApiError(
              409,
              'conflict',
              `SLO ${id} reads its SLI from Prometheus (${r.spec.sli.kind}); only pushed SLIs take counts`,
              [{ path: 'params.id', message: `sli.kind is ${r.spec.sli.kind}` }],
            );
          const seen = new Map<number, number>();
          const points = body.points.map((p, i) => {
            const minute = Date.parse(p.timestamp) / MINUTE;
            const first = seen.get(minute);
            if (first !== undefined)
              throw new ApiError(400, 'validation_failed', 'a minute appears twice in one push', [
                { path: `points.${i}.timestamp`, message: `same minute as points.${first}` },
              ]);
            seen.set(minute, i);
            return { minute, good: p.good, total: p.total };
          });
          const replaced = await storeMinutes(trx, r.key, points);
          return { record: r, result: { stored: points.length, replaced } };
        })
        .then(async ({ record, result }) => {
          await evaluate(record, now());
          return result;
        }),

    reconcileFiles,

    /** Every SLO of every tenant, by one replica at a time (an advisory lock on PostgreSQL). */
    async evaluateAll(
      at = now(),
      opts: { filesDir?: string; onFiles?: (r: Awaited<ReturnType<typeof reconcileFiles>>) => void } = {},
    ): Promise<{ evaluated: number; events: number } | undefined> {
      const pg = knex.client.config.client === 'pg';
      const conn = pg ? await knex.client.acquireConnection() : undefined;
      try {
        if (conn) {
          const got = await knex.raw('select pg_try_advisory_lock(?) as ok', [EVALUATOR_LOCK]).connection(conn);
          if (!got.rows[0].ok) return undefined;
        }
        if (opts.filesDir) opts.onFiles?.(await reconcileFiles(opts.filesDir));
        const tenants: { tenant: string }[] = await knex('slos').distinct('tenant');
        let evaluated = 0;
        let events = 0;
        for (const { tenant } of options.events ? tenants : []) {
          const records = await sloStore(knex, tenant).list();
          // The statuses of a batch are read together (one statement per level for its pushed SLIs);
          // only SLOs whose state changes are written, each in its own transaction.
          for (let i = 0; i < records.length; i += EVALUATION_BATCH) {
            const batch = records.slice(i, i + EVALUATION_BATCH);
            const seen = await statesOf(batch.map((r) => r.key));
            const statuses = await statusesOf(batch, at);
            for (const [j, r] of batch.entries())
              events += await commitStatus(r, statuses[j]!, at, seen.get(r.key) ?? '');
            evaluated += batch.length;
          }
        }
        return { evaluated, events };
      } finally {
        if (conn) {
          await knex
            .raw('select pg_advisory_unlock(?)', [EVALUATOR_LOCK])
            .connection(conn)
            .catch(() => {});
          await knex.client.releaseConnection(conn);
        }
      }
    },

    /** For the deploy gate and stabilize: is any SLO of the service out of budget in its period? */
    async budgetSignal(tenant: string, service: string, at = now()) {
      const statuses = await statusesOf(await sloStore(knex, tenant).list(service), at);
      return {
        service,
        exhausted: statuses.some((s) => s.exhausted),
        slos: statuses.map((s) => ({
          id: s.slo.id,
          budgetRemaining: s.budgetRemaining.value,
          exhausted: s.exhausted,
          period: s.period.description,
        })),
      };
    },

    async status(tenant: string, id: string, at = now()): Promise<SloStatus> {
      return (await statusesOf([await load(tenant, id)], at))[0]!;
    },

    async statusAll(tenant: string, service: string | undefined, at = now()): Promise<SloStatus[]> {
      return statusesOf(await sloStore(knex, tenant).list(service), at);
    },

    async series(tenant: string, id: string, from: number, to: number, stepMs: number): Promise<SloSeries> {
      const r = await load(tenant, id);
      if (r.spec.sli.kind !== 'pushed') {
        if (!prometheus)
          throw new ApiError(
            409,
            'conflict',
            `SLO ${id} reads its SLI from Prometheus, and no Prometheus source is configured`,
            [{ path: 'params.id', message: `sli.kind is ${r.spec.sli.kind}` }],
          );
        return prometheusSeries(prometheus, r.spec, { from, to, stepMs }).catch(upstream);
      }
      const minutes = await readMinutes(
        knex,
        r.key,
        Math.floor((from - seriesLookbackMs(r.spec)) / MINUTE),
        Math.ceil(to / MINUTE) + 1,
      );
      return computeSeries(r.spec, { from, to, stepMs }, minutes);
    },

    async rules(tenant: string, id: string) {
      const r = await load(tenant, id);
      const groups = buildRuleGroups(r.spec);
      if (!groups)
        throw new ApiError(409, 'conflict', `SLO ${id} has a pushed SLI: Prometheus has no series to evaluate`, [
          { path: 'params.id', message: 'sli.kind is pushed' },
        ]);
      return { groups, yaml: rulesYaml(groups) };
    },
  };
}
export type SloService = ReturnType<typeof sloService>;
