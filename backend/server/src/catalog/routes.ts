import type { RouteHandlers } from '../http/bindRoutes.js';
import type { CatalogServiceStore } from './service.js';

export function catalogRoutes(
  catalog: CatalogServiceStore,
): Pick<RouteHandlers, 'listServices' | 'getService' | 'putService' | 'deleteService'> {
  return {
    listServices: { handle: ({ auth }) => catalog.list(auth.tenant) },
    getService: { handle: ({ auth, params }) => catalog.get(auth.tenant, params.name) },
    putService: { handle: ({ auth, params, body }) => catalog.put(auth.tenant, params.name, body, auth.actor) },
    deleteService: { handle: ({ auth, params }) => catalog.remove(auth.tenant, params.name, auth.actor) },
  };
}
