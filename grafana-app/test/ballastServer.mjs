// Starts a real Ballast server (the production entry point, backend/server/dist/server.js) on a fresh
// SQLite store, creates the keys the plugin uses, and seeds events through the public API.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SERVER_ENTRY = join(repo, 'backend', 'server', 'dist', 'server.js');

const freePort = () =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

export async function api(url, key, method, path, body, extra = {}) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}), ...extra },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export async function startBallast() {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: yarn workspace @ballast/server build`);
  const dataDir = mkdtempSync(join(tmpdir(), 'ballast-grafana-app-'));
  const adminKey = 'blst_' + randomBytes(24).toString('base64url');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: {
      ...process.env,
      BALLAST_DATA_DIR: dataDir,
      BALLAST_PORT: String(port),
      BALLAST_HOST: '127.0.0.1',
      BALLAST_BOOTSTRAP_ADMIN_KEY: adminKey,
      BALLAST_LOG_LEVEL: 'warn',
      BALLAST_RUNBOOKS_DIRS: join(repo, 'runbooks'),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((ok) => child.once('exit', ok));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`Ballast server exited: ${stderr}`);
    try {
      if ((await fetch(url + '/health/ready')).ok) break;
    } catch {
      /* not listening yet */
    }
    if (i > 300) throw new Error(`Ballast server did not become ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const key = async (name, role, kind = 'standard') =>
    (await api(url, adminKey, 'POST', '/v1/keys', { name, role, kind })).secret;
  const keys = {
    admin: adminKey,
    viewer: await key('grafana data source', 'viewer'),
    proxy: await key('grafana app', 'operator', 'grafana-proxy'),
    proxyViewer: await key('grafana app (viewer)', 'viewer', 'grafana-proxy'),
  };
  return {
    url,
    keys,
    dataDir,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small, realistic set of events around `now`: deploys (one a range), an incident range, an alert. */
export function sampleEvents(now = Date.now()) {
  const at = (minAgo) => new Date(now - minAgo * 60_000).toISOString();
  return [
    {
      occurredAt: at(180),
      kind: 'deploy',
      status: 'succeeded',
      service: 'checkout',
      environment: 'production',
      source: 'github',
      title: 'Deploy checkout 1.4.1',
      endedAt: at(176),
      links: [{ rel: 'pull', url: 'https://github.example/shop/checkout/pull/41', text: 'PR #41' }],
      correlation: { commitSha: 'a1b2c3d', deploymentId: 'dep-141' },
      tags: { team: 'payments' },
    },
    {
      occurredAt: at(95),
      kind: 'flag_change',
      status: 'enabled',
      service: 'checkout',
      environment: 'production',
      source: 'launchdarkly',
      title: 'Flag new-pricing enabled',
      correlation: { flagKey: 'new-pricing' },
      tags: { team: 'payments' },
    },
    {
      occurredAt: at(60),
      kind: 'deploy',
      status: 'succeeded',
      service: 'checkout',
      environment: 'production',
      source: 'github',
      title: 'Deploy checkout 1.4.2 (rollback candidate)',
      tags: { team: 'payments' },
      links: [{ rel: 'pull', url: 'https://github.example/shop/checkout/pull/42', text: 'PR #42' }],
      correlation: { commitSha: '9f1c2e7', deploymentId: 'dep-142' },
    },
    {
      occurredAt: at(40),
      kind: 'incident',
      status: 'triggered',
      severity: 'critical',
      service: 'checkout',
      environment: 'production',
      source: 'pagerduty',
      title: 'Checkout error rate above 5%',
      correlation: { incidentId: 'INC-7' },
      tags: { team: 'payments' },
    },
    {
      occurredAt: at(10),
      kind: 'incident',
      status: 'resolved',
      severity: 'critical',
      service: 'checkout',
      environment: 'production',
      source: 'pagerduty',
      title: 'Checkout error rate back to normal',
      correlation: { incidentId: 'INC-7' },
      tags: { team: 'payments' },
    },
    {
      occurredAt: at(38),
      kind: 'alert',
      status: 'triggered',
      severity: 'high',
      service: 'checkout',
      environment: 'production',
      source: 'alertmanager',
      title: 'HighErrorRate on checkout',
      correlation: { alertFingerprint: 'fp-checkout-5xx' },
      tags: { team: 'payments', alertname: 'HighErrorRate' },
    },
    {
      occurredAt: at(30),
      kind: 'deploy',
      status: 'succeeded',
      service: 'search',
      environment: 'staging',
      source: 'argocd',
      title: 'Sync search to 2.0.0',
      tags: { team: 'discovery' },
    },
  ];
}

export const CLI_ENTRY = join(repo, 'backend', 'cli', 'dist', 'ballast.js');

/** `ballast demo seed` against the server, as a newcomer's start script runs it: events, SLOs, profiles, runbooks. */
export async function seedDemo(url, key) {
  if (!existsSync(CLI_ENTRY)) throw new Error(`${CLI_ENTRY} is missing: yarn workspace @ballast/cli build`);
  const child = spawn(process.execPath, [CLI_ENTRY, 'demo', 'seed', '--json'], {
    env: { ...process.env, BALLAST_URL: url, BALLAST_API_KEY: key },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((ok) => child.once('exit', ok));
  if (code !== 0) throw new Error(`ballast demo seed exited ${code}: ${err}`);
  return JSON.parse(out);
}
