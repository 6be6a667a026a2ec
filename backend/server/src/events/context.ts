import type { ContextResult, Event } from '@ballast/contract';
import type { Database } from '../db/knex.js';

/** Kinds that are changes someone made: what "what changed before this?" looks for. */
export const CHANGE_KINDS: Event['kind'][] = ['deploy', 'flag_change', 'config_change'];

/** A service's dependencies; the catalog provides them once it exists, until then none are known. */
export type DependencyLookup = (tenant: string, service: string) => Promise<string[]>;
export const noDependencies: DependencyLookup = async () => [];

type Relation = ContextResult['changes'][number]['relation'];
const RANK: Record<Relation, number> = { same_service: 0, dependency: 1, environment: 2 };

/** Orders candidate changes: same service, then dependencies, then environment-wide; closest first. */
export function rankChanges(anchor: Event, candidates: Event[], dependencies: string[]): ContextResult['changes'] {
  const start = Date.parse(anchor.occurredAt);
  const deps = new Set(dependencies);
  const out: ContextResult['changes'] = [];
  for (const e of candidates) {
    if (e.id === anchor.id) continue;
    // A change in another environment (a staging deploy during a production incident) is not a cause.
    if (anchor.environment && e.environment && e.environment !== anchor.environment) continue;
    let relation: Relation = 'environment';
    if (anchor.service && e.service === anchor.service) relation = 'same_service';
    else if (e.service && deps.has(e.service)) relation = 'dependency';
    out.push({ relation, before: start - Date.parse(e.occurredAt), event: e });
  }
  return out.sort((a, b) => RANK[a.relation] - RANK[b.relation] || a.before - b.before || b.event.seq - a.event.seq);
}

/** Changes in the window before an event started. */
export async function contextFor(
  db: Database,
  tenant: string,
  anchor: Event,
  windowMs: number,
  limit: number,
  dependencies: DependencyLookup,
): Promise<ContextResult> {
  const to = Date.parse(anchor.occurredAt);
  const from = to - windowMs;
  const deps = anchor.service ? await dependencies(tenant, anchor.service) : [];
  const rows = await db
    .knex('events as e')
    .where('e.tenant', tenant)
    .whereIn('e.kind', CHANGE_KINDS)
    .whereBetween('e.occurred_at', [from, to])
    .orderBy('e.occurred_at', 'desc')
    .limit(2000)
    .select('e.doc');
  const candidates = rows.map((r: { doc: string }) => JSON.parse(r.doc) as Event);
  return {
    event: anchor,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    changes: rankChanges(anchor, candidates, deps).slice(0, limit),
  };
}
