/**
 * Test data for the components, in the shapes Ballast answers: each fixture is parsed with the
 * contract's own response schema, so a change of the API breaks these tests rather than passing them.
 */
import type { Entity } from '@backstage/catalog-model';
import {
  CatalogServiceDetail,
  EventPage,
  FacetCounts,
  RunbookList,
  SloList,
  SloStatusList,
  routes,
  type Event,
  type Runbook,
  type SearchQueryInput,
} from '@ballast/contract';
import type { BallastApi, BallastMe, StabilizeScopeStatus } from '../api/BallastApi';
import { BallastRequestError } from '../api/BallastClient';

export const NOW = Date.now();
const iso = (minutesFromNow: number) => new Date(NOW + minutesFromNow * 60_000).toISOString();

export const checkoutEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'ballast.dev/environment': 'production' },
    links: [
      {
        url: 'https://backstage.test/ballast/runbooks/checkout-errors',
        title: 'Runbook: Checkout errors',
        type: 'runbook',
      },
    ],
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
};

export const paymentsGroup: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name: 'payments',
    namespace: 'default',
    links: [{ url: 'https://chat.test/payments', title: '#payments on chat' }],
  },
  spec: { type: 'team', profile: { displayName: 'Payments team', email: 'payments@example.com' }, children: [] },
};

const actor = { type: 'user' as const, id: 'jane@example.com', name: 'Jane Doe', verified: true };

export const catalogEntry = CatalogServiceDetail.parse({
  name: 'checkout',
  owner: 'group:default/payments',
  tier: 1,
  dashboards: [],
  links: [],
  dependsOn: ['payments'],
  managedBy: 'api',
  updatedAt: iso(-600),
  onCallNow: {
    source: 'static',
    people: [{ name: 'Ana Oncall', email: 'ana@example.com', level: 1, until: iso(150) }],
    asOf: iso(0),
  },
});

export function event(over: Partial<Event> & Pick<Event, 'kind' | 'title'>): Event {
  return {
    id: `evt_${over.title.replace(/\W/g, '').toLowerCase()}`,
    tenant: 'default',
    seq: 1,
    occurredAt: iso(-30),
    receivedAt: iso(-30),
    source: 'api',
    severity: 'info',
    service: 'checkout',
    environment: 'production',
    sourceRefs: {},
    links: [],
    actor,
    tags: {},
    attributes: {},
    personalAttributes: [],
    correlation: {},
    hash: 'h',
    prevHash: 'p',
    ...over,
  };
}

export const changes = EventPage.parse({
  events: [
    event({
      kind: 'incident',
      title: 'Checkout failing for card payments',
      occurredAt: iso(-20),
      severity: 'critical',
      seq: 3,
    }),
    event({ kind: 'flag_change', title: 'new-checkout-flow on', occurredAt: iso(-45), source: 'unleash', seq: 2 }),
    event({ kind: 'deploy', title: 'Deploy checkout 1.4.2', occurredAt: iso(-60), source: 'github', seq: 1 }),
  ],
  nextCursor: null,
  snapshotSeq: 3,
});

/** Ballast's counts over the last 30 days: more than the page of `changes` holds. */
export const facetCounts = FacetCounts.parse({
  from: iso(-30 * 24 * 60),
  to: iso(0),
  total: 52,
  facets: {
    kind: [
      { value: 'deploy', count: 42 },
      { value: 'incident', count: 7 },
      { value: 'flag_change', count: 3 },
    ],
    source: [
      { value: 'github', count: 42 },
      { value: 'pagerduty', count: 7 },
      { value: 'unleash', count: 3 },
    ],
  },
  truncated: { kind: false, source: false },
});

export const runbooks = RunbookList.parse({
  runbooks: [
    {
      id: 'checkout-errors',
      title: 'Checkout errors',
      services: ['checkout'],
      tags: [],
      managedBy: 'api',
      stale: true,
      reviewDue: '2025-01-01',
      updatedAt: iso(-1000),
    },
  ],
  problems: [],
}).runbooks;

