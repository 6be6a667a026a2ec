import type { EventInput, Severity } from '@ballast/contract';
import {
  at,
  hmacHex,
  safeEqual,
  str,
  type Headers,
  type NormalizeOutcome,
  type SourcePlugin,
  type VerifyOutcome,
} from '../../source.js';

/**
 * PagerDuty v3 webhooks (https://developer.pagerduty.com/docs/webhooks/v3-overview/): every `incident.*`
 * event type becomes an `incident` event; `service.*`, `pagey.ping` and other resources are ignored.
 * Signature: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]`, one HMAC-SHA256 of the raw body per signing
 * secret PagerDuty holds (several while it rotates); any of them matching any hook secret counts.
 */
const HEADER = 'X-PagerDuty-Signature';

export function verifyPagerduty(raw: Buffer, headers: Headers, secrets: readonly string[]): VerifyOutcome {
  const given = headers['x-pagerduty-signature'];
  if (!given)
    return {
      ok: false,
      reason: 'missing_signature',
      header: HEADER,
      message: 'the delivery carries no signature; is this a PagerDuty v3 webhook subscription?',
    };
  const offered = given
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1='))
    .slice(0, 10);
  // Every comparison runs, so the time taken says nothing about which one matched.
  const expected = secrets.map((s) => 'v1=' + hmacHex('sha256', s, raw));
  let match = false;
  for (const o of offered) for (const e of expected) match = safeEqual(o.toLowerCase(), e) || match;
  return match
    ? { ok: true }
    : {
        ok: false,
        reason: 'bad_signature',
        header: HEADER,
        message: offered.length
          ? 'no v1 signature matches any of the hook secrets'
          : 'the header holds no v1=<hex> signature',
      };
}

/**
 * incident.<what> → status. `reopened` becomes `triggered` so a reopened incident opens a new range
 * (the event type stays in the `event_type` tag and the title).
 */
const STATUS: Record<string, string> = {
  triggered: 'triggered',
  reopened: 'triggered',
  acknowledged: 'acknowledged',
  unacknowledged: 'unacknowledged',
  resolved: 'resolved',
  escalated: 'escalated',
  delegated: 'delegated',
  reassigned: 'reassigned',
  priority_updated: 'priority_updated',
  annotated: 'annotated',
  status_update_published: 'status_update',
  'responder.added': 'responder_added',
  'responder.replied': 'responder_replied',
};

const VERB: Record<string, string> = {
  triggered: 'triggered',
  reopened: 'reopened',
  acknowledged: 'acknowledged',
  unacknowledged: 'unacknowledged',
  resolved: 'resolved',
  escalated: 'escalated',
  delegated: 'delegated',
  reassigned: 'reassigned',
  priority_updated: 'priority changed',
  annotated: 'note added',
  status_update_published: 'status update',
  'responder.added': 'responder requested',
  'responder.replied': 'responder replied',
};

/** Priority names (P1…P5 by default) first, then urgency. */
function severityOf(priority: string | undefined, urgency: string | undefined): Severity | undefined {
  const p = priority ? /^(?:p|sev-?)?(\d)\b/i.exec(priority.trim())?.[1] : undefined;
  if (p) return p === '1' ? 'critical' : p === '2' ? 'high' : p === '3' ? 'warning' : 'info';
  if (urgency === 'high') return 'high';
  if (urgency === 'low') return 'warning';
  return undefined;
}

/** Service names are free text in PagerDuty ("API Service"); the timeline's are slugs ("api-service"). */
export function serviceSlug(name: string): string | undefined {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._\-/]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '')
    .slice(0, 128);
  return slug || undefined;
}

const httpUrl = (v: unknown): string | undefined => {
  const s = str(v);
  return s && /^https?:\/\/[^\s]+$/i.test(s) && s.length <= 2048 ? s : undefined;
};

