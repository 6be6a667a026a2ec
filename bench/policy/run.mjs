// `yarn bench:policy`: the effective-policy read every service instance polls, with If-None-Match
// (the 304 path) and without, against a bare Fastify GET on the same machine in the same run; writes
// its section of docs/BENCHMARKS.md. About two minutes.
//   BENCH_POLICY_SECONDS (default 10)   BENCH_POLICY_CONNECTIONS (default 10)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatherMachine } from '../machine.mjs';
import { cleanEnv, f0, measureGet, medianRun, pct, writeMarkedSection } from '../getLoad.mjs';
import { cleanup, freePort, startNode, stopProcess, tempDir, waitReady, killAllSync } from '../processes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const reportFile = join(root, 'docs/BENCHMARKS.md');
const SECONDS = Number(process.env.BENCH_POLICY_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_POLICY_CONNECTIONS ?? 10);
const WARMUP = 2;
/** Rows are measured in turns, this many rounds, and the median round reported: runs on a shared machine vary by a fifth. */
const ROUNDS = Number(process.env.BENCH_POLICY_ROUNDS ?? 3);
const LOAD = { connections: CONNECTIONS, warmupSeconds: WARMUP, seconds: SECONDS };
const log = (line) => process.stderr.write(`[bench:policy] ${line}\n`);

function render(machine, rows, ratio, ratios) {
  const line = (name, r) =>
    `| ${name} | ${f0(r.reqPerSec)} | ${r.rounds.map(f0).join(' / ')} | ${r.p50} / ${r.p99} | ${Object.entries(r.codes)
      .map(([c, n]) => `${c}: ${f0(n)}`)
      .join(', ')} | ${pct(r.cpu)} | ${pct(r.machineBusy)} |`;
  return `
## Stabilize: the effective-policy read services poll

What every service instance does while it follows its scope: \`GET /v1/stabilize/{service}/{environment}/policy\`
with the ETag it has in \`If-None-Match\`, answered \`304\` while nothing changed. Measured against a bare
Fastify GET returning a JSON body of the same shape (no auth, no store), each in its own process, one
after the other in the same run. Rerun with \`yarn bench:policy\` (about two minutes); \`BENCH_POLICY_SECONDS\`
(default 10) and \`BENCH_POLICY_CONNECTIONS\` (default 10) change the load.

- command: \`${machine.command}\`
- commit: \`${machine.commit}\`${machine.dirty ? ` with ${machine.dirty} uncommitted path(s)` : ''}
- date: ${machine.date}
- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB memory, ${machine.os}; Node ${machine.node}; autocannon ${machine.autocannon}
- load average before the run: ${machine.loadBefore.map((n) => n.toFixed(2)).join(' / ')}, after: ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ')}
- Ballast: \`node backend/server/dist/server.js\` on SQLite (a fresh temp dir), log level warn; the scope is stabilized with a profile, so the policy is a full one; the key is a viewer key
- load: autocannon, ${CONNECTIONS} connections, ${WARMUP} s warm-up then ${SECONDS} s measured per row, the rows in turns for ${ROUNDS} rounds (\`BENCH_POLICY_ROUNDS\`), the median reported; client and server share the machine's cores

| request | answered req/s (median round) | each round | latency p50 / p99 ms | statuses | server CPU (1 core = 100 %) | machine busy |
| --- | ---: | ---: | ---: | --- | ---: | ---: |
${line('bare Fastify `GET /ping`', rows.bare)}
${line('policy with `If-None-Match` (304)', rows.notModified)}
${line('policy without it (200, full body)', rows.full)}

**Policy 304 path / bare Fastify: ${ratio.toFixed(2)}×** (median of the rounds' ratios: ${ratios.map((r) => r.toFixed(2)).join(', ')}) (target ≥ 0.5×: ${ratio >= 0.5 ? 'met' : '**missed**'}).
`;
}

