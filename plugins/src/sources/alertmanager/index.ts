import { at, str, verifyBearer, type SourcePlugin } from '../../source.js';
import { alertsToEvents } from './alertEvent.js';

/**
 * Prometheus Alertmanager's webhook receiver, payload version 4
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config): one `alert` event per
 * alert, `firing` then `resolved`, paired into a range by fingerprint. Alertmanager cannot sign, so the
 * receiver sends the hook secret as a bearer token (`http_config.authorization.credentials`).
 */
export const alertmanager: SourcePlugin = {
  id: 'alertmanager',
  title: 'Prometheus Alertmanager',
  auth: 'bearer',
  verify: (_raw, headers, secrets) => verifyBearer(headers, secrets),
  normalize(payload) {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
      return { ok: false, missing: [''], message: 'the payload is not a JSON object' };
    const version = str(at(payload, 'version'));
    if (version !== undefined && version !== '4')
      return {
        ok: false,
        missing: ['version'],
        message: `Alertmanager webhook payload version "${version}" is not read; Ballast reads version 4`,
      };
    const out = alertsToEvents(payload, (_alert, i) => ({
      source: 'alertmanager',
      path: `alerts.${i}`,
      refs: { receiver: at(payload, 'receiver'), groupKey: at(payload, 'groupKey') },
      now: () => new Date().toISOString(),
    }));
    if (!out.ok)
      return { ok: false, missing: out.missing, message: 'the Alertmanager notification has unreadable alerts' };
    if (out.events.length === 0) return { ok: true, events: [], ignored: 'the notification carries no alerts' };
    return { ok: true, events: out.events };
  },
};
