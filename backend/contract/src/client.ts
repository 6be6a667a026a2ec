import type { z } from 'zod';
import { ErrorBody, type ErrorDetail } from './errors.js';
import { routes, type RouteDef, type RouteId, type Routes } from './routes.js';

type Input<R extends RouteDef, K extends 'params' | 'query' | 'body'> = R[K] extends z.ZodType ? z.input<R[K]> : never;

export type CallArgs<R extends RouteDef> = (R['params'] extends z.ZodType ? { params: Input<R, 'params'> } : object) &
  (R['query'] extends z.ZodType ? { query?: Input<R, 'query'> } : object) &
  (R['body'] extends z.ZodType ? { body: Input<R, 'body'> } : object);

export type CallResult<R extends RouteDef> = z.output<R['response']>;

/** A refusal from the server, with its status, stable code and the fields at fault. */
export class BallastApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'BallastApiError';
  }
}

export interface ClientOptions {
  baseUrl: string;
  apiKey?: string;
  /** Extra headers on every request (a proxy's user header, say). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

function buildUrl(baseUrl: string, def: RouteDef, args: Record<string, unknown>): string {
  const params = (args.params ?? {}) as Record<string, string>;
  const path = def.path.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(String(params[name])));
  const url = new URL(baseUrl.replace(/\/$/, '') + path);
  const query = (args.query ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
  }
  return url.toString();
}

/** The typed client used by the CLI, both plugins and the tests. Works in Node and in browsers. */
export function createClient(options: ClientOptions) {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function call<Id extends RouteId>(id: Id, args: CallArgs<Routes[Id]>): Promise<CallResult<Routes[Id]>> {
    const def: RouteDef = routes[id];
    const a = args as Record<string, unknown>;
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    let body: string | undefined;
    if (a.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(a.body);
    }
    const res = await doFetch(buildUrl(options.baseUrl, def, a), { method: def.method, headers, body });
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: reported below with the status */
    }
    if (!res.ok) {
      const parsed = ErrorBody.safeParse(json);
      if (parsed.success)
        throw new BallastApiError(res.status, parsed.data.code, parsed.data.message, parsed.data.details);
      throw new BallastApiError(res.status, 'http_error', `HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    return json as CallResult<Routes[Id]>;
  }

  return { call };
}

export type BallastClient = ReturnType<typeof createClient>;
