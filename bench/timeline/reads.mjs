// The read cells of `yarn bench:timeline`: term searches timed over HTTP beside the naive design run
// directly on the same store, searches narrowed by service and time, annotations; and, for the reads
// over their target, where the time goes (diagnose.mjs). `ctx` carries the run's settings:
// { tenant, adminKey, startServer(store), searchTiming, naiveTiming, requestTimeoutMs, annotationLimit, log }.
import { URLSearchParams } from 'node:url';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, removeTempDir, startNode, stopProcess, tempDir, waitReady } from '../processes.mjs';
import { DATA_END, DAY_MS, PLANTED, servicesByShare } from './dataset.mjs';
import { diagnose, endOtherBackends } from './diagnose.mjs';
import { naiveSearchSql } from './directStore.mjs';
import { timeSequential } from './timing.mjs';
import { parse as parseYaml } from 'yaml';

const qs = (params) => new URLSearchParams(params).toString();
const sendFloorJs = join(dirname(fileURLToPath(import.meta.url)), 'sendFloor.mjs');
const timingClientJs = join(dirname(fileURLToPath(import.meta.url)), 'timingClient.mjs');
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** How many stored rows each planted term matches, counted through the text index. */
export async function termCounts(ctx, direct) {
  const out = {};
  for (const { term } of PLANTED) {
    const rows =
      direct.dialect === 'sqlite'
        ? await direct.query('SELECT count(*) AS n FROM events_fts WHERE events_fts MATCH ?', [`"${term}"*`])
        : await direct.query(
            "SELECT count(*) AS n FROM events WHERE tenant = ? AND search @@ to_tsquery('simple', ?)",
            [ctx.tenant, `'${term}':*`],
          );
    out[term] = Number(rows[0].n);
  }
  return out;
}

/**
 * Times `GET path` from a fresh client process (timingClient.mjs), not from the runner: the runner
 * loaded the store, and its garbage collector's pauses would land inside the requests it times.
 * Resolves with { n, p50, p99, max, bytes, text, paging } (text: the first answer; paging: the machine's
 * page-ins while it measured, see timingClient.mjs), or fails as timeGet does.
 */
async function timeInClient(ctx, baseUrl, headers, path) {
  const proc = startNode(timingClientJs, {
    env: {
      ...process.env,
      BENCH_TL_TIMING: JSON.stringify({
        baseUrl,
        headers,
        path,
        timing: ctx.searchTiming,
        timeoutMs: ctx.requestTimeoutMs,
      }),
    },
  });
  let stdout = '';
  proc.child.stdout.on('data', (chunk) => (stdout += chunk));
  const exit = await proc.exited;
  let r;
  try {
    r = JSON.parse(stdout.trim().split('\n').pop());
  } catch {
    throw new Error(`the timing client exited ${JSON.stringify(exit)} without figures: ${proc.output().slice(-1000)}`);
  }
  if (r.error) throw Object.assign(new Error(r.error), { status: r.status, timedOut: r.timedOut });
  return r;
}

/**
 * The server a cell talks to. A request that gets no answer within ctx.requestTimeoutMs may leave the
 * server busy with it (SQLite runs a statement to its end on the server's only thread), so the server
 * is then replaced by a fresh process on the same store before the next cell.
 */
function serverSlot(ctx, store, servers) {
  const slot = {
    headers: { authorization: `Bearer ${ctx.adminKey}` },
    url: () => servers[0].url,
    restarts: 0,
    async restart() {
      await stopProcess(servers[0].proc, 1000);
      if (store.database) await endOtherBackends(store.database); // the statement may still be running there
      servers[0] = await ctx.startServer(store);
      slot.restarts++;
    },
  };
  return slot;
}

/** Times one HTTP cell; a failure or a timeout becomes the cell's figure instead of ending the run. */
async function httpCell(ctx, slot, cell) {
  try {
    const r = await timeInClient(ctx, slot.url(), slot.headers, cell.path);
    const json = JSON.parse(r.text);
    const out = {
      ...cell,
      n: r.n,
      p50: r.p50,
      p99: r.p99,
      max: r.max,
      bytes: r.bytes,
      paging: r.paging,
      warmup: r.warmup,
    };
    if (cell.kind === 'annotations') out.firstText = r.text;
    if (json.events) out.returned = json.events.length;
    if (json.annotations) {
      const from = Date.parse(cell.query.from);
      out.returned = json.annotations.length;
      out.ranges = json.annotations.filter((a) => a.timeEnd !== undefined).length;
      out.open = json.annotations.filter((a) => a.open).length;
      out.straddling = json.annotations.filter((a) => a.time < from).length;
      out.truncated = json.truncated; // what the answer itself says (absent before the server said it)
    }
    ctx.log(`${cell.label}: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (n=${r.n})`);
    return out;
  } catch (err) {
    ctx.log(`${cell.label}: failed: ${err.message}`);
    if (err.timedOut) {
      ctx.log(`${cell.label}: replacing the server process, which may still be busy with that request`);
      await slot.restart();
      return { ...cell, timedOut: true, timeoutSeconds: ctx.requestTimeoutMs / 1000, error: err.message };
    }
    return { ...cell, error: err.message };
  }
}

