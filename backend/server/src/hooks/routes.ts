import type { RouteHandlers } from '../http/bindRoutes.js';
import type { HookService } from './hookService.js';

export function hookRoutes(
  hooks: HookService,
): Pick<RouteHandlers, 'createHook' | 'listHooks' | 'rotateHook' | 'deleteHook'> {
  return {
    createHook: { handle: ({ auth, body }) => hooks.create(auth.tenant, body, auth.actor) },
    listHooks: { handle: async ({ auth }) => ({ hooks: await hooks.list(auth.tenant) }) },
    rotateHook: { handle: ({ auth, params, body }) => hooks.rotate(auth.tenant, params.id, body, auth.actor) },
    deleteHook: { handle: ({ auth, params }) => hooks.delete(auth.tenant, params.id, auth.actor) },
  };
}
