/**
 * Notifiers: how Ballast tells people that something waits for them or is about to change. The
 * server decides when (a request waiting for approval, break-glass used, ten minutes before expiry,
 * an actuator failing); a notifier only delivers, and throws when the receiver did not take it.
 */

export const NOTIFICATION_TYPES = [
  'approval_requested',
  'extension_requested',
  'break_glass',
  'expiring_soon',
  'actuator_failed',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface Notification {
  type: NotificationType;
  tenant: string;
  /** One line a person reads first. */
  title: string;
  /** Details, plain text. */
  text: string;
  stabilize: {
    id: string;
    service: string;
    environment: string;
    state: string;
    reason: string;
    requestedBy: string;
    expiresAt?: string;
    incident?: string;
  };
  /** Where to act (the stabilize page in Grafana, or the API when no UI link is configured). */
  actionUrl: string;
  at: string;
}

export interface Notifier {
  /** `slack:#ops` or `webhook:https://…`: for logs and metrics, never the secret. */
  readonly name: string;
  send(n: Notification, signal?: AbortSignal): Promise<void>;
}

export class NotifyFailed extends Error {
  override name = 'NotifyFailed';
}

/** POSTs JSON and fails unless the receiver answers 2xx; with `parse`, answers the JSON body (or null). */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
  parse = false,
): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: signal ?? AbortSignal.timeout(10_000),
  });
  if (!res.ok) {
    const text = (await res.text().catch(() => '')).slice(0, 200);
    throw new NotifyFailed(`${url} answered ${res.status}${text ? `: ${text}` : ''}`);
  }
  const text = await res.text().catch(() => '');
  if (!parse || !text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
