import { accessRoutes } from './routes/access.js';
import { catalogRoutes } from './routes/catalog.js';
import { eventsRoutes } from './routes/events.js';
import { sloRoutes } from './routes/slo.js';
import { stabilizeRoutes } from './routes/stabilize.js';

import type { RouteDef } from './routeDef.js';

export type { Method, RouteDef } from './routeDef.js';

/** Every authenticated route of the API, the one table the server, the client and OpenAPI read. */
export const routes = {
  ...eventsRoutes,
  ...accessRoutes,
  ...sloRoutes,
  ...stabilizeRoutes,
  ...catalogRoutes,
} as const satisfies Record<string, RouteDef>;

export type Routes = typeof routes;
export type RouteId = keyof Routes;

/** Unauthenticated operational endpoints, listed for OpenAPI. */
export const opsPaths = ['/health', '/health/live', '/health/ready', '/metrics', '/openapi.json'] as const;

/** Where senders deliver; authenticated by the hook's secret, not an API key. */
export const HOOK_DELIVERY_PATH = '/v1/hooks/:source/:hookId';
