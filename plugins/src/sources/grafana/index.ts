import {
  at,
  hmacHex,
  safeEqual,
  str,
  verifyBearer,
  type Headers,
  type HookOptions,
  type SourcePlugin,
  type VerifyOutcome,
} from '../../source.js';
import { alertsToEvents } from '../alertmanager/alertEvent.js';
import { linkOf, stringMap } from '../alertmanager/eventFields.js';

/**
 * Grafana alerting's webhook contact point
 * (https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/):
 * one `alert` event per alert, with the dashboard, panel and silence links Grafana adds.
 *
 * Auth, by hook option `auth`: `hmac` (default) checks the contact point's HMAC signature — hex
 * HMAC-SHA256 of the body, or of `timestamp:body` when a timestamp header is configured — and `bearer`
 * checks `Authorization: Bearer <secret>` for Grafana versions without HMAC signing.
 */
export const SIGNATURE_HEADER = 'X-Grafana-Alerting-Signature';
/** Grafana has no default timestamp header; this is the name its provisioning examples use. */
export const TIMESTAMP_HEADER = 'X-Grafana-Alerting-Signature-Timestamp';
/** How old a signed timestamp may be before the delivery counts as a replay. */
const DEFAULT_MAX_AGE_SECONDS = 300;

const optionString = (options: HookOptions, key: string): string | undefined => {
  const v = options[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

export function verifyGrafana(
  raw: Buffer,
  headers: Headers,
  secrets: readonly string[],
  options: HookOptions,
  nowMs = Date.now(),
): VerifyOutcome {
  if (optionString(options, 'auth') === 'bearer') return verifyBearer(headers, secrets);
  const header = optionString(options, 'signatureHeader') ?? SIGNATURE_HEADER;
  const configuredTs = optionString(options, 'timestampHeader');
  const tsHeader = configuredTs ?? TIMESTAMP_HEADER;
  const given = headers[header.toLowerCase()]?.trim();
  if (!given)
    return {
      ok: false,
      reason: 'missing_signature',
      header,
      message: 'the delivery carries no HMAC signature; set the HMAC secret on the Grafana contact point',
    };
  const timestamp = headers[tsHeader.toLowerCase()]?.trim();
  // A timestamp header named in the hook's options must be there; the conventional one is used when sent.
  if (configuredTs && !timestamp)
    return {
      ok: false,
      reason: 'missing_signature',
      header: tsHeader,
      message: 'the delivery carries no signature timestamp; set the timestamp header on the contact point',
    };
  if (timestamp) {
    const maxAge = typeof options.maxAgeSeconds === 'number' ? options.maxAgeSeconds : DEFAULT_MAX_AGE_SECONDS;
    const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!(Math.abs(nowMs / 1000 - seconds) <= maxAge))
      return {
        ok: false,
        reason: 'bad_signature',
        header: tsHeader,
        message: `the signature timestamp is not a Unix time within ${maxAge}s of now (a replay, or a clock off)`,
      };
  }
  const signed = timestamp ? Buffer.concat([Buffer.from(`${timestamp}:`), raw]) : raw;
  return secrets.some((s) => safeEqual(given.toLowerCase(), hmacHex('sha256', s, signed)))
    ? { ok: true }
    : { ok: false, reason: 'bad_signature', header, message: 'the signature matches none of the hook secrets' };
}

/** The dashboard and panel a rule is linked to, from its `__dashboardUid__`/`__panelId__` annotations. */
function dashboardLinks(alert: unknown, externalURL: string | undefined) {
  const annotations = stringMap(at(alert, 'annotations'));
  const uid = annotations.__dashboardUid__;
  const panel = annotations.__panelId__;
  const base = externalURL?.replace(/\/+$/, '');
  const dashboardURL =
    str(at(alert, 'dashboardURL')) ?? (base && uid ? `${base}/d/${encodeURIComponent(uid)}` : undefined);
  const panelURL =
    str(at(alert, 'panelURL')) ??
    (base && uid && panel ? `${base}/d/${encodeURIComponent(uid)}?viewPanel=${encodeURIComponent(panel)}` : undefined);
  return [
    linkOf('dashboard', dashboardURL, 'dashboard'),
    linkOf('panel', panelURL, 'panel'),
    linkOf('silence', at(alert, 'silenceURL'), 'silence'),
    linkOf('image', at(alert, 'imageURL'), 'image'),
  ];
}

export const grafana: SourcePlugin = {
  id: 'grafana',
  title: 'Grafana alerting',
  auth: 'hmac',
  verify: (raw, headers, secrets, options) => verifyGrafana(raw, headers, secrets, options),
  normalize(payload) {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
      return { ok: false, missing: [''], message: 'the payload is not a JSON object' };
    const externalURL = str(at(payload, 'externalURL'));
    const out = alertsToEvents(payload, (alert, i) => {
      const annotations = stringMap(at(alert, 'annotations'));
      const values = at(alert, 'values');
      const valueString = str(at(alert, 'valueString'));
      return {
        source: 'grafana',
        path: `alerts.${i}`,
        refs: {
          receiver: at(payload, 'receiver'),
          groupKey: at(payload, 'groupKey'),
          orgId: at(alert, 'orgId') ?? at(payload, 'orgId'),
          dashboardUid: annotations.__dashboardUid__,
          panelId: annotations.__panelId__,
          ruleUid: stringMap(at(alert, 'labels')).__alert_rule_uid__,
        },
        links: dashboardLinks(alert, externalURL),
        attributes: {
          ...(values !== null && typeof values === 'object' && !Array.isArray(values) && { values }),
          ...(valueString && { valueString }),
        },
        // Grafana's private annotations and labels (`__dashboardUid__`, `__alert_rule_uid__`) are refs, not tags.
        skipTag: (key) => key.startsWith('__'),
        now: () => new Date().toISOString(),
      };
    });
    if (!out.ok) return { ok: false, missing: out.missing, message: 'the Grafana notification has unreadable alerts' };
    if (out.events.length === 0) return { ok: true, events: [], ignored: 'the notification carries no alerts' };
    return { ok: true, events: out.events };
  },
};
