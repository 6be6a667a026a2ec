import { parseIngestBody, type ParsedEventInput } from '@ballast/contract';
import { ApiError } from '../http/errors.js';
import type { RouteHandlers } from '../http/bindRoutes.js';
import type { Metrics } from '../http/metrics.js';
import type { EventStore } from './store.js';
import { place, placeStored, type MappingService } from '../mappings/mappings.js';
import type { RunbookResolver } from '../runbooks/service.js';
import { placingFor } from './placing.js';

export function eventRoutes(
  store: EventStore,
  metrics: Metrics,
  mappings: MappingService,
  runbooks: RunbookResolver,
): Pick<RouteHandlers, 'ingestEvents' | 'searchEvents' | 'getEvent'> {
  return {
    ingestEvents: {
      parseBody(raw) {
        const parsed = parseIngestBody(raw);
        if (!parsed.ok) {
          const message = parsed.batch
            ? 'the batch was refused whole; see details'
            : 'the event was refused; see details';
          throw new ApiError(400, 'validation_failed', message, parsed.details);
        }
        return { events: parsed.events, batch: parsed.batch } as never;
      },
      async handle({ auth, body, reply }) {
        const { events, batch } = body as unknown as { events: ParsedEventInput[]; batch: boolean };
        const outOfScope = events.findIndex((e) => !auth.inScope(e.service));
        if (outOfScope >= 0) {
          const service = events[outOfScope]!.service;
          throw new ApiError(
            403,
            'forbidden',
            `key "${auth.key.name}" may not write events for ${service ? `service ${service}` : 'no service (tenant-wide)'}`,
            [
              {
                path: batch ? `events.${outOfScope}.service` : 'service',
                message: `outside the key's services: ${auth.key.services.join(', ')}`,
              },
            ],
          );
        }
        const lookup = await mappings.lookupFor(auth.tenant);
        const result = await store.forTenant(auth.tenant).append(
          events.map((e) => place(e, lookup)),
          auth.actor,
        );
        metrics.eventsIngested.inc({ result: 'created' }, result.created);
        metrics.eventsIngested.inc({ result: 'duplicate' }, result.duplicates);
        // A retry that stored nothing new is not a creation.
        if (result.created === 0) reply.code(200);
        return result;
      },
    },
    searchEvents: {
      async handle({ auth, query }) {
        return store.forTenant(auth.tenant).search(query, await placingFor(mappings, runbooks, auth.tenant));
      },
    },
    getEvent: {
      async handle({ auth, params }) {
        const event = await store.forTenant(auth.tenant).get(params.id);
        if (!event)
          throw new ApiError(404, 'not_found', `no event ${params.id}`, [{ path: 'params.id', message: 'not found' }]);
        const withRunbook = await runbooks.resolverFor(auth.tenant);
        return withRunbook(placeStored(event, await mappings.lookupFor(auth.tenant)));
      },
    },
  };
}
