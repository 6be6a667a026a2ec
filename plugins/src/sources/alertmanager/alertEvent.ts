/**
 * One alert of an Alertmanager-format notification → one `alert` event. Prometheus Alertmanager and
 * Grafana alerting both send this shape (status, labels, annotations, startsAt/endsAt, fingerprint), so
 * both sources build on it and add their own links and references.
 */
import { createHash } from 'node:crypto';
import { EVENT_LIMITS, type EventInput, type Severity } from '@ballast/contract';
import { at, str } from '../../source.js';
import {
  linkOf,
  linksOf,
  nameOf,
  refsOf,
  stringMap,
  tagsOf,
  timeOf,
  titleOf,
  truncateBytes,
  type EventLink,
} from './eventFields.js';

/** Words senders put in a `severity` label → the contract's four levels. Anything else is `warning`. */
const SEVERITY: Record<string, Severity> = {
  critical: 'critical',
  crit: 'critical',
  page: 'critical',
  fatal: 'critical',
  emergency: 'critical',
  emerg: 'critical',
  alert: 'critical',
  disaster: 'critical',
  p1: 'critical',
  sev1: 'critical',
  high: 'high',
  error: 'high',
  err: 'high',
  major: 'high',
  p2: 'high',
  sev2: 'high',
  warning: 'warning',
  warn: 'warning',
  medium: 'warning',
  minor: 'warning',
  average: 'warning',
  p3: 'warning',
  sev3: 'warning',
  info: 'info',
  informational: 'info',
  information: 'info',
  notice: 'info',
  low: 'info',
  none: 'info',
  debug: 'info',
  ok: 'info',
  p4: 'info',
  p5: 'info',
  sev4: 'info',
};

export const severityOf = (label: string | undefined): Severity =>
  (label && SEVERITY[label.trim().toLowerCase()]) || 'warning';

/** Labels read for the service, then the environment, in order. */
export const SERVICE_LABELS = ['service', 'job', 'app'] as const;
export const ENVIRONMENT_LABELS = ['env', 'environment'] as const;

/** Labels kept ahead of the rest when 50 tags must be chosen. */
const FIRST_TAGS = ['alertname', 'severity', 'service', 'job', 'app', 'env', 'environment', 'namespace', 'instance'];

/** Alertmanager's own fingerprint when sent; otherwise a stable hash of the sorted labels. */
function fingerprintOf(alert: unknown, labels: Record<string, string>): string {
  const given = str(at(alert, 'fingerprint'));
  if (given) return given.slice(0, 128);
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');
  return 'labels-' + createHash('sha256').update(sorted).digest('hex').slice(0, 16);
}

export interface AlertContext {
  source: 'alertmanager' | 'grafana';
  /** Where in the payload this alert sits, for the paths named when it is unreadable. */
  path: string;
  /** Source refs of the whole notification (receiver, group key). */
  refs: Record<string, unknown>;
  /** Links beyond runbook and generator (Grafana's dashboard, panel, silence). */
  links?: (EventLink | undefined)[];
  /** Extra attributes (Grafana's values). */
  attributes?: Record<string, unknown>;
  /** Label and annotation names not worth a tag (Grafana's `__private__` ones). */
  skipTag?: (key: string) => boolean;
  /** When the notification carries no usable time (a resolved alert without endsAt). */
  now: () => string;
}

export type AlertOutcome = { ok: true; event: EventInput } | { ok: false; missing: string[] };

export function alertToEvent(alert: unknown, ctx: AlertContext): AlertOutcome {
  if (alert === null || typeof alert !== 'object') return { ok: false, missing: [ctx.path] };
  const labels = stringMap(at(alert, 'labels'));
  const annotations = stringMap(at(alert, 'annotations'));
  const rawStatus = str(at(alert, 'status'))?.toLowerCase();
  const startsAtRaw = str(at(alert, 'startsAt'));
  const startsAt = timeOf(startsAtRaw);
  const missing = [
    ...(rawStatus && /^[a-z][a-z0-9_]{0,31}$/.test(rawStatus) ? [] : [`${ctx.path}.status`]),
    ...(startsAt ? [] : [`${ctx.path}.startsAt`]),
  ];
  if (missing.length) return { ok: false, missing };
  const status = rawStatus!;
  const resolved = status === 'resolved';
  const endsAt = timeOf(at(alert, 'endsAt'));
  const fingerprint = fingerprintOf(alert, labels);
  const alertname = labels.alertname;
  const service = SERVICE_LABELS.map((l) => nameOf(labels[l])).find(Boolean);
  const environment = ENVIRONMENT_LABELS.map((l) => nameOf(labels[l])).find(Boolean);
  const summary = annotations.summary ?? annotations.title;
  const description = annotations.description ?? annotations.message;
  const head = alertname && summary && summary !== alertname ? `${alertname}: ${summary}` : (summary ?? alertname);
  const runbook = annotations.runbook_url ?? annotations.runbook;
  const attributes =
    ctx.attributes && Buffer.byteLength(JSON.stringify(ctx.attributes), 'utf8') <= EVENT_LIMITS.attributesBytes;
  const event: EventInput = {
    // A resolved alert is stored at the moment it ended, so the range it closes has the right length.
    occurredAt: resolved ? (endsAt ?? ctx.now()) : startsAt!,
    source: ctx.source,
    kind: 'alert',
    status,
    severity: severityOf(labels.severity),
    ...(service && { service }),
    ...(environment && { environment }),
    sourceRefs: refsOf({ fingerprint, alertname, ...ctx.refs }),
    title: titleOf(`${resolved ? 'Resolved: ' : ''}${head ?? `alert ${fingerprint}`}`),
    ...(description && { description: truncateBytes(description, EVENT_LIMITS.descriptionBytes) }),
    links: linksOf(
      linkOf('runbook', runbook, 'runbook'),
      ...(ctx.links ?? []),
      linkOf('source', at(alert, 'generatorURL'), ctx.source === 'grafana' ? 'alert rule' : 'expression'),
    ),
    tags: tagsOf(labels, FIRST_TAGS, ctx.skipTag),
    ...(attributes && { attributes: ctx.attributes as EventInput['attributes'] }),
    correlation: { alertFingerprint: fingerprint },
    // startsAt tells apart two firings of one alert; status tells the firing from its resolution.
    dedupeKey: `${ctx.source}:${fingerprint}:${startsAtRaw!.slice(0, 64)}:${status}`,
  };
  return { ok: true, event };
}

/** Runs `alertToEvent` over `alerts[]`, collecting every unreadable path. */
export function alertsToEvents(
  payload: unknown,
  ctxOf: (alert: unknown, i: number) => AlertContext,
): { ok: true; events: EventInput[] } | { ok: false; missing: string[] } {
  const alerts = at(payload, 'alerts');
  if (!Array.isArray(alerts)) return { ok: false, missing: ['alerts'] };
  const events: EventInput[] = [];
  const missing: string[] = [];
  alerts.forEach((alert, i) => {
    const out = alertToEvent(alert, ctxOf(alert, i));
    if (out.ok) events.push(out.event);
    else missing.push(...out.missing);
  });
  return missing.length ? { ok: false, missing } : { ok: true, events };
}
