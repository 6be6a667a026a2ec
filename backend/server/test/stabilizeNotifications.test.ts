/** Stabilize notifications delivered to a local HTTP receiver playing Slack and a signed-webhook consumer. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { signature } from '@ballast/plugins';
import { startServer, type RunningServer } from '../src/server.js';
import { createTestStore, DIALECTS, testConfig, type TestStore } from './harness.js';

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: Record<string, unknown>;
}

const SECRET = 'a-receiver-secret-of-some-length';

describe.each(DIALECTS)('stabilize notifications on %s', (dialect) => {
  let store: TestStore;
  let server: RunningServer;
  let receiver: Server;
  let adminKey: string;
  const received: Received[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        received.push({ path: req.url!, headers: req.headers, raw, body: JSON.parse(raw) as Record<string, unknown> });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    store = await createTestStore(dialect);
    const config = testConfig(store, {
      stabilizeSweepIntervalMs: 200,
      stabilize: { defaults: {}, environments: { production: { requireApproval: true } } },
      notifications: {
        actionUrl: 'https://grafana.example.com/a/ballast-reliability-app/stabilize',
        targets: [
          { kind: 'slack', url: `${base}/slack`, tenant: 'default', types: ['approval_requested', 'expiring_soon'] },
          { kind: 'webhook', url: `${base}/hook`, secret: SECRET, tenant: 'default' },
          { kind: 'webhook', url: `${base}/other-tenant`, secret: SECRET, tenant: 'acme' },
        ],
      },
    });
    adminKey = config.bootstrapAdminKey!;
    server = await startServer(config, () => {});
  });
  afterAll(async () => {
    await server?.close();
    await store?.drop();
    await new Promise((r) => receiver?.close(r));
  });

  const post = (path: string, body: unknown) =>
    fetch(server.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
  const until = async (pred: () => boolean, what: string) => {
    const start = Date.now();
    while (!pred()) {
      if (Date.now() - start > 10_000)
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(received.map((r) => [r.path, r.body.type]))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const of = (path: string, type: string, id: string) =>
    received.filter((r) => r.path === path && r.body.type === type && (r.body.stabilize as { id: string })?.id === id);
  /** Slack messages carry no type: they are told apart by their title and the stabilize's link. */
  const SLACK_TITLES: Record<string, string> = {
    approval_requested: 'Approval needed',
    break_glass: 'Break-glass',
    expiring_soon: 'ends in 10 minutes',
  };
  const slackOf = (type: string, id: string) =>
    received.filter(
      (r) => r.path === '/slack' && r.raw.includes(id) && String(r.body.text).includes(SLACK_TITLES[type]!),
    );

  it('asks for approval on Slack and the signed webhook, with a link to act', async () => {
    const made = await post('/v1/stabilize/requests', {
      service: 'checkout',
      environment: 'production',
      reason: '5xx after deploy',
    });
    expect(made.status).toBe(201);
    const id = made.json.id as string;
    await until(
      () => slackOf('approval_requested', id).length === 1 && of('/hook', 'approval_requested', id).length === 1,
      'both deliveries',
    );
    const slack = slackOf('approval_requested', id)[0]!;
    expect(String(slack.body.text)).toContain('Approval needed');
    expect(JSON.stringify(slack.body.blocks)).toContain(
      `https://grafana.example.com/a/ballast-reliability-app/stabilize?stabilize=${id}`,
    );
    const hook = of('/hook', 'approval_requested', id)[0]!;
    const ts = String(hook.headers['x-ballast-timestamp']);
    expect(hook.headers['x-ballast-signature']).toBe(signature(SECRET, ts, hook.raw));
    expect(Math.abs(Date.now() / 1000 - Number(ts))).toBeLessThan(60);
    expect(hook.body).toMatchObject({
      tenant: 'default',
      stabilize: { service: 'checkout', state: 'requested', reason: '5xx after deploy' },
    });
    expect(received.some((r) => r.path === '/other-tenant')).toBe(false);
  });

  it('tells the webhook (not Slack, which did not ask for it) that break-glass was used', async () => {
    const made = await post('/v1/stabilize/requests', {
      service: 'search',
      environment: 'production',
      reason: 'outage',
      breakGlass: true,
      incident: 'INC-7',
    });
    const id = made.json.id as string;
    await until(() => of('/hook', 'break_glass', id).length === 1, 'the break-glass notification');
    expect(slackOf('break_glass', id)).toHaveLength(0);
    expect(String(of('/hook', 'break_glass', id)[0]!.body.text)).toContain('INC-7');
  });

  it('announces the end ten minutes ahead, once, however often the sweep runs', async () => {
    const made = await post('/v1/stabilize/requests', {
      service: 'ledger',
      environment: 'staging',
      reason: 'disk pressure',
      ttlMinutes: 5,
    });
    const id = made.json.id as string;
    await until(
      () => slackOf('expiring_soon', id).length === 1 && of('/hook', 'expiring_soon', id).length === 1,
      'the expiry warning',
    );
    await new Promise((r) => setTimeout(r, 1000)); // five more sweeps
    expect(slackOf('expiring_soon', id)).toHaveLength(1);
    expect(of('/hook', 'expiring_soon', id)).toHaveLength(1);
    const s = (await (
      await fetch(`${server.url}/v1/stabilize/requests/${id}`, { headers: { authorization: `Bearer ${adminKey}` } })
    ).json()) as { expiryNotifiedAt?: string };
    expect(s.expiryNotifiedAt).toBeDefined();
  });
});