async function main() {
  const machine = {
    ...gatherMachine({ root, connections: CONNECTIONS, warmupSeconds: WARMUP, durationSeconds: SECONDS }),
    command: 'yarn bench:policy',
  };
  log('building the server (yarn workspace @ballast/server build)');
  const b = spawnSync('yarn', ['workspace', '@ballast/server', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) throw new Error(`server build failed (exit ${b.status ?? b.error?.message})`);

  const admin = 'blst_bench_' + randomBytes(24).toString('base64url');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = startNode(join(root, 'backend/server/dist/server.js'), {
    cwd: root,
    env: cleanEnv({
      BALLAST_PORT: String(port),
      BALLAST_DATA_DIR: await tempDir('policy'),
      BALLAST_BOOTSTRAP_ADMIN_KEY: admin,
      BALLAST_LOG_LEVEL: 'warn',
    }),
  });
  await waitReady(server, `${url}/health/ready`);
  const call = async (path, method, body) => {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  await call('/v1/stabilize/profiles/checkout', 'PUT', {
    rateClamp: { requestsPerSecond: 400, routes: [{ route: 'GET /search', requestsPerSecond: 50 }] },
    breakers: { consecutiveErrors: 5, openSeconds: 30, maxPending: 100 },
    queues: [{ name: 'emails', action: 'pause' }],
    flags: ['recommendations', 'live-inventory'],
  });
  await call('/v1/stabilize/requests', 'POST', {
    service: 'checkout',
    environment: 'staging',
    reason: 'benchmark',
    ttlMinutes: 240,
  });
  const viewer = (await call('/v1/keys', 'POST', { name: 'bench-viewer', role: 'viewer' })).secret;
  const policyUrl = `${url}/v1/stabilize/checkout/staging/policy`;
  const first = await fetch(policyUrl, { headers: { authorization: `Bearer ${viewer}` } });
  const etag = first.headers.get('etag');
  log(`policy ${first.status}, etag ${etag}`);

  const barePort = await freePort();
  const bare = startNode(join(here, 'bare.mjs'), { cwd: root, env: cleanEnv({ PORT: String(barePort) }) });
  await waitReady(bare, `http://127.0.0.1:${barePort}/ping`);
  // Both servers run side by side (an idle one costs nothing) and the rows are measured in turns.
  const cases = {
    bare: () => measureGet({ url: `http://127.0.0.1:${barePort}/ping`, pid: bare.pid, ...LOAD }),
    notModified: () =>
      measureGet({
        url: policyUrl,
        headers: { authorization: `Bearer ${viewer}`, 'if-none-match': etag },
        pid: server.pid,
        ...LOAD,
      }),
    full: () =>
      measureGet({ url: policyUrl, headers: { authorization: `Bearer ${viewer}` }, pid: server.pid, ...LOAD }),
  };
  const runs = { bare: [], notModified: [], full: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, run] of Object.entries(cases)) {
      log(`round ${round}: ${name}`);
      runs[name].push(await run());
    }
  }
  await stopProcess(server);
  await stopProcess(bare);
  const rows = Object.fromEntries(
    Object.entries(runs).map(([k, v]) => [k, { ...medianRun(v), rounds: v.map((r) => Math.round(r.reqPerSec)) }]),
  );
  const ratios = runs.notModified.map((r, i) => r.reqPerSec / runs.bare[i].reqPerSec);
  const ratio = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)];
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(
    join(here, 'results', `${machine.date.replace(/[:.]/g, '-')}.json`),
    JSON.stringify({ machine, runs, rows, ratios, ratio }, null, 2),
  );
  writeMarkedSection(reportFile, 'policy', render(machine, rows, ratio, ratios));
  log(`304 path ${f0(rows.notModified.reqPerSec)} req/s, bare ${f0(rows.bare.reqPerSec)} req/s: ${ratio.toFixed(2)}×`);
}

process.on('SIGINT', () => {
  killAllSync();
  process.exit(130);
});
main()
  .catch((err) => {
    log(`failed: ${err.stack ?? err}`);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
