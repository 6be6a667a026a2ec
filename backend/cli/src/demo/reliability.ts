/**
 * The reliability side of a demo day: an SLO per service with a day of pushed SLI counts that follow the
 * day's story (checkout's incident burns budget, the search reindex slows answers), a stabilize profile
 * per service, and service runbooks (one overdue for review). Pure: the same day and end give the same data.
 */
import type { ProfileSpec, RunbookPut, SliPush, SloSpec } from '@ballast/contract';
import { DAY_MS, DEMO_ENVIRONMENT, dayStart } from './demoDay.js';
import { SERVICES, seededRandom, type DemoService } from './story.js';

const MINUTE_MS = 60_000;
const h = (hours: number, minutes: number) => hours * 60 + minutes;

interface DemoSlo {
  spec: SloSpec & { id: string };
  /** Requests per minute at the day's quietest and busiest. */
  traffic: [number, number];
  /** Bad share outside the story's trouble. */
  baseline: number;
  /** Minutes of the day (from its start) with a higher bad share. */
  trouble: Array<{ from: number; to: number; bad: number }>;
}

const slo = (service: DemoService, name: string, objective: number, description: string) =>
  ({
    id: `${service}-${name}`,
    service,
    name,
    description,
    objective,
    period: { kind: 'rolling', window: '28d' },
    sli: { kind: 'pushed' },
    labels: { team: SERVICES[service].team },
  }) satisfies SloSpec;

const DEMO_SLOS: DemoSlo[] = [
  {
    spec: slo('checkout', 'availability', 0.995, 'Checkout requests answered without a 5xx'),
    traffic: [120, 900],
    baseline: 0.0005,
    // CheckoutHighErrorRate and INC-2041: the new address form throws until the flag goes off at 13:36.
    trouble: [
      { from: h(13, 18), to: h(13, 36), bad: 0.072 },
      { from: h(13, 36), to: h(13, 45), bad: 0.01 },
    ],
  },
  {
    spec: slo('payments', 'authorisation', 0.999, 'Card authorisations that reach the PSP and get an answer'),
    traffic: [40, 300],
    baseline: 0.0002,
    // 3.9.0's readiness failures, then the PSP latency alert in the evening.
    trouble: [
      { from: h(11, 22), to: h(11, 36), bad: 0.02 },
      { from: h(20, 10), to: h(20, 34), bad: 0.002 },
    ],
  },
  {
    spec: slo('search', 'latency', 0.99, 'Searches answered within 1 s'),
    traffic: [60, 700],
    baseline: 0.003,
    // The nightly reindex and the search-index timeouts of the afternoon.
    trouble: [
      { from: h(0, 40), to: h(1, 7), bad: 0.05 },
      { from: h(15, 50), to: h(17, 11), bad: 0.012 },
    ],
  },
];

export function demoSlos(): Array<SloSpec & { id: string }> {
  return DEMO_SLOS.map((s) => s.spec);
}

/**
 * Good and total counts per minute for each demo SLO over the 24 hours that end at `end` (the minute
 * `end` falls in is left out: it is not over yet). Traffic follows the clock of the day, busiest at 13:00.
 */
export function demoSli(day: string, end: Date = new Date(dayStart(day).getTime() + DAY_MS)): Record<string, SliPush> {
  dayStart(day);
  const start = end.getTime() - DAY_MS;
  const first = Math.ceil(start / MINUTE_MS) * MINUTE_MS;
  const last = Math.floor(end.getTime() / MINUTE_MS) * MINUTE_MS;
  const out: Record<string, SliPush> = {};
  for (const s of DEMO_SLOS) {
    const random = seededRandom(`${day}:${s.spec.id}`);
    const points: SliPush['points'] = [];
    for (let t = first; t < last; t += MINUTE_MS) {
      const minute = Math.floor((t - start) / MINUTE_MS);
      const daylight = (1 - Math.cos(((minute - h(1, 0)) / 1440) * 2 * Math.PI)) / 2;
      const [low, high] = s.traffic;
      const total = Math.round((low + (high - low) * daylight) * (0.9 + 0.2 * random()));
      const share = s.trouble.find((x) => minute >= x.from && minute < x.to)?.bad ?? s.baseline;
      const bad = Math.min(total, Math.round(total * share * (0.7 + 0.6 * random())));
      points.push({ timestamp: new Date(t).toISOString(), good: total - bad, total });
    }
    out[s.spec.id] = { points };
  }
  return out;
}

