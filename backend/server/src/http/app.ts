import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import helmet from '@fastify/helmet';
import sse from '@fastify/sse';
import { buildOpenApi } from '@ballast/contract';
import type { Config } from '../config/config.js';
import type { Database } from '../db/knex.js';
import { createAuthenticator } from '../auth/authenticate.js';
import { grafanaIdTokenVerifier } from '../auth/grafanaIdToken.js';
import { keyService } from '../auth/keys.js';
import { authRoutes } from '../auth/routes.js';
import { createKnexEventStore } from '../events/knexEventStore.js';
import { policyEventRecorder } from '../events/policyEvents.js';
import { eventRoutes } from '../events/routes.js';
import { timelineRoutes, type OpenStreams } from '../events/timelineRoutes.js';
import { createChangeFeed } from '../events/stream/changeFeed.js';
import { createStreamHub } from '../events/stream/hub.js';
import type { StoreClock } from '../events/store.js';
import { tenantService } from '../tenants/tenants.js';
import { sourcePlugins } from '@ballast/plugins';
import { hookService } from '../hooks/hookService.js';
import { hookRoutes } from '../hooks/routes.js';
import { registerHookDelivery } from '../hooks/delivery.js';
import { mappingService, placeStored } from '../mappings/mappings.js';
import { mappingRoutes } from '../mappings/routes.js';
import { sloService } from '../slo/service.js';
import { sloRoutes } from '../slo/routes.js';
import { prometheusFromConfig } from '../slo/prometheus.js';
import { stabilizeService } from '../stabilize/service.js';
import { stabilizeRoutes } from '../stabilize/routes.js';
import { StabilizeConfig } from '../stabilize/policy.js';
import { createNotify, NotificationsConfig } from '../stabilize/notifications.js';
import { profileFileSync } from '../stabilize/profileFiles.js';
import { ActuatorRetryConfig, actuatorsFromConfig } from '../stabilize/actuators.js';
import { gateService } from '../gate/gateService.js';
import { gateRoutes } from '../gate/routes.js';
import { GateConfig } from '../gate/freezeWindows.js';
import { runbookService } from '../runbooks/service.js';
import { runbookFolders } from '../runbooks/folder.js';
import { runbookRoutes } from '../runbooks/routes.js';
import { catalogService, type CatalogServiceStore } from '../catalog/service.js';
import { catalogRoutes } from '../catalog/routes.js';
import { onCallResolver } from '../catalog/onCall.js';
import { pagerDutyOnCall } from '@ballast/plugins';
import { DEFAULT_TENANT } from '../tenants/tenants.js';
import { bindRoutes } from './bindRoutes.js';
import { ApiError, isStoreUnavailable, storeUnavailable } from './errors.js';
import { createMetrics } from './metrics.js';
import { VERSION } from '../version.js';

export interface AppOptions {
  config: Pick<Config, 'logLevel' | 'bodyLimitBytes' | 'databaseUrl' | 'sourceSecrets'> &
    Partial<Pick<Config, 'stabilize' | 'gate' | 'notifications' | 'publicUrl' | 'stabilizeProfilesDir'>> &
    Partial<Pick<Config, 'actuators' | 'actuatorRetry'>> &
    Partial<Pick<Config, 'grafanaJwksUrl' | 'grafanaIssuer' | 'grafanaAudience'>> &
    Partial<Pick<Config, 'prometheusUrl' | 'prometheusBearerToken' | 'prometheusBasicAuth' | 'prometheusTimeoutMs'>> &
    Partial<Pick<Config, 'runbooksDirs' | 'catalogDir' | 'pagerdutyToken' | 'pagerdutyApiUrl'>>;
  logger?: Logger;
  db: Database;
  clock?: StoreClock;
}

export const createLogger = (level: string): Logger => pino({ level, redact: ['req.headers.authorization'] });

