import { type z } from 'zod';
import { EventIdParams, EventPage, SearchQuery } from './search.js';
import { IngestBody, IngestResult } from './ingest.js';
import { Event } from './event.js';
import { AnnotationList, AnnotationQuery, ContextQuery, ContextResult, StreamQuery, VerifyResult } from './timeline.js';
import { KeyCreate, KeyCreated, KeyIdParams, KeyList, ApiKey, TenantCreate, TenantCreated, WhoAmI } from './keys.js';
import type { Permission } from './permissions.js';
import { ServiceMapping, ServiceMappingKey, ServiceMappingList } from './mappings.js';
import { HookCreate, HookCreated, HookIdParams, HookList, HookRotate, Hook } from './hooks.js';
import {
  SliPush,
  SliPushResult,
  SloIdParams,
  SloImport,
  SloImported,
  SloList,
  SloListQuery,
  SloRules,
  SloSeries,
  SloSeriesQuery,
  SloSpec,
  SloStatus,
  SloStatusList,
  SloStatusQuery,
  SloWritten,
  Slo,
} from './slo.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDef {
  method: Method;
  /** Fastify-style path: `/v1/keys/:id`. */
  path: string;
  summary: string;
  /** Null: any valid key. Every route in this table needs a key. */
  permission: Permission | null;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Status of success, and the body it carries (for a stream: each event's data). */
  status: number;
  response: z.ZodType;
  /** Server-Sent Events instead of one JSON body: use the client's `stream`, not `call`. */
  stream?: true;
}

const route = <R extends RouteDef>(r: R): R => r;

