import type { Event } from '@ballast/contract';
import { ApiError } from '../http/errors.js';
import type { RouteHandlers } from '../http/bindRoutes.js';
import type { EventStore } from './store.js';
import type { StreamHub } from './stream/hub.js';
import type { MappingService } from '../mappings/mappings.js';
import { placingFor } from './placing.js';
import type { RunbookResolver } from '../runbooks/service.js';

/** Open streams, so shutdown can end them instead of waiting for clients that never hang up. */
export type OpenStreams = Set<() => void>;

function lastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) {
    throw new ApiError(400, 'validation_failed', 'Last-Event-ID must be the seq of the last event received', [
      { path: 'headers.last-event-id', message: 'not a seq' },
    ]);
  }
  return Number(value);
}

export function timelineRoutes(
  store: EventStore,
  hub: StreamHub,
  open: OpenStreams,
  mappings: MappingService,
  runbooks: RunbookResolver,
): Pick<RouteHandlers, 'streamEvents' | 'annotations' | 'eventFacets' | 'eventContext' | 'auditVerify'> {
  return {
    streamEvents: {
      async handle({ auth, query, request, reply }) {
        const after = lastEventId(request.headers['last-event-id']) ?? query.after;
        reply.sse.keepAlive();
        // Nothing is written until the subscription exists: the `ready` message (and with it the
        // response headers a client waits for) then means that no later commit can be missed. A
        // refusal before that (store down) is still an ordinary JSON error.
        let opened!: (from: number) => void;
        const subscribed = new Promise<number>((resolve) => (opened = resolve));
        let chain: Promise<void> = subscribed.then((from) => reply.sse.send({ event: 'ready', data: { after: from } }));
        // Sends are chained so events reach the socket in seq order.
        const send = (event: Event) => {
          chain = chain
            .then(() =>
              reply.sse.isConnected
                ? reply.sse.send({ id: String(event.seq), event: 'event', data: event })
                : undefined,
            )
            .catch(() => reply.sse.close());
        };
        const close = () => reply.sse.close();
        open.add(close);
        const subscription: { stop?: () => void } = {};
        reply.sse.onClose(() => {
          open.delete(close);
          subscription.stop?.();
        });
        const { unsubscribe, from } = await hub
          .subscribe(auth.tenant, { filters: query, lastSeq: after ?? 0, send }, after)
          .catch((err: unknown) => {
            open.delete(close);
            throw err;
          });
        subscription.stop = unsubscribe;
        opened(from);
        if (!reply.sse.isConnected) unsubscribe();
      },
    },
    annotations: {
      async handle({ auth, query }) {
        return store.forTenant(auth.tenant).annotations({
          ...query,
          placing: await placingFor(mappings, runbooks, auth.tenant),
          from: Date.parse(query.from),
          to: Date.parse(query.to),
        });
      },
    },
    eventFacets: {
      handle: ({ auth, query }) => store.forTenant(auth.tenant).facets(query),
    },
    eventContext: {
      async handle({ auth, params, query }) {
        const result = await store.forTenant(auth.tenant).context(params.id, query.window, query.limit);
        if (!result)
          throw new ApiError(404, 'not_found', `no event ${params.id}`, [{ path: 'params.id', message: 'not found' }]);
        const withRunbook = await runbooks.resolverFor(auth.tenant);
        return { ...result, event: withRunbook(result.event) };
      },
    },
    auditVerify: {
      handle: ({ auth }) => store.forTenant(auth.tenant).verify(),
    },
  };
}
