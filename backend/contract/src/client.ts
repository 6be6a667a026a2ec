import type { z } from 'zod';
import { createParser } from 'eventsource-parser';
import { ErrorBody, type ErrorDetail } from './errors.js';
import type { Event } from './event.js';
import type { StreamQueryInput } from './timeline.js';
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

  async function refusal(res: Response): Promise<BallastApiError> {
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      /* reported with the status below */
    }
    const parsed = ErrorBody.safeParse(json);
    return parsed.success
      ? new BallastApiError(res.status, parsed.data.code, parsed.data.message, parsed.data.details)
      : new BallastApiError(res.status, 'http_error', `HTTP ${res.status}: ${text.slice(0, 200)}`);
  }

  /**
   * Follows the live stream until `signal` aborts or the server ends it. Resolves with the last seq
   * received, so a caller can reconnect with `after` and miss nothing.
   */
  async function stream(
    query: StreamQueryInput,
    onEvent: (event: Event) => void,
    opts: { after?: number; signal?: AbortSignal; onOpen?: () => void } = {},
  ): Promise<number | undefined> {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    if (opts.after !== undefined) headers['last-event-id'] = String(opts.after);
    const res = await doFetch(buildUrl(options.baseUrl, routes.streamEvents, { query }), {
      headers,
      signal: opts.signal,
    });
    if (!res.ok || !res.body) throw await refusal(res);
    opts.onOpen?.();
    return readEventStream(res.body, onEvent, opts);
  }

  return { call, stream };
}

export type BallastClient = ReturnType<typeof createClient>;

/**
 * Reads the events of an open `/v1/events/stream` answer (or a stream passed on from it) until it ends
 * or `signal` aborts; resolves with the last seq seen (else `after`), to resume from.
 */
export async function readEventStream(
  body: NonNullable<Response['body']>,
  onEvent: (event: Event) => void,
  opts: { after?: number; signal?: AbortSignal } = {},
): Promise<number | undefined> {
  let last = opts.after;
  const parser = createParser({
    onEvent(msg) {
      if (msg.event !== 'event') return;
      const event = JSON.parse(msg.data) as Event;
      last = event.seq;
      onEvent(event);
    },
  });
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(value);
    }
  } catch (err) {
    if (!opts.signal?.aborted) throw err;
  }
  return last;
}
