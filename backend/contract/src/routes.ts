import { type z } from 'zod';
import { EventIdParams, EventPage, SearchQuery } from './search.js';
import { IngestBody, IngestResult } from './ingest.js';
import { Event } from './event.js';
import { KeyCreate, KeyCreated, KeyIdParams, KeyList, ApiKey, TenantCreate, TenantCreated, WhoAmI } from './keys.js';
import type { Permission } from './permissions.js';

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
  /** Status of success, and the body it carries. */
  status: number;
  response: z.ZodType;
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
} as const satisfies Record<string, RouteDef>;

export type Routes = typeof routes;
export type RouteId = keyof Routes;

/** Unauthenticated operational endpoints, listed for OpenAPI. */
export const opsPaths = ['/health', '/health/live', '/health/ready', '/metrics', '/openapi.json'] as const;
