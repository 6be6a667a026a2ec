import type { RouteHandlers } from '../http/bindRoutes.js';
import type { RunbookService } from './service.js';

export function runbookRoutes(
  runbooks: RunbookService,
): Pick<RouteHandlers, 'listRunbooks' | 'getRunbook' | 'putRunbook' | 'deleteRunbook'> {
  return {
    listRunbooks: { handle: ({ auth, query }) => runbooks.list(auth.tenant, query) },
    getRunbook: { handle: ({ auth, params }) => runbooks.get(auth.tenant, params.id) },
    putRunbook: { handle: ({ auth, params, body }) => runbooks.put(auth.tenant, params.id, body, auth.actor) },
    deleteRunbook: { handle: ({ auth, params }) => runbooks.remove(auth.tenant, params.id, auth.actor) },
  };
}
