// Child process of diagnose.mjs: runs the server's own read path (bundled from backend/server/src, see
// storeParts.ts) against the benchmark's store and prints one JSON line per SQL statement sent and
// answered, so the parent learns which statement is running even when one never finishes (SQLite runs
// synchronously: only killing the process stops it).
import { performance } from 'node:perf_hooks';

const { store, cells, runs, budgetMs } = JSON.parse(process.env.BENCH_TL_DIAGNOSE);
const parts = await import('./dist/storeParts.js');
const db = parts.openDatabase(
  store.dialect === 'sqlite'
    ? { dataDir: store.dir, databasePoolMax: 1 }
    : { databaseUrl: store.url, dataDir: store.dir, databasePoolMax: 1 },
);
const events = parts.createKnexEventStore(db, parts.systemClock()).forTenant(store.tenant);
const emit = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

let at = null; // { cell, run, i }
const started = new Map();
db.knex.on('query', (q) => {
  const i = at.i++;
  emit({ type: 'query', cell: at.cell, run: at.run, i, sql: q.sql, bindings: q.bindings });
  started.set(q.__knexQueryUid, { cell: at.cell, run: at.run, i, t0: performance.now() });
});
db.knex.on('query-response', (_res, q) => {
  const s = started.get(q.__knexQueryUid);
  started.delete(q.__knexQueryUid);
  if (s) emit({ type: 'response', cell: s.cell, run: s.run, i: s.i, ms: performance.now() - s.t0 });
});

function call(c) {
  if (c.kind === 'search') return events.search(parts.SearchQuery.parse(c.query));
  const q = parts.AnnotationQuery.parse(c.query);
  return events.annotations({ ...q, from: Date.parse(q.from), to: Date.parse(q.to) });
}

try {
  for (const c of cells) {
    emit({ type: 'start', cell: c.id });
    const t0 = performance.now();
    // Run 0 warms the caches; runs 1… are measured, at least 3, more while within the budget.
    for (let run = 0; run <= runs && (run <= 3 || performance.now() - t0 < budgetMs); run++) {
      at = { cell: c.id, run, i: 0 };
      const s = performance.now();
      await call(c);
      emit({ type: 'run', cell: c.id, run, ms: performance.now() - s });
    }
    emit({ type: 'done', cell: c.id });
  }
} finally {
  await db.knex.destroy();
}
