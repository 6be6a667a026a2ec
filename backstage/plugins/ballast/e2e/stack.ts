/**
 * What the browser tests run against: a real Ballast server on SQLite with the demo day, a Backstage
 * test backend with the real catalog (entities from a file), the real permission backend running the
 * example policy and our backend plugin, and a small server giving the built app and proxying /api to
 * the backend (same origin, as Backstage's app-backend does).
 *
 * Mocked, because it cannot run here without an identity provider: sign-in. The backend's auth is the
 * test backend's mock, which takes every request without a token as the user Jane, and the user info
 * service says which groups Jane is in (on call for checkout, so the example policy lets her request).
 * Because mock tokens do not carry the "on behalf of" actor real ones do, the permission backend
 * would refuse the catalog's conditional queries for Jane; the catalog asks as itself instead (the
 * example policy allows every catalog permission anyway). Our plugin asks for Jane, as in production.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { readFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { coreServices, createServiceFactory, type UserInfoService } from '@backstage/backend-plugin-api';
import { ServerPermissionClient } from '@backstage/plugin-permission-node';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { demoDay } from '@ballast/cli/src/demo/demoDay.js';
import { startBallast, type TestBallast } from '../../../test/ballastServer.js';
import examplePolicy from '../../../test/examplePolicy.js';

export const JANE = 'user:default/jane';
// On call for checkout (may request stabilize) and an SRE (may approve what someone else asked for).
const JANE_GROUPS = ['group:default/payments', 'group:default/oncall-checkout', 'group:default/sre'];

const entity = (kind: string, name: string, spec: object, metadata: object = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, ...metadata },
  spec,
});

/** Stands for the app's base URL in the catalog's runbook links (see the checkout entity). */
export const RUNBOOK_APP = 'http://backstage.test';

/** The organisation's catalog: checkout (in Ballast's demo), a service Ballast has never heard of, the team. */
const CATALOG = [
  entity(
    'Component',
    'checkout',
    { type: 'service', lifecycle: 'production', owner: 'payments' },
    {
      annotations: { 'ballast.dev/environment': 'production' },
      description: 'Takes the money.',
      // As the catalog module links a runbook: {app.baseUrl}/ballast/runbooks/{id}. Each test app runs on a
      // port of its own, so the tests follow the link's path on the app they opened.
      links: [
        { url: `${RUNBOOK_APP}/ballast/runbooks/checkout-errors`, title: 'Runbook: Checkout errors', type: 'runbook' },
      ],
    },
  ),
  // Checkout's staging, where Ballast's policy has stabilize wait for a second person's approval.
  entity(
    'Component',
    'checkout-staging',
    { type: 'service', lifecycle: 'production', owner: 'payments' },
    { annotations: { 'ballast.dev/service': 'checkout', 'ballast.dev/environment': 'staging' } },
  ),
  entity('Component', 'ledger', { type: 'service', lifecycle: 'experimental', owner: 'payments' }),
  entity(
    'Group',
    'payments',
    { type: 'team', profile: { displayName: 'Payments team', email: 'payments@example.com' }, children: [] },
    { links: [{ url: 'https://chat.example.com/payments', title: '#payments on chat' }] },
  ),
  entity('User', 'jane', { profile: { displayName: 'Jane Doe', email: 'jane@example.com' }, memberOf: ['payments'] }),
];

const janeInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: (): UserInfoService => ({
    async getUserInfo(credentials) {
      const ref = (credentials.principal as { userEntityRef: string }).userEntityRef;
      return { userEntityRef: ref, ownershipEntityRefs: [ref, ...(ref === JANE ? JANE_GROUPS : [])] };
    },
  }),
});

const permissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {
    auth: coreServices.auth,
    config: coreServices.rootConfig,
    discovery: coreServices.discovery,
    plugin: coreServices.pluginMetadata,
  },
  factory({ auth, config, discovery, plugin }): PermissionsService {
    const client = ServerPermissionClient.fromConfig(config, { auth, discovery });
    if (plugin.getId() !== 'catalog') return client;
    return {
      authorize: async (requests) => client.authorize(requests, { credentials: await auth.getOwnServiceCredentials() }),
      authorizeConditional: async (queries) =>
        client.authorizeConditional(queries, { credentials: await auth.getOwnServiceCredentials() }),
    };
  },
});

export interface Stack {
  ballast: TestBallast;
  /** The Backstage backend (our backend plugin at `/api/ballast`); requests without a token are Jane's. */
  backendUrl: string;
  /** The app server for one built app: `url` is its origin. */
  serveApp(dir: string): Promise<{ url: string; close(): Promise<void> }>;
  close(): Promise<void>;
}

