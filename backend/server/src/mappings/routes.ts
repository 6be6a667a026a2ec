import type { RouteHandlers } from '../http/bindRoutes.js';
import type { MappingService } from './mappings.js';

export function mappingRoutes(
  mappings: MappingService,
): Pick<RouteHandlers, 'putMapping' | 'listMappings' | 'deleteMapping'> {
  return {
    putMapping: { handle: ({ auth, body }) => mappings.put(auth.tenant, body, auth.actor) },
    listMappings: { handle: async ({ auth }) => ({ mappings: await mappings.list(auth.tenant) }) },
    deleteMapping: { handle: ({ auth, query }) => mappings.remove(auth.tenant, query, auth.actor) },
  };
}
