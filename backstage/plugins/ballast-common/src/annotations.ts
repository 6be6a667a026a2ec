import type { Entity } from '@backstage/catalog-model';

/** The Ballast service an entity is; the entity's name when absent. */
export const BALLAST_SERVICE_ANNOTATION = 'ballast.dev/service';

/** The environment the entity's pages show by default (stabilize, SLOs); none when absent. */
export const BALLAST_ENVIRONMENT_ANNOTATION = 'ballast.dev/environment';

/** The service's tier for Ballast, 1 (most critical) to 4; the `tier` label when absent. */
export const BALLAST_TIER_ANNOTATION = 'ballast.dev/tier';

export function ballastServiceOf(entity: Entity): string {
  return entity.metadata.annotations?.[BALLAST_SERVICE_ANNOTATION]?.trim() || entity.metadata.name;
}

export function ballastEnvironmentOf(entity: Entity): string | undefined {
  return entity.metadata.annotations?.[BALLAST_ENVIRONMENT_ANNOTATION]?.trim() || undefined;
}

export function ballastTierOf(entity: Entity): number | undefined {
  const raw = entity.metadata.annotations?.[BALLAST_TIER_ANNOTATION] ?? entity.metadata.labels?.tier;
  const tier = Number(raw?.trim().replace(/^tier-?/i, ''));
  return Number.isInteger(tier) && tier >= 1 && tier <= 4 ? tier : undefined;
}