const figure = (value: number | null) => ({ value, formula: 'f', inputs: {} });
export const slos = {
  ...SloList.parse({
    slos: [
      {
        id: 'checkout-availability',
        service: 'checkout',
        name: 'availability',
        objective: 0.999,
        period: { kind: 'rolling', window: '28d' },
        sli: { kind: 'pushed' },
        alerting: { tiers: {} },
        labels: {},
        minTraffic: 0,
        tenant: 'default',
        origin: 'native',
        managedBy: 'api',
        createdAt: iso(-5000),
        updatedAt: iso(-5000),
      },
    ],
  }),
  ...SloStatusList.parse({
    statuses: [
      {
        slo: { id: 'checkout-availability', service: 'checkout', name: 'availability', objective: 0.999 },
        at: iso(0),
        period: { from: iso(-40320), to: iso(0), lengthSeconds: 2419200, description: 'rolling 28 days' },
        errorBudget: figure(0.001),
        windows: [
          {
            window: '5m',
            from: iso(-5),
            to: iso(0),
            good: 90,
            total: 100,
            errorRatio: figure(0.1),
            burnRate: figure(100),
            source: 'pushed',
          },
          {
            window: '1h',
            from: iso(-60),
            to: iso(0),
            good: 997,
            total: 1000,
            errorRatio: figure(0.003),
            burnRate: figure(3.2),
            source: 'pushed',
          },
        ],
        budgetRemaining: figure(0.42),
        timeToExhaustion: figure(null),
        tiers: [],
        exhausted: false,
      },
    ],
  }),
};

const policy = {
  service: 'checkout',
  environment: 'production',
  mode: 'normal',
  queues: [],
  flags: [],
  deployFreeze: false,
};
export function scope(stabilize: Partial<StabilizeScopeStatus['stabilize']> | null): StabilizeScopeStatus {
  const full = stabilize && {
    id: 'stb_0123456789abcdef',
    service: 'checkout',
    environment: 'production',
    state: 'active',
    reason: 'error budget burning',
    breakGlass: false,
    reviewRequired: false,
    approvalRequired: false,
    ttlMinutes: 60,
    requestedBy: actor,
    requestedAt: iso(-10),
    activatedAt: iso(-10),
    expiresAt: iso(50),
    extensions: [],
    profile: null,
    updatedAt: iso(-10),
    ...stabilize,
  };
  // The shape is checked by the route's schema, like the rest.
  return routes.stabilizeScope.response.parse({
    service: 'checkout',
    environment: 'production',
    stabilize: full,
    policy,
    suggestion: null,
  }) as StabilizeScopeStatus;
}

export const reader: BallastMe = {
  user: { sub: 'user:default/vic' },
  allowed: { 'ballast.events.read': true, 'ballast.stabilize.request': false, 'ballast.stabilize.approve': false },
};
export const requester: BallastMe = { ...reader, allowed: { ...reader.allowed, 'ballast.stabilize.request': true } };
/** A second person who may approve or turn down what a requester asked for, and not ask themselves. */
export const approver: BallastMe = {
  user: { sub: 'user:default/ana' },
  allowed: { ...reader.allowed, 'ballast.stabilize.approve': true },
};

export const refused = (status: number, code: string, message: string, from: 'ballast' | 'backstage') =>
  new BallastRequestError(status, code, message, [], from);

/** The backend plugin's answer when Backstage's permission policy refuses reading Ballast. */
export const readDenied = () =>
  refused(403, 'forbidden', 'you may not ballast.events.read (Backstage permission policy)', 'backstage');

/** A BallastApi answering from the fixtures; each test replaces what its state needs. */
export function fakeBallast(over: Partial<BallastApi> = {}): BallastApi {
  return {
    me: async () => reader,
    getService: async () => catalogEntry,
    listRunbooks: async () => runbooks,
    getRunbook: async (id: string) => {
      const summary = runbooks.find((r) => r.id === id);
      if (!summary) throw refused(404, 'not_found', `no runbook ${id}`, 'ballast');
      // The shape is checked by the route's schema, like the rest.
      return routes.getRunbook.response.parse({
        ...summary,
        frontmatter: { id, title: summary.title, services: summary.services },
        markdown: '## Meaning\nCheckout answers **5xx**.\n',
        html: '<h2>Meaning</h2>\n<p>Checkout answers <strong>5xx</strong>.</p>\n',
      }) as Runbook;
    },
    getSlos: async () => slos,
    getStabilize: async () => scope(null),
    enterStabilize: async () => scope({}).stabilize!,
    exitStabilize: async () => scope({ state: 'ended' }).stabilize!,
    extendStabilize: async () => scope({}).stabilize!,
    approveStabilize: async () => scope({}).stabilize!,
    rejectStabilize: async () => scope({ state: 'rejected' }).stabilize!,
    searchEvents: async (q: SearchQueryInput) =>
      q.limit === 1 ? { ...changes, events: changes.events.slice(0, 1) } : changes,
    eventFacets: async () => facetCounts,
    eventContext: async () => {
      throw new Error('not in these tests');
    },
    tail: async () => undefined,
    ...over,
  };
}
