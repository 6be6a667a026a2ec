import { postJson } from '../notify/notifier.js';
import { signature } from '../notify/webhook.js';
import type { Actuator, ActuatorPolicy, RevertReport, Snapshot } from './actuator.js';

/**
 * The generic actuator: POSTs `{ action: "apply" | "revert", policy }` to an operator's URL, signed as
 * notifications are (`X-Ballast-Timestamp`, `X-Ballast-Signature: sha256=HMAC(secret, "<ts>.<body>")`).
 * A 2xx answer acknowledges; anything else fails the step. The receiver's JSON answer to `apply`, if
 * any, is the snapshot handed back with `revert`.
 */
export function webhookActuator(url: string, secret: string, name = `webhook:${new URL(url).host}`): Actuator {
  async function send(body: unknown, signal?: AbortSignal): Promise<unknown> {
    const text = JSON.stringify(body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = { 'x-ballast-timestamp': timestamp, 'x-ballast-signature': signature(secret, timestamp, text) };
    return postJson(url, text, headers, signal, true);
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
