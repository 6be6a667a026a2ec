import client from 'prom-client';

/** One registry per app instance, so several servers in one process (tests) never collide. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'ballast_' });
  return {
    registry,
    httpDuration: new client.Histogram({
      name: 'ballast_http_request_duration_seconds',
      help: 'HTTP request duration by route, method and status',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    eventsIngested: new client.Counter({
      name: 'ballast_events_ingested_total',
      help: 'Events taken by POST /v1/events, by result (created or duplicate)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    hookDeliveries: new client.Counter({
      name: 'ballast_hook_deliveries_total',
      help: 'Webhook deliveries by source and result (stored, duplicate, ignored, or the refusal reason)',
      labelNames: ['source', 'result'] as const,
      registers: [registry],
    }),
    inFlight: new client.Gauge({
      name: 'ballast_http_requests_in_flight',
      help: 'Requests received and not yet answered (what a graceful shutdown waits for)',
      registers: [registry],
    }),
    gateChecks: new client.Counter({
      name: 'ballast_gate_checks_total',
      help: 'Deploy gate checks by decision (allowed, denied, overridden); denials and overrides are also events',
      labelNames: ['decision'] as const,
      registers: [registry],
    }),
    notifications: new client.Counter({
      name: 'ballast_notifications_total',
      help: 'Notifications by notifier, type and result (sent, or failed after three attempts)',
      labelNames: ['notifier', 'type', 'result'] as const,
      registers: [registry],
    }),
    storeUp: new client.Gauge({
      name: 'ballast_store_up',
      help: '1 when the last readiness check reached the store',
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
