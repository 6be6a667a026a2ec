import { z } from 'zod';
import type { EventInput } from '@ballast/contract';
import { at, safeEqual, str, type Headers, type SourcePlugin, type VerifyOutcome } from '../../source.js';
import { linkOf, linksOf, nameOf, refsOf, timeOf, titleOf } from '../alertmanager/eventFields.js';

/**
 * Unleash's webhook integration (https://docs.getunleash.io/reference/integrations/webhook) with its
 * default body, the Unleash event itself: `feature-*` events become `flag_change` events keyed by the
 * flag; other events (projects, users, change requests) are acknowledged and ignored.
 *
 * Unleash cannot sign; its "Authorization" field is sent verbatim as the Authorization header, so the
 * hook secret is accepted as `Bearer <secret>` or as the bare secret.
 */
export function verifyUnleash(headers: Headers, secrets: readonly string[]): VerifyOutcome {
  const header = headers.authorization?.trim();
  if (!header)
    return {
      ok: false,
      reason: 'missing_signature',
      header: 'Authorization',
      message: 'set the webhook’s Authorization field to "Bearer <hook secret>"',
    };
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? header;
  return secrets.some((s) => safeEqual(token, s))
    ? { ok: true }
    : {
        ok: false,
        reason: 'bad_signature',
        header: 'Authorization',
        message: 'the Authorization value matches none of the hook secrets',
      };
}

/** Event type → the timeline's status word and the verb in the title. Other `feature-*` types are `updated`. */
const STATUS: Record<string, [status: string, verb: string]> = {
  'feature-created': ['created', 'created'],
  'feature-environment-enabled': ['enabled', 'enabled'],
  'feature-environment-disabled': ['disabled', 'disabled'],
  'feature-archived': ['archived', 'archived'],
  'feature-revived': ['revived', 'revived'],
  'feature-deleted': ['deleted', 'deleted'],
  'feature-strategy-add': ['updated', 'strategy added'],
  'feature-strategy-update': ['updated', 'strategy updated'],
  'feature-strategy-remove': ['updated', 'strategy removed'],
  'feature-variants-updated': ['updated', 'variants updated'],
  'feature-environment-variants-updated': ['updated', 'variants updated'],
  'feature-metadata-updated': ['updated', 'metadata updated'],
  'feature-project-change': ['updated', 'moved to another project'],
  'feature-stale-on': ['updated', 'marked stale'],
  'feature-stale-off': ['updated', 'no longer stale'],
  'feature-potentially-stale-on': ['updated', 'marked potentially stale'],
  'feature-tagged': ['updated', 'tagged'],
  'feature-untagged': ['updated', 'untagged'],
  'feature-completed': ['updated', 'marked completed'],
  'feature-updated': ['updated', 'updated'],
};

/** A strategy as one line: `flexibleRollout (rollout 25%, 2 constraints)`. */
function strategyLine(strategy: unknown): string | undefined {
  const name = str(at(strategy, 'name'));
  if (!name) return undefined;
  const rollout = str(at(strategy, 'parameters', 'rollout'));
  const constraints = at(strategy, 'constraints');
  const n = Array.isArray(constraints) ? constraints.length : 0;
  const parts = [
    ...(rollout ? [`rollout ${rollout}%`] : []),
    ...(n ? [`${n} constraint${n === 1 ? '' : 's'}`] : []),
    ...(at(strategy, 'disabled') === true ? ['disabled'] : []),
  ];
  return parts.length ? `${name} (${parts.join(', ')})` : name;
}

const SYSTEM_USER_ID = -1337;
const isEmail = (s: string) => z.email().max(320).safeParse(s).success;

/** Unleash tags (`[{type, value}]`) as `type=value1,value2` tags. */
function unleashTags(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(value)) return out;
  for (const t of value) {
    const type = str(at(t, 'type'))?.replace(/[:\s]/g, '_').slice(0, 64);
    const v = str(at(t, 'value'));
    if (!type || v === undefined || Object.keys(out).length >= 45) continue;
    out[type] = (out[type] ? `${out[type]},${v}` : v).slice(0, 256);
  }
  return out;
}

export const unleash: SourcePlugin = {
  id: 'unleash',
  title: 'Unleash',
  auth: 'bearer',
  verify: (_raw, headers, secrets) => verifyUnleash(headers, secrets),
  normalize(payload, _headers, options) {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
      return { ok: false, missing: [''], message: 'the payload is not a JSON object' };
    const type = str(at(payload, 'type'));
    const id = str(at(payload, 'id'));
    const missing = [...(id ? [] : ['id']), ...(type ? [] : ['type'])];
    if (missing.length)
      return {
        ok: false,
        missing,
        message: 'not an Unleash event; leave the webhook’s body template empty so Unleash sends the event itself',
      };
    if (!type!.startsWith('feature-'))
      return { ok: true, events: [], ignored: `Unleash event "${type}" is not a flag change` };
    const flag = str(at(payload, 'featureName')) ?? str(at(payload, 'data', 'name'));
    if (!flag) return { ok: false, missing: ['featureName'], message: 'the Unleash flag event names no flag' };
    const [status, verb] = STATUS[type!] ?? ['updated', type!.replace(/^feature-/, '').replace(/-/g, ' ')];
    const project = str(at(payload, 'project'));
    const environment = nameOf(at(payload, 'environment'));
    const tags = unleashTags(at(payload, 'tags'));
    // A flag tagged `service:<name>` (tag type by option) belongs to that service; otherwise to its project.
    const serviceTag = typeof options.serviceTagType === 'string' ? options.serviceTagType : 'service';
    const service = nameOf(tags[serviceTag]?.split(',')[0]) ?? nameOf(project);
    const createdBy = str(at(payload, 'createdBy'));
    const strategy = type!.startsWith('feature-strategy-')
      ? strategyLine(at(payload, type === 'feature-strategy-remove' ? 'preData' : 'data'))
      : undefined;
    const base = typeof options.unleashUrl === 'string' ? options.unleashUrl.replace(/\/+$/, '') : undefined;
    const event: EventInput = {
      occurredAt: timeOf(at(payload, 'createdAt')) ?? new Date().toISOString(),
      source: 'unleash',
      kind: 'flag_change',
      status,
      severity: 'info',
      ...(service && { service }),
      ...(environment && { environment }),
      sourceRefs: refsOf({ eventId: id, eventType: type, project, flag }),
      title: titleOf(`Flag ${flag} ${verb}${environment ? ` in ${environment}` : ''}`),
      ...(strategy && { description: `Strategy ${strategy}` }),
      links: linksOf(
        base && project
          ? linkOf('flag', `${base}/projects/${encodeURIComponent(project)}/features/${encodeURIComponent(flag)}`, flag)
          : undefined,
      ),
      ...(createdBy && {
        actor: {
          // Unleash's own changes (scheduled, automatic) carry its system user id.
          type: at(payload, 'createdByUserId') === SYSTEM_USER_ID ? ('system' as const) : ('user' as const),
          id: createdBy.slice(0, 256),
          name: createdBy.slice(0, 256),
          ...(isEmail(createdBy) && { email: createdBy }),
        },
      }),
      tags: { ...tags, ...(project && { project: project.slice(0, 256) }), unleash_event: type!.slice(0, 256) },
      correlation: { flagKey: flag.slice(0, 256) },
      dedupeKey: `unleash:${id!.slice(0, 64)}`,
    };
    return { ok: true, events: [event] };
  },
};
