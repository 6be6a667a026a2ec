import type { EventInput, Severity } from '@ballast/contract';
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
 * Sentry integration-platform webhooks (https://docs.sentry.io/organization/integrations/integration-platform/webhooks/):
 * `issue`, `event_alert` and `metric_alert` become events; `error` (one per occurrence) only when the
 * hook sets `includeErrors`; `installation`, `comment` and the rest are acknowledged and ignored.
 * Signature: `Sentry-Hook-Signature: <hex HMAC-SHA256 of the body with the integration's client secret>`.
 */
const HEADER = 'Sentry-Hook-Signature';

/**
 * Sentry signs the exact bytes it sends (compact JSON, non-ASCII escaped as `\uXXXX`), so the raw body
 * is what we check. The documented `JSON.stringify(request.body)` only reproduces those bytes for ASCII
 * payloads without floats like `1.0`; checking the raw body is right in every case.
 */
export function verifySentry(raw: Buffer, headers: Headers, secrets: readonly string[]): VerifyOutcome {
  return verifyHexHmac(
    {
      header: HEADER,
      missing: 'the delivery carries no signature; is this a Sentry integration webhook?',
      mismatch: "the signature matches none of the hook secrets (use the integration's client secret)",
    },
    raw,
    headers,
    secrets,
  );
}

/** Sentry levels → severities; an error without a level is treated as an error. */
const LEVEL: Record<string, Severity> = {
  fatal: 'critical',
  error: 'high',
  warning: 'warning',
  info: 'info',
  debug: 'info',
  sample: 'info',
};
const severityOf = (level: unknown): Severity => LEVEL[str(level) ?? 'error'] ?? 'high';

/** ISO strings (with or without zone; Sentry's are UTC) or epoch seconds → ISO with a zone. */
function isoTime(v: unknown): string | undefined {
  let ms: number;
  if (typeof v === 'number') ms = v * 1000;
  else if (typeof v === 'string' && /^\d{9,11}(\.\d+)?$/.test(v)) ms = Number(v) * 1000;
  else if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v))
    ms = Date.parse(/(Z|[+-]\d\d:?\d\d)$/i.test(v) ? v : v + 'Z');
  else return undefined;
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : undefined;
}

const httpUrl = (v: unknown): string | undefined => {
  const s = str(v);
  return s && /^https?:\/\/[^\s]+$/i.test(s) && s.length <= 2048 ? s : undefined;
};

const option = (options: HookOptions, key: string): string | undefined => str(options[key]);

/** The actor Sentry names: a person, or Sentry itself / an integration. */
function actorOf(payload: unknown): EventInput['actor'] {
  const id = str(at(payload, 'actor', 'id'));
  if (!id) return undefined;
  const name = str(at(payload, 'actor', 'name'));
  return {
    type: str(at(payload, 'actor', 'type')) === 'user' ? 'user' : 'service',
    id: id.slice(0, 256),
    ...(name && { name: name.slice(0, 256) }),
  };
}

interface Context {
  resource: string;
  /** `Request-ID`, or the hook timestamp when a sender leaves it out: tells one delivery from another. */
  delivery: string | undefined;
  sentAt: string | undefined;
  options: HookOptions;
}

const title = (s: string) => (s.length > 512 ? s.slice(0, 511) + '…' : s);

