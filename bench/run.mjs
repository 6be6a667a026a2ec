// `yarn bench`: builds the server, runs the production entry point on SQLite and PostgreSQL next to
// bare-Fastify ceilings under the same load, measures where a 500-event batch spends its time, and
// writes the figures into docs/BENCHMARKS.md. Not part of the test suite; takes about 3 minutes.
//
//   BENCH_DURATION (s, default 8)   BENCH_WARMUP (s, default 2)   BENCH_CONNECTIONS (default 10)
//   BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test: used to create and drop databases)
//   BENCH_ONLY=sqlite|postgres (skip the other dialect; the report then says so)
//   BENCH_CASES=<regex> (only the load cases whose id matches, e.g. 'postgres-500'; for investigating)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { bodySource } from './events.mjs';
import { load, probe } from './load.mjs';
import {
  cleanup,
  createDatabase,
  databaseUrl,
  dropDatabase,
  freePort,
  killAllSync,
  removeTempDir,
  startNode,
  stopProcess,
  tempDir,
  usePostgres,
  waitReady,
} from './processes.mjs';
import { describePostgres, gatherMachine } from './machine.mjs';
import { render, writeReport } from './report.mjs';
import { schemaChecksOf, targetsOf } from './targets.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const serverJs = join(root, 'backend/server/dist/server.js');
const ceilingJs = join(root, 'bench/ceilingServer.mjs');
const reportFile = join(root, 'docs/BENCHMARKS.md');

const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ONLY = process.env.BENCH_ONLY;
const ADMIN_KEY = `bench-${randomBytes(16).toString('hex')}`;
const RUN_ID = randomBytes(4).toString('hex');
/** Tags per event when a realistic batch is refused: the runner then measures this variant too. */
const FALLBACK_MAX_TAGS = 2;

const log = (line) => process.stderr.write(`[bench] ${line}\n`);

