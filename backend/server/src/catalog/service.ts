/**
 * The service catalog: one entry per (tenant, service) with owner, tier, repo, dashboards, links,
 * dependencies and on-call. Dependencies feed "what changed before this"; services seen on events
 * without an entry are listed for an operator to claim.
 */
import type { Knex } from 'knex';
import type {
  ServiceSpec,
  Actor,
  CatalogService,
  CatalogServiceDetail,
  CatalogServiceList,
  RunbookProblem,
} from '@ballast/contract';
import type { z } from 'zod';
import type { PolicyRecorder } from '../events/policyEvents.js';
import { ApiError } from '../http/errors.js';
import type { OnCallResolver } from './onCall.js';
import { catalogFolderSignature, readCatalogFolder } from './files.js';
import { lockRow } from './writeLock.js';

type Spec = z.output<typeof ServiceSpec>;

interface Row {
  name: string;
  doc: string;
  managed_by: string;
  updated_at: number | string;
}

const toService = (r: Row): CatalogService => ({
  name: r.name,
  ...(JSON.parse(r.doc) as Spec),
  managedBy: r.managed_by as CatalogService['managedBy'],
  updatedAt: new Date(Number(r.updated_at)).toISOString(),
});

const CACHE_MS = 1000;
/** How far back events are looked at for services nobody has claimed. */
const UNCLAIMED_WINDOW_MS = 30 * 86_400_000;

export interface CatalogFiles {
  /** The folder of catalog YAML files; none when unset. */
  dir?: string;
  /** The tenant file entries belong to. */
  tenant: string;
}

