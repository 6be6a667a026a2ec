import { createHmac } from 'node:crypto';
import { postJson, type Notification, type Notifier } from './notifier.js';

/**
 * A generic signed webhook: the notification as JSON, with
 * `X-Ballast-Timestamp` (unix seconds) and `X-Ballast-Signature: sha256=<hex>`, the HMAC-SHA256 with
 * the shared secret of `<timestamp>.<body>`. A receiver recomputes it over the raw body and refuses
 * timestamps older than a few minutes, so a captured delivery cannot be replayed later.
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function webhookNotifier(url: string, secret: string, label = 'webhook'): Notifier {
  return {
    name: label,
    async send(n: Notification, signal?: AbortSignal) {
      const body = JSON.stringify(n);
      const timestamp = String(Math.floor(Date.now() / 1000));
      await postJson(
        url,
        body,
        { 'x-ballast-timestamp': timestamp, 'x-ballast-signature': signature(secret, timestamp, body) },
        signal,
      );
    },
  };
}
