/**
 * A realistic production day for checkout, payments and search, as the senders would report it:
 * deploys (one fails and is rolled back), flag changes, alerts, a checkout incident caused by a release
 * and a flag, Sentry issues, config changes. Pure: the same day and end always give the same events.
 */
import type { EventInput } from '@ballast/contract';
import { configChange, deploy, flagChange } from './changes.js';
import { alert, incident, sentryIssue } from './signals.js';
import { seededRandom, Story, type DemoService, type Person } from './story.js';

export const DEMO_SERVICES: readonly DemoService[] = ['checkout', 'payments', 'search'];
export const DEMO_ENVIRONMENT = 'production';

export const DAY_MS = 86_400_000;

const dana: Person = { login: 'dana.kim', name: 'Dana Kim' };
const priya: Person = { login: 'priya.nair', name: 'Priya Nair' };
const tomas: Person = { login: 'tomas.berg', name: 'Tomás Berg' };
const lee: Person = { login: 'lee.okafor', name: 'Lee Okafor' };
const sam: Person = { login: 'sam.ruiz', name: 'Sam Ruiz' };

/** Midnight UTC of a YYYY-MM-DD day; throws RangeError for anything else (2026-02-30 included). */
export function dayStart(day: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!d || d.toISOString().slice(0, 10) !== day) throw new RangeError(`"${day}" is not a date of the form YYYY-MM-DD`);
  return d;
}

const h = (hours: number, minutes: number) => hours * 60 + minutes;

