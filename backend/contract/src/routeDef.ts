/** What a route of the API is: the one shape the server, the client and OpenAPI read. */
import { type z } from 'zod';
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
  /** Status of success, and the body it carries (for a stream: each event's data). */
  status: number;
  response: z.ZodType;
  /** Server-Sent Events instead of one JSON body: use the client's `stream`, not `call`. */
  stream?: true;
}

export const route = <R extends RouteDef>(r: R): R => r;