/** The whole HTTP surface, wired once: a newcomer reads this file to find where a route lives. */
export async function buildApp({ config, db, clock, logger }: AppOptions) {
  const app: FastifyInstance = Fastify({
    loggerInstance: (logger ?? createLogger(config.logLevel)) as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    return503OnClosing: true,
  });
  const metrics = createMetrics();
  const feed = createChangeFeed(db, config.databaseUrl, app.log);
  await feed.start();
  // The catalog's dependsOn feeds "what changed before this"; the catalog itself records through the store.
  const catalogRef: { current?: CatalogServiceStore } = {};
  const store = createKnexEventStore(db, clock, feed, (tenant, service) =>
    catalogRef.current ? catalogRef.current.dependsOn(tenant, service) : Promise.resolve([]),
  );

  const openStreams: OpenStreams = new Set();
  const recordPolicyEvent = policyEventRecorder(store);
  const keys = keyService(db.knex, recordPolicyEvent);
  const tenants = tenantService(db.knex, keys, recordPolicyEvent);
  const hooks = hookService(db.knex, recordPolicyEvent, config.sourceSecrets);
  const mappings = mappingService(db.knex, recordPolicyEvent);
  const slos = sloService(db.knex, recordPolicyEvent, { prometheus: prometheusFromConfig(config), events: store });
  const hub = createStreamHub(db, feed, async (tenant) => {
    const [lookup, withRunbook] = await Promise.all([mappings.lookupFor(tenant), runbooks.resolverFor(tenant)]);
    return (e) => withRunbook(placeStored(e, lookup));
  });
  const profileFiles = profileFileSync(db.knex, config.stabilizeProfilesDir, DEFAULT_TENANT, recordPolicyEvent);
  const notifications = createNotify(
    config.notifications ?? NotificationsConfig.parse(undefined),
    config.publicUrl,
    app.log,
    (notifier, type, result) => metrics.notifications.inc({ notifier, type, result }),
  );
  const stabilize = stabilizeService(
    db,
    store,
    recordPolicyEvent,
    config.stabilize ?? StabilizeConfig.parse(undefined),
    Date.now,
    (tenant, service) => slos.statusAll(tenant, service),
    notifications.notify,
    {
      actuators: actuatorsFromConfig(config.actuators ?? []),
      retry: config.actuatorRetry ?? ActuatorRetryConfig.parse(undefined),
      log: (msg) => app.log.warn(msg),
    },
  );
  const runbooks = runbookService(db.knex, recordPolicyEvent, {
    dirs: runbookFolders(config.runbooksDirs),
    fileTenant: DEFAULT_TENANT,
  });
  const onCall = onCallResolver(
    config.pagerdutyToken
      ? pagerDutyOnCall({
          token: config.pagerdutyToken,
          ...(config.pagerdutyApiUrl && { baseUrl: config.pagerdutyApiUrl }),
        })
      : undefined,
  );
  const catalog = (catalogRef.current = catalogService(db.knex, recordPolicyEvent, onCall, {
    ...(config.catalogDir !== undefined && { dir: config.catalogDir }),
    tenant: DEFAULT_TENANT,
  }));
  const gate = gateService({
    knex: db.knex,
    config: config.gate ?? GateConfig.parse(undefined),
    policy: (tenant, service, environment) => stabilize.policy(tenant, service, environment),
    budget: (tenant, service) => slos.budgetSignal(tenant, service),
    append: (tenant, event, actor) => store.forTenant(tenant).append([event], actor),
    appendInTransaction: (trx, tenant, events, actor) => store.appendInTransaction(trx, tenant, events, actor),
    metrics,
  });
  const authenticator = createAuthenticator(
    db.knex,
    Date.now,
    config.grafanaJwksUrl
      ? grafanaIdTokenVerifier({
          jwksUrl: config.grafanaJwksUrl,
          ...(config.grafanaIssuer && { issuer: config.grafanaIssuer }),
          ...(config.grafanaAudience && { audience: config.grafanaAudience }),
        })
      : undefined,
  );

  await app.register(helmet, { contentSecurityPolicy: false });
  // Heartbeats well inside the ~30 s idle timeout of Grafana's proxy and most load balancers.
  await app.register(sse, { heartbeatInterval: 15_000 });
  // JSON only: anything else on a body-carrying route is a 415, not a string the handler must guess at.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((err, request, reply) => {
    let apiError: ApiError;
    const e = err as Error & { code?: string; statusCode?: number };
    if (err instanceof ApiError) apiError = err;
    else if (isStoreUnavailable(err)) {
      request.log.warn({ err: e.message }, 'store unavailable');
      apiError = storeUnavailable();
    } else if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      apiError = new ApiError(
        413,
        'payload_too_large',
        `the body is larger than ${config.bodyLimitBytes} bytes; send smaller batches`,
      );
    } else if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      apiError = new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
    } else if (
      e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      err instanceof SyntaxError
    ) {
      apiError = new ApiError(400, 'validation_failed', 'the body is not valid JSON', [
        { path: '', message: e.message },
      ]);
    } else if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      apiError = new ApiError(e.statusCode, 'validation_failed', e.message);
    } else {
      request.log.error({ err }, 'unhandled error');
      apiError = new ApiError(500, 'internal', 'an internal error occurred; it has been logged');
    }
    reply
      .code(apiError.status)
      .headers(apiError.headers)
      .send({ code: apiError.code, message: apiError.message, details: apiError.details });
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send({ code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}`, details: [] });
  });

  // A response finished after shutdown began tells the client to reconnect elsewhere, so its
  // keep-alive connection does not hold the process open until the shutdown timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    // Streams never finish on their own: end them so clients reconnect to another replica.
    for (const close of openStreams) close();
    hub.stop();
    await feed.stop();
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  app.addHook('onRequest', async (_request, reply) => {
    metrics.inFlight.inc();
    // 'close' fires once whether the answer was sent or the client went away.
    reply.raw.once('close', () => metrics.inFlight.dec());
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  async function storeAnswers(): Promise<boolean> {
    try {
      await db.knex.raw('select 1').timeout(2000, { cancel: false });
      metrics.storeUp.set(1);
      return true;
    } catch {
      metrics.storeUp.set(0);
      return false;
    }
  }

  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_req, reply) => {
    const up = await storeAnswers();
    if (!up) reply.code(503).header('retry-after', '5');
    return { status: up ? 'ready' : 'unavailable', store: up ? 'up' : 'down' };
  });
  app.get('/health', async (_req, reply) => {
    const up = await storeAnswers();
    if (!up) reply.code(503);
    return { status: up ? 'ok' : 'degraded', version: VERSION, store: { dialect: db.dialect, up } };
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  const openApi = buildOpenApi(VERSION);
  app.get('/openapi.json', async () => openApi);

  bindRoutes(app, authenticator, {
    ...eventRoutes(store, metrics, mappings, runbooks),
    ...timelineRoutes(store, hub, openStreams, mappings, runbooks),
    ...authRoutes(keys, tenants, authenticator),
    ...hookRoutes(hooks),
    ...mappingRoutes(mappings),
    ...sloRoutes(slos),
    ...runbookRoutes(runbooks),
    ...catalogRoutes(catalog),
    ...stabilizeRoutes(stabilize, hub, openStreams),
    ...gateRoutes(gate),
  });
  await registerHookDelivery(app, { hooks, sources: sourcePlugins, store, metrics, mappings });

  return { app, tenants, metrics, stabilize, profileFiles, slos, runbooks, catalog };
}
