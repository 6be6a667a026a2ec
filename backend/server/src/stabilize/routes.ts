import type { EffectivePolicy } from '@ballast/contract';
import type { RouteHandlers } from '../http/bindRoutes.js';
import type { StreamHub } from '../events/stream/hub.js';
import type { OpenStreams } from '../events/timelineRoutes.js';
import { ApiError } from '../http/errors.js';
import type { StabilizeService } from './service.js';
import { nextChangeAt, policyEtag } from './effectivePolicy.js';

type StabilizeRouteIds =
  | 'putStabilizeProfile'
  | 'getStabilizeProfile'
  | 'listStabilizeProfiles'
  | 'previewStabilizeProfile'
  | 'requestStabilize'
  | 'getStabilize'
  | 'approveStabilize'
  | 'rejectStabilize'
  | 'exitStabilize'
  | 'extendStabilize'
  | 'retryStabilizeDelivery'
  | 'listStabilizes'
  | 'stabilizePolicy'
  | 'stabilizePolicyStream'
  | 'stabilizeScope'
  | 'stabilizeHeartbeat';

const list = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

/** A key acts only on services its scope covers. */
function checkScope(inScope: (s: string) => boolean, service: string, path: string) {
  if (!inScope(service))
    throw new ApiError(403, 'out_of_scope', `this key may not act on service ${service}`, [
      { path, message: 'outside the key’s service scope' },
    ]);
}

/**
 * Long-poll: reads the policy until its ETag differs from `seen` or the deadline passes. It wakes on a
 * stabilize event of the scope from any replica (the event stream), at the policy's own next change
 * (shadow ends, TTL reached) and at the deadline. It subscribes before reading, so a change committed
 * in between is not missed.
 */
async function waitForChange(
  hub: StreamHub,
  tenant: string,
  scope: { service: string; environment: string },
  read: () => Promise<EffectivePolicy>,
  seen: string,
  deadline: number,
  closed: Promise<void>,
): Promise<EffectivePolicy> {
  for (;;) {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const { unsubscribe } = await hub.subscribe(
      tenant,
      {
        filters: { source: ['stabilize'], service: [scope.service], environment: [scope.environment] },
        lastSeq: 0,
        send: () => wake(),
      },
      undefined,
    );
    let timer: NodeJS.Timeout | undefined;
    try {
      const policy = await read();
      const left = deadline - Date.now();
      if (policyEtag(policy) !== seen || left <= 0) return policy;
      const selfChange = nextChangeAt(policy);
      timer = setTimeout(wake, selfChange === null ? left : Math.min(left, Math.max(0, selfChange - Date.now() + 5)));
      const stop = await Promise.race([woken.then(() => false), closed.then(() => true)]);
      if (stop) return policy;
    } finally {
      clearTimeout(timer);
      unsubscribe();
    }
  }
}