/** What stabilizing each demo service means. Checkout and payments have one for production. */
export function demoProfiles(): Array<{ service: DemoService; environment?: string; spec: ProfileSpec }> {
  return [
    {
      service: 'checkout',
      environment: DEMO_ENVIRONMENT,
      spec: {
        description: 'Shed load at the edge, keep the basket and payment paths',
        rateClamp: {
          requestsPerSecond: 400,
          split: 'divide_total',
          routes: [{ route: 'GET /recommendations', requestsPerSecond: 20 }],
        },
        breakers: { consecutiveErrors: 5, openSeconds: 30, maxPending: 100 },
        queues: [{ name: 'order-emails', action: 'pause' }],
        flags: ['checkout-new-address-form', 'checkout-recommendations'],
        deployFreeze: true,
        shadowMinutes: 0,
      },
    },
    {
      service: 'payments',
      environment: DEMO_ENVIRONMENT,
      spec: {
        description: 'Protect authorisations: breakers on the PSP, refunds wait',
        breakers: { consecutiveErrors: 3, openSeconds: 20, maxPending: 50 },
        queues: [{ name: 'refunds', action: 'deprioritize', priorityClass: 'batch' }],
        flags: ['payments-3ds-challenge-v2'],
        deployFreeze: true,
        shadowMinutes: 0,
      },
    },
    {
      service: 'search',
      spec: {
        description: 'Serve from cache, pause the reindex',
        rateClamp: { requestsPerSecond: 250, split: 'per_instance', routes: [] },
        queues: [{ name: 'reindex', action: 'pause' }],
        flags: ['search-personalised-ranking'],
        deployFreeze: true,
        shadowMinutes: 0,
      },
    },
  ];
}

const daysBefore = (day: string, days: number) =>
  new Date(dayStart(day).getTime() - days * DAY_MS).toISOString().slice(0, 10);

const body = (meaning: string, impact: string, diagnosis: string, mitigation: string) =>
  `## Meaning\n\n${meaning}\n\n## Impact\n\n${impact}\n\n## Diagnosis\n\n${diagnosis}\n\n## Mitigation\n\n${mitigation}\n`;

/** Each demo service's own runbook, registered through the API; the payments one is overdue for review. */
export function demoRunbooks(day: string): RunbookPut[] {
  return [
    {
      frontmatter: {
        id: 'checkout-errors',
        title: 'Checkout answers with errors',
        services: ['checkout'],
        environments: [DEMO_ENVIRONMENT],
        alerts: [{ alertname: 'CheckoutHighErrorRate' }],
        slos: ['checkout-availability'],
        severity: 'critical',
        owner: 'group:default/storefront',
        dashboards: [
          { title: 'Service reliability', url: 'https://grafana.example.com/d/ballast-service-reliability' },
        ],
        last_reviewed: daysBefore(day, 20),
        review_every: '90d',
        tags: ['checkout', 'errors'],
        default_for_service: true,
      },
      markdown: body(
        'More than 2 % of checkout requests end in a 5xx, and the checkout availability SLO burns budget.',
        'Customers cannot place orders; every minute costs revenue.',
        '1. Open the Ballast timeline for checkout: a deploy or a flag change in the 30 minutes before?\n2. Check Sentry for a new issue in the release that went out.',
        '1. Turn off the flag that changed, or roll back the release.\n2. If errors keep climbing, **stabilize checkout** from the Stabilize page: it pauses order emails and sheds recommendations.',
      ),
    },
    {
      frontmatter: {
        id: 'payments-psp-degraded',
        title: 'Payments: the PSP is slow or failing',
        services: ['payments'],
        alerts: [{ alertname: 'PaymentsPSPLatencyHigh' }, { alertname: 'PaymentsPodsNotReady' }],
        slos: ['payments-authorisation'],
        severity: 'high',
        owner: 'group:default/payments',
        escalation: "The PSP's status page, then its support line (in the payments team's vault).",
        last_reviewed: daysBefore(day, 200),
        review_every: '90d',
        tags: ['payments', 'psp'],
        default_for_service: true,
      },
      markdown: body(
        'Authorisations at the payment service provider take longer than 1 s, or fail.',
        'Card payments are slow or declined; customers retry or abandon.',
        'Compare PSP latency with our own pod readiness: a deploy of payments, or the PSP alone?',
        'Roll back a payments deploy that coincides. If the PSP alone is slow, stabilize payments so refunds wait.',
      ),
    },
    {
      frontmatter: {
        id: 'search-slow',
        title: 'Search is slow',
        services: ['search'],
        alerts: [{ alertname: 'SearchLatencyP99High' }],
        slos: ['search-latency'],
        severity: 'warning',
        owner: 'group:default/discovery',
        last_reviewed: daysBefore(day, 10),
        review_every: '180d',
        tags: ['search', 'latency', 'reindex'],
        default_for_service: true,
      },
      markdown: body(
        'Searches take longer than 1 s at the 99th percentile.',
        'Browsing feels slow; fewer searches end in a basket.',
        'Is the nightly reindex running? Was the index client or its timeouts changed?',
        'Throttle the reindex (`REINDEX_PARALLEL_SHARDS`), or stabilize search: it pauses the reindex and serves from cache.',
      ),
    },
  ];
}
