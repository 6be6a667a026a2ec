import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { issuesToDetails, routes, type CallResult, type RouteDef, type RouteId, type Routes } from '@ballast/contract';
import type { z } from 'zod';
import { requirePermission, type AuthContext, type Authenticator } from '../auth/authenticate.js';
import { ApiError } from './errors.js';
import { JsonText } from './jsonText.js';

type Parsed<R extends RouteDef, K extends 'params' | 'query' | 'body'> = R[K] extends z.ZodType
  ? z.output<R[K]>
  : undefined;

export interface RouteContext<R extends RouteDef> {
  auth: AuthContext;
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  body: Parsed<R, 'body'>;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteHandler<Id extends RouteId> {
  /** JSON routes return the body; stream routes write to `reply.sse` and return when set up. */
  handle(
    ctx: RouteContext<Routes[Id]>,
  ): Promise<Routes[Id] extends { stream: true } ? void : CallResult<Routes[Id]> | JsonText<CallResult<Routes[Id]>>>;
  /** Replaces schema parsing of the body where the default would report confusing paths. */
  parseBody?(raw: unknown): Parsed<Routes[Id], 'body'>;
}

export type RouteHandlers = { [Id in RouteId]: RouteHandler<Id> };

export function parsePart(schema: z.ZodType | undefined, raw: unknown, prefix: string | undefined): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(raw ?? {});
  if (!result.success) {
    throw new ApiError(
      400,
      'validation_failed',
      'the request is not valid; see details',
      issuesToDetails(result.error.issues, prefix),
    );
  }
  return result.data;
}

/**
 * Routes every service instance polls many times a second: they answer machines (mostly 304s), so
 * they go without the browser-oriented security headers helmet adds, which cost a third of their time.
 */
const POLLED_ROUTES: ReadonlySet<RouteId> = new Set<RouteId>(['stabilizePolicy']);

/** Registers every route of the contract's table: authenticate, check permission, parse, handle. */
export function bindRoutes(app: FastifyInstance, authenticator: Authenticator, handlers: RouteHandlers): void {
  for (const id of Object.keys(routes) as RouteId[]) {
    const def: RouteDef = routes[id];
    const handler = handlers[id] as unknown as RouteHandler<RouteId>;
    app.route({
      method: def.method,
      url: def.path,
      ...(def.stream && { sse: { kind: 'only' as const } }),
      ...(POLLED_ROUTES.has(id) && { helmet: false as const }),
      handler: async (request, reply) => {
        const auth = await authenticator.authenticate(request.headers.authorization, {
          user: request.headers['x-ballast-user'],
          grafanaUser: request.headers['x-grafana-user'],
          actor: request.headers['x-ballast-actor'],
          grafanaId: request.headers['x-grafana-id'],
        });
        requirePermission(auth, def.permission);
        const params = parsePart(def.params, request.params, 'params');
        const query = parsePart(def.query, request.query, 'query');
        let body: unknown;
        if (def.body) {
          if (request.body === undefined || request.body === null) {
            throw new ApiError(400, 'validation_failed', 'a JSON body is required', [
              { path: '', message: 'required' },
            ]);
          }
          body = handler.parseBody ? handler.parseBody(request.body) : parsePart(def.body, request.body, undefined);
        }
        reply.code(def.status);
        const ctx = { auth, params, query, body, request, reply } as RouteContext<Routes[RouteId]>;
        const result: unknown = await handler.handle(ctx as never);
        if (!(result instanceof JsonText)) return result;
        reply.type('application/json; charset=utf-8');
        return reply.send(result.body());
      },
    });
  }
}
