import { z } from 'zod';
import type { EventInput } from '@ballast/contract';
import {
  at,
  verifyHexHmac,
  str,
  type Headers,
  type HookOptions,
  type NormalizeOutcome,
  type SourcePlugin,
  type VerifyOutcome,
} from '../../source.js';

/**
 * LaunchDarkly webhooks (https://docs.launchdarkly.com/home/connecting/webhooks): the payload is an
 * audit-log entry; entries of `kind: "flag"` become `flag_change` events, one per environment they touch;
 * other kinds (projects, environments, members, segments) are acknowledged and ignored.
 * Signature: `X-LD-Signature: <hex HMAC-SHA256 of the raw body with the webhook's secret>`.
 */
const HEADER = 'X-LD-Signature';

export function verifyLaunchdarkly(raw: Buffer, headers: Headers, secrets: readonly string[]): VerifyOutcome {
  return verifyHexHmac(
    {
      header: HEADER,
      missing: 'the delivery carries no signature; tick "Sign this webhook" in LaunchDarkly and paste the secret',
      mismatch: 'the signature matches none of the hook secrets',
    },
    raw,
    headers,
    secrets,
  );
}

/** `proj/default;tag:env/production:flag/new-checkout` → its parts (tags after `;` dropped). */
export function parseResource(resource: string): { project?: string; environment?: string; flag?: string } {
  const out: Record<string, string> = {};
  for (const part of resource.split(':')) {
    const slash = part.indexOf('/');
    if (slash < 1) continue;
    const name = part.slice(slash + 1).split(';')[0]!;
    if (name && name !== '*') out[part.slice(0, slash)] = name;
  }
  return { project: out.proj, environment: out.env, flag: out.flag };
}

interface Access {
  action: string;
  project?: string;
  environment?: string;
  flag?: string;
}

function accessesOf(payload: unknown): Access[] {
  const list = at(payload, 'accesses');
  if (!Array.isArray(list)) return [];
  return list.flatMap((a) => {
    const action = str(at(a, 'action'));
    const resource = str(at(a, 'resource'));
    return action && resource ? [{ action, ...parseResource(resource) }] : [];
  });
}

const envOn = (version: unknown, env: string): boolean | undefined => {
  const on = at(version, 'environments', env, 'on');
  return typeof on === 'boolean' ? on : undefined;
};

/** What happened to the flag in one environment, as a status word. */
function statusOf(payload: unknown, actions: string[], env: string | undefined): string {
  const verb = (str(at(payload, 'titleVerb')) ?? '').toLowerCase();
  if (actions.includes('deleteFlag') || /\bdeleted\b/.test(verb)) return 'deleted';
  if (actions.includes('createFlag') || actions.includes('cloneFlag') || /\bcreated\b/.test(verb)) return 'created';
  if (
    actions.includes('updateGlobalArchived') ||
    actions.includes('archiveFlag') ||
    /\barchived\b|\brestored\b/.test(verb)
  ) {
    const archived = at(payload, 'currentVersion', 'archived');
    return archived === false || /\brestored\b/.test(verb) ? 'restored' : 'archived';
  }
  const now = env ? envOn(at(payload, 'currentVersion'), env) : undefined;
  const before = env ? envOn(at(payload, 'previousVersion'), env) : undefined;
  if (actions.includes('updateOn') || (now !== undefined && before !== undefined && now !== before)) {
    if (now !== undefined) return now ? 'enabled' : 'disabled';
    if (/turned on/.test(verb)) return 'enabled';
    if (/turned off/.test(verb)) return 'disabled';
  }
  if (/turned on/.test(verb)) return 'enabled';
  if (/turned off/.test(verb)) return 'disabled';
  return 'updated';
}

const VERB: Record<string, string> = {
  enabled: 'turned on',
  disabled: 'turned off',
  created: 'created',
  deleted: 'deleted',
  archived: 'archived',
  restored: 'restored',
  updated: 'changed',
};

const Email = z.email().max(320);

const GLOBAL_ACTIONS = new Set(['createFlag', 'cloneFlag', 'deleteFlag', 'updateGlobalArchived', 'archiveFlag']);

/** The member who made the change (claimed by LaunchDarkly, stored unverified), or the API token used. */
function actorOf(payload: unknown): EventInput['actor'] {
  const id = str(at(payload, 'member', '_id'));
  if (id) {
    const name = [str(at(payload, 'member', 'firstName')), str(at(payload, 'member', 'lastName'))]
      .filter(Boolean)
      .join(' ');
    const email = str(at(payload, 'member', 'email'));
    return {
      type: 'user',
      id: id.slice(0, 256),
      ...((name || email) && { name: (name || email)!.slice(0, 256) }),
      ...(email && Email.safeParse(email).success && { email }),
    };
  }
  const token = str(at(payload, 'token', '_id'));
  if (token) {
    const name = str(at(payload, 'token', 'name'));
    return { type: 'service', id: token.slice(0, 256), ...(name && { name: name.slice(0, 256) }) };
  }
  return undefined;
}

