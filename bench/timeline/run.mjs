// `yarn bench:timeline`: search, annotations and the live stream at scale. For SQLite and PostgreSQL in
// turn: starts the production entry point on a fresh store, loads a million realistic events through
// `POST /v1/events`, times term searches against the naive design (a substring scan of the same rows),
// filtered searches and annotations, shows where the slow ones spend their time, then measures stream
// fan-out; writes the figures into docs/BENCHMARKS.md. Not part of the test suite; about 25–30 minutes.
//
//   BENCH_TL_EVENTS (default 1000000)        BENCH_TL_ONLY=sqlite|postgres
//   BENCH_TL_SEED_CONNECTIONS (default 3)    BENCH_TL_SUBSCRIBERS (default 50)
//   BENCH_TL_STREAM_SECONDS (default 10)     BENCH_TL_TIMEOUT (s a read may take, default 30)
//   BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test)
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { createDataset } from './dataset.mjs';
import { openDirect } from './directStore.mjs';
import { fanOut } from './fanout.mjs';
import { render, writeSection } from './report.mjs';
import { diagnoseReads, measureReads, termCounts } from './reads.mjs';
import { seed } from './seed.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const builtServerJs = join(root, 'backend/server/dist/server.js');
/** The build, copied at the start: a rebuild by someone else during the run cannot change what runs. */
const serverJs = join(root, 'bench/timeline/dist/server.js');
const reportFile = join(root, 'docs/BENCHMARKS.md');

const EVENTS = Number(process.env.BENCH_TL_EVENTS ?? 1_000_000);
const ONLY = process.env.BENCH_TL_ONLY;
const SEED_CONNECTIONS = Number(process.env.BENCH_TL_SEED_CONNECTIONS ?? 3);
const SUBSCRIBERS = Number(process.env.BENCH_TL_SUBSCRIBERS ?? 50);
const STREAM_SECONDS = Number(process.env.BENCH_TL_STREAM_SECONDS ?? 10);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SEED_BATCH = 1000;
const STREAM_BATCH = 100;
const TENANT = 'default'; // the tenant of the bootstrap admin key
/** `GET /v1/annotations` answers at most this many points by default (AnnotationQuery's `limit`). */
const ANNOTATION_LIMIT = 1000;
const ADMIN_KEY = `bench-${randomBytes(16).toString('hex')}`;
const RUN_ID = randomBytes(4).toString('hex');
/** Search cells: up to this many sequential requests after a warm-up, fewer when one takes long. */
/**
 * Each cell first sends its request unmeasured until the server answers it as a long-running one does:
 * a server process new to a read keeps getting faster over its first thousand or two of them (the median
 * service's annotations on PostgreSQL, 2026-11-24: p50 5.5–6.3 ms over the first 300, 3.1–3.6 after
 * 2,000), and a dashboard's server has long since answered thousands.
 */
const SEARCH_TIMING = { warmup: 2000, warmupBudgetMs: 6000, samples: 300, minSamples: 20, budgetMs: 10_000 };
/** A read with no answer by then is reported as such, and its server process replaced. */
const REQUEST_TIMEOUT_MS = Number(process.env.BENCH_TL_TIMEOUT ?? 30) * 1000;
const NAIVE_TIMING = { warmup: 2, warmupBudgetMs: 3000, samples: 100, minSamples: 10, budgetMs: 15_000 };

const log = (line) => process.stderr.write(`[bench:timeline] ${line}\n`);

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
  const c = spawnSync(
    process.execPath,
    ['scripts/bundle.mjs', 'bench/timeline/storeParts.ts', 'bench/timeline/dist/storeParts.js'],
    { cwd: root, stdio: 'inherit' },
  );
  if (c.status !== 0) throw new Error('bundling bench/timeline/storeParts.ts failed');
  copyFileSync(builtServerJs, serverJs);
  if (existsSync(`${builtServerJs}.map`)) copyFileSync(`${builtServerJs}.map`, `${serverJs}.map`);
  return createHash('sha256').update(readFileSync(serverJs)).digest('hex').slice(0, 12);
}

/** Paths `git status` lists (under `dir`), read untrimmed: each line's status takes its first 3 characters. */
function changedPaths(dir = '.') {
  const out = spawnSync('git', ['status', '--porcelain', '--', dir], { cwd: root, encoding: 'utf8' });
  return out.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
}

