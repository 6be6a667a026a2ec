import { z } from 'zod';
import {
  NOTIFICATION_TYPES,
  slackNotifier,
  webhookNotifier,
  type Notification,
  type NotificationType,
  type Notifier,
} from '@ballast/plugins';
import type { Stabilize } from '@ballast/contract';

/**
 * Who hears about stabilize mode (`notifications:` in ballast.config.yaml): Slack incoming webhooks
 * and signed webhooks, per tenant, optionally only for some notification types.
 */
const Target = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('slack'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    tenant: z.string().min(1).default('default'),
    types: z.array(z.enum(NOTIFICATION_TYPES)).optional(),
  }),
  z.strictObject({
    kind: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    secret: z.string().min(16, 'webhook secrets must be at least 16 characters'),
    tenant: z.string().min(1).default('default'),
    types: z.array(z.enum(NOTIFICATION_TYPES)).optional(),
  }),
]);

export const NotificationsConfig = z
  .strictObject({
    /** Where people act: the Grafana app's stabilize page, e.g. https://grafana.example.com/a/ballast-reliability-app/stabilize. */
    actionUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    targets: z.array(Target).default([]),
  })
  .default({ targets: [] });
export type NotificationsConfig = z.infer<typeof NotificationsConfig>;

const who = (a: Stabilize['requestedBy']) => a.email ?? a.name ?? a.id;

const TITLES: Record<NotificationType, (s: Stabilize) => string> = {
  approval_requested: (s) => `Stabilize ${s.service} in ${s.environment}? Approval needed`,
  extension_requested: (s) => `Extend stabilize of ${s.service} in ${s.environment}? Approval needed`,
  break_glass: (s) => `Break-glass: ${s.service} in ${s.environment} stabilized without approval`,
  expiring_soon: (s) => `Stabilize of ${s.service} in ${s.environment} ends in 10 minutes`,
  actuator_failed: (s) => `Stabilize of ${s.service} in ${s.environment}: an actuator failed`,
};

export function notificationOf(
  type: NotificationType,
  tenant: string,
  s: Stabilize,
  actionUrl: string,
  at: number,
  detail?: string,
): Notification {
  const text: Record<NotificationType, string> = {
    approval_requested: `${who(s.requestedBy)} asks to stabilize for ${s.ttlMinutes} min. Another person with stabilize:approve must approve or reject it before ${s.requestExpiresAt}.`,
    extension_requested: `${who(s.pendingExtension?.requestedBy ?? s.requestedBy)} asks for ${s.pendingExtension?.minutes ?? '?'} more minutes: ${s.pendingExtension?.reason ?? ''}`,
    break_glass: `${who(s.requestedBy)} entered by break-glass for ${s.ttlMinutes} min (incident ${s.incident ?? 'not given'}). It needs a review by another person with stabilize:approve.`,
    expiring_soon: `It ends at ${s.expiresAt}. Extend it if the service still needs it, or let it end.`,
    actuator_failed: detail ?? 'An actuator could not apply or revert the policy.',
  };
  return {
    type,
    tenant,
    title: TITLES[type](s),
    text: text[type],
    stabilize: {
      id: s.id,
      service: s.service,
      environment: s.environment,
      state: s.state,
      reason: s.reason,
      requestedBy: who(s.requestedBy),
      ...(s.expiresAt && { expiresAt: s.expiresAt }),
      ...(s.incident && { incident: s.incident }),
    },
    actionUrl,
    at: new Date(at).toISOString(),
  };
}

export type Notify = (type: NotificationType, tenant: string, s: Stabilize, detail?: string) => void;

interface Log {
  warn(obj: object, msg: string): void;
}

/**
 * Sends a notification to every target of its tenant and type, in the background, each with three
 * attempts (1 s and 4 s apart); a receiver that still fails is logged and counted, never retried by
 * the request that caused it. `settled()` waits for what is in flight (shutdown, tests).
 */
export function createNotify(
  config: NotificationsConfig,
  serverUrl: string | undefined,
  log: Log,
  count: (notifier: string, type: string, result: 'sent' | 'failed') => void,
): { notify: Notify; settled(): Promise<void> } {
  const targets: { notifier: Notifier; tenant: string; types?: readonly NotificationType[] }[] = config.targets.map(
    (t) => ({
      notifier:
        t.kind === 'slack'
          ? slackNotifier(t.url, `slack:${new URL(t.url).host}`)
          : webhookNotifier(t.url, t.secret, `webhook:${new URL(t.url).host}`),
      tenant: t.tenant,
      ...(t.types && { types: t.types }),
    }),
  );
  // The UI page when configured; otherwise the stabilize in the API, which at least names it.
  const link = (s: Stabilize) =>
    config.actionUrl
      ? `${config.actionUrl}${config.actionUrl.includes('?') ? '&' : '?'}stabilize=${s.id}`
      : `${(serverUrl ?? 'http://127.0.0.1:4680').replace(/\/$/, '')}/v1/stabilize/requests/${s.id}`;
  const inFlight = new Set<Promise<void>>();
  async function deliver(notifier: Notifier, n: Notification) {
    for (let attempt = 1; ; attempt++) {
      try {
        await notifier.send(n);
        count(notifier.name, n.type, 'sent');
        return;
      } catch (err) {
        if (attempt === 3) {
          count(notifier.name, n.type, 'failed');
          log.warn(
            { notifier: notifier.name, type: n.type, err: (err as Error).message },
            'notification not delivered',
          );
          return;
        }
        await new Promise((r) => setTimeout(r, attempt === 1 ? 1000 : 4000));
      }
    }
  }
  return {
    notify(type, tenant, s, detail) {
      const n = notificationOf(type, tenant, s, link(s), Date.now(), detail);
      for (const t of targets) {
        if (t.tenant !== tenant || (t.types && !t.types.includes(type))) continue;
        const p = deliver(t.notifier, n).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
    },
    async settled() {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
  };
}
