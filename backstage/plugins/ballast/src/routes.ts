import { createRouteRef } from '@backstage/core-plugin-api';

/** Where the legacy app mounts the entity tab (an EntityLayout.Route). */
export const rootRouteRef = createRouteRef({ id: 'ballast' });

/** Where the app mounts the runbook pages (`/ballast/runbooks`, each runbook at `/ballast/runbooks/{id}`). */
export const runbooksRouteRef = createRouteRef({ id: 'ballast-runbooks' });
