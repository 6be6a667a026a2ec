// `yarn bench:webhooks`: signed webhook deliveries per second against plain `POST /v1/events` carrying
// the same events, in the same run, on SQLite and PostgreSQL. Builds the server, then for each dialect
// and each source (an Alertmanager group of 10 alerts, a GitHub deployment_status) runs the plain case
// and the webhook case (plus, as a control, the same webhook through the env-configured `default` hook,
// which is found without a store query), each on a fresh production process and a fresh store; checks the stored rows
// against what was acknowledged; times in process what a delivery does that the plain request does not;
// writes its section of docs/BENCHMARKS.md (between the bench-webhooks markers only). About 2½–3 minutes.
// Not part of `yarn bench` nor of the test suite.
//
//   BENCH_WH_DURATION (s, default 8)   BENCH_WH_WARMUP (s, default 3)   BENCH_WH_CONNECTIONS (default 10)
//   BENCH_WH_ONLY=sqlite|postgres      BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test)
//   --render <bench/webhooks/results/….json>: only rewrite the section from a run's raw figures
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  cleanup,
  createDatabase,
  dropDatabase,
  databaseUrl,
  freePort,
  killAllSync,
  removeTempDir,
  startNode,
  stopProcess,
  tempDir,
  usePostgres,
  waitReady,
} from '../processes.mjs';
import { describePostgres, gatherMachine } from '../machine.mjs';
import { makeSources, selfCheck } from './bodies.mjs';
import { load, probe } from './load.mjs';
import { render, writeSection } from './report.mjs';
import { cpuSteps, hookLookup } from './split.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const builtServerJs = join(root, 'backend/server/dist/server.js');
/** The build, copied once built: a rebuild by someone else during the run cannot change what runs. */
const serverJs = join(here, 'dist/server.js');
const partsJs = join(here, 'dist/parts.js');
const reportFile = join(root, 'docs/BENCHMARKS.md');
const resultsDir = join(here, 'results');

const DURATION = Number(process.env.BENCH_WH_DURATION ?? 8);
const WARMUP = Number(process.env.BENCH_WH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_WH_CONNECTIONS ?? 10);
const ONLY = process.env.BENCH_WH_ONLY;
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ADMIN_KEY = `benchwh-${randomBytes(16).toString('hex')}`;
const ENV_HOOK_SECRET = randomBytes(24).toString('base64url');
const RUN_HEX = randomBytes(4).toString('hex');
/** Alert startsAt / deploy created_at: from six hours ago, a second per request. */
const BASE_MS = Date.now() - 6 * 3600_000;
const SPLIT_ITERATIONS = 2000;

const log = (line) => process.stderr.write(`[bench:webhooks] ${line}\n`);

/** The server's env without anything inherited from the caller's BALLAST_* / BENCH_* settings. */
function cleanEnv(extra) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('BALLAST_') && !k.startsWith('BENCH_')),
  );
  return { ...env, ...extra };
}