export function stabilizeRoutes(
  svc: StabilizeService,
  hub: StreamHub,
  open: OpenStreams,
): Pick<RouteHandlers, StabilizeRouteIds> {
  return {
    stabilizePolicyStream: {
      /**
       * The policy now, then every change: woken like the long-poll (stabilize events of the scope from
       * any replica, the policy's own next change), sending only when the content changed. Each
       * message's id is the policy's ETag.
       */
      async handle({ auth, params, reply }) {
        reply.sse.keepAlive();
        let sent = '';
        let timer: NodeJS.Timeout | undefined;
        let chain = Promise.resolve();
        const kick = (): Promise<void> => {
          chain = chain
            .then(async () => {
              const policy = await svc.policy(auth.tenant, params.service, params.environment, true);
              const etag = policyEtag(policy);
              clearTimeout(timer);
              const next = nextChangeAt(policy);
              if (next !== null) timer = setTimeout(() => void kick(), Math.max(0, next - Date.now() + 5));
              if (etag === sent) return;
              sent = etag;
              await reply.sse.send({ id: etag, event: 'policy', data: policy });
            })
            .catch(() => reply.sse.close());
          return chain;
        };
        const close = () => reply.sse.close();
        open.add(close);
        const subscription: { stop?: () => void } = {};
        reply.sse.onClose(() => {
          open.delete(close);
          clearTimeout(timer);
          subscription.stop?.();
        });
        const { unsubscribe } = await hub
          .subscribe(
            auth.tenant,
            {
              filters: { source: ['stabilize'], service: [params.service], environment: [params.environment] },
              lastSeq: 0,
              send: () => void kick(),
            },
            undefined,
          )
          .catch((err: unknown) => {
            open.delete(close);
            throw err;
          });
        subscription.stop = unsubscribe;
        // The first policy is sent before the handler returns: the response is the stream from then on.
        await kick();
      },
    },
    putStabilizeProfile: {
      handle: ({ auth, params, query, body }) => {
        checkScope(auth.inScope, params.service, 'params.service');
        return svc.profiles.put(auth.tenant, params.service, query.environment, body, auth.actor);
      },
    },
    getStabilizeProfile: {
      handle: ({ auth, params, query }) => svc.profiles.get(auth.tenant, params.service, query.environment),
    },
    listStabilizeProfiles: { handle: async ({ auth }) => ({ profiles: await svc.profiles.list(auth.tenant) }) },
    previewStabilizeProfile: {
      handle: ({ auth, params }) => svc.profiles.preview(auth.tenant, params.service, params.environment),
    },
    requestStabilize: {
      handle: ({ auth, body }) => {
        checkScope(auth.inScope, body.service, 'body.service');
        return svc.request(auth.tenant, body, auth.actor, auth.permissions.has('stabilize:breakglass'));
      },
    },
    stabilizeHeartbeat: {
      handle: ({ auth, params }) => svc.heartbeat(auth.tenant, params.service, params.environment, params.instance),
    },
    stabilizeScope: {
      handle: ({ auth, params }) => svc.scope(auth.tenant, params.service, params.environment),
    },
    getStabilize: { handle: ({ auth, params }) => svc.get(auth.tenant, params.id) },
    approveStabilize: {
      handle: async ({ auth, params, body }) => {
        const s = await svc.get(auth.tenant, params.id);
        checkScope(auth.inScope, s.service, 'params.id');
        return svc.approve(auth.tenant, params.id, auth.actor, body.comment);
      },
    },
    rejectStabilize: {
      handle: async ({ auth, params, body }) => {
        const s = await svc.get(auth.tenant, params.id);
        checkScope(auth.inScope, s.service, 'params.id');
        return svc.reject(auth.tenant, params.id, auth.actor, body.reason);
      },
    },
    exitStabilize: {
      handle: ({ auth, params, body }) => {
        checkScope(auth.inScope, params.service, 'params.service');
        return svc.exit(auth.tenant, params.service, params.environment, auth.actor, body.reason);
      },
    },
    extendStabilize: {
      handle: ({ auth, params, body }) => {
        checkScope(auth.inScope, params.service, 'params.service');
        return svc.extend(auth.tenant, params.service, params.environment, auth.actor, body.minutes, body.reason);
      },
    },
    retryStabilizeDelivery: {
      handle: async ({ auth, params, body }) => {
        const s = await svc.get(auth.tenant, params.id);
        checkScope(auth.inScope, s.service, 'params.id');
        return svc.retry(auth.tenant, params.id, auth.actor, body.actuator);
      },
    },
    listStabilizes: {
      handle: async ({ auth, query }) => ({
        stabilizes: await svc.list(auth.tenant, {
          service: list(query.service),
          environment: list(query.environment),
          state: list(query.state),
          limit: query.limit,
        }),
      }),
    },
    stabilizePolicy: {
      handle: async ({ auth, params, query, request, reply }) => {
        const seen = request.headers['if-none-match'];
        let { policy, etag } = await svc.policyWithEtag(auth.tenant, params.service, params.environment);
        if (seen !== undefined && seen === etag && query.wait > 0) {
          const closed = new Promise<void>((resolve) => reply.raw.once('close', () => resolve()));
          const read = () => svc.policy(auth.tenant, params.service, params.environment, true);
          policy = await waitForChange(hub, auth.tenant, params, read, seen, Date.now() + query.wait * 1000, closed);
          etag = policyEtag(policy);
        }
        reply.header('etag', etag).header('cache-control', 'no-cache');
        if (seen === etag) {
          reply.code(304);
          return undefined as unknown as EffectivePolicy;
        }
        return policy;
      },
    },
  };
}
