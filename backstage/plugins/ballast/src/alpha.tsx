/**
 * The new frontend system: `createApp({ features: [import('@ballast/backstage-plugin-ballast/alpha')] })`
 * adds the API, the card on Component overviews, the "Reliability" tab and the runbook pages at
 * `/ballast/runbooks/{id}`. Same components as the legacy entry.
 */
import React from 'react';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint, EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import { ballastApiRef } from './api/BallastApi';
import { BallastClient } from './api/BallastClient';
import { rootRouteRef, runbooksRouteRef } from './routes';

const isComponent = (entity: Entity) => entity.kind.toLowerCase() === 'component';

export const ballastApi = ApiBlueprint.make({
  params: (defineParams) =>
    defineParams({
      api: ballastApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new BallastClient({ discoveryApi, fetchApi }),
    }),
});

export const ballastEntityCard = EntityCardBlueprint.make({
  name: 'reliability',
  params: {
    filter: isComponent,
    loader: () => import('./components/card/BallastCard').then((m) => <m.BallastCard />),
  },
});

export const ballastEntityContent = EntityContentBlueprint.make({
  name: 'reliability',
  params: {
    path: '/ballast',
    title: 'Reliability',
    routeRef: rootRouteRef,
    filter: isComponent,
    loader: () => import('./components/timeline/BallastContent').then((m) => <m.BallastContent />),
  },
});

/** The runbook pages at `/ballast/runbooks/{id}`, where the catalog module's runbook links point. */
export const ballastRunbookPage = PageBlueprint.make({
  name: 'runbooks',
  params: {
    path: '/ballast/runbooks',
    routeRef: runbooksRouteRef,
    loader: () => import('./components/runbook/RunbookPage').then((m) => <m.RunbookPage />),
  },
});

export default createFrontendPlugin({
  pluginId: 'ballast',
  extensions: [ballastApi, ballastEntityCard, ballastEntityContent, ballastRunbookPage],
});
