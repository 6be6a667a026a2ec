import type { Entity } from '@backstage/catalog-model';

/** The Ballast service an entity is; the entity's name when absent. */
export const BALLAST_SERVICE_ANNOTATION = 'ballast.dev/service';

/** The environment the entity's pages show by default (stabilize, SLOs); none when absent. */
export const BALLAST_ENVIRONMENT_ANNOTATION = 'ballast.dev/environment';

export function ballastServiceOf(entity: Entity): string {
  return entity.metadata.annotations?.[BALLAST_SERVICE_ANNOTATION]?.trim() || entity.metadata.name;
}

export function ballastEnvironmentOf(entity: Entity): string | undefined {
  return entity.metadata.annotations?.[BALLAST_ENVIRONMENT_ANNOTATION]?.trim() || undefined;
}
