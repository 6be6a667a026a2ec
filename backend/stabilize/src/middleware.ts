/** The rate clamp as Fastify and Express/connect middleware: 503 with Retry-After when shedding. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clamp } from './clamp.js';

const BODY = JSON.stringify({
  code: 'stabilized',
  message: 'the service is stabilized and sheds load; retry after the time in Retry-After',
});

const pathOf = (url: string | undefined) => {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? u : u.slice(0, q);
};

/**
 * Fastify: `app.addHook('onRequest', stabilizeOnRequest(clamp))` (register it at the root, or in the
 * plugin whose routes it should cover). A callback hook, not an async one: the check is synchronous,
 * and a promise per request is what costs most on a route that does little.
 */
export function stabilizeOnRequest(clamp: Clamp) {
  return (
    request: { method: string; url: string },
    reply: { code(n: number): unknown; header(k: string, v: string): unknown; send(b: string): unknown },
    done: () => void,
  ): void => {
    const verdict = clamp.check(request.method, pathOf(request.url));
    if (verdict.allow) return done();
    reply.code(503);
    reply.header('retry-after', String(verdict.retryAfterSeconds));
    reply.header('content-type', 'application/json');
    reply.send(BODY);
  };
}

/** Express / connect: `app.use(stabilizeMiddleware(clamp))` before the routes it should cover. */
export function stabilizeMiddleware(clamp: Clamp) {
  return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => {
    const verdict = clamp.check(req.method ?? 'GET', pathOf(req.url));
    if (verdict.allow) return next();
    res.writeHead(503, { 'retry-after': String(verdict.retryAfterSeconds), 'content-type': 'application/json' });
    res.end(BODY);
  };
}