/** issue.created/resolved/assigned/archived/unresolved → an `error` event in the issue's life. */
function issueEvent(payload: unknown, ctx: Context): NormalizeOutcome {
  const issue = at(payload, 'data', 'issue');
  const id = str(at(issue, 'id'));
  const action = str(at(payload, 'action'));
  const missing = [...(action ? [] : ['action']), ...(id ? [] : ['data.issue.id'])];
  if (missing.length) return { ok: false, missing, message: 'the Sentry issue payload lacks required fields' };
  const substatus = str(at(issue, 'substatus'));
  const status =
    {
      created: 'triggered',
      resolved: 'resolved',
      assigned: 'assigned',
      archived: 'archived',
      ignored: 'archived',
      unresolved: substatus === 'regressed' || substatus === 'escalating' ? substatus : 'unresolved',
    }[action!] ??
    action!
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .slice(0, 32);
  if (!/^[a-z]/.test(status)) return { ok: true, events: [], ignored: `Sentry issue action "${action}" is unknown` };
  const shortId = str(at(issue, 'shortId'));
  const slug = str(at(issue, 'project', 'slug'));
  const service = slug ?? option(ctx.options, 'service');
  const environment = option(ctx.options, 'environment');
  const issueTitle = str(at(issue, 'title')) ?? str(at(issue, 'metadata', 'value')) ?? 'Sentry issue';
  const assignee = str(at(issue, 'assignedTo', 'name')) ?? str(at(issue, 'assignedTo', 'email'));
  const verb =
    {
      triggered: 'New issue',
      resolved: 'Resolved',
      assigned: assignee ? `Assigned to ${assignee}:` : 'Assigned',
      archived: 'Archived',
      regressed: 'Regressed',
      escalating: 'Escalating',
      unresolved: 'Reopened',
    }[status] ?? `Issue ${status}`;
  const inRelease = str(at(issue, 'statusDetails', 'inRelease'));
  const inCommit = str(at(issue, 'statusDetails', 'inCommit', 'commit')) ?? str(at(issue, 'statusDetails', 'inCommit'));
  const link = httpUrl(at(issue, 'web_url')) ?? httpUrl(at(issue, 'permalink'));
  const culprit = str(at(issue, 'culprit'));
  const level = str(at(issue, 'level'));
  const actor = actorOf(payload);
  // An issue is created once, so its key needs nothing more; later actions repeat (resolve, reopen,
  // resolve), so those are told apart by Sentry's delivery id.
  const once = status === 'triggered' || !ctx.delivery;
  const event: EventInput = {
    occurredAt:
      (status === 'triggered' ? isoTime(at(issue, 'firstSeen')) : undefined) ??
      ctx.sentAt ??
      isoTime(at(issue, 'lastSeen')) ??
      new Date().toISOString(),
    source: 'sentry',
    kind: 'error',
    status,
    severity: status === 'resolved' || status === 'archived' ? 'info' : severityOf(level),
    ...(service && { service }),
    ...(environment && { environment }),
    sourceRefs: {
      issue: id!,
      ...(shortId && { shortId }),
      ...(slug && { project: slug }),
      ...(str(at(issue, 'project', 'id')) && { projectId: str(at(issue, 'project', 'id'))! }),
    },
    title: title(`${verb} ${shortId ?? `issue ${id}`}: ${issueTitle}`),
    ...(culprit && { description: `In ${culprit}`.slice(0, 4000) }),
    links: link ? [{ rel: 'issue', url: link, text: shortId ?? `issue ${id}` }] : [],
    ...(actor && { actor }),
    correlation: {
      ...(inRelease && { release: inRelease.slice(0, 256) }),
      ...(inCommit && { commitSha: inCommit.slice(0, 128) }),
    },
    tags: {
      ...(level && { level: level.slice(0, 256) }),
      ...(str(at(issue, 'platform')) && { platform: str(at(issue, 'platform'))!.slice(0, 256) }),
    },
    dedupeKey: once ? `sentry:issue:${id}:${action}` : `sentry:issue:${id}:${action}:${ctx.delivery}`,
  };
  return { ok: true, events: [event] };
}

