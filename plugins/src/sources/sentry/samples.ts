/**
 * Sample Sentry integration-platform deliveries, shaped after the payloads on
 * https://docs.sentry.io/organization/integrations/integration-platform/webhooks/ (issues, issue-alerts,
 * metric-alerts, errors, installation), trimmed to the fields a receiver reads plus some it ignores.
 */
const installation = { uuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de' };
const sentryActor = { id: 'sentry', name: 'Sentry', type: 'application' };

const issue = {
  annotations: [],
  assignedTo: null,
  count: '1',
  culprit: 'CheckoutForm.submit(app/checkout/form)',
  firstSeen: '2026-11-20T10:06:37.391000Z',
  hasSeen: false,
  id: '1170820242',
  isBookmarked: false,
  lastSeen: '2026-11-20T10:06:37.391000Z',
  level: 'error',
  logger: null,
  metadata: {
    filename: '/app/checkout/form.js',
    type: 'TypeError',
    value: "Cannot read properties of undefined (reading 'postcode')",
  },
  numComments: 0,
  permalink: null,
  platform: 'javascript',
  project: { id: '42', name: 'checkout', platform: 'javascript', slug: 'checkout' },
  shortId: 'CHECKOUT-9',
  status: 'unresolved',
  statusDetails: {},
  substatus: 'new',
  title: "TypeError: Cannot read properties of undefined (reading 'postcode')",
  type: 'error',
  userCount: 14,
  url: 'https://sentry.io/api/0/organizations/acme/issues/1170820242/',
  web_url: 'https://acme.sentry.io/issues/1170820242/',
  project_url: 'https://sentry.io/api/0/projects/acme/checkout/',
};

export const issueCreated = { action: 'created', actor: sentryActor, data: { issue }, installation };

export const issueResolved = {
  action: 'resolved',
  actor: { id: 7, name: 'Dana Ops', type: 'user' },
  data: {
    issue: {
      ...issue,
      status: 'resolved',
      substatus: null,
      statusDetails: { inRelease: 'checkout@5.2.2' },
      lastSeen: '2026-11-20T10:21:02.000000Z',
    },
  },
  installation,
};

export const issueAssigned = {
  action: 'assigned',
  actor: { id: 7, name: 'Dana Ops', type: 'user' },
  data: { issue: { ...issue, assignedTo: { type: 'user', id: '7', name: 'Dana Ops', email: 'dana@example.com' } } },
  installation,
};

export const issueArchived = {
  action: 'archived',
  actor: { id: 7, name: 'Dana Ops', type: 'user' },
  data: {
    issue: { ...issue, status: 'ignored', substatus: 'archived_until_escalating', statusDetails: { ignoreCount: 100 } },
  },
  installation,
};

export const issueUnresolved = {
  action: 'unresolved',
  actor: sentryActor,
  data: { issue: { ...issue, status: 'unresolved', substatus: 'regressed' } },
  installation,
};

const occurrence = {
  _ref: 1,
  _ref_version: 2,
  contexts: {
    browser: { name: 'Chrome', type: 'browser', version: '131.0.0' },
    trace: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', type: 'trace' },
  },
  culprit: 'CheckoutForm.submit(app/checkout/form)',
  datetime: '2026-11-20T10:06:37.391000Z',
  environment: 'production',
  event_id: 'e4874d664c3540c1a32eab185f12c5ab',
  exception: {
    values: [{ type: 'TypeError', value: "Cannot read properties of undefined (reading 'postcode')" }],
  },
  fingerprint: ['{{ default }}'],
  issue_url: 'https://sentry.io/api/0/issues/1170820242/',
  issue_id: '1170820242',
  level: 'error',
  location: '/app/checkout/form.js',
  metadata: {
    filename: '/app/checkout/form.js',
    type: 'TypeError',
    value: "Cannot read properties of undefined (reading 'postcode')",
  },
  platform: 'javascript',
  project: 42,
  received: 1795169197.391,
  release: 'checkout@5.2.1',
  tags: [
    ['browser', 'Chrome 131.0.0'],
    ['environment', 'production'],
    ['level', 'error'],
    ['release', 'checkout@5.2.1'],
  ],
  timestamp: 1795169197.391,
  title: "TypeError: Cannot read properties of undefined (reading 'postcode')",
  type: 'error',
  url: 'https://sentry.io/api/0/projects/acme/checkout/events/e4874d664c3540c1a32eab185f12c5ab/',
  user: { ip_address: '203.0.113.7' },
  version: '7',
  web_url: 'https://acme.sentry.io/issues/1170820242/events/e4874d664c3540c1a32eab185f12c5ab/',
};

export const eventAlert = {
  action: 'triggered',
  actor: sentryActor,
  data: {
    event: occurrence,
    triggered_rule: 'Checkout errors spike',
    issue_alert: { title: 'Checkout errors spike', settings: [{ name: 'channel', value: '#checkout' }] },
  },
  installation,
};

export const errorCreated = {
  action: 'created',
  actor: sentryActor,
  data: { error: { ...occurrence, event_id: 'bb78c1407cea4519aa397afc059c793d' } },
  installation,
};

export const metricAlert = (action: 'critical' | 'warning' | 'resolved') => ({
  action,
  actor: sentryActor,
  data: {
    description_text: '1000 events in the last 10 minutes\nFilter: level:error',
    description_title: `${action === 'resolved' ? 'Resolved' : action === 'critical' ? 'Critical' : 'Warning'}: Checkout error rate`,
    metric_alert: {
      alert_rule: {
        aggregate: 'count()',
        created_by: null,
        dataset: 'events',
        environment: 'production',
        id: '7',
        include_all_projects: false,
        name: 'Checkout error rate',
        organization_id: '5',
        projects: ['checkout'],
        query: 'level:error',
        time_window: 10,
        triggers: [],
      },
      date_closed: action === 'resolved' ? '2026-11-20T10:31:00.000000Z' : null,
      date_created: '2026-11-20T10:08:00.000000Z',
      date_detected: '2026-11-20T10:08:00.000000Z',
      date_started: '2026-11-20T10:08:00.000000Z',
      id: '4',
      identifier: '1',
      organization_id: '5',
      projects: ['checkout'],
      status: action === 'resolved' ? 2 : 1,
      status_method: 3,
      title: 'Checkout error rate',
      type: 2,
    },
    web_url: 'https://acme.sentry.io/alerts/rules/details/7/',
  },
  installation,
});

export const installationCreated = {
  action: 'created',
  actor: { id: 7, name: 'Dana Ops', type: 'user' },
  data: {
    installation: {
      app: { uuid: '64bf2cf4-37ca-4365-8dd3-6b6e56d741b8', slug: 'ballast' },
      organization: { slug: 'acme' },
      uuid: installation.uuid,
      code: '9c6f1c2a',
      status: 'installed',
    },
  },
  installation,
};
