import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { BallastClient } from '@ballast/contract';
import { desiredServices, planPush } from './catalogPush.js';

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.description',
  'metadata.annotations',
  'metadata.labels',
  'spec.system',
  'spec.lifecycle',
  'relations',
];

/** One run of the scheduled push: read Backstage's components and Ballast's catalog, send the difference. */
export async function pushCatalog(deps: {
  catalog: CatalogService;
  auth: AuthService;
  ballast: BallastClient;
  logger: LoggerService;
  appBaseUrl: string;
}): Promise<{ put: string[]; deleted: string[]; unchanged: number; failed: string[] }> {
  const { items } = await deps.catalog.getEntities(
    { filter: { kind: 'Component' }, fields: FIELDS },
    { credentials: await deps.auth.getOwnServiceCredentials() },
  );
  const { services, problems } = desiredServices(items, deps.appBaseUrl);
  for (const problem of problems) deps.logger.warn(`Ballast catalog push skips ${problem}`);
  const { services: current } = await deps.ballast.call('listServices', {});
  const plan = planPush(services, current, deps.appBaseUrl);
  if (plan.managedByFile.length)
    deps.logger.info(`Ballast catalog push leaves file-managed entries alone: ${plan.managedByFile.join(', ')}`);
  const put: string[] = [];
  const failed: string[] = [];
  // A few at a time: one run may carry many changes after a reorganisation.
  for (let i = 0; i < plan.puts.length; i += 8) {
    await Promise.all(
      plan.puts.slice(i, i + 8).map(async ({ name, spec }) => {
        try {
          await deps.ballast.call('putService', { params: { name }, body: spec });
          put.push(name);
        } catch (err) {
          failed.push(name);
          deps.logger.warn(
            `Ballast refused the catalog entry of ${name}: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }),
    );
  }
  const deleted: string[] = [];
  for (const name of plan.deletes) {
    try {
      await deps.ballast.call('deleteService', { params: { name } });
      deleted.push(name);
    } catch (err) {
      failed.push(name);
      deps.logger.warn(`Ballast refused to delete ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  deps.logger.info(
    `Ballast catalog push: ${put.length} changed, ${deleted.length} removed, ${plan.unchanged} unchanged, ${failed.length} refused`,
  );
  return { put: put.sort(), deleted, unchanged: plan.unchanged, failed };
}
