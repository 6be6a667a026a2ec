/** Adds a runbook link per runbook of the entity's Ballast service, and a link to its timeline. */
import type { Entity, EntityLink } from '@backstage/catalog-model';
import type { CatalogProcessor } from '@backstage/plugin-catalog-node';
import { ballastServiceOf } from '@ballast/backstage-plugin-ballast-common';
import type { RunbookIndex } from './runbookIndex.js';

const fill = (template: string, values: Record<string, string>): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    values[name] !== undefined ? encodeURIComponent(values[name]) : whole,
  );

/** Components are Ballast's services (named by the `ballast.dev/service` annotation, or their name). */
export const isBallastService = (entity: Entity): boolean => entity.kind.toLowerCase() === 'component';

export class BallastLinksProcessor implements CatalogProcessor {
  constructor(
    private readonly index: RunbookIndex,
    private readonly urls: { timelineUrl: string; runbookUrl: string },
  ) {}

  getProcessorName(): string {
    return 'BallastLinksProcessor';
  }

  async preProcessEntity(entity: Entity): Promise<Entity> {
    if (!isBallastService(entity)) return entity;
    await this.index.ready();
    const service = ballastServiceOf(entity);
    const ours: EntityLink[] = [
      ...this.index.runbooksOf(service).map((r) => ({
        url: fill(this.urls.runbookUrl, { id: r.id }),
        title: `Runbook: ${r.title}`,
        type: 'runbook',
        icon: 'docs',
      })),
      {
        url: fill(this.urls.timelineUrl, { service }),
        title: 'Ballast timeline',
        type: 'ballast-timeline',
        icon: 'dashboard',
      },
    ];
    const existing = entity.metadata.links ?? [];
    const seen = new Set(existing.map((l) => l.url));
    const links = [...existing, ...ours.filter((l) => !seen.has(l.url))];
    return { ...entity, metadata: { ...entity.metadata, links } };
  }
}
