import { signature } from '../notify/webhook.js';
import { request } from './http.js';
import type { Actuator, ActuatorPolicy, RevertReport, Snapshot } from './actuator.js';

export interface WebhookActuatorOptions {
  /** Default `webhook:<host>`. */
  name?: string;
  /** Each request's limit; default 10 s. */
  timeoutMs?: number;
}

/**
 * The generic actuator: POSTs `{ action: "apply" | "revert", policy }` to an operator's URL, signed as
 * notifications are (`X-Ballast-Timestamp`, `X-Ballast-Signature: sha256=HMAC(secret, "<ts>.<body>")`).
 * A 2xx answer acknowledges; anything else fails the step. The receiver's JSON answer to `apply`, if
 * any, is the snapshot handed back with `revert`. The receiver makes a repeated `apply` harmless (the
 * server retries failed steps); `previous` is not sent.
 */
export function webhookActuator(url: string, secret: string, options: string | WebhookActuatorOptions = {}): Actuator {
  const { name = `webhook:${new URL(url).host}`, timeoutMs } =
    typeof options === 'string' ? { name: options } : options;
  async function send(body: unknown, signal?: AbortSignal): Promise<unknown> {
    const text = JSON.stringify(body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = {
      'content-type': 'application/json',
      'x-ballast-timestamp': timestamp,
      'x-ballast-signature': signature(secret, timestamp, text),
    };
    return (await request({ method: 'POST', url, headers, body: text, timeoutMs, signal, who: url })).json;
  }
  return {
    name,
    async apply(policy: ActuatorPolicy, signal?: AbortSignal): Promise<Snapshot> {
      const answer = await send({ action: 'apply', policy }, signal);
      return answer && typeof answer === 'object' && !Array.isArray(answer) ? (answer as Snapshot) : {};
    },
    async revert(snapshot: Snapshot, policy: ActuatorPolicy, signal?: AbortSignal): Promise<RevertReport> {
      await send({ action: 'revert', policy, snapshot }, signal);
      return { reverted: [name], leftAlone: [] };
    },
  };
}
