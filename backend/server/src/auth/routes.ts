import type { RouteHandlers } from '../http/bindRoutes.js';
import type { Authenticator } from './authenticate.js';
import type { keyService } from './keys.js';
import type { tenantService } from '../tenants/tenants.js';

export function authRoutes(
  keys: ReturnType<typeof keyService>,
  tenants: ReturnType<typeof tenantService>,
  authenticator: Authenticator,
): Pick<RouteHandlers, 'whoAmI' | 'createKey' | 'listKeys' | 'revokeKey' | 'createTenant'> {
  return {
    whoAmI: { handle: async ({ auth }) => ({ tenant: auth.tenant, key: auth.key }) },
    createKey: { handle: ({ auth, body }) => keys.create(auth.tenant, body, auth.actor) },
    listKeys: { handle: async ({ auth }) => ({ keys: await keys.list(auth.tenant) }) },
    revokeKey: {
      async handle({ auth, params }) {
        const key = await keys.revoke(auth.tenant, params.id, auth.actor);
        authenticator.forget(key.id);
        return key;
      },
    },
    createTenant: { handle: ({ auth, body }) => tenants.create(body, auth.actor, auth.tenant) },
  };
}