/** Every authenticated route of the API, the one table the server, the client and OpenAPI read. */
export const routes = {
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
  whoAmI: route({
    method: 'GET',
    path: '/v1/auth/whoami',
    summary: 'The key making the request, its tenant and permissions',
    permission: null,
    status: 200,
    response: WhoAmI,
  }),
  createKey: route({
    method: 'POST',
    path: '/v1/keys',
    summary: 'Create an API key; the secret is in this answer only',
    permission: 'admin',
    body: KeyCreate,
    status: 201,
    response: KeyCreated,
  }),
  listKeys: route({
    method: 'GET',
    path: '/v1/keys',
    summary: "The tenant's API keys (never their secrets)",
    permission: 'admin',
    status: 200,
    response: KeyList,
  }),
  revokeKey: route({
    method: 'DELETE',
    path: '/v1/keys/:id',
    summary: 'Revoke an API key at once',
    permission: 'admin',
    params: KeyIdParams,
    status: 200,
    response: ApiKey,
  }),
  createTenant: route({
    method: 'POST',
    path: '/v1/tenants',
    summary: 'Create an organisation and its first admin key (admin keys of the default tenant only)',
    permission: 'admin',
    body: TenantCreate,
    status: 201,
    response: TenantCreated,
  }),
  createHook: route({
    method: 'POST',
    path: '/v1/admin/hooks',
    summary: 'Create a webhook for a source; the answer has the path to paste into the sender and the secret (once)',
    permission: 'admin',
    body: HookCreate,
    status: 201,
    response: HookCreated,
  }),
  listHooks: route({
    method: 'GET',
    path: '/v1/admin/hooks',
    summary: "The tenant's webhooks (secrets by prefix only)",
    permission: 'admin',
    status: 200,
    response: HookList,
  }),
  rotateHook: route({
    method: 'POST',
    path: '/v1/admin/hooks/:id/rotate',
    summary: 'Add a new secret to a webhook, keeping previous ones valid while senders switch over',
    permission: 'admin',
    params: HookIdParams,
    body: HookRotate,
    status: 200,
    response: HookCreated,
  }),
  deleteHook: route({
    method: 'DELETE',
    path: '/v1/admin/hooks/:id',
    summary: 'Delete a webhook; its deliveries are refused from then on',
    permission: 'admin',
    params: HookIdParams,
    status: 200,
    response: Hook,
  }),
  putMapping: route({
    method: 'PUT',
    path: '/v1/mappings',
    summary: "Map a sender's id (a Sentry project, a GitHub repo, ...) to a service; applies to past events too",
    permission: 'catalog:write',
    body: ServiceMapping,
    status: 200,
    response: ServiceMapping,
  }),
  listMappings: route({
    method: 'GET',
    path: '/v1/mappings',
    summary: "The tenant's sender-id → service mappings",
    permission: 'events:read',
    status: 200,
    response: ServiceMappingList,
  }),
  deleteMapping: route({
    method: 'DELETE',
    path: '/v1/mappings',
    summary: 'Remove a mapping; events fall back to the service their source gave them',
    permission: 'catalog:write',
    query: ServiceMappingKey,
    status: 200,
    response: ServiceMapping,
  }),
  createSlo: route({
    method: 'POST',
    path: '/v1/slos',
    summary: 'Create an SLO from the native spec; the same id with the same spec again is a no-op',
    permission: 'catalog:write',
    body: SloSpec,
    status: 201,
    response: SloWritten,
  }),
  importSlos: route({
    method: 'POST',
    path: '/v1/slos/import',
    summary: 'Create SLOs from OpenSLO v1 or Sloth prometheus/v1 documents; unsupported fields are refused by path',
    permission: 'catalog:write',
    body: SloImport,
    status: 200,
    response: SloImported,
  }),
  listSlos: route({
    method: 'GET',
    path: '/v1/slos',
    summary: "The tenant's SLOs",
    permission: 'events:read',
    query: SloListQuery,
    status: 200,
    response: SloList,
  }),
  listSloStatuses: route({
    method: 'GET',
    path: '/v1/slos/status',
    summary: "Status of every SLO of the tenant (or one service's) at once",
    permission: 'events:read',
    query: SloListQuery.extend(SloStatusQuery.shape),
    status: 200,
    response: SloStatusList,
  }),
  getSlo: route({
    method: 'GET',
    path: '/v1/slos/:id',
    summary: 'One SLO',
    permission: 'events:read',
    params: SloIdParams,
    status: 200,
    response: Slo,
  }),
  updateSlo: route({
    method: 'PUT',
    path: '/v1/slos/:id',
    summary: 'Replace an SLO spec (refused for SLOs managed by files)',
    permission: 'catalog:write',
    params: SloIdParams,
    body: SloSpec,
    status: 200,
    response: SloWritten,
  }),
  deleteSlo: route({
    method: 'DELETE',
    path: '/v1/slos/:id',
    summary: 'Delete an SLO and its pushed SLI data (refused for SLOs managed by files)',
    permission: 'catalog:write',
    params: SloIdParams,
    status: 200,
    response: Slo,
  }),
  pushSli: route({
    method: 'POST',
    path: '/v1/slos/:id/sli',
    summary: 'Push good/total counts per minute for a pushed SLI; a minute sent again replaces its counts',
    permission: 'events:write',
    params: SloIdParams,
    body: SliPush,
    status: 200,
    response: SliPushResult,
  }),
  sloStatus: route({
    method: 'GET',
    path: '/v1/slos/:id/status',
    summary: 'Error budget, error ratio and burn rate per window, budget remaining and burn-rate tiers, with inputs',
    permission: 'events:read',
    params: SloIdParams,
    query: SloStatusQuery,
    status: 200,
    response: SloStatus,
  }),
  sloSeries: route({
    method: 'GET',
    path: '/v1/slos/:id/series',
    summary: 'SLI, burn rate per window and budget remaining over time, for plots',
    permission: 'events:read',
    params: SloIdParams,
    query: SloSeriesQuery,
    status: 200,
    response: SloSeries,
  }),
  sloRules: route({
    method: 'GET',
    path: '/v1/slos/:id/rules',
    summary: 'Prometheus recording rules per window and multi-window multi-burn-rate alert rules',
    permission: 'events:read',
    params: SloIdParams,
    status: 200,
    response: SloRules,
  }),
} as const satisfies Record<string, RouteDef>;

export type Routes = typeof routes;
export type RouteId = keyof Routes;

/** Unauthenticated operational endpoints, listed for OpenAPI. */
export const opsPaths = ['/health', '/health/live', '/health/ready', '/metrics', '/openapi.json'] as const;

/** Where senders deliver; authenticated by the hook's secret, not an API key. */
export const HOOK_DELIVERY_PATH = '/v1/hooks/:source/:hookId';
