/**
 * Sample PagerDuty v3 webhook deliveries, shaped after "V3 Webhooks Overview"
 * (https://developer.pagerduty.com/docs/webhooks/v3-overview/: webhook payload, event types and event
 * data types), trimmed to the fields a receiver reads plus some it ignores.
 */
const service = {
  html_url: 'https://acme.pagerduty.com/services/PF9KMXH',
  id: 'PF9KMXH',
  self: 'https://api.pagerduty.com/services/PF9KMXH',
  summary: 'Checkout API',
  type: 'service_reference',
};
const agent = {
  html_url: 'https://acme.pagerduty.com/users/PLH1HKV',
  id: 'PLH1HKV',
  self: 'https://api.pagerduty.com/users/PLH1HKV',
  summary: 'Dana Ops',
  type: 'user_reference',
};
const incidentRef = {
  html_url: 'https://acme.pagerduty.com/incidents/Q1M2YD7XQ0S7ZD',
  id: 'Q1M2YD7XQ0S7ZD',
  self: 'https://api.pagerduty.com/incidents/Q1M2YD7XQ0S7ZD',
  summary: 'Checkout 5xx above 5% for 5 minutes',
  type: 'incident_reference',
};

const incident = (status: string, extra: Record<string, unknown> = {}) => ({
  id: 'Q1M2YD7XQ0S7ZD',
  type: 'incident',
  self: 'https://api.pagerduty.com/incidents/Q1M2YD7XQ0S7ZD',
  html_url: 'https://acme.pagerduty.com/incidents/Q1M2YD7XQ0S7ZD',
  number: 1841,
  status,
  incident_key: 'd3640fbd41094207a1c11e58e46b1662',
  created_at: '2026-11-20T10:09:00Z',
  title: 'Checkout 5xx above 5% for 5 minutes',
  service,
  assignees: [
    {
      html_url: 'https://acme.pagerduty.com/users/PTUXL6G',
      id: 'PTUXL6G',
      self: 'https://api.pagerduty.com/users/PTUXL6G',
      summary: 'Sam Oncall',
      type: 'user_reference',
    },
  ],
  escalation_policy: {
    html_url: 'https://acme.pagerduty.com/escalation_policies/PUS0KTE',
    id: 'PUS0KTE',
    self: 'https://api.pagerduty.com/escalation_policies/PUS0KTE',
    summary: 'Checkout on-call',
    type: 'escalation_policy_reference',
  },
  teams: [],
  priority: {
    html_url: 'https://acme.pagerduty.com/account/incident_priorities',
    id: 'PSO75BM',
    self: 'https://api.pagerduty.com/priorities/PSO75BM',
    summary: 'P1',
    type: 'priority_reference',
  },
  urgency: 'high',
  conference_bridge: { conference_number: '+1 555 0100,,123#', conference_url: 'https://meet.example.com/checkout' },
  resolve_reason: null,
  ...extra,
});

export const incidentEvent = (
  type: string,
  id: string,
  occurredAt: string,
  status = type.replace('incident.', ''),
  extra: Record<string, unknown> = {},
) => ({
  event: {
    id,
    event_type: type,
    resource_type: 'incident',
    occurred_at: occurredAt,
    agent: type === 'incident.triggered' ? { ...service, type: 'service_reference' } : agent,
    client: { name: 'Prometheus' },
    data: incident(status, extra),
  },
});

export const triggered = incidentEvent('incident.triggered', '01DEN3ZWXO0DFB3G4D8TAZMVPA', '2026-11-20T10:09:00.132Z');
export const acknowledged = incidentEvent(
  'incident.acknowledged',
  '01DEN3ZZ1V3QF9JGBLIB7MG2RN',
  '2026-11-20T10:11:30.008Z',
);
export const resolved = incidentEvent('incident.resolved', '01DEN41F9T7KM35FDRDX6ZYR6R', '2026-11-20T10:32:11.900Z');
export const reopened = incidentEvent(
  'incident.reopened',
  '01DEN47B2H1TVTR6A3P9Q7MK3C',
  '2026-11-20T11:02:00.000Z',
  'triggered',
);
export const priorityUpdated = incidentEvent(
  'incident.priority_updated',
  '01DEN3ZZZ5GNP5UQ5AS96KQK8A',
  '2026-11-20T10:12:00.000Z',
  'acknowledged',
  { priority: { id: 'P2ABCDE', summary: 'P2', type: 'priority_reference' } },
);