/** LaunchDarkly links are relative to the app; other instances (EU, federal) set the hook's `appUrl`. */
function siteLink(payload: unknown, env: string | undefined, options: HookOptions): string | undefined {
  const base = (str(options.appUrl) ?? 'https://app.launchdarkly.com').replace(/\/+$/, '');
  const href =
    (env ? str(at(payload, 'currentVersion', 'environments', env, '_site', 'href')) : undefined) ??
    str(at(payload, '_links', 'site', 'href')) ??
    str(at(payload, 'target', '_links', 'site', 'href'));
  if (!href) return undefined;
  const url = /^https?:\/\//i.test(href) ? href : href.startsWith('/') ? base + href : undefined;
  return url && /^https?:\/\/[^\s]+$/i.test(url) && url.length <= 2048 ? url : undefined;
}

const title = (s: string) => (s.length > 512 ? s.slice(0, 511) + '…' : s);

export const launchdarkly: SourcePlugin = {
  id: 'launchdarkly',
  title: 'LaunchDarkly',
  auth: 'hmac',
  verify: (raw, headers, secrets) => verifyLaunchdarkly(raw, headers, secrets),
  normalize(payload, _headers, options): NormalizeOutcome {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      return { ok: false, missing: [''], message: 'the payload is not a JSON object' };
    const kind = str(at(payload, 'kind'));
    const id = str(at(payload, '_id'));
    const missing = [...(id ? [] : ['_id']), ...(kind ? [] : ['kind'])];
    if (missing.length) return { ok: false, missing, message: 'not a LaunchDarkly audit-log entry: no _id or kind' };
    if (kind !== 'flag')
      return { ok: true, events: [], ignored: `LaunchDarkly "${kind}" changes are not read by Ballast` };
    const accesses = accessesOf(payload);
    const flagKey =
      accesses.find((a) => a.flag)?.flag ??
      str(at(payload, 'currentVersion', 'key')) ??
      str(at(payload, 'previousVersion', 'key'));
    if (!flagKey)
      return {
        ok: false,
        missing: ['accesses.0.resource'],
        message: 'the LaunchDarkly entry names no flag (expected proj/<p>:env/<e>:flag/<key>)',
      };
    const project = accesses.find((a) => a.project)?.project;
    // Toggles, rules and targets change one environment; creating, archiving and deleting change the
    // flag everywhere, whatever environment the entry happens to name.
    const global = accesses.some((a) => GLOBAL_ACTIONS.has(a.action));
    const environments = global
      ? []
      : [...new Set(accesses.map((a) => a.environment).filter((e): e is string => Boolean(e)))].slice(0, 20);
    const date = at(payload, 'date');
    const occurredAt =
      typeof date === 'number' && Number.isFinite(date) && Math.abs(date) < 8.64e15
        ? new Date(date).toISOString()
        : new Date().toISOString();
    const name = str(at(payload, 'name')) ?? str(at(payload, 'target', 'name')) ?? flagKey;
    const service = str(options.service) ?? project;
    const actor = actorOf(payload);
    const changes = [str(at(payload, 'description')), str(at(payload, 'comment'))].filter(Boolean).join('\n\n');
    const events = (environments.length ? environments : [undefined]).map((env): EventInput => {
      const actions = accesses.filter((a) => !env || !a.environment || a.environment === env).map((a) => a.action);
      const status = statusOf(payload, actions, env);
      const envName = env
        ? (str(at(payload, 'currentVersion', 'environments', env, '_environmentName')) ?? env)
        : undefined;
      const link = siteLink(payload, env, options);
      const version = str(at(payload, 'currentVersion', '_version'));
      return {
        occurredAt,
        source: 'launchdarkly',
        kind: 'flag_change',
        status,
        severity: 'info',
        ...(service && { service }),
        ...(env && { environment: env }),
        sourceRefs: {
          auditEntry: id!,
          flag: flagKey,
          ...(project && { project }),
          ...(env && { environment: env }),
          ...(version && { flagVersion: version }),
        },
        title: title(`Flag ${name} ${VERB[status] ?? status}${envName ? ` in ${envName}` : ''}`),
        ...(changes && { description: changes.slice(0, 8000) }),
        links: link ? [{ rel: 'flag', url: link, text: name.slice(0, 256) }] : [],
        ...(actor && { actor }),
        correlation: { flagKey },
        tags: {
          ...(project && { project }),
          actions: [...new Set(actions)].join(',').slice(0, 256),
        },
        dedupeKey: environments.length > 1 ? `launchdarkly:${id}:${env}` : `launchdarkly:${id}`,
      };
    });
    return { ok: true, events };
  },
};
