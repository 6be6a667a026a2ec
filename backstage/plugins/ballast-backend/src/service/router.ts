/**
 * The routes the Ballast frontend calls under /api/ballast. Each one: who is signed in (httpAuth),
 * may they (the permission policy), then one call to Ballast as the key plus a signed assertion of
 * that person. Ballast checks the input and its own rules; its refusals come back unchanged.
 */
import express, { type Request } from 'express';
import Router from 'express-promise-router';
import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult, type BasicPermission } from '@backstage/plugin-permission-common';
import {
  ballastEventsReadPermission,
  ballastPermissions,
  ballastStabilizeApprovePermission,
  ballastStabilizeRequestPermission,
} from '@ballast/backstage-plugin-ballast-common';
import { createClient, type BallastClient } from '@ballast/contract';
import type { BallastConfig } from '../config.js';
import type { ActorSigner } from './actorAssertion.js';
import type { IdentityResolver } from './identity.js';
import { errorResponder } from './errors.js';

export interface RouterDeps {
  config: BallastConfig;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  identity: IdentityResolver;
  sign: ActorSigner;
  logger: LoggerService;
}

/** Query values as Ballast takes them: repeated keys as lists, everything else as one string. */
function queryOf(req: Request): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(req.query)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.filter((v): v is string => typeof v === 'string');
  }
  return out;
}

export function createRouter(deps: RouterDeps): express.Router {
  const { config, httpAuth, permissions, identity, sign } = deps;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  /** The signed-in user, allowed `permission` by the policy, and a Ballast client acting for them. */
  async function actingUser(req: Request, permission: BasicPermission) {
    const credentials: BackstageCredentials<BackstageUserPrincipal> = await httpAuth.credentials(req, {
      allow: ['user'],
    });
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    if (decision?.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(`you may not ${permission.name} (Backstage permission policy)`);
    const claims = await identity(credentials);
    const ballast: BallastClient = createClient({
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
      headers: { 'x-ballast-actor': await sign(claims) },
    });
    return { ballast, claims };
  }
  const read = (req: Request) => actingUser(req, ballastEventsReadPermission);

  /** Who Ballast will see, and which Ballast actions the policy allows them (for the frontend's buttons). */
  router.get('/me', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const decisions = await permissions.authorize(
      ballastPermissions.map((permission) => ({ permission })),
      { credentials },
    );
    const claims = await identity(credentials);
    res.json({
      user: claims,
      allowed: Object.fromEntries(
        ballastPermissions.map((p, i) => [p.name, decisions[i]?.result === AuthorizeResult.ALLOW]),
      ),
    });
  });

  router.get('/events', async (req, res) => {
    const { ballast } = await read(req);
    res.json(await ballast.call('searchEvents', { query: queryOf(req) as never }));
  });

  /** Facet counts for the entity tab: how many events of each value a search finds in a window. */
  router.get('/events/facets', async (req, res) => {
    const { ballast } = await read(req);
    res.json(await ballast.call('eventFacets', { query: queryOf(req) as never }));
  });

  /**
   * The live tail: Ballast's Server-Sent Events for the same filters, passed on as they arrive. A
   * refusal before the stream opens answers as any other route; Last-Event-ID (or `after`) resumes.
   */
  router.get('/events/stream', async (req, res) => {
    const { ballast } = await read(req);
    const closed = new AbortController();
    res.on('close', () => closed.abort());
    const lastEventId = Number(req.get('last-event-id'));
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    try {
      await ballast.stream(
        queryOf(req) as never,
        (event) => {
          res.write(`id: ${event.seq}\nevent: event\ndata: ${JSON.stringify(event)}\n\n`);
          (res as { flush?: () => void }).flush?.();
        },
        {
          after: Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : undefined,
          signal: closed.signal,
          onOpen() {
            // no-transform keeps compression middleware from holding events back.
            res.status(200).set({
              'content-type': 'text/event-stream',
              'cache-control': 'no-cache, no-transform',
              'x-accel-buffering': 'no',
            });
            res.flushHeaders();
            res.write(': following\n\n');
            heartbeat = setInterval(() => res.write(': keepalive\n\n'), 15_000);
          },
        },
      );
    } finally {
      clearInterval(heartbeat);
    }
    if (res.headersSent) res.end();
  });

  /** "What changed before this": deploys, flag and config changes before an event (an incident, say). */
  router.get('/events/:id/context', async (req, res) => {
    const { ballast } = await read(req);
    res.json(await ballast.call('eventContext', { params: { id: req.params.id! }, query: queryOf(req) as never }));
  });

  router.get('/services/:service', async (req, res) => {
    const { ballast } = await read(req);
    res.json(await ballast.call('getService', { params: { name: req.params.service! } }));
  });

  router.get('/services/:service/changes', async (req, res) => {
    const { ballast } = await read(req);
    const query = { ...queryOf(req), service: req.params.service! };
    res.json(await ballast.call('annotations', { query: query as never }));
  });

  router.get('/services/:service/runbooks', async (req, res) => {
    const { ballast } = await read(req);
    res.json(await ballast.call('listRunbooks', { query: { service: req.params.service! } }));
  });

  router.get('/runbooks/:id', async (req, res) => {
    const { ballast } = await read(req);
    res.json(await ballast.call('getRunbook', { params: { id: req.params.id! } }));
  });

  router.get('/services/:service/slos', async (req, res) => {
    const { ballast } = await read(req);
    const [slos, status] = await Promise.all([
      ballast.call('listSlos', { query: { service: req.params.service! } }),
      ballast.call('listSloStatuses', { query: { service: req.params.service! } }),
    ]);
    res.json({ ...slos, ...status });
  });

  router.get('/stabilize/:service/:environment', async (req, res) => {
    const { ballast } = await read(req);
    const { service, environment } = req.params as { service: string; environment: string };
    res.json(await ballast.call('stabilizeScope', { params: { service, environment } }));
  });

  router.post('/stabilize/:service/:environment/request', async (req, res) => {
    const { ballast } = await actingUser(req, ballastStabilizeRequestPermission);
    const { service, environment } = req.params as { service: string; environment: string };
    const body = { ...(req.body ?? {}), service, environment };
    res.status(201).json(await ballast.call('requestStabilize', { body }));
  });

  router.post('/stabilize/:service/:environment/exit', async (req, res) => {
    const { ballast } = await actingUser(req, ballastStabilizeRequestPermission);
    const { service, environment } = req.params as { service: string; environment: string };
    res.json(await ballast.call('exitStabilize', { params: { service, environment }, body: req.body ?? {} }));
  });

  router.post('/stabilize/:service/:environment/extend', async (req, res) => {
    const { ballast } = await actingUser(req, ballastStabilizeRequestPermission);
    const { service, environment } = req.params as { service: string; environment: string };
    res.json(await ballast.call('extendStabilize', { params: { service, environment }, body: req.body ?? {} }));
  });

  router.post('/stabilize/requests/:id/approve', async (req, res) => {
    const { ballast } = await actingUser(req, ballastStabilizeApprovePermission);
    res.json(await ballast.call('approveStabilize', { params: { id: req.params.id! }, body: req.body ?? {} }));
  });

  router.post('/stabilize/requests/:id/reject', async (req, res) => {
    const { ballast } = await actingUser(req, ballastStabilizeApprovePermission);
    res.json(await ballast.call('rejectStabilize', { params: { id: req.params.id! }, body: req.body ?? {} }));
  });

  router.use(errorResponder(deps.logger));
  return router;
}