async function startServer(store) {
  const port = await freePort();
  const proc = startNode(serverJs, {
    cwd: store.dir,
    env: cleanEnv({
      BALLAST_HOST: '127.0.0.1',
      BALLAST_PORT: String(port),
      BALLAST_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      BALLAST_LOG_LEVEL: 'warn',
      ...(store.dialect === 'sqlite' ? { BALLAST_DATA_DIR: store.dir } : { BALLAST_DATABASE_URL: store.url }),
    }),
  });
  const url = `http://127.0.0.1:${port}`;
  // On a full SQLite store the server gathers planner statistics before it listens: allow for that.
  await waitReady(proc, `${url}/health/ready`, 180_000);
  return { proc, url, pid: proc.pid };
}

const readContext = {
  tenant: TENANT,
  adminKey: ADMIN_KEY,
  startServer,
  searchTiming: SEARCH_TIMING,
  naiveTiming: NAIVE_TIMING,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  annotationLimit: ANNOTATION_LIMIT,
  log,
};

async function runDialect(dialect) {
  const t0 = Date.now();
  const dir = await tempDir(`timeline-${dialect}`);
  const store = { dialect, dir };
  if (dialect === 'postgres') {
    store.database = await createDatabase(RUN_ID, 'ballast_benchtl');
    store.url = databaseUrl(store.database);
  }
  const result = { dialect, events: EVENTS };
  const servers = [];
  let direct;
  try {
    log(`${dialect}: starting the server (${serverJs}, a copy of ${builtServerJs})`);
    servers.push(await startServer(store));
    const headers = { authorization: `Bearer ${ADMIN_KEY}` };
    const dataset = createDataset({ runId: `${RUN_ID}-${dialect}` });
    result.seed = await seed({
      url: servers[0].url,
      headers,
      dataset,
      total: EVENTS,
      batchSize: SEED_BATCH,
      connections: SEED_CONNECTIONS,
      log,
      label: dialect,
    });
    result.dataset = dataset.counts;
    log(`${dialect}: seeded in ${Math.round(result.seed.seconds)} s`);
    if (dialect === 'sqlite') {
      // A server that has run for a while has planner statistics: it gathers them at start and hourly
      // (PRAGMA optimize). This one started on an empty file, so it is restarted on the full one.
      const r0 = Date.now();
      await stopProcess(servers[0].proc);
      servers[0] = await startServer(store);
      result.restartSeconds = (Date.now() - r0) / 1000;
      const stats = await openDirect(store);
      result.statTables = (await stats.query("SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'"))[0]
        .n
        ? (await stats.query('SELECT DISTINCT tbl FROM sqlite_stat1')).map((r) => r.tbl)
        : [];
      await stats.close();
      log(
        `${dialect}: server restarted on the full store in ${result.restartSeconds.toFixed(1)} s; statistics for: ${result.statTables.join(', ') || 'no table'}`,
      );
    }
    direct = await openDirect(store);
    if (dialect === 'postgres') {
      // What autovacuum does by itself on a database that has been taking events for 30 days.
      const v0 = Date.now();
      await direct.query('VACUUM (ANALYZE) events');
      await direct.query('VACUUM (ANALYZE) event_tags');
      await direct.query('VACUUM (ANALYZE) event_ranges');
      result.vacuumSeconds = (Date.now() - v0) / 1000;
      log(`${dialect}: VACUUM (ANALYZE) took ${result.vacuumSeconds.toFixed(1)} s`);
      // Loading wrote gigabytes in minutes, which PostgreSQL writes back to its files over the next
      // checkpoint interval: a store that took its events over 30 days has no such backlog, so the
      // reads are not timed against it. (SQLite's server syncs every commit and checkpoints its WAL
      // as it goes.)
      const c0 = Date.now();
      await direct.query('CHECKPOINT');
      result.checkpointSeconds = (Date.now() - c0) / 1000;
      log(`${dialect}: CHECKPOINT took ${result.checkpointSeconds.toFixed(1)} s`);
    }
    result.storedRows = Number(
      (await direct.query('SELECT count(*) AS n FROM events WHERE tenant = ?', [TENANT]))[0].n,
    );
    result.termCounts = await termCounts(readContext, direct);
    if (dialect === 'sqlite') {
      const pages = await direct.query(
        'SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()',
      );
      result.storeBytes = Number(pages[0].bytes);
    } else {
      result.storeBytes = Number((await direct.query('SELECT pg_database_size(current_database()) AS n'))[0].n);
    }

    result.reads = await measureReads(readContext, store, servers, direct);
    log(`${dialect}: statement times and plans of the read cells (in process)`);
    result.diagnosis = await diagnoseReads(readContext, store, direct, result.reads);
    await direct.close();
    direct = null;

    if (dialect === 'postgres') servers.push(await startServer(store));
    const streamData = createDataset({
      runId: `${RUN_ID}-${dialect}-stream`,
      seed: 7,
      start: Date.now() - 3_600_000,
      end: Date.now(),
    });
    try {
      result.stream = await fanOut({
        servers: servers.map((s) => ({ url: s.url, pid: s.pid })),
        headers,
        subscribers: SUBSCRIBERS,
        dataset: streamData,
        batchSize: STREAM_BATCH,
        seconds: STREAM_SECONDS,
        log,
        label: `${dialect} stream`,
      });
      const s = result.stream;
      log(
        `${dialect} stream: ${Math.round(s.writtenPerSecond)} events/s written, ${Math.round(s.deliveredPerSecond)} deliveries/s, delay p50 ${s.delayMs.p50?.toFixed(1)} ms p99 ${s.delayMs.p99?.toFixed(1)} ms, ${s.incompleteSubscribers} incomplete subscriber(s)`,
      );
    } catch (err) {
      log(`${dialect} stream: failed: ${err.message}`);
      result.stream = { error: err.message };
    }
  } catch (err) {
    // A server that died says why in its own output.
    for (const s of servers)
      if (s.proc.exitInfo)
        err.message += `; server exited ${JSON.stringify(s.proc.exitInfo)}: ${s.proc.output().slice(-1500)}`;
    throw err;
  } finally {
    if (direct) await direct.close().catch(() => {});
    for (const s of servers) await stopProcess(s.proc);
    if (store.database) await dropDatabase(store.database);
    await removeTempDir(dir);
  }
  result.seconds = (Date.now() - t0) / 1000;
  return result;
}