/** Ballast's demo day ending now, sent as a sender would. */
async function seedDemo(ballast: TestBallast) {
  const now = new Date();
  const events = demoDay(now.toISOString().slice(0, 10), now);
  for (let i = 0; i < events.length; i += 500)
    await ballast.admin.call('ingestEvents', { body: { events: events.slice(i, i + 500) } });
}

export async function startStack(): Promise<Stack> {
  const ballast = await startBallast({
    stabilize: { defaults: {}, environments: { staging: { requireApproval: true } } },
  });
  await seedDemo(ballast);
  // What the catalog module's push and the on-call settings would have put in Ballast's catalog.
  await ballast.admin.call('putService', {
    params: { name: 'checkout' },
    body: {
      owner: 'group:default/payments',
      tier: 1,
      dependsOn: ['payments'],
      oncall: {
        static: {
          people: [{ name: 'Priya Nair', email: 'priya@example.com' }],
          startsAt: '2026-01-01T00:00:00Z',
          shift: '1w',
        },
      },
    },
  });
  await ballast.admin.call('createSlo', {
    body: {
      service: 'checkout',
      name: 'availability',
      objective: 0.999,
      period: { kind: 'rolling', window: '28d' },
      sli: { kind: 'pushed' },
    },
  });
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  await ballast.admin.call('pushSli', {
    params: { id: 'checkout-availability' },
    body: {
      // 150 minutes of traffic, the last 8 with 1 % errors: budget left, burning faster than 1× over 1h.
      points: Array.from({ length: 150 }, (_, i) => ({
        timestamp: new Date(minute - (150 - i) * 60_000).toISOString(),
        good: i >= 142 ? 990 : 1000,
        total: 1000,
      })),
    },
  });
  await ballast.admin.call('putRunbook', {
    params: { id: 'checkout-errors' },
    body: {
      frontmatter: {
        id: 'checkout-errors',
        title: 'Checkout errors',
        services: ['checkout'],
        last_reviewed: '2025-01-01',
        review_every: '90d',
      },
      markdown: '## Meaning\nm\n\n## Impact\ni\n\n## Diagnosis\nd\n\n## Mitigation\nx\n',
    },
  });

  const dir = mkdtempSync(join(tmpdir(), 'ballast-backstage-e2e-'));
  writeFileSync(join(dir, 'catalog.yaml'), CATALOG.map((d) => JSON.stringify(d)).join('\n---\n'));
  const backend = await startTestBackend({
    features: [
      import('@backstage/plugin-catalog-backend'),
      import('@backstage/plugin-permission-backend'),
      import('@ballast/backstage-plugin-ballast-backend'),
      examplePolicy,
      permissions,
      janeInfo,
      mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.user(JANE) }),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          ballast: { baseUrl: ballast.url, apiKey: await ballast.backstageKey('approver') },
          catalog: {
            rules: [{ allow: ['Component', 'Group', 'User'] }],
            locations: [{ type: 'file', target: join(dir, 'catalog.yaml') }],
          },
        },
      }),
    ],
  });
  const backendPort = (backend.server.address() as AddressInfo).port;

  async function serveApp(appDir: string) {
    const server: Server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://app');
      if (url.pathname.startsWith('/api/')) {
        const upstream = httpRequest(
          { host: '127.0.0.1', port: backendPort, path: req.url, method: req.method, headers: req.headers },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        res.on('close', () => upstream.destroy());
        req.pipe(upstream);
        return;
      }
      const file = join(appDir, url.pathname.replace(/^\/+/, ''));
      if (url.pathname !== '/' && existsSync(file) && !file.includes('..')) {
        const type = { '.js': 'text/javascript', '.css': 'text/css' }[extname(file)] ?? 'application/octet-stream';
        res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
        return;
      }
      // Every other path is the app's: its router decides what to show.
      const origin = `http://${req.headers.host}`;
      const config = { app: { baseUrl: origin, title: 'Ballast test app' }, backend: { baseUrl: origin } };
      const css = existsSync(join(appDir, 'index.css')) ? '<link rel="stylesheet" href="/index.css">' : '';
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          `<!doctype html><html><head><meta charset="utf-8"><title>Backstage</title>${css}` +
            `<script>window.__BALLAST_APP_CONFIG__ = ${JSON.stringify(config)};</script></head>` +
            `<body><div id="root"></div><script type="module" src="/index.js"></script></body></html>`,
        );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  return {
    ballast,
    backendUrl: `http://127.0.0.1:${backendPort}`,
    serveApp,
    async close() {
      await backend.stop();
      await ballast.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
