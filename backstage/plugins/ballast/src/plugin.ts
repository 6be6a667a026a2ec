/** The legacy frontend system: `createPlugin`, the card and the tab as extensions of it. */
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ballastApiRef } from './api/BallastApi';
import { BallastClient } from './api/BallastClient';
import { rootRouteRef, runbooksRouteRef } from './routes';

export const ballastPlugin = createPlugin({
  id: 'ballast',
  apis: [
    createApiFactory({
      api: ballastApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new BallastClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef, runbooks: runbooksRouteRef },
});

/** The reliability card, for an entity page's overview (inside an EntityProvider). */
export const EntityBallastCard = ballastPlugin.provide(
  createComponentExtension({
    name: 'EntityBallastCard',
    component: { lazy: () => import('./components/card/BallastCard').then((m) => m.BallastCard) },
  }),
);

/** The timeline tab, for an `EntityLayout.Route`. */
export const EntityBallastContent = ballastPlugin.provide(
  createRoutableExtension({
    name: 'EntityBallastContent',
    component: () => import('./components/timeline/BallastContent').then((m) => m.BallastContent),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The runbook pages, for the app's routes at `/ballast/runbooks` (where the catalog module's runbook
 * links point): `<Route path="/ballast/runbooks" element={<BallastRunbookPage />} />`.
 */
export const BallastRunbookPage = ballastPlugin.provide(
  createRoutableExtension({
    name: 'BallastRunbookPage',
    component: () => import('./components/runbook/RunbookPage').then((m) => m.RunbookPage),
    mountPoint: runbooksRouteRef,
  }),
);