async function main() {
  const t0 = Date.now();
  const meta = gatherMachine({ root, connections: SEED_CONNECTIONS, warmupSeconds: 0, durationSeconds: 0 });
  meta.command = 'yarn bench:timeline';
  log(
    `commit ${meta.commit}${meta.dirty ? ' (dirty)' : ''}, ${meta.cpu} × ${meta.cores}, load ${meta.loadBefore.map((n) => n.toFixed(2)).join(' ')}; ${EVENTS.toLocaleString('en-US')} events per dialect`,
  );
  meta.serverSha = build();
  // Uncommitted paths under backend/ when the server was built: the code measured is not only the commit.
  meta.backendChanges = changedPaths('backend');
  const changed = changedPaths();
  meta.dirtyPaths = changed.length <= 6 ? changed : null; // gatherMachine's list loses the first path's first letter
  usePostgres(PG_URL);
  let dialects = ['sqlite', 'postgres'].filter((d) => !ONLY || d === ONLY);
  meta.postgres = 'not used';
  if (dialects.includes('postgres')) {
    try {
      meta.postgres = await describePostgres();
    } catch (err) {
      log(`PostgreSQL not reachable at ${PG_URL}: ${err.message}; measuring SQLite only`);
      meta.postgres = `not reachable (${err.message})`;
      dialects = dialects.filter((d) => d !== 'postgres');
    }
  }
  const results = [];
  for (const dialect of dialects) {
    try {
      results.push(await runDialect(dialect));
    } catch (err) {
      if (interrupted) return;
      log(`${dialect}: did not complete: ${err.stack ?? err.message}`);
      results.push({ dialect, events: EVENTS, error: err.message });
    }
  }
  meta.tookSeconds = (Date.now() - t0) / 1000;
  meta.loadAfter = loadavg();
  const settings = {
    events: EVENTS,
    seedBatch: SEED_BATCH,
    seedConnections: SEED_CONNECTIONS,
    search: SEARCH_TIMING,
    naive: NAIVE_TIMING,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    subscribers: SUBSCRIBERS,
    streamSeconds: STREAM_SECONDS,
    streamBatch: STREAM_BATCH,
    dialects,
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const raw = join(root, 'bench/results', `timeline-${meta.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(raw, JSON.stringify({ meta, settings, results }, null, 2));
  const { markdown, verdicts } = render({ meta, settings, results });
  await writeSection(reportFile, markdown);
  log(`wrote ${reportFile} (raw figures: ${raw})`);
  for (const v of verdicts) log(`${v.what}: ${v.measured} → ${v.verdict.replace(/\*/g, '')}`);
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
  await main();
} catch (err) {
  if (!interrupted) {
    log(`failed: ${err.stack ?? err}`);
    process.exitCode = 1;
  }
} finally {
  if (!interrupted) {
    const problems = await cleanup();
    for (const p of problems) log(`cleanup: ${p}`);
  }
}
