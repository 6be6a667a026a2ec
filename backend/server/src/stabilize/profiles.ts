import type { Knex } from 'knex';
import canonicalize from 'canonicalize';
import type { Actor, Profile, ProfileSpec } from '@ballast/contract';

/**
 * Stabilize profiles, versioned: every change is a new row, and a stabilize records the version it
 * enforced. A profile without an environment applies to every environment without its own.
 */

interface ProfileRow {
  service: string;
  environment: string;
  version: number | string;
  spec: string;
  updated_at: number | string;
  updated_by: string;
  managed_by: 'api' | 'file';
  file: string | null;
}

/** '' in the store: the service's profile for every environment. */
const ANY = '';

function toProfile(r: ProfileRow): Profile {
  return {
    ...(JSON.parse(r.spec) as ProfileSpec),
    service: r.service,
    ...(r.environment !== ANY && { environment: r.environment }),
    version: Number(r.version),
    updatedAt: new Date(Number(r.updated_at)).toISOString(),
    updatedBy: JSON.parse(r.updated_by) as Actor,
    managedBy: r.managed_by,
    ...(r.file && { file: r.file }),
  };
}

export function profileStore(knex: Knex, tenant: string) {
  const latest = (service: string, environment: string) =>
    knex('stabilize_profiles')
      .where({ tenant, service, environment })
      .orderBy('version', 'desc')
      .first<ProfileRow | undefined>();

  return {
    /** The profile as set for exactly this scope (environment absent: the service-wide one). */
    async get(service: string, environment?: string): Promise<Profile | null> {
      const row = await latest(service, environment ?? ANY);
      return row ? toProfile(row) : null;
    },

    /** The profile that applies to a scope: its own, else the service-wide one. */
    async effective(service: string, environment: string): Promise<Profile | null> {
      return (await this.get(service, environment)) ?? (await this.get(service));
    },

    /** Latest versions that came from files: what a folder sync compares against. */
    async fileManaged(): Promise<Profile[]> {
      return (await this.list()).filter((p) => p.managedBy === 'file');
    },

    /** A file was removed: its scope's latest version becomes editable through the API again. */
    async release(service: string, environment: string | undefined): Promise<void> {
      const row = await latest(service, environment ?? ANY);
      if (row && row.managed_by === 'file')
        await knex('stabilize_profiles')
          .where({ tenant, service, environment: environment ?? ANY, version: row.version })
          .update({ managed_by: 'api' });
    },

    async list(): Promise<Profile[]> {
      const rows: ProfileRow[] = await knex('stabilize_profiles as p')
        .where('p.tenant', tenant)
        .whereNotExists(
          knex('stabilize_profiles as q')
            .select(knex.raw('1'))
            .whereRaw('q.tenant = p.tenant and q.service = p.service and q.environment = p.environment')
            .whereRaw('q.version > p.version'),
        )
        .orderBy(['p.service', 'p.environment'])
        .select('p.*');
      return rows.map(toProfile);
    },

    /**
     * Stores a new version, or nothing when the spec is what is stored already (a retry, or a file
     * reconciled again). `created` says which. The (tenant, service, environment, version) key makes
     * two writers racing for the same version fail one of them rather than both storing it.
     */
    async put(
      service: string,
      environment: string | undefined,
      spec: ProfileSpec,
      actor: Actor,
      now: number,
      source: { managedBy: 'api' | 'file'; file?: string } = { managedBy: 'api' },
    ): Promise<{ profile: Profile; created: boolean; previous: Profile | null }> {
      const env = environment ?? ANY;
      const current = await latest(service, env);
      const text = canonicalize(spec)!;
      if (
        current &&
        canonicalize(JSON.parse(current.spec)) === text &&
        current.managed_by === source.managedBy &&
        (current.file ?? undefined) === source.file
      )
        return { profile: toProfile(current), created: false, previous: toProfile(current) };
      const row: ProfileRow = {
        service,
        environment: env,
        version: current ? Number(current.version) + 1 : 1,
        spec: text,
        updated_at: now,
        updated_by: JSON.stringify(actor),
        managed_by: source.managedBy,
        file: source.file ?? null,
      };
      await knex('stabilize_profiles').insert({ tenant, ...row });
      return { profile: toProfile(row), created: true, previous: current ? toProfile(current) : null };
    },
  };
}

export interface ChangeLine {
  path: string;
  normal: string;
  stabilized: string;
}

/** What entering with this profile changes, line by line, against running normally. */
export function previewChanges(profile: ProfileSpec | null): ChangeLine[] {
  const lines: ChangeLine[] = [];
  const add = (path: string, normal: string, stabilized: string) => lines.push({ path, normal, stabilized });
  if (!profile) {
    add('deployFreeze', 'deploys allowed', 'deploys frozen (no profile for this scope: only the freeze applies)');
    return lines;
  }
  if (profile.rateClamp) {
    const { requestsPerSecond, split, routes } = profile.rateClamp;
    add(
      'rateClamp',
      'no limit',
      split === 'divide_total'
        ? `${requestsPerSecond} req/s in total, shared by the instances`
        : `${requestsPerSecond} req/s per instance`,
    );
    for (const r of routes) add(`rateClamp.routes[${r.route}]`, 'no limit', `${r.requestsPerSecond} req/s`);
  }
  if (profile.breakers) {
    const b = profile.breakers;
    add(
      'breakers',
      "the service's own settings",
      `open after ${b.consecutiveErrors} consecutive errors for ${b.openSeconds} s; at most ${b.maxPending} pending`,
    );
  }
  for (const q of profile.queues) {
    add(
      `queues[${q.name}]`,
      'consumed normally',
      q.action === 'pause' ? 'paused' : `deprioritized${q.priorityClass ? ` to ${q.priorityClass}` : ''}`,
    );
  }
  for (const f of profile.flags) add(`flags[${f}]`, 'as configured', 'off');
  add('deployFreeze', 'deploys allowed', profile.deployFreeze ? 'deploys frozen' : 'deploys allowed');
  if (profile.shadowMinutes > 0)
    add('shadow', 'enforced at once', `observed for ${profile.shadowMinutes} min, then enforced`);
  return lines.filter((l) => l.normal !== l.stabilized);
}
