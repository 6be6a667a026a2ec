import { postJson, type Notification, type Notifier } from './notifier.js';

/**
 * Slack incoming webhook (https://api.slack.com/messaging/webhooks): a `text` fallback for
 * notifications and a few blocks with the details and a button to act.
 */
export function slackNotifier(webhookUrl: string, label = 'slack'): Notifier {
  return {
    name: label,
    async send(n: Notification, signal?: AbortSignal) {
      const s = n.stabilize;
      const fields = [
        `*Service:* ${s.service}`,
        `*Environment:* ${s.environment}`,
        `*State:* ${s.state}`,
        `*Requested by:* ${s.requestedBy}`,
        ...(s.expiresAt ? [`*Expires:* ${s.expiresAt}`] : []),
        ...(s.incident ? [`*Incident:* ${s.incident}`] : []),
      ];
      const body = {
        text: `${n.title}: ${n.text}`,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: n.title.slice(0, 150) } },
          { type: 'section', text: { type: 'mrkdwn', text: `${n.text}\n*Reason:* ${s.reason}` } },
          { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
          {
            type: 'actions',
            elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Ballast' }, url: n.actionUrl }],
          },
        ],
      };
      await postJson(webhookUrl, JSON.stringify(body), {}, signal);
    },
  };
}
