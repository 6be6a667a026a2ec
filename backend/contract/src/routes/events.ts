/** Events: ingest, search, facets, the live stream, annotations, context, chain verification. */
import { Event } from '../event.js';
import { IngestBody, IngestResult } from '../ingest.js';
import { EventIdParams, EventPage, FacetCounts, FacetQuery, SearchQuery } from '../search.js';
import {
  AnnotationList,
  AnnotationQuery,
  ContextQuery,
  ContextResult,
  StreamQuery,
  VerifyResult,
} from '../timeline.js';
import { route, type RouteDef } from '../routeDef.js';

export const eventsRoutes = {
  ingestEvents: route({
    method: 'POST',
    path: '/v1/events',
    summary: 'Store one event or a batch of up to 1,000, atomically; dedupeKey makes retries safe',
    permission: 'events:write',
    body: IngestBody,
    status: 201,
    response: IngestResult,
  }),
  searchEvents: route({
    method: 'GET',
    path: '/v1/events',
    summary: 'Search events, newest first, with free text and filters; cursor paging over a seq snapshot',
    permission: 'events:read',
    query: SearchQuery,
    status: 200,
    response: EventPage,
  }),
  eventFacets: route({
    method: 'GET',
    path: '/v1/events/facets',
    summary:
      'How many events of each service, environment, source, kind, severity and status a search finds in a window',
    permission: 'events:read',
    query: FacetQuery,
    status: 200,
    response: FacetCounts,
  }),
  streamEvents: route({
    method: 'GET',
    path: '/v1/events/stream',
    summary:
      'Server-Sent Events of new events with the search filters; each SSE id is the seq: resume with Last-Event-ID or ?after=',
    permission: 'events:read',
    query: StreamQuery,
    status: 200,
    response: Event,
    stream: true,
  }),
  annotations: route({
    method: 'GET',
    path: '/v1/annotations',
    summary: 'Events in a window shaped for Grafana: points, and ranges paired from start and end events',
    permission: 'events:read',
    query: AnnotationQuery,
    status: 200,
    response: AnnotationList,
  }),
  eventContext: route({
    method: 'GET',
    path: '/v1/events/:id/context',
    summary: 'What changed before this event: deploys, flag and config changes, same service first',
    permission: 'events:read',
    params: EventIdParams,
    query: ContextQuery,
    status: 200,
    response: ContextResult,
  }),
  auditVerify: route({
    method: 'GET',
    path: '/v1/audit/verify',
    summary: "Walk the tenant's hash chain from its anchor and name the first bad seq",
    permission: 'events:read',
    status: 200,
    response: VerifyResult,
  }),
  getEvent: route({
    method: 'GET',
    path: '/v1/events/:id',
    summary: 'One event by id',
    permission: 'events:read',
    params: EventIdParams,
    status: 200,
    response: Event,
  }),
} as const satisfies Record<string, RouteDef>;
