/**
 * The module inside the real catalog backend, processing real entities from a catalog file, against
 * a real Ballast server: links come from the scheduled index (Ballast calls counted), and the
 * scheduled push sends only what differs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { coreServices, createBackendPlugin, type SchedulerService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@ballast/contract';
import { startBallast, type TestBallast } from '../../../test/ballastServer.js';
import catalogModuleBallast, { CATALOG_PUSH_TASK, RUNBOOK_INDEX_TASK } from './index.js';

const APP = 'http://backstage.test';

const component = (name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations },
  spec: { type: 'service', lifecycle: 'production', ...spec },
});

function catalogFile(inventoryOwner: string, withSearch = true): string {
  const docs = [
    component(
      'checkout',
      { owner: 'payments', system: 'shop', dependsOn: ['component:payments', 'resource:orders-db'] },
      { 'ballast.dev/tier': '1' },
    ),
    component('payments', { owner: 'payments' }, { 'ballast.dev/service': 'payments-api' }),
    ...(withSearch ? [component('search', { owner: 'discovery' })] : []),
    component('inventory', { owner: inventoryOwner }),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: 'orders-db' },
      spec: { type: 'database', owner: 'payments' },
    },
  ];
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

const runbook = (id: string, services: string[]) => ({
  params: { id },
  body: {
    frontmatter: { id, title: `Runbook ${id}`, services },
    markdown: '## Meaning\nm\n\n## Impact\ni\n\n## Diagnosis\nd\n\n## Mitigation\nx\n',
  },
});

describe('catalog module ballast', () => {
  let ballast: TestBallast;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let scheduler: SchedulerService;
  let dir: string;
  const ballastCalls: { method: string; path: string }[] = [];
  const callsTo = (method: string, path: string) =>
    ballastCalls.filter((c) => c.method === method && c.path.startsWith(path));

  const entity = async (name: string): Promise<Entity | undefined> => {
    const res = await request(backend.server)
      .get(`/api/catalog/entities/by-name/component/default/${name}`)
      .set({ Authorization: mockCredentials.user.header() });
    return res.status === 200 ? (res.body as Entity) : undefined;
  };
  const linksOf = async (name: string) => (await entity(name))?.metadata.links ?? [];
  const services = async () =>
    new Map((await ballast.admin.call('listServices', {})).services.map((s: CatalogService) => [s.name, s]));

  beforeAll(async () => {
    ballast = await startBallast();
    await ballast.admin.call('putRunbook', runbook('checkout-latency', ['checkout']));
    await ballast.admin.call('putRunbook', runbook('payments-down', ['checkout', 'payments-api']));
    // Set in Ballast by someone else: the push must keep it.
    await ballast.admin.call('putService', {
      params: { name: 'checkout' },
      body: {
        owner: 'group:default/old-team',
        dashboards: [{ title: 'Checkout', url: 'https://grafana.test/d/checkout' }],
        oncall: { static: { people: [{ name: 'Ann' }], startsAt: '2026-01-01T00:00:00Z', shift: '1w' } },
      },
    });
    const apiKey = (await ballast.admin.call('createKey', { body: { name: 'backstage-catalog', role: 'catalog' } }))
      .secret;

    dir = mkdtempSync(join(tmpdir(), 'ballast-catalog-'));
    writeFileSync(join(dir, 'catalog.yaml'), catalogFile('warehouse'));

    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.origin === new URL(ballast.url).origin)
        ballastCalls.push({ method: init?.method ?? 'GET', path: url.pathname + url.search });
      return realFetch(input, init);
    });

    backend = await startTestBackend({
      features: [
        import('@backstage/plugin-catalog-backend'),
        catalogModuleBallast,
        createBackendPlugin({
          pluginId: 'probe',
          register(env) {
            env.registerInit({
              deps: { s: coreServices.scheduler },
              async init({ s }) {
                scheduler = s;
              },
            });
          },
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: APP },
            ballast: { baseUrl: ballast.url, apiKey, catalog: { indexRefresh: { hours: 1 } } },
            catalog: {
              processingInterval: { seconds: 1 },
              rules: [{ allow: ['Component', 'Resource', 'Location'] }],
              locations: [{ type: 'file', target: join(dir, 'catalog.yaml') }],
            },
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
    vi.restoreAllMocks();
    await ballast?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('adds runbook and timeline links from one index fetch, not one call per entity', async () => {
    await vi.waitFor(
      async () => {
        for (const name of ['checkout', 'payments', 'search', 'inventory'])
          expect((await linksOf(name)).some((l) => l.type === 'ballast-timeline')).toBe(true);
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(await linksOf('checkout')).toEqual([
      {
        url: `${APP}/ballast/runbooks/checkout-latency`,
        title: 'Runbook: Runbook checkout-latency',
        type: 'runbook',
        icon: 'docs',
      },
      {
        url: `${APP}/ballast/runbooks/payments-down`,
        title: 'Runbook: Runbook payments-down',
        type: 'runbook',
        icon: 'docs',
      },
      {
        url: `${APP}/ballast/timeline?service=checkout`,
        title: 'Ballast timeline',
        type: 'ballast-timeline',
        icon: 'dashboard',
      },
    ]);
    // The annotation names the Ballast service: payments is payments-api there.
    const payments = await linksOf('payments');
    expect(payments.filter((l) => l.type === 'runbook').map((l) => l.url)).toEqual([
      `${APP}/ballast/runbooks/payments-down`,
    ]);
    expect(payments.find((l) => l.type === 'ballast-timeline')?.url).toBe(
      `${APP}/ballast/timeline?service=payments-api`,
    );
    expect((await linksOf('search')).filter((l) => l.type === 'runbook')).toEqual([]);

    // Four components processed (and reprocessed every second): one call to Ballast for runbooks in all.
    expect(callsTo('GET', '/v1/runbooks')).toEqual([{ method: 'GET', path: '/v1/runbooks?limit=500' }]);
  });

  it('picks up new runbooks at the next scheduled refresh, still with one call per refresh', async () => {
    await ballast.admin.call('putRunbook', runbook('search-relevance', ['search']));
    await scheduler.triggerTask(RUNBOOK_INDEX_TASK);
    await vi.waitFor(
      async () =>
        expect((await linksOf('search')).filter((l) => l.type === 'runbook').map((l) => l.url)).toEqual([
          `${APP}/ballast/runbooks/search-relevance`,
        ]),
      { timeout: 30_000, interval: 200 },
    );
    expect(callsTo('GET', '/v1/runbooks')).toHaveLength(2);
  });

  it('pushes owner, tier, lifecycle, system and dependencies as a diff, keeping what Backstage does not own', async () => {
    const before = ballastCalls.length;
    await scheduler.triggerTask(CATALOG_PUSH_TASK);
    const first = ballastCalls.slice(before);
    expect(first.filter((c) => c.method === 'GET')).toEqual([{ method: 'GET', path: '/v1/services' }]);
    expect(
      first
        .filter((c) => c.method === 'PUT')
        .map((c) => c.path)
        .sort(),
    ).toEqual(['/v1/services/checkout', '/v1/services/inventory', '/v1/services/payments-api', '/v1/services/search']);

    const pushed = await services();
    const checkout = pushed.get('checkout')!;
    expect(checkout).toMatchObject({
      owner: 'group:default/payments',
      tier: 1,
      system: 'system:default/shop',
      lifecycle: 'production',
      dependsOn: ['orders-db', 'payments-api'],
      dashboards: [{ title: 'Checkout', url: 'https://grafana.test/d/checkout' }],
      oncall: { static: { people: [{ name: 'Ann' }], shift: '1w' } },
    });
    expect(checkout.links).toEqual([
      { rel: 'backstage', url: `${APP}/catalog/default/component/checkout`, text: 'Backstage' },
      { rel: 'system', url: `${APP}/catalog/default/system/shop`, text: 'System shop' },
    ]);
    expect(pushed.get('inventory')).toMatchObject({ owner: 'group:default/warehouse', dependsOn: [] });

    // Nothing changed: one read, no writes.
    const again = ballastCalls.length;
    await scheduler.triggerTask(CATALOG_PUSH_TASK);
    expect(ballastCalls.slice(again)).toEqual([{ method: 'GET', path: '/v1/services' }]);
  });

  it('sends only the entity that changed since the last push', async () => {
    writeFileSync(join(dir, 'catalog.yaml'), catalogFile('logistics'));
    await vi.waitFor(async () => expect((await entity('inventory'))?.spec?.owner).toBe('logistics'), {
      timeout: 30_000,
      interval: 200,
    });
    await vi.waitFor(
      async () =>
        expect((await entity('inventory'))?.relations?.find((r) => r.type === 'ownedBy')?.targetRef).toBe(
          'group:default/logistics',
        ),
      { timeout: 30_000, interval: 200 },
    );
    const before = ballastCalls.length;
    await scheduler.triggerTask(CATALOG_PUSH_TASK);
    expect(ballastCalls.slice(before).filter((c) => c.method === 'PUT')).toEqual([
      { method: 'PUT', path: '/v1/services/inventory' },
    ]);
    expect((await services()).get('inventory')?.owner).toBe('group:default/logistics');
  });

  it('removes from Ballast the service whose component left the catalog, and nothing else', async () => {
    writeFileSync(join(dir, 'catalog.yaml'), catalogFile('logistics', false));
    await vi.waitFor(
      async () => expect((await entity('search'))?.metadata.annotations?.['backstage.io/orphan']).toBe('true'),
      { timeout: 30_000, interval: 200 },
    );
    const before = ballastCalls.length;
    await scheduler.triggerTask(CATALOG_PUSH_TASK);
    expect(ballastCalls.slice(before).filter((c) => c.method !== 'GET')).toEqual([
      { method: 'DELETE', path: '/v1/services/search' },
    ]);
    expect([...(await services()).keys()].sort()).toEqual(['checkout', 'inventory', 'payments-api']);
  });
});
