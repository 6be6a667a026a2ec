import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { ballastPermissions } from '@ballast/backstage-plugin-ballast-common';
import { readBallastConfig } from './config.js';
import { createActorSigner } from './service/actorAssertion.js';
import { createIdentityResolver } from './service/identity.js';
import { createRouter } from './service/router.js';

/** The Ballast backend plugin: `/api/ballast`, acting on Ballast for the signed-in user. */
export const ballastPlugin = createBackendPlugin({
  pluginId: 'ballast',
  register(env) {
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({
        rootConfig,
        logger,
        httpRouter,
        httpAuth,
        auth,
        userInfo,
        permissions,
        permissionsRegistry,
        catalog,
      }) {
        const config = readBallastConfig(rootConfig);
        permissionsRegistry.addPermissions(ballastPermissions);
        httpRouter.use(
          createRouter({
            config,
            httpAuth,
            permissions,
            logger,
            identity: createIdentityResolver({ userInfo, catalog, auth }),
            sign: createActorSigner(config.apiKey, config.assertionTtlSeconds),
          }),
        );
        logger.info(`Ballast at ${config.baseUrl}`);
      },
    });
  },
});
