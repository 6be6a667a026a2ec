/** What tells a team something broke, as the senders report it: Alertmanager, Sentry, PagerDuty. */
import { actor, SERVICES, type DemoService, type Person, type Story } from './story.js';

/** An Alertmanager alert firing and, `minutes` later, resolved, with one fingerprint. */
export function alert(
  s: Story,
  a: {
    service: DemoService;
    at: number;
    minutes: number;
    name: string;
    severity: 'critical' | 'high' | 'warning';
    summary: string;
    /** The runbook id its `runbook_url` annotation names (the demo registers these runbooks). */
    runbook: string;
  },
) {
  const fingerprint = s.hex(16);
  const common = {
    source: 'alertmanager' as const,
    kind: 'alert' as const,
    severity: a.severity,
    service: a.service,
    description: a.summary,
    sourceRefs: { alertname: a.name, fingerprint },
    links: [
      { rel: 'runbook', url: `https://git.acme.example.com/ops/runbooks/${a.runbook}.md`, text: 'Runbook' },
      {
        rel: 'dashboard',
        url: `https://grafana.example.com/d/${a.service}-overview/${a.service}?viewPanel=4`,
        text: `${a.service} overview`,
      },
      {
        rel: 'alertmanager',
        url: `https://alertmanager.example.com/#/alerts?filter=%7Balertname%3D%22${a.name}%22%7D`,
      },
    ],
    correlation: { alertFingerprint: fingerprint },
    attributes: { labels: { alertname: a.name, service: a.service, severity: a.severity, namespace: a.service } },
  };
  s.add(a.at, {
    ...common,
    status: 'triggered',
    title: `${a.name} firing: ${a.summary}`,
    tags: s.tags(a.service),
  });
  s.add(a.at + a.minutes, {
    ...common,
    status: 'resolved',
    title: `${a.name} resolved`,
    tags: s.tags(a.service),
  });
}

/** A Sentry issue: first seen, then (optionally) resolved in a later release. */
export function sentryIssue(
  s: Story,
  e: {
    service: DemoService;
    at: number;
    title: string;
    culprit: string;
    severity: 'high' | 'warning';
    events: number;
    users: number;
    resolvedAt?: number;
    resolvedIn?: string;
  },
) {
  const issueId = String(s.int(4_000_000_000, 4_999_999_999));
  const shortId = `${e.service.toUpperCase()}-${s.int(100, 999)}`;
  const release = `${e.service}@${s.running[e.service]}`;
  const common = {
    source: 'sentry' as const,
    kind: 'error' as const,
    severity: e.severity,
    service: e.service,
    description: `${e.culprit}\n\n${e.events} events from ${e.users} users in the first 10 minutes.`,
    sourceRefs: { project: `acme-${e.service}`, issueId, shortId },
    links: [{ rel: 'issue', url: `https://sentry.example.com/organizations/acme/issues/${issueId}/`, text: shortId }],
    attributes: { culprit: e.culprit, level: e.severity === 'high' ? 'error' : 'warning', firstRelease: release },
  };
  s.add(e.at, {
    ...common,
    status: 'unresolved',
    title: e.title,
    tags: s.tags(e.service),
    correlation: { release },
  });
  if (e.resolvedAt !== undefined && e.resolvedIn) {
    const fixed = `${e.service}@${e.resolvedIn}`;
    s.add(e.resolvedAt, {
      ...common,
      status: 'resolved',
      severity: 'info',
      title: `Resolved in ${fixed}: ${e.title}`,
      tags: s.tags(e.service, { version: e.resolvedIn }),
      correlation: { release: fixed },
    });
  }
}

/** A PagerDuty incident's lifecycle: triggered, acknowledged, resolved. */
export function incident(
  s: Story,
  i: {
    service: DemoService;
    id: string;
    number: number;
    title: string;
    at: number;
    acknowledgedAt: number;
    resolvedAt: number;
    responder: Person;
  },
) {
  const pdId = `Q${s.hex(12).toUpperCase()}`;
  const links = [
    { rel: 'incident', url: `https://acme.pagerduty.example.com/incidents/${pdId}`, text: `PagerDuty #${i.number}` },
    {
      rel: 'chat',
      url: `https://acme.slack.example.com/archives/C0${i.id.replace('-', '')}`,
      text: `#${i.id.toLowerCase()}`,
    },
    { rel: 'status_page', url: `https://status.example.com/incidents/${i.id.toLowerCase()}` },
  ];
  const common = {
    source: 'pagerduty' as const,
    kind: 'incident' as const,
    severity: 'critical' as const,
    service: i.service,
    sourceRefs: { pagerdutyService: SERVICES[i.service].pagerduty, incident: pdId },
    tags: s.tags(i.service),
    correlation: { incidentId: i.id },
  };
  const responder = actor('pagerduty', i.responder);
  s.add(i.at, {
    ...common,
    status: 'triggered',
    title: `${i.id} opened: ${i.title}`,
    links,
    attributes: { urgency: 'high', number: i.number },
  });
  s.add(i.acknowledgedAt, {
    ...common,
    status: 'acknowledged',
    title: `${i.id} acknowledged by ${i.responder.name}`,
    links,
    actor: responder,
  });
  s.add(i.resolvedAt, {
    ...common,
    status: 'resolved',
    title: `${i.id} resolved: ${i.title}`,
    links: [
      ...links,
      { rel: 'postmortem', url: `https://docs.example.com/postmortems/${i.id.toLowerCase()}`, text: 'Postmortem' },
    ],
    actor: responder,
    attributes: { number: i.number, minutesOpen: i.resolvedAt - i.at },
  });
}
