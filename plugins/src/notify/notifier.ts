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

/** How long one notification POST may take. */
export const POST_TIMEOUT_MS = 10_000;

/**
 * POSTs a JSON body; a non-2xx answer throws NotifyFailed. The caller's signal (shutdown) and the time
 * limit both apply: a receiver that never answers cannot hold a notification forever.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
  timeoutMs = POST_TIMEOUT_MS,
): Promise<void> {
  const limit = AbortSignal.timeout(timeoutMs);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: signal ? AbortSignal.any([signal, limit]) : limit,
  });
  const text = (await res.text().catch(() => '')).slice(0, 200);
  if (!res.ok) throw new NotifyFailed(`${url} answered ${res.status}${text ? `: ${text}` : ''}`);
}