function build() {
  log('building the server (yarn workspace @ballast/server build)');
  const b = spawnSync('yarn', ['workspace', '@ballast/server', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) throw new Error(`server build failed (exit ${b.status ?? b.error?.message})`);
  mkdirSync(dirname(serverJs), { recursive: true });
  copyFileSync(builtServerJs, serverJs);
  if (existsSync(`${builtServerJs}.map`)) copyFileSync(`${builtServerJs}.map`, `${serverJs}.map`);
  log('bundling bench/webhooks/parts.ts (the sources, the contract, the hook store)');
  const c = spawnSync(
    process.execPath,
    ['scripts/bundle.mjs', 'bench/webhooks/parts.ts', 'bench/webhooks/dist/parts.js'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (c.status !== 0) throw new Error('bundling bench/webhooks/parts.ts failed');
  return createHash('sha256').update(readFileSync(serverJs)).digest('hex').slice(0, 12);
}

async function openStore(c) {
  const cwd = await tempDir(`wh-${c.id}`); // no ballast.config.yaml from the caller's directory
  if (c.dialect === 'sqlite') return { cwd, dir: cwd };
  return { cwd, database: await createDatabase(c.id.replace(/[^a-z0-9]/g, '_'), 'ballast_benchwh') };
}

async function closeStore(store) {
  if (store.database) await dropDatabase(store.database);
  await removeTempDir(store.cwd);
}

const dbConfigOf = (store) =>
  store.database ? { databaseUrl: databaseUrl(store.database), dataDir: store.cwd } : { dataDir: store.dir };

/** Rows whose dedupeKey has the source's prefix: the events the case's requests stored. */
async function storedRows(store, source) {
  const like = `${source}:%`;
  if (store.dir) {
    const db = new Database(join(store.dir, 'ballast.sqlite'), { readonly: true });
    try {
      return db.prepare('select count(*) as n from events where dedupe_key like ?').get(like).n;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl(store.database) });
  await client.connect();
  try {
    return Number((await client.query('select count(*) as n from events where dedupe_key like $1', [like])).rows[0].n);
  } finally {
    await client.end();
  }
}

async function createHook(url, source) {
  const res = await fetch(`${url}/v1/admin/hooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ source, name: `bench ${source}` }),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`creating the ${source} hook: HTTP ${res.status} ${text.slice(0, 300)}`);
  const { hook, secret } = JSON.parse(text);
  if (!hook?.path || !secret) throw new Error(`creating the ${source} hook: unexpected answer ${text.slice(0, 300)}`);
  return { id: hook.id, path: hook.path, secret };
}

async function runCase(c, sources) {
  log(`${c.id}: starting`);
  const store = await openStore(c);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = startNode(serverJs, {
    cwd: store.cwd,
    env: cleanEnv({
      BALLAST_HOST: '127.0.0.1',
      BALLAST_PORT: String(port),
      BALLAST_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      BALLAST_LOG_LEVEL: 'warn',
      ...(c.path === 'env' && { [`BALLAST_SOURCE_${c.source.toUpperCase()}_SECRETS`]: ENV_HOOK_SECRET }),
      ...(store.dir ? { BALLAST_DATA_DIR: store.dir } : { BALLAST_DATABASE_URL: databaseUrl(store.database) }),
    }),
  });
  try {
    await waitReady(proc, `${url}/health/ready`);
    let source;
    let path;
    let hook = null;
    if (c.path === 'hook') {
      hook = await createHook(url, c.source);
      source = sources[c.source].hook(hook.secret);
      path = hook.path;
    } else if (c.path === 'env') {
      // The hook `default` from BALLAST_SOURCE_<SOURCE>_SECRETS: `hooks.resolve` answers it from the
      // config, without the store query every admin-created hook costs; otherwise the same path.
      source = sources[c.source].hook(ENV_HOOK_SECRET);
      path = `/v1/hooks/${c.source}/default`;
    } else {
      source = sources[c.source].plain(ADMIN_KEY);
      path = source.path;
    }
    const out = { ...c, eventsPerRequest: source.eventsPerRequest, bytesPerRequest: source.bytesPerRequest };
    const first = await probe({ url, path, source });
    if (first.status !== 201 || first.created !== source.eventsPerRequest) {
      log(`${c.id}: the first request was not stored whole (HTTP ${first.status}): ${first.body.slice(0, 300)}`);
      return { ...out, failed: first };
    }
    const common = { url, path, source, connections: CONNECTIONS, serverPid: proc.pid };
    const warm = WARMUP > 0 ? await load({ ...common, duration: WARMUP }) : { requests: 0 };
    const result = await load({ ...common, duration: DURATION });
    log(
      `${c.id}: ${Math.round(result.reqPerSec)} req/s, ${Math.round(result.eventsPerSec)} events/s, p50 ${result.latencyP50} ms, p99 ${result.latencyP99} ms, non-2xx ${result.non2xx}, errors ${result.errors}`,
    );
    const stop = await stopProcess(proc);
    if (stop.code !== 0 && stop.code !== null) log(`${c.id}: server exited with ${JSON.stringify(stop)}`);
    // Events of every 2xx answer, and of every request sent: autocannon stops with requests in flight,
    // which the server still stores after the window closed.
    const acknowledged = (1 + warm.requests + result.requests) * source.eventsPerRequest;
    const sent = (1 + (warm.sent ?? 0) + result.sent) * source.eventsPerRequest;
    const stored = await storedRows(store, c.source);
    log(`${c.id}: events acknowledged ${acknowledged}, stored ${stored}, sent ${sent}`);
    let lookup = null;
    if (hook) {
      const parts = await import(partsJs);
      lookup = await hookLookup(parts, dbConfigOf(store), { source: c.source, id: hook.id });
      log(`${c.id}: hook lookup alone: median ${lookup.medianMs.toFixed(3)} ms, p99 ${lookup.p99Ms.toFixed(3)} ms`);
    }
    return { ...out, result, warmup: warm, acknowledged, stored, sent, lookup };
  } finally {
    await stopProcess(proc);
    await closeStore(store);
  }
}

/** The raw figures as prettier writes JSON, so `yarn lint` passes with them in the tree (git ignores them). */
async function formatJson(file, text) {
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(text, { ...options, filepath: file });
  } catch {
    return text;
  }
}

function caseList(dialects) {
  const list = [];
  for (const dialect of dialects)
    for (const source of ['alertmanager', 'github'])
      for (const path of ['plain', 'hook', 'env'])
        list.push({ id: `${dialect}-${source}-${path}`, dialect, source, path });
  return list;
}

async function main() {
  const t0 = Date.now();
  const meta = gatherMachine({ root, connections: CONNECTIONS, warmupSeconds: WARMUP, durationSeconds: DURATION });
  meta.command = 'yarn bench:webhooks';
  // bench/machine.mjs trims git's output before cutting each line's two status columns, which takes the
  // first letter off the first path when its line starts with a space; the paths are read again here.
  const changed = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  meta.dirty = changed.length;
  meta.dirtyPaths = changed.length <= 6 ? changed.map((l) => l.slice(3)) : null;
  log(
    `commit ${meta.commit}${meta.dirty ? ' (dirty)' : ''}, ${meta.cpu} × ${meta.cores}, load ${meta.loadBefore.map((n) => n.toFixed(2)).join(' ')}`,
  );
  meta.serverHash = build();
  const parts = await import(partsJs);
  const opts = { runHex: RUN_HEX, baseMs: BASE_MS };
  selfCheck(parts, opts);
  log('self-check: the plain bodies carry exactly the events normalize makes of the deliveries');

  usePostgres(PG_URL);
  let dialects = ['sqlite', 'postgres'];
  meta.postgres = 'not used';
  if (ONLY) dialects = dialects.filter((d) => d === ONLY);
  if (dialects.includes('postgres')) {
    try {
      meta.postgres = await describePostgres();
    } catch (err) {
      log(`PostgreSQL not reachable at ${PG_URL}: ${err.message}; measuring SQLite only`);
      meta.postgres = `not reachable (${err.message}); PostgreSQL cases skipped`;
      dialects = dialects.filter((d) => d !== 'postgres');
    }
  }

  const sources = makeSources(parts, opts);
  const cases = [];
  for (const c of caseList(dialects)) {
    try {
      cases.push(await runCase(c, sources));
    } catch (err) {
      // A case that cannot run is a finding for the report, not a reason to lose the others.
      log(`${c.id}: did not run: ${err.message}`);
      cases.push({ ...c, failed: { status: null, body: String(err.message).slice(0, 300) } });
    }
  }

  log('in-process split: the steps a delivery does that the plain request does not');
  const splits = ['alertmanager', 'github'].map((name) =>
    cpuSteps(parts, makeSources(parts, opts)[name], {
      secret: randomBytes(24).toString('base64url'),
      adminKey: ADMIN_KEY,
      iterations: SPLIT_ITERATIONS,
    }),
  );
  for (const s of splits)
    log(`${s.source}: webhook steps ${s.webhookTotal.toFixed(1)} µs, plain steps ${s.plainTotal.toFixed(1)} µs`);
  const lookups = cases
    .filter((c) => c.path === 'hook')
    .map((c) => ({ dialect: c.dialect, source: c.source, result: c.lookup ?? null }));

  meta.tookSeconds = (Date.now() - t0) / 1000;
  meta.loadAfter = loadavg();
  meta.splitIterations = SPLIT_ITERATIONS;
  mkdirSync(resultsDir, { recursive: true });
  const raw = join(resultsDir, `${meta.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(raw, await formatJson(raw, JSON.stringify({ meta, cases, splits, lookups }, null, 2)));
  await writeSection(reportFile, render({ meta, cases, splits, lookups }));
  log(`wrote ${reportFile} (between the bench-webhooks markers; raw figures: ${raw})`);
  const byId = (id) => cases.find((x) => x.id === id);
  for (const d of dialects)
    for (const s of ['alertmanager', 'github']) {
      const h = byId(`${d}-${s}-hook`);
      const p = byId(`${d}-${s}-plain`);
      const e = byId(`${d}-${s}-env`);
      if (h?.result && p?.result)
        log(
          `${d} ${s}: webhook/plain = ${(h.result.reqPerSec / p.result.reqPerSec).toFixed(2)}×${e?.result ? `, env-hook/plain = ${(e.result.reqPerSec / p.result.reqPerSec).toFixed(2)}×` : ''}`,
        );
    }
  const lost = cases.filter((c) => c.stored !== undefined && (c.stored < c.acknowledged || c.stored > c.sent));
  if (lost.length) {
    log(`stored rows outside [acknowledged, sent] in: ${lost.map((c) => c.id).join(', ')}`);
    process.exitCode = 1;
  }
  if (cases.some((c) => c.failed)) process.exitCode = 1;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    interrupted = true;
    log(`${signal}: stopping servers and dropping databases`);
    const problems = await cleanup();
    for (const p of problems) log(`cleanup: ${p}`);
    process.exit(130);
  });
}
process.once('exit', killAllSync);

try {
  // `node bench/webhooks/run.mjs --render <raw.json>`: rewrites the section from a run's raw figures.
  if (process.argv[2] === '--render') {
    const { meta, cases, splits, lookups } = JSON.parse(readFileSync(resolve(process.argv[3]), 'utf8'));
    await writeSection(reportFile, render({ meta, cases, splits, lookups }));
    log(`wrote ${reportFile} from ${process.argv[3]}`);
  } else await main();
} catch (err) {
  if (!interrupted) {
    log(`failed: ${err.stack ?? err}`);
    process.exitCode = 1;
  }
} finally {
  const problems = await cleanup();
  for (const p of problems) log(`cleanup: ${p}`);
}
