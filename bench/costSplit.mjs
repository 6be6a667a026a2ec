// In-process cost split of one 500-event ingest batch through the server's real functions
// (bench/dist/serverParts.js, bundled from backend/server/src by bench/run.mjs).
// Run by bench/run.mjs as a child process; prints one JSON object on stdout.
//
//   BENCH_COST_DIALECT   sqlite | postgres
//   BENCH_SQLITE_DIR     fresh directory for the SQLite file (sqlite)
//   BENCH_DATABASE_URL   fresh PostgreSQL database (postgres)
//   BENCH_COST_ITERATIONS, BENCH_COST_WARMUP, BENCH_COST_BATCH
//   BENCH_MAX_TAGS       cap on tags per event (the runner's fallback when the realistic batch is refused)
import { performance } from 'node:perf_hooks';
import { bodySource } from './events.mjs';
import {
  createChangeFeed,
  createKnexEventStore,
  eventHash,
  migrate,
  openDatabase,
  parseIngestBody,
  prepareBatch,
  searchText,
  systemClock,
} from './dist/serverParts.js';

const dialect = process.env.BENCH_COST_DIALECT ?? 'sqlite';
const iterations = Number(process.env.BENCH_COST_ITERATIONS ?? 30);
const warmup = Number(process.env.BENCH_COST_WARMUP ?? 8);
const batch = Number(process.env.BENCH_COST_BATCH ?? 500);
const maxTags = process.env.BENCH_MAX_TAGS ? Number(process.env.BENCH_MAX_TAGS) : Infinity;
const TENANT = 'bench';
const keyActor = { type: 'key', id: 'bench-key', name: 'bench', verified: true };

const db = openDatabase(
  dialect === 'postgres'
    ? { databaseUrl: process.env.BENCH_DATABASE_URL, dataDir: '.', databasePoolMax: 10 }
    : { dataDir: process.env.BENCH_SQLITE_DIR, databasePoolMax: 10 },
);

