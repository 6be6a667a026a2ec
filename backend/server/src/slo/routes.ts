import type { RouteHandlers } from '../http/bindRoutes.js';
import type { SloService } from './service.js';

type SloRouteIds =
  | 'createSlo'
  | 'importSlos'
  | 'listSlos'
  | 'listSloStatuses'
  | 'getSlo'
  | 'updateSlo'
  | 'deleteSlo'
  | 'pushSli'
  | 'sloStatus'
  | 'sloSeries'
  | 'sloRules';

const at = (q: { at?: string }) => (q.at === undefined ? undefined : Date.parse(q.at));

export function sloRoutes(slos: SloService): Pick<RouteHandlers, SloRouteIds> {
  return {
    createSlo: {
      async handle({ auth, body, reply }) {
        const written = await slos.create(auth, body);
        // A retry of the same spec stored nothing new.
        if (!written.created) reply.code(200);
        return written;
      },
    },
    importSlos: { handle: ({ auth, body }) => slos.import(auth, body) },
    listSlos: { handle: async ({ auth, query }) => ({ slos: await slos.list(auth.tenant, query.service) }) },
    listSloStatuses: {
      handle: async ({ auth, query }) => ({ statuses: await slos.statusAll(auth.tenant, query.service, at(query)) }),
    },
    getSlo: { handle: ({ auth, params }) => slos.get(auth.tenant, params.id) },
    updateSlo: { handle: ({ auth, params, body }) => slos.update(auth, params.id, body) },
    deleteSlo: { handle: ({ auth, params }) => slos.delete(auth, params.id) },
    pushSli: { handle: ({ auth, params, body }) => slos.pushSli(auth, params.id, body) },
    sloStatus: { handle: ({ auth, params, query }) => slos.status(auth.tenant, params.id, at(query)) },
    sloSeries: {
      handle: ({ auth, params, query }) =>
        slos.series(auth.tenant, params.id, Date.parse(query.from), Date.parse(query.to), query.step * 1000),
    },
    sloRules: { handle: ({ auth, params }) => slos.rules(auth.tenant, params.id) },
  };
}