function story(day: string): Story {
  const s = new Story(seededRandom(day), { checkout: '5.1.4', payments: '3.8.2', search: '2.13.5' });
  alert(s, {
    service: 'search',
    at: h(0, 40),
    minutes: 27,
    name: 'SearchLatencyP99High',
    runbook: 'search-slow',
    severity: 'warning',
    summary: 'p99 latency 1.8s (threshold 1s) during the nightly reindex',
  });
  configChange(s, {
    service: 'search',
    at: h(6, 55),
    source: 'api',
    title: 'search-indexer: nightly reindex throttled to 2 shards at a time',
    change: { REINDEX_PARALLEL_SHARDS: '4 -> 2' },
    by: sam,
  });
  configChange(s, {
    service: 'payments',
    at: h(8, 15),
    source: 'argocd',
    title: 'Argo CD synced payments-config: PSP_TIMEOUT_MS 3000 -> 2500',
    change: { PSP_TIMEOUT_MS: '3000 -> 2500' },
  });
  deploy(s, {
    service: 'search',
    at: h(9, 0),
    minutes: 8,
    version: '2.14.0',
    pr: 412,
    prTitle: 'Rank in-stock items first',
    by: sam,
  });
  flagChange(s, {
    service: 'checkout',
    at: h(10, 30),
    key: 'checkout-new-address-form',
    status: 'enabled',
    title: 'checkout-new-address-form turned on for 25% of users',
    by: priya,
    rollout: 25,
  });
  deploy(s, {
    service: 'payments',
    at: h(11, 20),
    minutes: 9,
    version: '3.9.0',
    pr: 1187,
    prTitle: 'Move PSP client to connection pooling',
    by: tomas,
    failure: 'readiness probe failing on 2 of 6 pods',
  });
  alert(s, {
    service: 'payments',
    at: h(11, 27),
    minutes: 17,
    name: 'PaymentsPodsNotReady',
    runbook: 'payments-psp-degraded',
    severity: 'high',
    summary: '2 of 6 payments pods not ready for 5 minutes',
  });
  deploy(s, {
    service: 'payments',
    at: h(11, 31),
    minutes: 5,
    version: '3.8.2',
    pr: 1187,
    prTitle: 'Move PSP client to connection pooling',
    by: tomas,
    rollbackFrom: '3.9.0',
  });
  deploy(s, {
    service: 'checkout',
    at: h(13, 5),
    minutes: 7,
    version: '5.2.0',
    pr: 2291,
    prTitle: 'New address form behind checkout-new-address-form',
    by: priya,
  });
  flagChange(s, {
    service: 'checkout',
    at: h(13, 15),
    key: 'checkout-new-address-form',
    status: 'updated',
    title: 'checkout-new-address-form rollout raised from 25% to 100%',
    by: priya,
    rollout: 100,
  });
  sentryIssue(s, {
    service: 'checkout',
    at: h(13, 18),
    severity: 'high',
    events: 1843,
    users: 611,
    title: "TypeError: Cannot read properties of undefined (reading 'postcode')",
    culprit: 'AddressForm.validate (src/address/AddressForm.tsx:88)',
    resolvedAt: h(14, 26),
    resolvedIn: '5.2.1',
  });
  alert(s, {
    service: 'checkout',
    at: h(13, 21),
    minutes: 22,
    name: 'CheckoutHighErrorRate',
    runbook: 'checkout-errors',
    severity: 'critical',
    summary: '5xx ratio 7.2% over 5 minutes (threshold 2%)',
  });
  incident(s, {
    service: 'checkout',
    id: 'INC-2041',
    number: 2041,
    title: 'Checkout error rate above 5%',
    at: h(13, 24),
    acknowledgedAt: h(13, 29),
    resolvedAt: h(14, 32),
    responder: dana,
  });
  flagChange(s, {
    service: 'checkout',
    at: h(13, 36),
    key: 'checkout-new-address-form',
    status: 'disabled',
    title: 'checkout-new-address-form turned off (mitigation for INC-2041)',
    by: dana,
    rollout: 0,
    incidentId: 'INC-2041',
  });
  deploy(s, {
    service: 'checkout',
    at: h(14, 8),
    minutes: 7,
    version: '5.2.1',
    pr: 2297,
    prTitle: 'Guard against addresses without a postcode',
    by: priya,
    incidentId: 'INC-2041',
  });
  sentryIssue(s, {
    service: 'search',
    at: h(15, 50),
    severity: 'warning',
    events: 212,
    users: 97,
    title: 'TimeoutError: search-index upstream timed out after 2000ms',
    culprit: 'IndexClient.query (src/index/client.ts:141)',
    resolvedAt: h(17, 30),
    resolvedIn: '2.14.1',
  });
  configChange(s, {
    service: 'search',
    at: h(16, 40),
    source: 'api',
    title: 'Rate limit for /v2/search raised to 600 requests/min per client',
    change: { RATE_LIMIT_PER_CLIENT: '300 -> 600' },
    by: sam,
  });
  deploy(s, {
    service: 'search',
    at: h(17, 5),
    minutes: 6,
    version: '2.14.1',
    pr: 419,
    prTitle: 'Raise search-index timeout to 3s and retry once',
    by: sam,
  });
  flagChange(s, {
    service: 'payments',
    at: h(18, 30),
    key: 'payments-3ds-challenge-v2',
    status: 'enabled',
    title: 'payments-3ds-challenge-v2 turned on for 10% of card payments',
    by: lee,
    rollout: 10,
  });
  alert(s, {
    service: 'payments',
    at: h(20, 10),
    minutes: 24,
    name: 'PaymentsPSPLatencyHigh',
    runbook: 'payments-psp-degraded',
    severity: 'warning',
    summary: 'PSP authorisation p95 at 1.4s (threshold 1s)',
  });
  configChange(s, {
    service: 'checkout',
    at: h(22, 5),
    source: 'argocd',
    title: 'Argo CD synced checkout-config: CART_TTL_HOURS 48 -> 72',
    change: { CART_TTL_HOURS: '48 -> 72' },
  });
  return s;
}

/**
 * The day's events in time order, filling the 24 hours that end at `end` (by default the day's own end,
 * midnight UTC). Each has the dedupe key `demo:<day>:<n>`, so seeding a day twice stores it once.
 */
export function demoDay(day: string, end: Date = new Date(dayStart(day).getTime() + DAY_MS)): EventInput[] {
  dayStart(day); // refuses a malformed day even when `end` is given
  const s = story(day);
  const start = end.getTime() - DAY_MS;
  return s.beats
    .map((b) => ({ ...b, time: start + b.at * 60_000 + s.int(0, 59_999) }))
    .sort((a, b) => a.time - b.time)
    .map((b, n) => ({
      ...b.event,
      occurredAt: new Date(b.time).toISOString(),
      environment: DEMO_ENVIRONMENT,
      dedupeKey: `demo:${day}:${n + 1}`,
    }));
}
