/** The rate clamp as Fastify and Express/connect middleware: 503 with Retry-After when shedding. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
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

/**
 * Fastify, at the least cost per request: `await app.register(stabilizeFastify(clamp))` before the
 * routes it should cover. It wraps each route's handler as the route is added (`onRoute`) instead of
 * adding a hook to every request's lifecycle, so a service running normally pays one function call.
 * The check then runs after the body is parsed; where shedding before parsing matters (large
 * uploads), use `stabilizeOnRequest`. Registered like `fastify-plugin` plugins, it covers the scope
 * it is registered in, not only its own.
 */
export function stabilizeFastify(clamp: Clamp) {
  const plugin: FastifyPluginCallback = (instance, _opts, done) => {
    instance.addHook('onRoute', (route) => {
      const handler = route.handler;
      route.handler = function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
        const verdict = clamp.check(request.method, pathOf(request.url));
        if (verdict.allow) return handler.call(this, request, reply);
        return reply
          .code(503)
          .header('retry-after', String(verdict.retryAfterSeconds))
          .header('content-type', 'application/json')
          .send(BODY);
      };
    });
    done();
  };
  // What fastify-plugin sets: the hook applies to the scope the plugin is registered in.
  return Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'ballast-stabilize',
  });
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
