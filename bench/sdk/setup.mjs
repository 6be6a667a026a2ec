// What both SDK benchmarks start from: the server and the app built, a Ballast server on SQLite in a
// temp dir, a viewer key for the apps, and the scope `clamped` stabilized with a clamp far above any
// load (so every request goes through the token bucket), while `calm` runs normally.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv } from '../getLoad.mjs';
import { freePort, startNode, tempDir, waitReady } from '../processes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function prepare(log) {
  log('building the server and the app');
  for (const args of [
    ['yarn', ['workspace', '@ballast/server', 'build']],
    [process.execPath, ['scripts/bundle.mjs', 'bench/sdk/app.ts', 'bench/sdk/dist/app.js']],
  ]) {
    const b = spawnSync(args[0], args[1], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${b.status ?? b.error?.message})`);
  }
  const admin = 'blst_bench_' + randomBytes(24).toString('base64url');
  const port = await freePort();
  const ballastUrl = `http://127.0.0.1:${port}`;
  const server = startNode(join(root, 'backend/server/dist/server.js'), {
    cwd: root,
    env: cleanEnv({
      BALLAST_PORT: String(port),
      BALLAST_DATA_DIR: await tempDir('sdk'),
      BALLAST_BOOTSTRAP_ADMIN_KEY: admin,
      BALLAST_LOG_LEVEL: 'warn',
    }),
  });
  await waitReady(server, `${ballastUrl}/health/ready`);
  const call = async (path, method, body) => {
    const res = await fetch(ballastUrl + path, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const viewer = (await call('/v1/keys', 'POST', { name: 'bench-sdk', role: 'viewer' })).secret;
  await call('/v1/stabilize/profiles/clamped', 'PUT', {
    rateClamp: { requestsPerSecond: 1_000_000, split: 'per_instance' },
  });
  await call('/v1/stabilize/requests', 'POST', {
    service: 'clamped',
    environment: 'staging',
    reason: 'benchmark',
    ttlMinutes: 240,
  });
  /** The app's environment: follow `service`'s policy with the middleware `hook` or `wrap`. */
  const sdkEnv = (service, middleware) => ({
    MIDDLEWARE: middleware,
    BALLAST_URL: ballastUrl,
    BALLAST_API_KEY: viewer,
    SERVICE: service,
  });
  return { server, sdkEnv, ballastUrl };
}
