/**
 * What Backstage knows of each service (owner, tier, lifecycle, system, dependencies, description) pushed to
 * Ballast's catalog: one read of Ballast's catalog, then a PUT for each service that differs, and
 * nothing for those that do not. Fields Backstage does not own (on-call, dashboards, repo, other
 * links) are kept as Ballast has them.
 */
import {
  parseEntityRef,
  stringifyEntityRef,
  RELATION_DEPENDS_ON,
  RELATION_OWNED_BY,
  type Entity,
} from '@backstage/catalog-model';
import { ballastServiceOf, ballastTierOf } from '@ballast/backstage-plugin-ballast-common';
import { ServiceName, type CatalogService, type Link, type ServiceSpec } from '@ballast/contract';

/** The links this module writes; every other link on a Ballast entry is someone else's and stays. */
const OUR_RELS = new Set(['backstage', 'system']);

/** The part of a Ballast entry Backstage owns. */
export interface OwnedFields {
  description?: string;
  owner?: string;
  tier?: number;
  system?: string;
  lifecycle?: string;
  dependsOn: string[];
  links: Link[];
}

const validName = (name: string): boolean => ServiceName.safeParse(name).success;

/** Backstage's view of every service, by Ballast service name. */
export function desiredServices(
  entities: Entity[],
  appBaseUrl: string,
): { services: Map<string, OwnedFields>; problems: string[] } {
  const problems: string[] = [];
  const serviceOfRef = new Map<string, string>();
  for (const e of entities) serviceOfRef.set(stringifyEntityRef(e), ballastServiceOf(e));
  const services = new Map<string, OwnedFields>();
  for (const entity of entities) {
    // An orphan's location no longer lists it: the catalog keeps it for a while, Ballast need not.
    if (entity.metadata.annotations?.['backstage.io/orphan'] === 'true') continue;
    const name = ballastServiceOf(entity);
    const ref = stringifyEntityRef(entity);
    if (!validName(name)) {
      problems.push(`${ref}: "${name}" is not a Ballast service name`);
      continue;
    }
    if (services.has(name)) {
      problems.push(`${ref}: service "${name}" is already taken by another entity`);
      continue;
    }
    const relations = entity.relations ?? [];
    const owner = relations.find((r) => r.type === RELATION_OWNED_BY)?.targetRef;
    const dependsOn = [
      ...new Set(
        relations
          .filter((r) => r.type === RELATION_DEPENDS_ON)
          .map((r) => serviceOfRef.get(r.targetRef) ?? parseEntityRef(r.targetRef).name)
          .filter(validName),
      ),
    ].sort();
    const { namespace = 'default', name: entityName } = entity.metadata;
    const links: Link[] = [
      { rel: 'backstage', url: `${appBaseUrl}/catalog/${namespace}/component/${entityName}`, text: 'Backstage' },
    ];
    const spec = entity.spec as { system?: unknown; lifecycle?: unknown } | undefined;
    const system = spec?.system;
    let systemRef: string | undefined;
    if (typeof system === 'string' && system) {
      const s = parseEntityRef(system, { defaultKind: 'system', defaultNamespace: namespace });
      systemRef = stringifyEntityRef(s);
      links.push({
        rel: 'system',
        url: `${appBaseUrl}/catalog/${s.namespace}/system/${s.name}`,
        text: `System ${s.name}`,
      });
    }
    const tier = ballastTierOf(entity);
    const lifecycle = typeof spec?.lifecycle === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(spec.lifecycle);
    services.set(name, {
      ...(entity.metadata.description && { description: entity.metadata.description.slice(0, 2000) }),
      ...(owner && { owner }),
      ...(tier !== undefined && { tier }),
      ...(systemRef && { system: systemRef }),
      ...(lifecycle && { lifecycle: spec!.lifecycle as string }),
      dependsOn,
      links,
    });
  }
  return { services, problems };
}

function ownedOf(current: CatalogService): OwnedFields {
  return {
    ...(current.description !== undefined && { description: current.description }),
    ...(current.owner !== undefined && { owner: current.owner }),
    ...(current.tier !== undefined && { tier: current.tier }),
    ...(current.system !== undefined && { system: current.system }),
    ...(current.lifecycle !== undefined && { lifecycle: current.lifecycle }),
    dependsOn: [...current.dependsOn].sort(),
    links: current.links.filter((l) => OUR_RELS.has(l.rel)),
  };
}

/** Compared field by field in one order, whatever order Ballast answered its keys in. */
const canonical = (o: OwnedFields): string =>
  JSON.stringify([
    o.description ?? null,
    o.owner ?? null,
    o.tier ?? null,
    o.system ?? null,
    o.lifecycle ?? null,
    o.dependsOn,
    o.links.map((l) => [l.rel, l.url, l.text ?? null]),
  ]);
const same = (a: OwnedFields, b: OwnedFields): boolean => canonical(a) === canonical(b);

export interface PushPlan {
  /** The PUTs to send: only services whose Backstage-owned fields differ from Ballast's. */
  puts: { name: string; spec: ServiceSpec }[];
  /** Entries this Backstage pushed (their `backstage` link points into it) whose component is gone. */
  deletes: string[];
  unchanged: number;
  /** Entries Ballast reads from files, which the API may not change. */
  managedByFile: string[];
}

/**
 * `appBaseUrl` tells this Backstage's entries from others': an entry whose `backstage` link points into
 * it was pushed from here, and is deleted when its component is gone. An empty Backstage catalog
 * deletes nothing (a catalog that failed to answer must not empty Ballast's).
 */
export function planPush(desired: Map<string, OwnedFields>, current: CatalogService[], appBaseUrl: string): PushPlan {
  const byName = new Map(current.map((s) => [s.name, s]));
  const plan: PushPlan = { puts: [], deletes: [], unchanged: 0, managedByFile: [] };
  const ours = (s: CatalogService) =>
    s.links.some((l) => l.rel === 'backstage' && l.url.startsWith(`${appBaseUrl}/catalog/`));
  if (desired.size > 0)
    plan.deletes = current
      .filter((s) => s.managedBy === 'api' && !desired.has(s.name) && ours(s))
      .map((s) => s.name)
      .sort();
  for (const [name, owned] of desired) {
    const existing = byName.get(name);
    if (existing?.managedBy === 'file') {
      plan.managedByFile.push(name);
      continue;
    }
    if (existing && same(ownedOf(existing), owned)) {
      plan.unchanged++;
      continue;
    }
    const spec: ServiceSpec = {
      ...(owned.description !== undefined && { description: owned.description }),
      ...(owned.owner !== undefined && { owner: owned.owner }),
      ...(owned.tier !== undefined && { tier: owned.tier }),
      ...(owned.system !== undefined && { system: owned.system }),
      ...(owned.lifecycle !== undefined && { lifecycle: owned.lifecycle }),
      dependsOn: owned.dependsOn,
      links: [...(existing?.links.filter((l) => !OUR_RELS.has(l.rel)) ?? []), ...owned.links],
      ...(existing?.repo !== undefined && { repo: existing.repo }),
      dashboards: existing?.dashboards ?? [],
      ...(existing?.oncall !== undefined && { oncall: existing.oncall }),
    };
    plan.puts.push({ name, spec });
  }
  return plan;
}
