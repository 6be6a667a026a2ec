import type { RouteHandlers } from '../http/bindRoutes.js';
import { ApiError } from '../http/errors.js';
import type { GateService } from './gateService.js';

export function gateRoutes(gate: GateService): Pick<RouteHandlers, 'checkDeployGate' | 'overrideDeployGate'> {
  return {
    checkDeployGate: {
      handle: ({ auth, query }) => gate.decide(auth.tenant, query.service, query.environment, auth.actor),
    },
    overrideDeployGate: {
      handle: ({ auth, body }) => {
        if (!auth.inScope(body.service))
          throw new ApiError(403, 'out_of_scope', `this key may not act on service ${body.service}`, [
            { path: 'body.service', message: 'outside the key’s service scope' },
          ]);
        return gate.override(auth.tenant, body, auth.actor);
      },
    },
  };
}