/** The project slug of an event: Sentry sends the numeric id, the slug sits in the event's API URL. */
function eventProject(e: unknown): string | undefined {
  const url = str(at(e, 'url'));
  return (
    str(at(e, 'project_slug')) ??
    (url ? /\/projects\/[^/]+\/([^/]+)\/events\//.exec(url)?.[1] : undefined) ??
    (typeof at(e, 'project') === 'string' && !/^\d+$/.test(at(e, 'project') as string)
      ? (at(e, 'project') as string)
      : undefined)
  );
}

function eventEnvironment(e: unknown): string | undefined {
  const direct = str(at(e, 'environment'));
  if (direct) return direct;
  const tags = at(e, 'tags');
  if (!Array.isArray(tags)) return undefined;
  const pair = tags.find((t) => Array.isArray(t) && t[0] === 'environment');
  return Array.isArray(pair) ? str(pair[1]) : undefined;
}

/** event_alert (an issue alert rule fired) and error (one occurrence): points on the timeline. */
function occurrenceEvent(payload: unknown, ctx: Context, alert: boolean): NormalizeOutcome {
  const path = alert ? 'event' : 'error';
  const e = at(payload, 'data', path);
  const eventId = str(at(e, 'event_id'));
  if (!eventId)
    return {
      ok: false,
      missing: [`data.${path}.event_id`],
      message: `the Sentry ${ctx.resource} payload lacks an event id`,
    };
  const slug = eventProject(e);
  const service = slug ?? option(ctx.options, 'service');
  const environment = eventEnvironment(e) ?? option(ctx.options, 'environment');
  const issueId = str(at(e, 'issue_id'));
  const rule = str(at(payload, 'data', 'triggered_rule')) ?? str(at(payload, 'data', 'issue_alert', 'title'));
  const what = str(at(e, 'title')) ?? str(at(e, 'message')) ?? str(at(e, 'metadata', 'value')) ?? 'Sentry event';
  const level = str(at(e, 'level'));
  const release = str(at(e, 'release'));
  const traceId = str(at(e, 'contexts', 'trace', 'trace_id'));
  const link = httpUrl(at(e, 'web_url'));
  const culprit = str(at(e, 'culprit'));
  const projectId = str(at(e, 'project'));
  const event: EventInput = {
    occurredAt: isoTime(at(e, 'datetime')) ?? isoTime(at(e, 'timestamp')) ?? ctx.sentAt ?? new Date().toISOString(),
    source: 'sentry',
    kind: alert ? 'alert' : 'error',
    status: alert ? 'triggered' : 'occurred',
    severity: severityOf(level),
    ...(service && { service }),
    ...(environment && { environment: environment.slice(0, 128) }),
    sourceRefs: {
      event: eventId,
      ...(issueId && { issue: issueId }),
      ...(slug && { project: slug }),
      ...(projectId && { projectId }),
    },
    title: title(alert ? `Alert${rule ? ` "${rule}"` : ''} fired: ${what}` : `Error: ${what}`),
    ...(culprit && { description: `In ${culprit}`.slice(0, 4000) }),
    links: link ? [{ rel: 'event', url: link, text: 'Sentry event' }] : [],
    correlation: {
      ...(release && { release: release.slice(0, 256) }),
      ...(traceId && { traceId: traceId.slice(0, 128) }),
    },
    tags: {
      ...(level && { level: level.slice(0, 256) }),
      ...(rule && { rule: rule.slice(0, 256) }),
    },
    // One occurrence fires one rule once: stable across redeliveries.
    dedupeKey: alert ? `sentry:event_alert:${eventId}:${(rule ?? '').slice(0, 128)}` : `sentry:error:${eventId}`,
  };
  return { ok: true, events: [event] };
}

/** metric_alert critical/warning/resolved → an `alert` range keyed by Sentry's incident id. */
function metricAlertEvent(payload: unknown, ctx: Context): NormalizeOutcome {
  const action = str(at(payload, 'action'));
  const m = at(payload, 'data', 'metric_alert');
  const id = str(at(m, 'id'));
  const missing = [...(action ? [] : ['action']), ...(id ? [] : ['data.metric_alert.id'])];
  if (missing.length) return { ok: false, missing, message: 'the Sentry metric alert payload lacks required fields' };
  if (!['critical', 'warning', 'resolved'].includes(action!))
    return { ok: true, events: [], ignored: `Sentry metric alert action "${action}" is not read by Ballast` };
  const resolved = action === 'resolved';
  const projects = at(m, 'projects') ?? at(m, 'alert_rule', 'projects');
  const slug = Array.isArray(projects) ? str(projects[0]) : undefined;
  const service = slug ?? option(ctx.options, 'service');
  const environment = str(at(m, 'alert_rule', 'environment')) ?? option(ctx.options, 'environment');
  const ruleName = str(at(m, 'alert_rule', 'name')) ?? str(at(m, 'title')) ?? `metric alert ${id}`;
  const heading = str(at(payload, 'data', 'description_title'));
  const text = str(at(payload, 'data', 'description_text'));
  const link = httpUrl(at(payload, 'data', 'web_url'));
  const ruleId = str(at(m, 'alert_rule', 'id'));
  const event: EventInput = {
    occurredAt:
      (resolved ? isoTime(at(m, 'date_closed')) : undefined) ??
      ctx.sentAt ??
      isoTime(at(m, 'date_detected')) ??
      isoTime(at(m, 'date_started')) ??
      new Date().toISOString(),
    source: 'sentry',
    kind: 'alert',
    status: resolved ? 'resolved' : 'firing',
    severity: resolved ? 'info' : action === 'critical' ? 'critical' : 'warning',
    ...(service && { service }),
    ...(environment && { environment: environment.slice(0, 128) }),
    sourceRefs: {
      incident: id!,
      ...(ruleId && { alertRule: ruleId }),
      ...(slug && { project: slug }),
      ...(str(at(m, 'identifier')) && { identifier: str(at(m, 'identifier'))! }),
    },
    title: title(heading ?? `${resolved ? 'Resolved' : action === 'critical' ? 'Critical' : 'Warning'}: ${ruleName}`),
    ...(text && { description: text.replace(/\\n/g, '\n').slice(0, 8000) }),
    links: link ? [{ rel: 'alert', url: link, text: ruleName.slice(0, 256) }] : [],
    // Each Sentry metric incident is one firing period; its id pairs critical/warning with resolved.
    correlation: { alertFingerprint: `sentry:metric_alert:${id}` },
    tags: { threshold: action!, ...(ruleId && { alert_rule: ruleId }) },
    dedupeKey: `sentry:metric_alert:${id}:${action}${ctx.delivery ? `:${ctx.delivery}` : ''}`,
  };
  return { ok: true, events: [event] };
}

export const includesErrors = (options: HookOptions): boolean =>
  options.includeErrors === true || options.includeErrors === 'true';

export const sentry: SourcePlugin = {
  id: 'sentry',
  title: 'Sentry',
  auth: 'hmac',
  verify: (raw, headers, secrets) => verifySentry(raw, headers, secrets),
  normalize(payload, headers, options) {
    const resource = headers['sentry-hook-resource'];
    if (!resource)
      return {
        ok: false,
        missing: ['headers.sentry-hook-resource'],
        message: 'not a Sentry delivery: no Sentry-Hook-Resource header',
      };
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      return { ok: false, missing: [''], message: 'the payload is not a JSON object' };
    const requestId = str(headers['request-id'])?.slice(0, 64);
    const sentAt = isoTime(headers['sentry-hook-timestamp']);
    const ctx: Context = {
      resource,
      delivery: requestId ?? str(headers['sentry-hook-timestamp'])?.slice(0, 64),
      sentAt,
      options,
    };
    if (resource === 'issue') return issueEvent(payload, ctx);
    if (resource === 'event_alert') return occurrenceEvent(payload, ctx, true);
    if (resource === 'metric_alert') return metricAlertEvent(payload, ctx);
    if (resource === 'error')
      return includesErrors(options)
        ? occurrenceEvent(payload, ctx, false)
        : { ok: true, events: [], ignored: 'Sentry error webhooks are ignored unless the hook sets includeErrors' };
    return { ok: true, events: [], ignored: `Sentry resource "${resource}" is not read by Ballast` };
  },
};
