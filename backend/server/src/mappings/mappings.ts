import type { PolicyRecorder } from '../events/policyEvents.js';
import type { Knex } from 'knex';
import type { Actor, Event, ServiceMapping } from '@ballast/contract';
import { ApiError } from '../http/errors.js';

interface Row {
  source: string;
  ref_key: string;
  ref_value: string;
  service: string;
  environment: string | null;
}

const toMapping = (r: Row): ServiceMapping => ({
  source: r.source as ServiceMapping['source'],
  refKey: r.ref_key,
  refValue: r.ref_value,
  service: r.service,
  ...(r.environment !== null && { environment: r.environment }),
});

const keyOf = (source: string, refKey: string, refValue: string) => `${source}\n${refKey}\n${refValue}`;

/** What a mapping gives an event: the service, and the environment when the mapping names one. */
export type Placement = { service: string; environment?: string };
export type Lookup = (e: { source: string; sourceRefs: Record<string, string> }) => Placement | undefined;

type Placeable = { source: string; sourceRefs: Record<string, string>; service?: string; environment?: string };

/** Puts an incoming event where the tenant's mappings say it belongs; unmatched events are unchanged. */
export function place<E extends Placeable>(e: E, lookup: Lookup): E {
  const p = lookup(e);
  if (!p) return e;
  return { ...e, service: p.service, ...(p.environment !== undefined && { environment: p.environment }) };
}

/** The same for a stored event being read: what was recorded (and hashed) stays visible in `recorded`. */
export function placeStored(e: Event, lookup: Lookup): Event {
  const p = lookup(e);
  if (!p || (p.service === e.service && (p.environment === undefined || p.environment === e.environment))) return e;
  return {
    ...place(e, lookup),
    recorded: {
      ...(e.service !== undefined && { service: e.service }),
      ...(e.environment !== undefined && { environment: e.environment }),
    },
  };
}

/** Mappings are read often and change rarely: cached per tenant for a second, dropped at once on change here. */
const CACHE_MS = 1000;

export function mappingService(knex: Knex, recordEvent: PolicyRecorder, now: () => number = Date.now) {
  const cache = new Map<string, { at: number; lookup: Lookup; sources: string[] }>();

  async function read(tenant: string): Promise<{ lookup: Lookup; sources: string[] }> {
    const hit = cache.get(tenant);
    if (hit && now() - hit.at < CACHE_MS) return hit;
    const rows: Row[] = await knex('service_mappings')
      .where({ tenant })
      .select('source', 'ref_key', 'ref_value', 'service', 'environment');
    const byKey = new Map(rows.map((r) => [keyOf(r.source, r.ref_key, r.ref_value), r]));
    const lookup: Lookup =
      byKey.size === 0
        ? () => undefined
        : (e) => {
            for (const [k, v] of Object.entries(e.sourceRefs)) {
              const r = byKey.get(keyOf(e.source, k, v));
              if (r) return { service: r.service, ...(r.environment !== null && { environment: r.environment }) };
            }
            return undefined;
          };
    const entry = { at: now(), lookup, sources: [...new Set(rows.map((r) => r.source))] };
    cache.set(tenant, entry);
    return entry;
  }

  const lookupFor = async (tenant: string): Promise<Lookup> => (await read(tenant)).lookup;

  return {
    lookupFor,
    /** The sources the tenant has mappings for: only their stored events can be placed elsewhere. */
    mappedSources: async (tenant: string): Promise<readonly string[]> => (await read(tenant)).sources,
    async list(tenant: string): Promise<ServiceMapping[]> {
      const rows: Row[] = await knex('service_mappings').where({ tenant }).orderBy(['source', 'ref_key', 'ref_value']);
      return rows.map(toMapping);
    },
    put: (tenant: string, m: ServiceMapping, actor: Actor) =>
      knex.transaction(async (trx) => {
        await trx('service_mappings')
          .insert({
            tenant,
            source: m.source,
            ref_key: m.refKey,
            ref_value: m.refValue,
            service: m.service,
            environment: m.environment ?? null,
            updated_at: now(),
          })
          .onConflict(['tenant', 'source', 'ref_key', 'ref_value'])
          .merge(['service', 'environment', 'updated_at']);
        await recordEvent(
          trx,
          tenant,
          `${m.source} ${m.refKey} "${m.refValue}" mapped to service ${m.service}`,
          'updated',
          { ...m },
          actor,
        );
        cache.delete(tenant);
        return m;
      }),
    remove: (tenant: string, key: { source: string; refKey: string; refValue: string }, actor: Actor) =>
      knex.transaction(async (trx) => {
        const where = { tenant, source: key.source, ref_key: key.refKey, ref_value: key.refValue };
        const row: Row | undefined = await trx('service_mappings').where(where).first();
        if (!row)
          throw new ApiError(404, 'not_found', `no mapping for ${key.source} ${key.refKey} "${key.refValue}"`, [
            { path: 'query.refValue', message: 'not found' },
          ]);
        await trx('service_mappings').where(where).delete();
        await recordEvent(
          trx,
          tenant,
          `${key.source} ${key.refKey} "${key.refValue}" no longer mapped to ${row.service}`,
          'deleted',
          { ...key, service: row.service },
          actor,
        );
        cache.delete(tenant);
        return toMapping(row);
      }),
  };
}
export type MappingService = ReturnType<typeof mappingService>;