export async function measureReads(ctx, store, servers, direct) {
  const slot = serverSlot(ctx, store, servers);
  const naiveSql = naiveSearchSql(store.dialect);
  const busiest = servicesByShare[0].service;
  const median = servicesByShare[Math.floor(servicesByShare.length / 2)].service;
  const day = { from: new Date(DATA_END - DAY_MS).toISOString(), to: new Date(DATA_END).toISOString() };
  const sixHours = { from: new Date(DATA_END - 6 * 3_600_000).toISOString(), to: new Date(DATA_END).toISOString() };
  const out = { termOnly: [], serviceDay: [], annotations: [] };
  for (const p of PLANTED) {
    const query = { q: p.term, limit: '100' };
    const cell = await httpCell(ctx, slot, {
      kind: 'search',
      label: `${store.dialect}: q=${p.term} (${p.label})`,
      term: p.term,
      share: p.label,
      query,
      path: `/v1/events?${qs(query)}`,
    });
    const params = [ctx.tenant, `%${p.term}%`];
    const naive = await timeSequential(() => direct.query(naiveSql, params), ctx.naiveTiming);
    ctx.log(`${store.dialect}: naive %${p.term}%: p50 ${naive.p50.toFixed(1)} ms, p99 ${naive.p99.toFixed(1)} ms`);
    out.termOnly.push({
      ...cell,
      naive: { n: naive.n, p50: naive.p50, p99: naive.p99, max: naive.max, returned: naive.first.length },
      naivePlan: await direct.explain(naiveSql, params),
    });
  }
  for (const p of PLANTED) {
    const query = { q: p.term, service: busiest, ...day, limit: '100' };
    out.serviceDay.push(
      await httpCell(ctx, slot, {
        kind: 'search',
        label: `${store.dialect}: q=${p.term} service=${busiest} last 24 h`,
        term: p.term,
        share: p.label,
        service: busiest,
        query,
        path: `/v1/events?${qs(query)}`,
      }),
    );
  }
  const annotationCells = async (runbooks) => {
    for (const [role, service] of [
      ['busiest', busiest],
      ['median', median],
    ]) {
      const query = { service, ...sixHours };
      const cell = await httpCell(ctx, slot, {
        kind: 'annotations',
        label: `${store.dialect}: annotations service=${service} (${role}) last 6 h${runbooks ? ', with runbooks' : ''}`,
        role,
        runbooks,
        service,
        query,
        path: `/v1/annotations?${qs(query)}`,
      });
      // What the window holds, to tell whether the answer can be complete within its limit.
      const [inWindow] = await direct.query(
        'SELECT count(*) AS n FROM events WHERE tenant = ? AND service = ? AND occurred_at BETWEEN ? AND ?',
        [ctx.tenant, service, Date.parse(sixHours.from), Date.parse(sixHours.to)],
      );
      const floor = cell.error ? null : await sendFloor(ctx, cell.firstText);
      delete cell.firstText;
      out.annotations.push({ ...cell, floor, eventsInWindow: Number(inWindow.n), limit: ctx.annotationLimit });
    }
  };
  await annotationCells(0);
  // A tenant that uses runbooks has its alerts and incidents drawn with the runbook that applies now.
  await annotationCells(await registerRunbooks(ctx, servers[0].url));
  out.serverRestarts = slot.restarts;
  return out;
}

/** Registers the project's runbooks (runbooks/*.md) for the tenant through `PUT /v1/runbooks/{id}`; how many. */
async function registerRunbooks(ctx, url) {
  const dir = join(root, 'runbooks');
  let n = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
    const text = readFileSync(join(dir, file), 'utf8');
    const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
    if (!m) throw new Error(`runbooks/${file}: no frontmatter`);
    const frontmatter = parseYaml(m[1]);
    const res = await fetch(`${url}/v1/runbooks/${encodeURIComponent(frontmatter.id)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ctx.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ frontmatter, markdown: m[2] }),
    });
    if (!res.ok) throw new Error(`PUT runbook ${frontmatter.id}: ${res.status} ${await res.text()}`);
    n++;
  }
  ctx.log(`registered ${n} runbooks from runbooks/`);
  return n;
}

/**
 * The same answer (as JSON of the same length) sent by a bare Fastify process from memory, timed the
 * same way: the part of a read's time that is the answer's size alone.
 */
async function sendFloor(ctx, text) {
  const dir = await tempDir('timeline-floor');
  const file = join(dir, 'body.json');
  writeFileSync(file, text);
  const port = await freePort();
  const proc = startNode(sendFloorJs, {
    env: { ...process.env, BENCH_PORT: String(port), BENCH_BODY_FILE: file },
    keepStdinOpen: true,
  });
  try {
    await waitReady(proc, `http://127.0.0.1:${port}/ready`);
    const r = await timeInClient(ctx, `http://127.0.0.1:${port}`, {}, '/');
    ctx.log(`send floor for ${text.length} bytes: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (n=${r.n})`);
    return { n: r.n, p50: r.p50, p99: r.p99, bytes: r.bytes };
  } finally {
    await stopProcess(proc, 1000);
    await removeTempDir(dir);
  }
}

/** Per-statement time and plan of every read cell, with the server's code in a child process. */
export async function diagnoseReads(ctx, store, direct, reads) {
  // Each read with the tenant's runbooks only if it was timed with them (the child places as the server does).
  const cells = [...reads.termOnly, ...reads.serviceDay, ...reads.annotations].map((c) => ({
    id: c.label,
    kind: c.kind,
    query: c.query,
    runbooks: c.runbooks ?? 0,
  }));
  return diagnose({ store: { ...store, tenant: ctx.tenant }, direct, cells, timeoutMs: ctx.requestTimeoutMs });
}
