import { createRouteRef } from '@backstage/core-plugin-api';

/** Where the legacy app mounts the entity tab (an EntityLayout.Route). */
export const rootRouteRef = createRouteRef({ id: 'ballast' });
