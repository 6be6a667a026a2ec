// Where a search or annotations request spends its time: diagnoseChild.mjs runs the server's own read
// path against the benchmark's store and reports every SQL statement as it is sent and answered; here
// those become a median time per statement, the JS time around them, and each statement's plan
// (EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite). A read still running after
// `timeoutMs` is stopped with its process, and reported with the statement it was in.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminQuery, startNode, stopProcess } from '../processes.mjs';
import { summarize } from './timing.mjs';

const childJs = join(dirname(fileURLToPath(import.meta.url)), 'diagnoseChild.mjs');

/** Ends every statement still running on the database but this bench's own (named ballast-bench-timeline). */
export async function endOtherBackends(database) {
  await adminQuery(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid() AND application_name <> 'ballast-bench-timeline'",
    [database],
  );
}

/** Runs `cells` ([{ id, kind, query }]) through the child, restarting it after a read that hangs. */
async function collect(store, cells, { runs, budgetMs, timeoutMs }) {
  const byCell = new Map(cells.map((c) => [c.id, { lines: [], done: false, timedOut: false }]));
  let pending = cells;
  while (pending.length > 0) {
    const proc = startNode(childJs, {
      cwd: store.dir,
      env: { ...process.env, BENCH_TL_DIAGNOSE: JSON.stringify({ store, cells: pending, runs, budgetMs }) },
    });
    let current = null;
    let startedAt = 0;
    let rest = '';
    proc.child.stdout.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const text of lines) {
        let line;
        try {
          line = JSON.parse(text);
        } catch {
          continue; // not one of the child's lines
        }
        if (line.type === 'start') current = line.cell;
        if (line.type === 'start' || line.type === 'run') startedAt = Date.now(); // the limit is per read
        const state = byCell.get(line.cell);
        state.lines.push(line);
        if (line.type === 'done') state.done = true;
      }
    });
    const watchdog = setInterval(() => {
      if (current && !byCell.get(current).done && Date.now() - startedAt > timeoutMs) {
        byCell.get(current).timedOut = true;
        proc.child.kill('SIGKILL');
      }
    }, 200);
    const exit = await proc.exited;
    clearInterval(watchdog);
    await stopProcess(proc);
    // PostgreSQL goes on with a statement after its client died; end it so it does not load the next reads.
    if (store.database) await endOtherBackends(store.database);
    const next = pending.filter((c) => !byCell.get(c.id).done && !byCell.get(c.id).timedOut);
    if (next.length === pending.length) {
      throw new Error(`diagnosis child ended (${JSON.stringify(exit)}) without finishing a read: ${proc.output()}`);
    }
    pending = next;
  }
  return byCell;
}

function summarizeCell(id, state) {
  const queries = state.lines.filter((l) => l.type === 'query');
  const responses = state.lines.filter((l) => l.type === 'response');
  const runsDone = state.lines.filter((l) => l.type === 'run');
  const measured = runsDone.filter((l) => l.run > 0);
  const lastRun = runsDone.length ? runsDone[runsDone.length - 1].run : 0;
  // The statements of the last completed run, or of the run that never finished.
  const shownRun = state.timedOut ? (queries[queries.length - 1]?.run ?? 0) : lastRun;
  const statements = queries
    .filter((q) => q.run === shownRun)
    .map((q) => {
      const times = responses.filter((r) => r.i === q.i && (measured.length ? r.run > 0 : true)).map((r) => r.ms);
      const answered = responses.some((r) => r.run === q.run && r.i === q.i);
      return { sql: q.sql, bindings: q.bindings, ms: summarize(times).p50, stuck: !answered };
    });
  const counted = measured.length ? measured : runsDone;
  // Per run, the time some statement was in flight (their intervals merged, as the statements of one
  // read run side by side on PostgreSQL's pool) and the rest.
  const sql = counted.map((run) => inFlight(responses.filter((r) => r.run === run.run)));
  return {
    id,
    runs: counted.length,
    timedOut: state.timedOut,
    totalMs: summarize(counted.map((l) => l.ms)).p50,
    sqlMs: summarize(sql).p50,
    jsMs: summarize(counted.map((run, k) => run.ms - sql[k])).p50,
    statements,
  };
}

/** How long at least one of these statements ({ from, ms }) was in flight. */
function inFlight(statements) {
  const spans = statements.map((s) => [s.from, s.from + s.ms]).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/**
 * `direct` (directStore.mjs) asks for the plans. Returns { [cell id]: { runs, totalMs, sqlMs (some
 * statement in flight), jsMs (none in flight), timedOut, statements: [{ sql, bindings, ms, stuck, plan }] } },
 * the times medians over the measured runs.
 */
export async function diagnose({ store, direct, cells, runs = 15, budgetMs = 5000, timeoutMs = 30_000 }) {
  const byCell = await collect(store, cells, { runs, budgetMs, timeoutMs });
  const out = {};
  for (const c of cells) {
    const d = { ...summarizeCell(c.id, byCell.get(c.id)), timeoutSeconds: timeoutMs / 1000 };
    for (const s of d.statements) {
      try {
        // A statement that never finished is only planned, not run again.
        s.plan = await direct.explain(s.sql, s.bindings, { analyze: !s.stuck, timeoutMs });
      } catch (err) {
        s.plan = [`(no plan: ${err.message})`];
      }
    }
    out[c.id] = d;
  }
  return out;
}