/** The server's env without anything inherited from the caller's BALLAST_* settings. */
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
  log('bundling the cost-split entry (bench/serverParts.ts)');
  const c = spawnSync(process.execPath, ['scripts/bundle.mjs', 'bench/serverParts.ts', 'bench/dist/serverParts.js'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (c.status !== 0) throw new Error('bundling bench/serverParts.ts failed');
}

/** The b-tree indexes on `events` as "unique(a, b)" / "(a, b)" strings, to check both sides match. */
function indexSignatures(dialect, rows) {
  const out = [];
  for (const r of rows) {
    const sql = dialect === 'sqlite' ? r.sql : r.indexdef;
    const cols = /\(([^()]+)\)\s*$/.exec(sql)?.[1]?.replace(/[`"]/g, '').replace(/\s+/g, ' ').trim();
    const kind = /using gin/i.test(sql) ? 'gin' : 'btree';
    if (!cols || cols === 'rid') continue;
    out.push(`${kind}${/unique/i.test(sql) ? ' unique' : ''}(${cols})`);
  }
  return out.sort();
}

/** Opens the case's store after its server stopped: rows the benchmark created, and the index list. */
async function inspectStore(c, store) {
  if (c.dialect === 'sqlite') {
    const db = new Database(join(store.dir, 'ballast.sqlite'), { readonly: true });
    try {
      const rows = db.prepare("select count(*) as n from events where dedupe_key like 'bench-%'").get().n;
      const idx = db
        .prepare("select sql from sqlite_master where type = 'index' and tbl_name = 'events' and sql is not null")
        .all();
      const fts = db.prepare("select count(*) as n from sqlite_master where name = 'events_fts'").get().n > 0;
      return {
        rows,
        indexes: indexSignatures('sqlite', idx),
        extras: fts ? ['FTS5 table events_fts', 'table event_tags'] : [],
      };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl(store.database) });
  await client.connect();
  try {
    const rows = Number(
      (await client.query("select count(*) as n from events where dedupe_key like 'bench-%'")).rows[0].n,
    );
    const idx = (await client.query("select indexdef from pg_indexes where tablename = 'events'")).rows;
    const tags =
      (await client.query("select count(*) as n from pg_tables where tablename = 'event_tags'")).rows[0].n > 0;
    const sigs = indexSignatures('postgres', idx);
    return {
      rows,
      indexes: sigs.filter((s) => !s.startsWith('gin')),
      extras: [
        ...sigs.filter((s) => s.startsWith('gin')).map((s) => `${s} index`),
        ...(tags ? ['table event_tags'] : []),
      ],
    };
  } finally {
    await client.end();
  }
}

/**
 * The ceiling's store: the server's own migrations (so the `events` table and its b-tree indexes are
 * the production ones, whatever the migrations say today), then the full-text index and the tags table
 * dropped, since the ceiling writes neither.
 */
async function prepareCeilingStore(c, store) {
  const { openDatabase, migrate } = await import('./dist/serverParts.js');
  const db = openDatabase(
    c.dialect === 'sqlite'
      ? { dataDir: store.dir, databasePoolMax: 1 }
      : { databaseUrl: databaseUrl(store.database), dataDir: store.cwd, databasePoolMax: 1 },
  );
  try {
    await migrate(db);
    const { knex } = db;
    if (c.dialect === 'sqlite') {
      const fts = await knex.raw(
        "select name from sqlite_master where type = 'table' and sql like 'CREATE VIRTUAL TABLE%'",
      );
      for (const { name } of fts) await knex.raw(`DROP TABLE "${name}"`);
    } else {
      const gin = await knex.raw(
        "select indexname from pg_indexes where tablename = 'events' and indexdef ilike '%using gin%'",
      );
      for (const { indexname } of gin.rows) await knex.raw(`DROP INDEX "${indexname}"`);
      const tsv = await knex.raw(
        "select column_name from information_schema.columns where table_name = 'events' and data_type = 'tsvector'",
      );
      for (const { column_name: col } of tsv.rows) await knex.raw(`ALTER TABLE events DROP COLUMN "${col}"`);
    }
    await knex.schema.dropTableIfExists('event_tags');
  } finally {
    await db.knex.destroy();
  }
}

async function openStore(c) {
  const cwd = await tempDir(`${c.id}-cwd`); // no ballast.config.yaml from the caller's directory
  let store = { cwd };
  if (c.dialect === 'sqlite') store = { dir: cwd, cwd };
  if (c.dialect === 'postgres') store = { database: await createDatabase(c.id.replace(/[^a-z0-9]/g, '_')), cwd };
  if (c.server === 'ceiling') await prepareCeilingStore(c, store);
  return store;
}

async function closeStore(store) {
  if (store.database) await dropDatabase(store.database);
  await removeTempDir(store.cwd);
}

function startCaseServer(c, store, port) {
  if (c.server === 'ballast') {
    return startNode(serverJs, {
      cwd: store.cwd,
      env: cleanEnv({
        BALLAST_HOST: '127.0.0.1',
        BALLAST_PORT: String(port),
        BALLAST_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
        BALLAST_LOG_LEVEL: 'warn',
        ...(c.dialect === 'sqlite'
          ? { BALLAST_DATA_DIR: store.dir }
          : { BALLAST_DATABASE_URL: databaseUrl(store.database) }),
      }),
    });
  }
  return startNode(ceilingJs, {
    cwd: store.cwd,
    keepStdinOpen: true,
    env: cleanEnv({
      BENCH_MODE: c.server === 'noop' ? 'noop' : c.dialect,
      BENCH_PORT: String(port),
      ...(c.dialect === 'sqlite' && { BENCH_DATA_DIR: store.dir }),
      ...(c.dialect === 'postgres' && { BENCH_DATABASE_URL: databaseUrl(store.database) }),
    }),
  });
}

async function runCase(c) {
  log(`${c.id}: starting`);
  const store = await openStore(c);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = startCaseServer(c, store, port);
  try {
    await waitReady(proc, `${url}/health/ready`);
    const source = bodySource({ size: c.size, single: c.single, runId: `${RUN_ID}-${c.id}`, maxTags: c.maxTags });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` };
    const first = await probe({ url, headers, source });
    const out = { ...c, bytesPerRequest: source.bytesPerRequest, tagsPerEvent: source.tagsPerEvent };
    if (first.status < 200 || first.status > 299) {
      await new Promise((r) => setTimeout(r, 300)); // let the server's error log line arrive
      const cause = causeIn(proc.output());
      log(
        `${c.id}: refused (HTTP ${first.status}): ${first.body.slice(0, 200)}${cause ? `; server log: ${cause}` : ''}`,
      );
      return { ...out, failed: { ...first, cause } };
    }
    const common = { url, headers, source, connections: CONNECTIONS, serverPid: proc.pid };
    if (WARMUP > 0) await load({ ...common, duration: WARMUP });
    const result = await load({ ...common, duration: DURATION });
    log(
      `${c.id}: ${Math.round(result.reqPerSec)} req/s, ${Math.round(result.rowsPerSec)} rows/s, p99 ${result.latencyP99} ms, non-2xx ${result.non2xx}`,
    );
    await stopProcess(proc);
    const inspected = c.server === 'noop' ? null : await inspectStore(c, store);
    return {
      ...out,
      result,
      storedRows: inspected?.rows ?? null,
      indexes: inspected?.indexes,
      extras: inspected?.extras,
    };
  } finally {
    await stopProcess(proc);
    await closeStore(store);
  }
}

/** The driver's message in a logged knex error ("<sql> - <message>" followed by the stack), if any. */
function causeIn(output) {
  const m = /\s-\s([^"\\\n]{3,200}?)(?:\\n|\n)\s*at\s/.exec(output);
  return m ? m[1].trim() : null;
}

/** Runs bench/costSplit.mjs in its own process on a fresh store of one dialect. */
async function costSplit(dialect, { batch, maxTags }) {
  const label = `cost-${dialect}`;
  const cwd = await tempDir(label);
  const database = dialect === 'postgres' ? await createDatabase('cost') : undefined;
  try {
    const env = cleanEnv({
      BENCH_COST_DIALECT: dialect,
      BENCH_COST_BATCH: String(batch),
      BENCH_COST_ITERATIONS: String(batch === 1 ? 400 : 30),
      BENCH_COST_WARMUP: String(batch === 1 ? 100 : 8),
      ...(dialect === 'sqlite' ? { BENCH_SQLITE_DIR: cwd } : { BENCH_DATABASE_URL: databaseUrl(database) }),
      ...(maxTags !== undefined && { BENCH_MAX_TAGS: String(maxTags) }),
    });
    const child = spawn(process.execPath, [join(root, 'bench/costSplit.mjs')], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    const code = await new Promise((r) => child.once('exit', r));
    const line = stdout.trim().split('\n').pop();
    if (!line) throw new Error(`cost split (${dialect}) printed nothing (exit ${code}): ${stderr}`);
    return { ...JSON.parse(line), ...(maxTags !== undefined && { maxTags }) };
  } finally {
    if (database) await dropDatabase(database);
    await removeTempDir(cwd);
  }
}

function caseList(dialects) {
  const list = [];
  for (const dialect of dialects) {
    for (const size of [100, 500]) {
      list.push({ id: `${dialect}-${size}-ceiling`, server: 'ceiling', dialect, size });
      list.push({ id: `${dialect}-${size}`, server: 'ballast', dialect, size });
    }
  }
  list.push({ id: 'noop-single', server: 'noop', dialect: null, size: 1, single: true });
  for (const dialect of dialects) {
    list.push({ id: `${dialect}-single-ceiling`, server: 'ceiling', dialect, size: 1, single: true });
    list.push({ id: `${dialect}-single`, server: 'ballast', dialect, size: 1, single: true });
  }
  return list;
}

function configurationOf(dialects) {
  const rows = [];
  const sqlite = 'WAL, synchronous=FULL, foreign_keys=ON, one connection';
  if (dialects.includes('sqlite')) {
    rows.push([
      'Ballast on SQLite',
      '`node backend/server/dist/server.js`, BALLAST_DATA_DIR=fresh temp dir, BALLAST_LOG_LEVEL=warn, admin key from BALLAST_BOOTSTRAP_ADMIN_KEY',
      `${sqlite} (knex, better-sqlite3)`,
    ]);
    rows.push([
      'ceiling on SQLite',
      '`node bench/ceilingServer.mjs`, BENCH_MODE=sqlite',
      `${sqlite} (better-sqlite3, one prepared INSERT per row in one transaction per request)`,
    ]);
  }
  if (dialects.includes('postgres')) {
    rows.push([
      'Ballast on PostgreSQL',
      '`node backend/server/dist/server.js`, BALLAST_DATABASE_URL=fresh database, BALLAST_LOG_LEVEL=warn',
      'knex + pg, pool max 10 (BALLAST_DATABASE_POOL_MAX default)',
    ]);
    rows.push([
      'ceiling on PostgreSQL',
      '`node bench/ceilingServer.mjs`, BENCH_MODE=postgres',
      'pg Pool max 10, one multi-row INSERT per request',
    ]);
  }
  rows.push([
    'bare Fastify 1 KB POST',
    '`node bench/ceilingServer.mjs`, BENCH_MODE=noop',
    'none: parses the JSON body and answers 201',
  ]);
  return rows;
}

async function main() {
  const t0 = Date.now();
  const meta = gatherMachine({ root, connections: CONNECTIONS, warmupSeconds: WARMUP, durationSeconds: DURATION });
  log(
    `commit ${meta.commit}${meta.dirty ? ' (dirty)' : ''}, ${meta.cpu} × ${meta.cores}, load ${meta.loadBefore.map((n) => n.toFixed(2)).join(' ')}`,
  );
  build();

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

  const cases = [];
  const only = process.env.BENCH_CASES ? new RegExp(process.env.BENCH_CASES) : null;
  for (const c of caseList(dialects).filter((x) => !only || only.test(x.id))) {
    let done;
    try {
      done = await runCase(c);
    } catch (err) {
      // A case that cannot run is a finding for the report, not a reason to lose the others.
      log(`${c.id}: did not run: ${err.message}`);
      done = { ...c, failed: { status: null, body: String(err.message).slice(0, 300), cause: null } };
    }
    cases.push(done);
    if (done.failed && c.server === 'ballast' && !c.single) {
      cases.push(
        await runCase({ ...c, id: `${c.id}-tags${FALLBACK_MAX_TAGS}`, maxTags: FALLBACK_MAX_TAGS, fallbackOf: c.id }),
      );
    }
  }

  const costSplits = [];
  for (const batch of [500, 1]) {
    for (const dialect of dialects) {
      log(`cost split: ${batch} event(s) per batch on ${dialect}`);
      let split = await costSplit(dialect, { batch });
      if (split.error) {
        log(
          `cost split (${dialect}) refused the realistic batch: ${split.error}; again with ≤ ${FALLBACK_MAX_TAGS} tags/event`,
        );
        split = { ...(await costSplit(dialect, { batch, maxTags: FALLBACK_MAX_TAGS })), fallbackOf: split.error };
      }
      costSplits.push(split);
    }
  }

  const sizes = (single) => cases.filter((c) => !!c.single === single && c.bytesPerRequest);
  const avg = (xs) => Math.round(xs.reduce((a, c) => a + c.bytesPerRequest / c.size, 0) / Math.max(1, xs.length));
  meta.bodies = `about ${avg(sizes(false))} bytes of JSON per event in a batch, ${avg(sizes(true))} bytes for a single-event POST, ${cases.find((c) => c.tagsPerEvent && c.maxTags === undefined)?.tagsPerEvent.toFixed(1)} tags per event`;
  meta.configuration = configurationOf(dialects);
  meta.tookSeconds = (Date.now() - t0) / 1000;
  meta.loadAfter = loadavg();
  const targets = targetsOf(cases, dialects);
  const schemaChecks = schemaChecksOf(cases, dialects);
  if (!dialects.includes('postgres')) schemaChecks.push(`PostgreSQL: not measured in this run (${meta.postgres}).`);

  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const raw = join(root, 'bench/results', `${meta.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(raw, JSON.stringify({ meta, cases, targets, costSplits }, null, 2));
  await writeReport(reportFile, render({ meta, cases, targets, costSplits, schemaChecks }));

  log(`wrote ${reportFile} (raw figures: ${raw})`);
  for (const t of targets)
    log(
      `${t.what.replace(/&nbsp;/g, ' ')}: ${t.measured} vs ${t.ceiling} = ${t.ratio === null ? '–' : t.ratio.toFixed(3)}× → ${t.verdict}`,
    );
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
  const problems = await cleanup();
  for (const p of problems) log(`cleanup: ${p}`);
}
