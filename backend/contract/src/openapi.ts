import { z } from 'zod';
import { ErrorBody } from './errors.js';
import { routes, type RouteDef } from './routes.js';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;

function queryParameters(schema: z.ZodType, location: 'query' | 'path') {
  const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || (js.required ?? []).includes(name),
    schema: s,
  }));
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** OpenAPI 3.1 for the whole API, generated from the route table (JSON Schema by zod itself). */
export function buildOpenApi(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [id, def] of Object.entries(routes) as [string, RouteDef][]) {
    const path = def.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const op: Record<string, unknown> = {
      operationId: id,
      summary: def.summary,
      security: [{ bearer: [] }],
      'x-permission': def.permission,
      parameters: [
        ...(def.params ? queryParameters(def.params, 'path') : []),
        ...(def.query ? queryParameters(def.query, 'query') : []),
      ],
      responses: {
        [def.status]: {
          description: 'success',
          content: { 'application/json': { schema: jsonSchema(def.response, 'output') } },
        },
        400: errorResponse('invalid request; details name each field at fault'),
        401: errorResponse('missing, unknown, expired or revoked key'),
        403: errorResponse('the key lacks the permission or the service scope'),
        503: errorResponse('the store is unreachable; retry after Retry-After seconds'),
      },
    };
    if (def.body) {
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(def.body, 'input') } },
      };
    }
    (paths[path] ??= {})[def.method.toLowerCase()] = op;
  }
  const plain = (description: string) => ({ get: { summary: description, responses: { 200: { description } } } });
  paths['/health'] = plain('overall health');
  paths['/health/live'] = plain('the process is up');
  paths['/health/ready'] = plain('the store answers; 503 otherwise');
  paths['/metrics'] = plain('Prometheus metrics');
  paths['/openapi.json'] = plain('this document');
  return {
    openapi: '3.1.0',
    info: { title: 'Ballast API', version },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: jsonSchema(ErrorBody, 'output') },
    },
    paths,
  };
}
