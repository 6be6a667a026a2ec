// The ceilings the server is compared with: a bare Fastify process that takes the same POST /v1/events
// bodies and does only what cannot be avoided. Spawned by bench/run.mjs, one process per case.
//
//   BENCH_MODE=noop       answers a JSON POST and does nothing else (the single-event reference)
//   BENCH_MODE=sqlite     inserts the posted events into the same `events` table (same b-tree indexes,
//                         better-sqlite3, WAL, synchronous=FULL) in one transaction per request
//   BENCH_MODE=postgres   the same table on PostgreSQL, one multi-row INSERT per request through `pg`
//
// The store is prepared by bench/run.mjs with the server's own migrations, then its full-text index and
// tags table are dropped: same `events` table, same b-tree indexes, nothing else. No hashing, no zod, no
// auth; seq comes from a counter in this process (no chain lock). BENCH_PORT, BENCH_DATA_DIR (sqlite,
// holding ballast.sqlite), BENCH_DATABASE_URL (postgres). Exits when stdin closes, so it never outlives
// the runner.
import { join } from 'node:path';
import Fastify from 'fastify';

const mode = process.env.BENCH_MODE;
const port = Number(process.env.BENCH_PORT);
const TENANT = 'bench';
const HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SALT = '00112233445566778899aabbccddeeff';

const COLUMNS = [
  'id',
  'tenant',
  'seq',
  'occurred_at',
  'ended_at',
  'received_at',
  'source',
  'kind',
  'status',
  'severity',
  'service',
  'environment',
  'dedupe_key',
  'hash',
  'prev_hash',
  'salt',
  'doc',
];

let seq = 0;
/** One row from one posted event: the columns production fills, the event JSON as `doc`. */
function toRow(e, receivedAt) {
  seq += 1;
  return [
    `01BENCH${String(seq).padStart(19, '0')}`,
    TENANT,
    seq,
    Date.parse(e.occurredAt),
    e.endedAt ? Date.parse(e.endedAt) : null,
    receivedAt,
    e.source ?? 'api',
    e.kind,
    e.status ?? null,
    e.severity ?? 'info',
    e.service ?? null,
    e.environment ?? null,
    e.dedupeKey ?? null,
    HASH,
    HASH,
    SALT,
    JSON.stringify(e),
  ];
}

const eventsOf = (body) => (Array.isArray(body?.events) ? body.events : [body]);

async function openWriter() {
  if (mode === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(process.env.BENCH_DATA_DIR, 'ballast.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.prepare('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)').run(TENANT, 'Benchmark', Date.now());
    const insert = db.prepare(
      `INSERT INTO events (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    );
    const insertAll = db.transaction((rows) => {
      for (const row of rows) insert.run(row);
    });
    return {
      write: async (events) => {
        const now = Date.now();
        insertAll(events.map((e) => toRow(e, now)));
      },
      close: async () => db.close(),
    };
  }
  if (mode === 'postgres') {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 10 });
    await pool.query('INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)', [
      TENANT,
      'Benchmark',
      Date.now(),
    ]);
    const statements = new Map(); // rows per request -> INSERT text
    const sqlFor = (n) => {
      let sql = statements.get(n);
      if (!sql) {
        const tuples = Array.from(
          { length: n },
          (_, r) => `(${COLUMNS.map((_, c) => `$${r * COLUMNS.length + c + 1}`).join(', ')})`,
        );
        sql = `INSERT INTO events (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`;
        statements.set(n, sql);
      }
      return sql;
    };
    return {
      write: async (events) => {
        const now = Date.now();
        await pool.query(
          sqlFor(events.length),
          events.flatMap((e) => toRow(e, now)),
        );
      },
      close: () => pool.end(),
    };
  }
  if (mode === 'noop') return { write: async () => {}, close: async () => {} };
  throw new Error(`BENCH_MODE must be noop, sqlite or postgres, not ${mode}`);
}

const writer = await openWriter();
const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
app.get('/health/ready', async () => ({ status: 'ready' }));
app.post('/v1/events', async (request, reply) => {
  const events = eventsOf(request.body);
  await writer.write(events);
  reply.code(201);
  return { created: events.length };
});
await app.listen({ host: '127.0.0.1', port });

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await app.close();
  await writer.close();
  process.exit(0);
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