/** Which statement of the append a SQL text is, so database time can be told apart from JS time. */
function statementKind(sql) {
  const s = sql.trim().toLowerCase().replace(/[`"]/g, '').replace(/\s+/g, ' ');
  if (/^(begin|start transaction)/.test(s)) return 'BEGIN';
  if (/^commit/.test(s)) return 'COMMIT';
  if (/^insert into chain_heads .* do update .* returning/.test(s)) return 'chain head: ensure + lock';
  if (/^insert into chain_heads/.test(s)) return 'chain head: ensure';
  if (/^select .* from chain_heads/.test(s)) return 'chain head: lock/read';
  if (/^update chain_heads/.test(s)) return 'chain head: update';
  if (/pg_notify/.test(s)) return 'change feed: NOTIFY';
  if (/^with new_events as \( ?insert into events/.test(s))
    return 'insert events + event_tags, update chain head (one statement)';
  if (/^select .* from events/.test(s)) return 'dedupe lookup';
  if (/^insert into events_fts/.test(s)) return 'insert events_fts';
  if (/^insert or ignore into search_terms/.test(s)) return 'insert search_terms (each distinct word)';
  if (/^insert into events/.test(s)) return 'insert events';
  if (/^insert into event_tags/.test(s)) return 'insert event_tags';
  return 'other';
}

// knex reports each statement it runs, but not BEGIN / COMMIT: the time from the append's start to its
// first statement (connection + BEGIN) and from its last answer to the append's end (COMMIT, which
// carries the fsync) are recorded as their own lines.
const started = new Map();
let sqlTimes = null; // Map kind -> ms, collected only while an append is measured
let firstQueryAt = 0;
let lastAnswerAt = 0;
let lockedAt = 0; // when the chain-head lock statement was sent
db.knex.on('query', (q) => {
  const at = performance.now();
  if (sqlTimes && !firstQueryAt) firstQueryAt = at;
  const kind = statementKind(q.sql);
  if (kind.startsWith('chain head: ensure')) lockedAt = at;
  started.set(q.__knexQueryUid, { kind, at });
});
const done = (_res, q) => {
  const s = started.get(q.__knexQueryUid);
  if (!s) return;
  started.delete(q.__knexQueryUid);
  lastAnswerAt = performance.now();
  if (sqlTimes) sqlTimes.set(s.kind, (sqlTimes.get(s.kind) ?? 0) + lastAnswerAt - s.at);
};
db.knex.on('query-response', done);
db.knex.on('query-error', (_err, q) => done(null, q));

// On SQLite the store inserts rows through better-sqlite3 statements of its own, which knex does not
// report: their run() is timed here the same way (knex's own statements are left to knex's events).
const ownStatements = new Set([
  'insert events',
  'insert events_fts',
  'insert search_terms (each distinct word)',
  'insert event_tags',
]);
async function timeSqliteStatements() {
  const conn = await db.knex.client.acquireConnection();
  try {
    const proto = Object.getPrototypeOf(conn.prepare('select 1'));
    const run = proto.run;
    proto.run = function timedRun(...args) {
      const kind = statementKind(this.source);
      if (!sqlTimes || !ownStatements.has(kind)) return run.apply(this, args);
      const at = performance.now();
      try {
        return run.apply(this, args);
      } finally {
        lastAnswerAt = performance.now();
        sqlTimes.set(kind, (sqlTimes.get(kind) ?? 0) + lastAnswerAt - at);
      }
    };
  } finally {
    await db.knex.client.releaseConnection(conn);
  }
}

let feed = null;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The hashed form as the store builds it (knexEventStore's toEvent): server fields added, actor marked. */
function unhashedEvent(input, seq, prevHash, receivedAt) {
  const { dedupeKey, ...rest } = input;
  return {
    ...rest,
    id: `01BENCH${String(seq).padStart(19, '0')}`,
    tenant: TENANT,
    seq,
    receivedAt: new Date(receivedAt).toISOString(),
    actor: input.actor ? { ...input.actor, verified: false } : keyActor,
    ...(dedupeKey !== undefined && { dedupeKey }),
    prevHash,
  };
}

async function main() {
  await migrate(db);
  await db.knex('tenants').insert({ id: TENANT, name: 'Benchmark', created_at: Date.now() });
  // The change feed the server wires in (NOTIFY inside the transaction on PostgreSQL, in memory on SQLite).
  const silent = { warn: () => {}, info: () => {} };
  feed = createChangeFeed(db, process.env.BENCH_DATABASE_URL, silent);
  await feed.start();
  if (dialect === 'sqlite') await timeSqliteStatements();
  const store = createKnexEventStore(db, undefined, feed).forTenant(TENANT);
  const clock = systemClock();
  const source = bodySource({ size: batch, single: batch === 1, runId: `cost${process.pid}`, seed: 7, maxTags });
  const steps = { parse: [], validate: [], hash: [], searchText: [], prepare: [], append: [], locked: [], respond: [] };
  const sqlRuns = [];
  let seq = 0;

  for (let i = 0; i < warmup + iterations; i++) {
    const text = source.next().toString('utf8');
    const measured = i >= warmup;
    let t = performance.now();
    const raw = JSON.parse(text);
    const tParse = performance.now() - t;

    t = performance.now();
    const parsed = parseIngestBody(raw);
    const tValidate = performance.now() - t;
    if (!parsed.ok) throw new Error(`bench body refused: ${JSON.stringify(parsed.details.slice(0, 3))}`);

    // Hashing and search text as the store does them, timed apart from the store.
    const receivedAt = Date.now();
    let prevHash = '0'.repeat(64);
    const hashed = [];
    t = performance.now();
    for (const input of parsed.events) {
      const e = unhashedEvent(input, ++seq, prevHash, receivedAt);
      prevHash = eventHash(e, '00112233445566778899aabbccddeeff');
      hashed.push({ ...e, hash: prevHash });
    }
    const tHash = performance.now() - t;

    t = performance.now();
    let chars = 0;
    for (const e of hashed) chars += searchText(e).length;
    const tSearch = performance.now() - t;
    if (chars === 0) throw new Error('no search text');

    // What the store does before its transaction (content, ids, salts, hashes, search text, JSON), timed
    // apart with the same inputs; the store then does it again inside its append.
    t = performance.now();
    await prepareBatch(TENANT, parsed.events, keyActor, clock);
    const tPrepare = performance.now() - t;

    // The store's whole append: prepare, then in one transaction look up dedupeKeys, lock the chain
    // head, number and link the events, write them and the head, commit.
    if (measured) sqlTimes = new Map();
    firstQueryAt = 0;
    t = performance.now();
    const result = await store.append(parsed.events, keyActor);
    const end = performance.now();
    const tAppend = end - t;
    if (measured) {
      // Connection + BEGIN: the time before the first statement that was not the preparation.
      sqlTimes.set('connection + BEGIN', Math.max(0, firstQueryAt - t - tPrepare));
      sqlTimes.set('COMMIT', end - lastAnswerAt);
      sqlRuns.push(sqlTimes);
    }
    sqlTimes = null;
    if (result.created !== batch) throw new Error(`expected ${batch} created, got ${result.created}`);

    t = performance.now();
    const reply = JSON.stringify(result);
    const tRespond = performance.now() - t;
    if (reply.length === 0) throw new Error('empty reply');

    if (measured) {
      steps.parse.push(tParse);
      steps.validate.push(tValidate);
      steps.hash.push(tHash);
      steps.searchText.push(tSearch);
      steps.prepare.push(tPrepare);
      steps.append.push(tAppend);
      // With no other writer, the chain-head lock is held from its statement to the commit.
      steps.locked.push(end - lockedAt);
      steps.respond.push(tRespond);
    }
  }

  const kinds = [...new Set(sqlRuns.flatMap((m) => [...m.keys()]))];
  const sql = Object.fromEntries(kinds.map((k) => [k, median(sqlRuns.map((m) => m.get(k) ?? 0))]));
  const out = {
    dialect,
    batch,
    iterations,
    warmup,
    bodyBytes: source.bytesPerRequest,
    tagsPerEvent: source.tagsPerEvent,
    medianMs: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, median(v)])),
    sqlMedianMs: sql,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

try {
  await main();
} catch (err) {
  // One line the runner can put in the report (the SQL in a knex error can be megabytes long).
  process.stdout.write(
    JSON.stringify({
      dialect,
      batch,
      error: String(err.message ?? err)
        .split(' - ')
        .pop()
        .slice(0, 300),
    }) + '\n',
  );
  process.exitCode = 3;
} finally {
  await feed?.stop();
  await db.knex.destroy();
}