function isoTime(v: unknown): string | undefined {
  const s = str(v);
  if (!s || !/^\d{4}-\d\d-\d\dT/.test(s)) return undefined;
  const ms = Date.parse(/(Z|[+-]\d\d:?\d\d)$/i.test(s) ? s : s + 'Z');
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function actorOf(agent: unknown): EventInput['actor'] {
  const id = str(at(agent, 'id'));
  if (!id) return undefined;
  const name = str(at(agent, 'summary'));
  return {
    type: str(at(agent, 'type')) === 'user_reference' ? 'user' : 'service',
    id: id.slice(0, 256),
    ...(name && { name: name.slice(0, 256) }),
  };
}

const title = (s: string) => (s.length > 512 ? s.slice(0, 511) + '…' : s);

export const pagerduty: SourcePlugin = {
  id: 'pagerduty',
  title: 'PagerDuty',
  auth: 'hmac',
  verify: (raw, headers, secrets) => verifyPagerduty(raw, headers, secrets),
  normalize(payload, _headers, options): NormalizeOutcome {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      return { ok: false, missing: [''], message: 'the payload is not a JSON object' };
    const ev = at(payload, 'event');
    const eventId = str(at(ev, 'id'));
    const type = str(at(ev, 'event_type'));
    const missing = [...(eventId ? [] : ['event.id']), ...(type ? [] : ['event.event_type'])];
    if (missing.length) return { ok: false, missing, message: 'not a PagerDuty v3 webhook: no event id or type' };
    if (!type!.startsWith('incident.'))
      return { ok: true, events: [], ignored: `PagerDuty event "${type}" is not read by Ballast` };
    const what = type!.slice('incident.'.length);
    const data = at(ev, 'data');
    // incident events carry the incident; notes, responders and status updates carry a reference to it.
    const isIncident = str(at(data, 'type')) === 'incident';
    const incident = isIncident ? data : at(data, 'incident');
    const incidentId = str(at(incident, 'id'));
    if (!incidentId)
      return {
        ok: false,
        missing: [isIncident ? 'event.data.id' : 'event.data.incident.id'],
        message: 'the PagerDuty event names no incident',
      };
    const status =
      STATUS[what] ??
      (what
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^[^a-z]+/, '')
        .slice(0, 32) ||
        'updated');
    const serviceName = str(at(incident, 'service', 'summary'));
    const serviceId = str(at(incident, 'service', 'id'));
    const service = (serviceName && serviceSlug(serviceName)) ?? str(options.service);
    const environment = str(options.environment);
    const number = str(at(incident, 'number'));
    const incidentTitle = str(at(incident, 'title')) ?? str(at(incident, 'summary')) ?? `incident ${incidentId}`;
    const priority = str(at(incident, 'priority', 'summary'));
    const urgency = str(at(incident, 'urgency'));
    const note =
      str(at(data, 'content')) ??
      str(at(data, 'message')) ??
      (what === 'resolved' ? str(at(incident, 'resolve_reason')) : undefined);
    const url = httpUrl(at(incident, 'html_url'));
    const conference = httpUrl(at(incident, 'conference_bridge', 'conference_url'));
    const actor = actorOf(at(ev, 'agent'));
    const links: EventInput['links'] = [];
    if (url) links.push({ rel: 'incident', url, text: number ? `#${number}` : incidentId });
    if (conference && (status === 'triggered' || status === 'acknowledged'))
      links.push({ rel: 'conference', url: conference, text: 'conference bridge' });
    const escalationPolicy = str(at(incident, 'escalation_policy', 'id'));
    const event: EventInput = {
      occurredAt: isoTime(at(ev, 'occurred_at')) ?? isoTime(at(incident, 'created_at')) ?? new Date().toISOString(),
      source: 'pagerduty',
      kind: 'incident',
      status,
      severity: status === 'resolved' ? 'info' : (severityOf(priority, urgency) ?? 'high'),
      ...(service && { service }),
      ...(environment && { environment }),
      sourceRefs: {
        incident: incidentId,
        ...(number && { incidentNumber: number }),
        ...(serviceId && { service: serviceId }),
        ...(escalationPolicy && { escalationPolicy }),
        event: eventId!,
      },
      title: title(
        `Incident ${number ? `#${number}` : incidentId} ${VERB[what] ?? what.replace(/[._]/g, ' ')}: ${incidentTitle}`,
      ),
      ...(note && { description: note.slice(0, 8000) }),
      links,
      ...(actor && { actor }),
      correlation: { incidentId },
      tags: {
        event_type: type!.slice(0, 256),
        ...(urgency && { urgency: urgency.slice(0, 256) }),
        ...(priority && { priority: priority.slice(0, 256) }),
      },
      dedupeKey: `pagerduty:${eventId}`,
    };
    return { ok: true, events: [event] };
  },
};