export const annotated = {
  event: {
    id: '01DEN40KM2HY6TXDQ3JAXM3T4M',
    event_type: 'incident.annotated',
    resource_type: 'incident',
    occurred_at: '2026-11-20T10:15:00.000Z',
    agent,
    client: null,
    data: {
      incident: incidentRef,
      id: 'P2LA89X',
      content: 'Rolled back checkout to 5.2.0; error rate falling.',
      trimmed: false,
      type: 'incident_note',
    },
  },
};

export const serviceUpdated = {
  event: {
    id: '01BRB6ZP4M6T8ZG4X6BP63ZB9O',
    event_type: 'service.updated',
    resource_type: 'service',
    occurred_at: '2026-11-20T13:35:11.682Z',
    agent: null,
    client: null,
    data: { ...service, type: 'service', alert_creation: 'create_alerts_and_incidents' },
  },
};

export const ping = {
  event: {
    id: '01DEN4D3ZX7ZBQN7H6RSS1M9X9',
    event_type: 'pagey.ping',
    resource_type: 'pagey',
    occurred_at: '2026-11-20T09:00:00.000Z',
    agent: null,
    client: null,
    data: { message: 'Hello from your friend Pagey!', type: 'ping' },
  },
};

/**
 * The signed delivery in PagerDuty's go-pagerduty client (webhookv3/webhookv3_test.go), kept byte for
 * byte: `v1=0c0b…76cd` is its HMAC-SHA256 under `PUBLISHED_SECRET`.
 */
export const PUBLISHED_SECRET = 'lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK';
export const PUBLISHED_SIGNATURE = 'v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd';
export const PUBLISHED_BODY =
  '{"event":{"id":"01BWDWL3NYY7LUFPZCC28QUCMK","event_type":"incident.priority_updated","resource_type":"incident","occurred_at":"2021-04-26T17:36:27.458Z","agent":{"html_url":"https://acme.pagerduty.com/users/PLH1HKV","id":"PLH1HKV","self":"https://api.pagerduty.com/users/PLH1HKV","summary":"Tenex Engineer","type":"user_reference"},"client":null,"data":{"id":"PGR0VU2","type":"incident","self":"https://api.pagerduty.com/incidents/PGR0VU2","html_url":"https://acme.pagerduty.com/incidents/PGR0VU2","number":2,"status":"triggered","title":"A little bump in the road","service":{"html_url":"https://acme.pagerduty.com/services/PF9KMXH","id":"PF9KMXH","self":"https://api.pagerduty.com/services/PF9KMXH","summary":"API Service","type":"service_reference"},"assignees":[{"html_url":"https://acme.pagerduty.com/users/PTUXL6G","id":"PTUXL6G","self":"https://api.pagerduty.com/users/PTUXL6G","summary":"User 123","type":"user_reference"}],"escalation_policy":{"html_url":"https://acme.pagerduty.com/escalation_policies/PUS0KTE","id":"PUS0KTE","self":"https://api.pagerduty.com/escalation_policies/PUS0KTE","summary":"Default","type":"escalation_policy_reference"},"teams":[{"html_url":"https://acme.pagerduty.com/teams/PFCVPS0","id":"PFCVPS0","self":"https://api.pagerduty.com/teams/PFCVPS0","summary":"Engineering","type":"team_reference"}],"priority":{"html_url":"https://acme.pagerduty.com/account/incident_priorities","id":"PSO75BM","self":"https://api.pagerduty.com/priorities/PSO75BM","summary":"P1","type":"priority_reference"},"urgency":"high","conference_bridge":{"conference_number":1000,"conference_url":"https://example.com"},"resolve_reason":null}}}';
