/**
 * Sample Alertmanager webhook notifications, shaped after the `<webhook_config>` payload in
 * "Configuration" (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config), version 4:
 * group fields, then `alerts[]` with status, labels, annotations, startsAt/endsAt, generatorURL, fingerprint.
 */
const group = {
  version: '4',
  groupKey: '{}/{severity=~"page|critical"}:{alertname="CheckoutErrorBudgetBurn"}',
  truncatedAlerts: 0,
  receiver: 'ballast',
  groupLabels: { alertname: 'CheckoutErrorBudgetBurn' },
  commonLabels: { alertname: 'CheckoutErrorBudgetBurn', service: 'checkout', env: 'production', severity: 'page' },
  commonAnnotations: { summary: 'Checkout is burning its error budget 14x too fast' },
  externalURL: 'https://alertmanager.example.com',
};

const labels = {
  alertname: 'CheckoutErrorBudgetBurn',
  service: 'checkout',
  job: 'checkout-api',
  env: 'production',
  severity: 'page',
  slo: 'checkout-availability',
  instance: 'checkout-7d9f8:8080',
};
const annotations = {
  summary: 'Checkout is burning its error budget 14x too fast',
  description: '5xx ratio over 1h is 1.4% (budget 0.1%). Started after the 09:58 deploy.',
  runbook_url: 'https://runbooks.example.com/checkout/error-budget',
};
const alert = {
  labels,
  annotations,
  startsAt: '2026-11-20T10:01:30.123456789Z',
  generatorURL:
    'https://prometheus.example.com/graph?g0.expr=slo%3Aburn_rate%3A1h%7Bservice%3D%22checkout%22%7D+%3E+14',
  fingerprint: 'c4a1e97b2d6f0e11',
};

export const firing = {
  ...group,
  status: 'firing',
  alerts: [{ ...alert, status: 'firing', endsAt: '0001-01-01T00:00:00Z' }],
};

export const resolved = {
  ...group,
  status: 'resolved',
  alerts: [{ ...alert, status: 'resolved', endsAt: '2026-11-20T10:17:45.5Z' }],
};

/** Two alerts in one group: a second instance, labelled by `job` and `environment` only. */
export const twoAlerts = {
  ...group,
  status: 'firing',
  alerts: [
    firing.alerts[0],
    {
      status: 'firing',
      labels: { alertname: 'HighLatency', job: 'payments', environment: 'staging', severity: 'error' },
      annotations: { runbook: 'https://runbooks.example.com/payments/latency' },
      startsAt: '2026-11-20T10:02:00+01:00',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'https://prometheus.example.com/graph?g0.expr=latency',
      fingerprint: '0a2b3c4d5e6f7081',
    },
  ],
};
