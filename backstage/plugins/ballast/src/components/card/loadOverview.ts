/** Everything the card shows for one service, asked of the backend plugin side by side. */
import type { CatalogServiceDetail, Event, RunbookSummary } from '@ballast/contract';
import type { BallastApi, BallastMe, ServiceSlos, StabilizeScopeStatus } from '../../api/BallastApi';
import { BallastRequestError } from '../../api/BallastClient';

/** The kinds the card lists as the service's last changes. */
export const CHANGE_KINDS = ['deploy', 'flag_change', 'incident'] as const;

export interface Overview {
  service: string;
  environment?: string;
  /** Null when Ballast's catalog has no entry for the service. */
  catalog: CatalogServiceDetail | null;
  runbooks: RunbookSummary[];
  slos: ServiceSlos;
  changes: Event[];
  me: BallastMe;
  /** Null without an environment to show (no `ballast.dev/environment`). */
  stabilize: StabilizeScopeStatus | null;
  /** Whether Ballast has stored any event of the service. */
  seen: boolean;
}

const notFoundAsNull = (err: unknown) => {
  if (err instanceof BallastRequestError && err.status === 404 && err.from === 'ballast') return null;
  throw err;
};

export async function loadOverview(api: BallastApi, service: string, environment?: string): Promise<Overview> {
  const [catalog, runbooks, slos, changes, me, stabilize, latest] = await Promise.all([
    api.getService(service).catch(notFoundAsNull),
    api.listRunbooks(service),
    api.getSlos(service),
    api.searchEvents({ service: [service], kind: [...CHANGE_KINDS], limit: 5 }),
    api.me(),
    environment ? api.getStabilize(service, environment) : Promise.resolve(null),
    api.searchEvents({ service: [service], limit: 1 }),
  ]);
  const seen = latest.events.length > 0;
  return { service, environment, catalog, runbooks, slos, changes: changes.events, me, stabilize, seen };
}

/** Ballast knows nothing of it: no catalog entry, no events, no runbooks, no SLOs. */
export function notInBallast(o: Overview): boolean {
  return !o.catalog && !o.seen && o.runbooks.length === 0 && o.slos.slos.length === 0;
}
