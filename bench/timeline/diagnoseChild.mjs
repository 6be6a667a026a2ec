// Child process of diagnose.mjs: runs the server's own read path (bundled from backend/server/src, see
// storeParts.ts) against the benchmark's store and prints one JSON line per SQL statement sent and
// answered, so the parent learns which statement is running even when one never finishes (SQLite runs
// synchronously: only killing the process stops it). Reads get the tenant's placing (service mappings,
// runbooks) built as the server builds it, so they send the statements the server sends; a cell timed
// before the tenant had runbooks (`runbooks: 0`) is read without them.
import { performance } from 'node:perf_hooks';

const { store, cells, runs, budgetMs } = JSON.parse(process.env.BENCH_TL_DIAGNOSE);
const parts = await import('./dist/storeParts.js');
const db = parts.openDatabase(
  store.dialect === 'sqlite'
    ? { dataDir: store.dir, databasePoolMax: 1 }
    : // The server's default pool: an annotations read sends its two statements side by side on it.
      { databaseUrl: store.url, dataDir: store.dir, databasePoolMax: 10 },
);
const events = parts.createKnexEventStore(db, parts.systemClock()).forTenant(store.tenant);
const readOnly = async () => {
  throw new Error('the diagnosis only reads');
};
const mappings = parts.mappingService(db.knex, readOnly);
const runbooks = parts.runbookService(db.knex, readOnly, { dirs: [], fileTenant: store.tenant });
const emit = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

let at = null; // { cell, run, i, t0 }
const started = new Map();
db.knex.on('query', (q) => {
  const i = at.i++;
  emit({ type: 'query', cell: at.cell, run: at.run, i, sql: q.sql, bindings: q.bindings });
  started.set(q.__knexQueryUid, {
    cell: at.cell,
    run: at.run,
    i,
    t0: performance.now(),
    from: performance.now() - at.t0,
  });
});
db.knex.on('query-response', (_res, q) => {
  const s = started.get(q.__knexQueryUid);
  started.delete(q.__knexQueryUid);
  // `from`: when it was sent, ms after the read began (statements of one read may overlap on PostgreSQL).
  if (s) emit({ type: 'response', cell: s.cell, run: s.run, i: s.i, from: s.from, ms: performance.now() - s.t0 });
});

async function call(c) {
  const found = await placingFor(c);
  if (c.kind === 'search') return events.search(parts.SearchQuery.parse(c.query), found);
  const q = parts.AnnotationQuery.parse(c.query);
  return events.annotations({ ...q, placing: found, from: Date.parse(q.from), to: Date.parse(q.to) });
}

/** The placing the server would use for this cell: its runbooks only when the cell was timed with them. */
async function placingFor(c) {
  const placing = await parts.placingFor(mappings, runbooks, store.tenant);
  return c.runbooks ? placing : { ...placing, kinds: [], runbookMember: () => '' };
}

try {
  for (const c of cells) {
    emit({ type: 'start', cell: c.id });
    // Unreported warm-ups (run -1: up to 10, 2 s at most), so that the JavaScript is compiled as in a
    // server that has answered such reads before; then run 0, also a warm-up, and runs 1… measured, at
    // least 3, more while within the budget.
    const w0 = performance.now();
    for (let i = 0; i < 10 && (i === 0 || performance.now() - w0 < 2000); i++) {
      at = { cell: c.id, run: -1, i: 0, t0: performance.now() };
      (await call(c)).body();
    }
    const t0 = performance.now();
    for (let run = 0; run <= runs && (run <= 3 || performance.now() - t0 < budgetMs); run++) {
      const s = performance.now();
      at = { cell: c.id, run, i: 0, t0: s };
      // The answer as the bytes the server sends: encoding it is part of the read.
      (await call(c)).body();
      emit({ type: 'run', cell: c.id, run, ms: performance.now() - s });
    }
    emit({ type: 'done', cell: c.id });
  }
} finally {
  await db.knex.destroy();
}
