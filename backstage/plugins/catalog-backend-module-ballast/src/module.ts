import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint, catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createClient } from '@ballast/contract';
import { readModuleConfig, schedule } from './config.js';
import { BallastLinksProcessor } from './linksProcessor.js';
import { pushCatalog } from './pushTask.js';
import { RunbookIndex } from './runbookIndex.js';

export const RUNBOOK_INDEX_TASK = 'ballast-runbook-index';
export const CATALOG_PUSH_TASK = 'ballast-catalog-push';

/** Catalog module: Ballast links on entities from a scheduled bulk index, and the scheduled catalog push. */
export const catalogModuleBallast = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'ballast',
  register(env) {
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        processing: catalogProcessingExtensionPoint,
      },
      async init({ rootConfig, logger, scheduler, auth, catalog, processing }) {
        const config = readModuleConfig(rootConfig);
        const ballast = createClient({ baseUrl: config.baseUrl, apiKey: config.apiKey });
        const index = new RunbookIndex(ballast, logger);
        processing.addProcessor(new BallastLinksProcessor(index, config));
        await scheduler.scheduleTask({
          id: RUNBOOK_INDEX_TASK,
          ...schedule(config.indexRefresh),
          // Every replica keeps its own index in memory, so every replica refreshes it.
          scope: 'local',
          fn: () => index.refresh(),
        });
        if (config.push.enabled) {
          const appBaseUrl = (rootConfig.getOptionalString('app.baseUrl') ?? 'http://localhost:3000').replace(
            /\/+$/,
            '',
          );
          await scheduler.scheduleTask({
            id: CATALOG_PUSH_TASK,
            // After start-up, so the catalog has processed its entities before the first diff.
            ...schedule(config.push.frequency, { minutes: 1 }),
            scope: 'global',
            fn: async () => {
              await pushCatalog({ catalog, auth, ballast, logger, appBaseUrl });
            },
          });
        }
      },
    });
  },
});
