import type { FastifyInstance } from 'fastify';
import { EventInput, HOOK_DELIVERY_PATH, issuesToDetails, type Actor, type ParsedEventInput } from '@ballast/contract';
import type { SourcePlugin, Headers } from '@ballast/plugins';
import { ApiError } from '../http/errors.js';
import type { Metrics } from '../http/metrics.js';
import type { EventStore } from '../events/store.js';
import type { HookService } from './hookService.js';
import { place, type MappingService } from '../mappings/mappings.js';

/**
 * Reads the body as the sender signed it. Form-encoded deliveries (GitHub's option) carry the JSON in
 * `payload`; a JSON body sent with a form content type (curl's default) is read as JSON.
 */
function parsePayload(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8');
  if (contentType?.startsWith('application/x-www-form-urlencoded') && !text.trimStart().startsWith('{')) {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) throw new Error('the form body has no payload field');
    return JSON.parse(payload);
  }
  return JSON.parse(text);
}

/**
 * `POST /v1/hooks/{source}/{hookId}`: find the hook, check the signature over the raw bytes, parse,
 * normalize, validate every event, then store them in one batch. Any refusal stores nothing.
 */
export async function registerHookDelivery(
  app: FastifyInstance,
  deps: {
    hooks: HookService;
    sources: Readonly<Partial<Record<string, SourcePlugin>>>;
    store: EventStore;
    metrics: Metrics;
    mappings: MappingService;
  },
): Promise<void> {
  const { hooks, sources, store, metrics, mappings } = deps;
  await app.register(async (scope) => {
    // Signatures cover the exact bytes sent, so nothing may parse them first.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    scope.post<{ Params: { source: string; hookId: string } }>(HOOK_DELIVERY_PATH, async (request, reply) => {
      const { source, hookId } = request.params;
      // Every refusal is counted by source and reason before it is answered.
      const refuse = (reason: string, error: ApiError): never => {
        metrics.hookDeliveries.inc({ source: sources[source] ? source : 'unknown', result: reason });
        throw error;
      };
      const plugin = sources[source];
      if (!plugin) {
        refuse(
          'unknown_source',
          new ApiError(404, 'not_found', `no webhook source "${source}"; known: ${Object.keys(sources).join(', ')}`, [
            { path: 'params.source', message: 'unknown source' },
          ]),
        );
      }
      const hook = await hooks.resolve(source, hookId);
      if (!hook || !plugin) {
        return refuse(
          'unknown_hook',
          new ApiError(404, 'not_found', `no ${source} webhook "${hookId}"`, [
            { path: 'params.hookId', message: 'unknown hook' },
          ]),
        );
      }
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const headers = request.headers as Headers;
      if (hook.secrets.length === 0 && !hook.allowUnsigned) {
        refuse(
          'no_secret',
          new ApiError(
            401,
            'unauthorized',
            'this webhook has no secret and does not accept unsigned deliveries; rotate it to set one',
          ),
        );
      }
      if (hook.secrets.length > 0) {
        const verdict = plugin.verify(
          raw,
          headers,
          hook.secrets.map((s) => s.secret),
          hook.options,
        );
        if (!verdict.ok) {
          refuse(
            verdict.reason,
            new ApiError(401, 'unauthorized', `${verdict.message} (header ${verdict.header})`, [
              { path: `headers.${verdict.header.toLowerCase()}`, message: verdict.reason.replace('_', ' ') },
            ]),
          );
        }
      }
      let payload: unknown;
      try {
        payload = parsePayload(raw, request.headers['content-type']);
      } catch (err) {
        refuse(
          'unreadable',
          new ApiError(422, 'validation_failed', `the payload is not readable JSON: ${(err as Error).message}`, [
            { path: '', message: 'not JSON' },
          ]),
        );
      }
      const normalized = plugin.normalize(payload, headers, hook.options);
      if (!normalized.ok) {
        return refuse(
          'unreadable',
          new ApiError(
            422,
            'validation_failed',
            normalized.message,
            normalized.missing.map((path) => ({ path, message: 'missing or unreadable' })),
          ),
        );
      }
      const events: ParsedEventInput[] = [];
      for (const [i, candidate] of normalized.events.entries()) {
        const parsed = EventInput.safeParse(candidate);
        if (!parsed.success) {
          refuse(
            'unreadable',
            new ApiError(
              422,
              'validation_failed',
              `the payload gave an event Ballast cannot store (event ${i})`,
              issuesToDetails(parsed.error.issues, `events.${i}`),
            ),
          );
        } else events.push(parsed.data);
      }
      if (events.length === 0) {
        metrics.hookDeliveries.inc({ source, result: 'ignored' });
        reply.code(200);
        return {
          created: 0,
          duplicates: 0,
          ignored: normalized.ignored ?? 'nothing for the timeline in this delivery',
        };
      }
      // The tenant's mappings outrank a source's own fallback (a repository name, a label).
      const lookup = await mappings.lookupFor(hook.tenant);
      const placed = events.map((e) => place(e, lookup));
      const actor: Actor = {
        type: 'service',
        id: `hook:${source}/${hook.id}`,
        name: hook.name,
        verified: hook.secrets.length > 0,
      };
      const result = await store.forTenant(hook.tenant).append(placed, actor);
      metrics.hookDeliveries.inc({ source, result: result.created > 0 ? 'stored' : 'duplicate' });
      reply.code(result.created > 0 ? 201 : 200);
      return { created: result.created, duplicates: result.duplicates };
    });
  });
}
