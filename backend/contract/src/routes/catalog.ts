/** Runbooks and the service catalog. */
import {
  CatalogService,
  CatalogServiceDetail,
  CatalogServiceList,
  ServiceNameParams,
  ServiceSpec,
} from '../catalog.js';
import { Runbook, RunbookIdParams, RunbookList, RunbookListQuery, RunbookPut } from '../runbooks.js';
import { route, type RouteDef } from '../routeDef.js';

export const catalogRoutes = {
  listRunbooks: route({
    method: 'GET',
    path: '/v1/runbooks',
    summary:
      'Runbooks: all, by text (q), or looked up for an alert (runbook_url, alert.<label>=, service) in the documented order',
    permission: 'events:read',
    query: RunbookListQuery,
    status: 200,
    response: RunbookList,
  }),
  getRunbook: route({
    method: 'GET',
    path: '/v1/runbooks/:id',
    summary: 'One runbook: frontmatter, markdown, sanitized HTML, and whether its review is overdue',
    permission: 'events:read',
    params: RunbookIdParams,
    status: 200,
    response: Runbook,
  }),
  putRunbook: route({
    method: 'PUT',
    path: '/v1/runbooks/:id',
    summary: 'Register or replace a runbook through the API (refused for runbooks managed by files)',
    permission: 'catalog:write',
    params: RunbookIdParams,
    body: RunbookPut,
    status: 200,
    response: Runbook,
  }),
  deleteRunbook: route({
    method: 'DELETE',
    path: '/v1/runbooks/:id',
    summary: 'Delete a runbook registered through the API (refused for runbooks managed by files)',
    permission: 'catalog:write',
    params: RunbookIdParams,
    status: 200,
    response: Runbook,
  }),
  listServices: route({
    method: 'GET',
    path: '/v1/services',
    summary: 'The service catalog, and services seen on events that nobody has claimed',
    permission: 'events:read',
    status: 200,
    response: CatalogServiceList,
  }),
  getService: route({
    method: 'GET',
    path: '/v1/services/:name',
    summary: 'One service: owner, tier, repo, dashboards, links, dependencies, and who is on call now',
    permission: 'events:read',
    params: ServiceNameParams,
    status: 200,
    response: CatalogServiceDetail,
  }),
  putService: route({
    method: 'PUT',
    path: '/v1/services/:name',
    summary: "Create or replace a service's catalog entry; the same entry again changes nothing",
    permission: 'catalog:write',
    params: ServiceNameParams,
    body: ServiceSpec,
    status: 200,
    response: CatalogService,
  }),
  deleteService: route({
    method: 'DELETE',
    path: '/v1/services/:name',
    summary: "Remove a service's catalog entry",
    permission: 'catalog:write',
    params: ServiceNameParams,
    status: 200,
    response: CatalogService,
  }),
} as const satisfies Record<string, RouteDef>;