export function catalogService(
  knex: Knex,
  recordEvent: PolicyRecorder,
  onCallNow: OnCallResolver,
  files: CatalogFiles,
  now: () => number = Date.now,
) {
  const depsCache = new Map<string, { at: number; deps: Map<string, string[]> }>();
  let problems: RunbookProblem[] = [];
  let signature: string | undefined;
  let syncing: Promise<boolean> | undefined;

  /** Makes the file entries of the store match the folder; an entry made through the API is not taken over. */
  async function syncFiles(dir: string): Promise<void> {
    const read = readCatalogFolder(dir);
    const found = [...read.problems];
    const tenant = files.tenant;
    await knex.transaction(async (trx) => {
      const rows: Row[] = await trx('catalog_services').where({ tenant });
      const existing = new Map(rows.map((r) => [r.name, r]));
      const keep = new Set<string>();
      const at = now();
      for (const { name, path, ...spec } of read.entries) {
        const before = existing.get(name);
        if (before?.managed_by === 'api') {
          found.push({
            path,
            field: 'name',
            message: `service "${name}" is in the catalog through the API; delete it there for this file to load`,
          });
          continue;
        }
        keep.add(name);
        const doc = JSON.stringify(spec);
        if (before?.doc === doc) continue;
        await trx('catalog_services')
          .insert({ tenant, name, doc, managed_by: 'file', created_at: at, updated_at: at })
          .onConflict(['tenant', 'name'])
          .merge(['doc', 'managed_by', 'updated_at']);
      }
      // While a file is broken, nothing is deleted: a typo must not take the last good entry away.
      const gone =
        read.problems.length > 0
          ? []
          : rows.filter((r) => r.managed_by === 'file' && !keep.has(r.name)).map((r) => r.name);
      if (gone.length > 0) await trx('catalog_services').where({ tenant }).whereIn('name', gone).delete();
    });
    problems = found;
    depsCache.delete(tenant);
  }

  function notFound(name: string): ApiError {
    return new ApiError(404, 'not_found', `no service ${name} in the catalog`, [
      { path: 'params.name', message: 'not found' },
    ]);
  }

  return {
    /** Re-reads the catalog folder when a file was added, removed or edited since the last look. */
    syncIfChanged(): Promise<boolean> {
      const dir = files.dir;
      if (!dir) return Promise.resolve(false);
      syncing ??= (async () => {
        const seen = catalogFolderSignature(dir);
        if (seen === signature) return false;
        await syncFiles(dir);
        signature = seen;
        return true;
      })().finally(() => (syncing = undefined));
      return syncing;
    },
    /** Catalog files skipped at the last read, and why. */
    problems: () => problems,

    /** For "what changed before this": the services this one depends on. */
    async dependsOn(tenant: string, service: string): Promise<string[]> {
      let hit = depsCache.get(tenant);
      if (!hit || now() - hit.at >= CACHE_MS) {
        const rows: Row[] = await knex('catalog_services').where({ tenant }).select('name', 'doc');
        hit = { at: now(), deps: new Map(rows.map((r) => [r.name, (JSON.parse(r.doc) as Spec).dependsOn ?? []])) };
        depsCache.set(tenant, hit);
      }
      return hit.deps.get(service) ?? [];
    },

    async list(tenant: string): Promise<CatalogServiceList> {
      const rows: Row[] = await knex('catalog_services').where({ tenant }).orderBy('name');
      const claimed = new Set(rows.map((r) => r.name));
      const seen = (await knex('events')
        .where({ tenant })
        .whereNotNull('service')
        .where('occurred_at', '>=', now() - UNCLAIMED_WINDOW_MS)
        .groupBy('service')
        .select('service')
        .max({ last: 'occurred_at' })
        .count({ n: '*' })
        .orderBy('service')
        .limit(1000)) as unknown as { service: string; last: number | string; n: number | string }[];
      return {
        services: rows.map(toService),
        problems: tenant === files.tenant ? problems : [],
        unclaimed: seen
          .filter((s) => !claimed.has(s.service))
          .map((s) => ({ name: s.service, lastSeen: new Date(Number(s.last)).toISOString(), events: Number(s.n) })),
      };
    },

    async get(tenant: string, name: string): Promise<CatalogServiceDetail> {
      const row: Row | undefined = await knex('catalog_services').where({ tenant, name }).first();
      if (!row) throw notFound(name);
      const service = toService(row);
      return { ...service, onCallNow: await onCallNow(service.oncall) };
    },

    /** Creates or replaces an entry; the same entry again writes nothing and records nothing. */
    put: (tenant: string, name: string, spec: Spec, actor: Actor) =>
      knex.transaction(async (trx) => {
        await lockRow(trx, 'catalog_services', tenant, name);
        const before: Row | undefined = await trx('catalog_services').where({ tenant, name }).first();
        if (before?.managed_by === 'file') {
          throw new ApiError(409, 'conflict', `service ${name} is managed by a file; change the file instead`, [
            { path: 'params.name', message: 'managedBy: file' },
          ]);
        }
        const doc = JSON.stringify(spec);
        if (before?.doc === doc) return toService(before);
        const at = now();
        await trx('catalog_services')
          .insert({ tenant, name, doc, managed_by: 'api', created_at: at, updated_at: at })
          .onConflict(['tenant', 'name'])
          .merge(['doc', 'updated_at']);
        await recordEvent(
          trx,
          tenant,
          `Service ${name} ${before ? 'updated in' : 'added to'} the catalog`,
          before ? 'updated' : 'created',
          { service: name, ...(spec.owner && { owner: spec.owner }), dependsOn: spec.dependsOn },
          actor,
        );
        depsCache.delete(tenant);
        return toService({ name, doc, managed_by: 'api', updated_at: at });
      }),

    remove: (tenant: string, name: string, actor: Actor) =>
      knex.transaction(async (trx) => {
        const row: Row | undefined = await trx('catalog_services').where({ tenant, name }).first();
        if (!row) throw notFound(name);
        if (row.managed_by === 'file') {
          throw new ApiError(409, 'conflict', `service ${name} is managed by a file; change the file instead`, [
            { path: 'params.name', message: 'managedBy: file' },
          ]);
        }
        await trx('catalog_services').where({ tenant, name }).delete();
        await recordEvent(trx, tenant, `Service ${name} removed from the catalog`, 'deleted', { service: name }, actor);
        depsCache.delete(tenant);
        return toService(row);
      }),
  };
}
export type CatalogServiceStore = ReturnType<typeof catalogService>;
