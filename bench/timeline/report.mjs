// Turns one `yarn bench:timeline` run into its section of docs/BENCHMARKS.md, between its own markers
// (placed after `yarn bench`'s section the first time); nothing outside the markers is touched.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DATA_END, DATA_START, PLANTED, servicesByShare } from './dataset.mjs';
import { WARM_FIRST } from './timing.mjs';

export const BEGIN = '<!-- bench-timeline:begin -->';
export const END = '<!-- bench-timeline:end -->';
const AFTER = '<!-- bench:end -->';

const TARGETS = { searchP99: 20, speedUp: 50, annotationsP99: 10 };
const name = { sqlite: 'SQLite', postgres: 'PostgreSQL' };
const int = (n) => (n === null || n === undefined || Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US'));
const ms = (n) => (n === null || n === undefined ? '–' : n < 10 ? n.toFixed(2) : n.toFixed(1));
const x = (n) =>
  n === null || n === undefined || !Number.isFinite(n) ? '–' : `${n < 10 ? n.toFixed(1) : Math.round(n)}×`;
const pct = (n) => (n === null || n === undefined ? '–' : `${Math.round(n * 100)} %`);
const share = (n, total) => `${((n / total) * 100).toFixed(n / total < 0.01 ? 2 : 1)} %`;
const verdict = (ok) => (ok ? 'MET' : '**MISSED**');
const esc = (s) => String(s).replace(/\|/g, '\\|');
/** A failed cell's text: no answer in time, or the error. */
const failure = (c) =>
  c.timedOut ? `**no answer within ${c.timeoutSeconds} s**` : `**failed**: ${esc(c.error.slice(0, 160))}`;
const p99Text = (c) => (c.timedOut ? `> ${c.timeoutSeconds} s (no answer)` : c.error ? 'failed' : `${ms(c.p99)} ms`);

/** A short name for a statement the read path sent, from what it asks for. */
function statementName(sql) {
  const s = sql.toLowerCase();
  if (s.includes('chain_heads')) return 'snapshot: chain head';
  if (s.includes('event_ranges')) return 'ranges reaching into the window';
  if (s.includes('between')) return 'points in window';
  if (s.includes('order by')) return 'page of events';
  return 'statement';
}

/** Every target as a row: what, measured, target, verdict. */
function verdictsOf(results) {
  const out = [];
  for (const r of results) {
    if (!r.reads) {
      out.push({
        what: `${name[r.dialect]}: every target`,
        measured: 'no figure',
        target: '–',
        verdict: '**MISSED** (did not run)',
      });
      continue;
    }
    for (const c of r.reads.termOnly) {
      if (c.share === '30 %') continue;
      out.push({
        what: `${name[r.dialect]}: term-only search, ${c.share} term, p99`,
        measured: p99Text(c),
        target: `≤ ${TARGETS.searchP99} ms`,
        verdict: verdict(!c.error && c.p99 <= TARGETS.searchP99),
      });
    }
    const rare = r.reads.termOnly.find((c) => c.share === '0.1 %');
    const up = rare && !rare.error ? rare.naive.p50 / rare.p50 : null;
    out.push({
      what: `${name[r.dialect]}: 0.1 % term, naive p50 / Ballast p50`,
      measured: up === null ? 'no figure' : `${x(up)} (p99 / p99: ${x(rare.naive.p99 / rare.p99)})`,
      target: `≥ ${TARGETS.speedUp}×`,
      verdict: verdict(up !== null && up >= TARGETS.speedUp),
    });
    for (const c of r.reads.annotations) {
      out.push({
        what: `${name[r.dialect]}: annotations, 6 h, ${c.role} service (${c.service})${c.runbooks ? `, tenant with ${c.runbooks} runbooks` : ''}, p99`,
        measured: p99Text(c),
        target: `≤ ${TARGETS.annotationsP99} ms`,
        verdict: verdict(!c.error && c.p99 <= TARGETS.annotationsP99),
      });
    }
  }
  return out;
}

/** The cells worth explaining: those over their target, and any other read slower than 20 ms at p99. */
function slowCells(r) {
  const cells = [];
  for (const c of r.reads.termOnly) if (c.error || c.p99 > TARGETS.searchP99) cells.push(c);
  for (const c of r.reads.serviceDay) if (c.error || c.p99 > TARGETS.searchP99) cells.push(c);
  for (const c of r.reads.annotations) if (c.error || c.p99 > TARGETS.annotationsP99) cells.push(c);
  return cells;
}

/** Which annotations cell: the service's role, and the tenant's runbooks when it had them. */
const roleText = (c) => (c.runbooks ? `${c.role}, with ${c.runbooks} runbooks` : c.role);

function cellText(c) {
  if (c.kind === 'annotations')
    return `annotations, ${c.role} service \`${c.service}\`, last 6 h${c.runbooks ? `, tenant with ${c.runbooks} runbooks` : ''}`;
  return c.service
    ? `\`q=${c.term}\` (${c.share}) + \`service=${c.service}\` + last 24 h`
    : `\`q=${c.term}\` (${c.share})`;
}

function breakdown(results) {
  const out = [];
  for (const r of results.filter((x) => x.diagnosis)) {
    const cells = slowCells(r);
    out.push(`#### ${name[r.dialect]}`, '');
    if (cells.length === 0) {
      out.push('Every read cell met its target; nothing to explain.', '');
      continue;
    }
    out.push(
      '| read | in process, total ms | SQL statements, median ms each | some statement in flight, ms | none in flight (JS: parse, pair, build, encode), ms |',
      '| --- | ---: | --- | ---: | ---: |',
    );
    for (const c of cells) {
      const d = r.diagnosis[c.label];
      if (!d || d.error) {
        out.push(`| ${cellText(c)} | – | ${esc(d?.error ?? 'not diagnosed')} | – | – |`);
        continue;
      }
      const sts = d.statements
        .map((s) => `${statementName(s.sql)} ${s.stuck ? '**still running when stopped**' : ms(s.ms)}`)
        .join('; ');
      const total = d.timedOut ? `> ${d.timeoutSeconds} s, stopped` : ms(d.totalMs);
      out.push(
        `| ${cellText(c)} | ${total} | ${sts} | ${d.timedOut ? '–' : ms(d.sqlMs)} | ${d.timedOut ? '–' : ms(d.jsMs)} |`,
      );
    }
    out.push('');
    // Plans of the statements that matter: one still running when stopped, or any taking 10 ms or more
    // (three per read at most); a statement whose text and plan were shown already is only named.
    const shown = new Map();
    for (const c of cells) {
      const d = r.diagnosis[c.label];
      if (!d?.statements?.length) continue;
      const worth = d.statements
        .filter((s) => s.stuck || (s.ms ?? 0) >= 10)
        .sort((a, b) => (b.stuck ? Infinity : b.ms) - (a.stuck ? Infinity : a.ms))
        .slice(0, 3);
      for (const st of worth) {
        const time = st.stuck ? `still running after ${d.timeoutSeconds} s` : `${ms(st.ms)} ms`;
        const key = `${st.sql}\n${st.plan.join('\n')}`;
        if (shown.has(key)) {
          out.push(
            `${cellText(c)}, ${statementName(st.sql)} (${time}): the same statement and plan as for ${shown.get(key)}.`,
            '',
          );
          continue;
        }
        shown.set(key, cellText(c));
        out.push(
          `${cellText(c)}, ${statementName(st.sql)} (${time}):`,
          '',
          '```sql',
          st.sql,
          '```',
          '',
          '```text',
          ...st.plan.slice(0, 40),
          '```',
          '',
        );
      }
    }
  }
  return out;
}

export function render({ meta, settings, results }) {
  const ok = results.filter((r) => r.reads);
  const verdicts = verdictsOf(results);
  const out = [];
  out.push('## Timeline at scale: search, annotations, stream', '');
  out.push(
    `How search, annotations and the live stream hold up with a million events in the store. Rerun with \`yarn bench:timeline\` (about 25–30 minutes; needs PostgreSQL at \`BENCH_PG_URL\`, default \`postgres://postgres@127.0.0.1:5432/test\`, where it creates and drops its own \`ballast_benchtl_*\` database). Everything between this section's markers is rewritten by each run. Knobs, for investigating rather than for the published figures: \`BENCH_TL_EVENTS\` (default 1,000,000), \`BENCH_TL_ONLY=sqlite|postgres\`, \`BENCH_TL_SEED_CONNECTIONS\` (default 3), \`BENCH_TL_SUBSCRIBERS\` (default 50), \`BENCH_TL_STREAM_SECONDS\` (default 10), \`BENCH_TL_TIMEOUT\` (seconds a read may take, default 30). Raw figures, with every statement and plan, go to \`bench/results/timeline-*.json\` (not committed).`,
    '',
  );
  out.push('### What runs', '');
  out.push(
    `- **Ballast**: \`node backend/server/dist/server.js\`, freshly built (and copied to \`bench/timeline/dist/\` so that a rebuild during the run cannot change it), BALLAST_LOG_LEVEL=warn, admin key from BALLAST_BOOTSTRAP_ADMIN_KEY; SQLite in a fresh temp dir (WAL, synchronous=FULL), PostgreSQL in a fresh database. One store per dialect, loaded once and then read.`,
    `- **Data**: ${int(settings.events)} events posted through \`POST /v1/events\` in batches of ${int(settings.seedBatch)} (${settings.seedConnections} requests in flight), occurring over the 30 days ${new Date(DATA_START).toISOString().slice(0, 10)} – ${new Date(DATA_END).toISOString().slice(0, 10)}: ${servicesByShare.length} services with a long-tailed share (the busiest, \`${servicesByShare[0].service}\`, ${pct(servicesByShare[0].share)}; the median, \`${servicesByShare[Math.floor(servicesByShare.length / 2)].service}\`, ${pct(servicesByShare[Math.floor(servicesByShare.length / 2)].share)}), production / staging / dev, Sentry errors, Alertmanager alerts (triggered, sometimes re-sent, resolved minutes to hours later), GitHub deploys (started, then succeeded or failed), Argo CD syncs with their own \`endedAt\`, PagerDuty incidents (triggered, resolved up to 3 days later), flag and config changes, Grafana annotations; 4–5 tags each. Starts and ends share \`alertFingerprint\` / \`deploymentId\` / \`incidentId\`; some never end and some end after the data does, so ranges are open at the end of the data and straddle any window. Three made-up words are planted in titles or descriptions so that a term matches about 0.1 %, 5 % and 30 % of the rows.`,
    `- **Reads** are timed as sequential requests, one in flight, over one kept-alive connection, by the leanest client that can time them: the request's bytes written to the socket, the answer's \`content-length\` read and its body counted (\`httpGetter\` in \`bench/timeline/timing.mjs\`; runs before 2026-11-24 03:20 used Node's \`http\` client, which costs some 0.3 ms of CPU more per answer, CPU the 2 cores' server and database then waited for: alternated against one server on a million events, the median service's annotations read p50 / p99 4.70 / 14.7 ms through \`http\`, 3.92 / 12.8 ms through this one, 2,400 reads each), from a client process started for each cell (\`bench/timeline/timingClient.mjs\`; runs before 2026-11-23 14:00 timed from the process that had loaded the store, whose garbage collector then paused inside the timed requests), which keeps no answer but the first and collects its own garbage every 50 requests, between them and untimed (runs before 2026-11-23 22:30 joined every answer into one buffer and let the client's collector run when it would: about one request in 230 of a 137 KB answer then took 4–8 ms longer; alternating the two clients against one server, the median service's annotations read p50 0.25–0.8 ms lower with this one, p99 up to 2 ms lower on SQLite and within the noise on PostgreSQL), after up to ${int(settings.search.warmup)} unmeasured ones (${settings.search.warmupBudgetMs / 1000} s at most; runs before 2026-11-24 03:20 sent 10, 3 s at most, and so timed a server still new to the request: a server process keeps getting faster at a read over its first thousand or two of it, see the annotations table's first reads): up to ${settings.search.samples} per cell (at least ${settings.search.minSamples}, fewer than ${settings.search.samples} only when the cell took longer than ${settings.search.budgetMs / 1000} s); n says how many, and with n below 100 the p99 is the slowest request. The time is from sending the request to having the answer's last byte; parsing the JSON is the client's work and not counted (runs before 2026-11-23 counted it: for the 700 KB annotations answer, some 4–5 ms). Caches are warm (the same request repeats).`,
    `- **Naive design**: the same rows without a text index: \`SELECT doc, occurred_at, seq FROM events WHERE tenant = ? AND (doc ILIKE '%term%') ORDER BY occurred_at DESC LIMIT 100\` on PostgreSQL (\`LIKE\` on SQLite, which ignores ASCII case), sent by the bench process over its own connection to the same database or file, ${settings.naive.warmup} unmeasured then up to ${settings.naive.samples} sequential runs (${settings.naive.budgetMs / 1000} s at most). The comparison favours the naive side: its figure has no HTTP, no auth, no validation and no JSON answer to build.`,
    `- **No answer**: a read with no answer within ${settings.requestTimeoutMs / 1000} s is reported as such and counts as a miss; the server process is then replaced by a fresh one on the same store before the next read (SQLite runs a statement to its end on the server's only thread, so the old process would stay busy).`,
    `- **Where the time goes**: for every read over its target, the server's own read path (bundled from \`backend/server/src\`) runs in a child process against the same store (with the tenant's service mappings and runbooks placed as the server places them, and the answer encoded into the bytes it sends), each SQL statement timed through knex's query events (median of up to 15 runs after up to 11 unmeasured ones, so that its JavaScript is compiled as in a server that has answered such reads before); "some statement in flight" counts overlapping statements once (PostgreSQL runs an annotations read's two statements side by side), "none in flight" is the rest of the read: JavaScript. The slowest statement's plan is shown: \`EXPLAIN (ANALYZE, BUFFERS)\` on PostgreSQL, \`EXPLAIN QUERY PLAN\` on SQLite. A read still running after ${settings.requestTimeoutMs / 1000} s is stopped there, and the statement it was in is named.`,
    `- **Stream fan-out**: ${settings.subscribers} subscribers on \`GET /v1/events/stream\` (\`accept: text/event-stream\`, no filters), spread evenly over the server processes (PostgreSQL: two processes on the same database, so half the deliveries cross processes through \`LISTEN\`/\`NOTIFY\`; SQLite: one process); one writer posts batches of ${settings.streamBatch} to the first process, one at a time, for ${settings.streamSeconds} s. Delay: from the writer having the \`201\` to a subscriber having the event (a negative delay means the event arrived before the acknowledgement did). Subscribers, writer and servers share the machine's cores.`,
    '',
  );

  out.push('### Latest run', '');
  out.push(`- command: \`${meta.command}\``);
  out.push(
    `- commit: \`${meta.commit}\`${meta.dirty ? ` with uncommitted changes (${meta.dirtyPaths ? meta.dirtyPaths.map((p) => `\`${p}\``).join(', ') : `${meta.dirty} paths changed or untracked`})` : ' (clean tree)'}`,
  );
  if (meta.backendChanges?.length) {
    out.push(
      `- uncommitted paths under \`backend/\` when the server was built (${meta.backendChanges.length}), so the figures are of that tree: ${meta.backendChanges.map((p) => `\`${p}\``).join(', ')}`,
    );
  }
  out.push(
    `- server bundle: \`backend/server/dist/server.js\` as built at the start of the run, sha256 \`${meta.serverSha}…\``,
  );
  out.push(`- date: ${meta.date} (took ${Math.round(meta.tookSeconds / 60)} min)`);
  out.push(`- machine: ${meta.cpu}, ${meta.cores} cores, ${meta.memoryGb} GB memory, ${meta.os}; Node ${meta.node}`);
  out.push(
    `- load average (1 / 5 / 15 min) before the run: ${meta.loadBefore.map((n) => n.toFixed(2)).join(' / ')}, after: ${meta.loadAfter.map((n) => n.toFixed(2)).join(' / ')}`,
  );
  out.push(`- temp dirs (SQLite files) on: ${meta.tmpFs}`);
  out.push(`- PostgreSQL: ${meta.postgres}`);
  out.push('');

  out.push('### Configuration and data', '');
  out.push(
    '| store | events stored | store size | loading through the API | after loading | planted terms: rows the index matches |',
    '| --- | ---: | ---: | --- | --- | --- |',
  );
  for (const r of results) {
    if (!r.seed) {
      out.push(`| ${name[r.dialect]} | **did not run**: ${esc(r.error ?? 'unknown')} | | | | |`);
      continue;
    }
    const terms = r.termCounts
      ? PLANTED.map(
          (p) => `${p.term} ${int(r.termCounts[p.term])} (${share(r.termCounts[p.term], r.storedRows)})`,
        ).join(', ')
      : '–';
    out.push(
      `| ${name[r.dialect]} | ${int(r.storedRows)} | ${r.storeBytes ? `${(r.storeBytes / 2 ** 30).toFixed(2)} GB` : '–'} | ${int(r.seed.eventsPerSecond)} events/s, ${Math.round(r.seed.seconds)} s${r.seed.retries ? `, ${r.seed.retries} batch retries` : ''} | ${r.dialect === 'postgres' ? `\`VACUUM (ANALYZE)\` of events, event_tags and event_ranges (${r.vacuumSeconds?.toFixed(0)} s), what autovacuum does by itself on a store that has taken events for 30 days${r.checkpointSeconds === undefined ? '' : `; then a \`CHECKPOINT\` (${r.checkpointSeconds.toFixed(0)} s), so that the reads are not timed against the loading's write-back, which such a store does not have`}` : r.restartSeconds === undefined ? 'nothing' : `the server restarted (${r.restartSeconds.toFixed(0)} s to ready): it gathers planner statistics at start and hourly (\`PRAGMA optimize\`), so a long-running server has them; statistics then held for ${r.statTables?.length ? r.statTables.map((t) => `\`${t}\``).join(', ') : 'no table'}`} | ${terms} |`,
    );
  }
  const counts = ok[0]?.dataset;
  if (counts) {
    out.push('');
    out.push(
      `Events by kind: ${Object.entries(counts.kinds)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${share(n, counts.events)}`)
        .join(', ')}; ranges left open: ${int(counts.openRanges)}.`,
    );
  }
  out.push('');

  out.push('### Term-only search over the 30 days (`GET /v1/events?q=<term>&limit=100`)', '');
  out.push(
    '| store | term (share of rows) | Ballast p50 ms | Ballast p99 ms | n | naive p50 ms | naive p99 ms | n | speed-up p50 / p50 | speed-up p99 / p99 |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of ok) {
    for (const c of r.reads.termOnly) {
      if (c.error) {
        out.push(
          `| ${name[r.dialect]} | \`${c.term}\` (${c.share}) | ${failure(c)} | | | ${ms(c.naive.p50)} | ${ms(c.naive.p99)} | ${c.naive.n} | | |`,
        );
        continue;
      }
      out.push(
        `| ${name[r.dialect]} | \`${c.term}\` (${c.share}) | ${ms(c.p50)} | ${ms(c.p99)} | ${c.n} | ${ms(c.naive.p50)} | ${ms(c.naive.p99)} | ${c.naive.n} | ${x(c.naive.p50 / c.p50)} | ${x(c.naive.p99 / c.p99)} |`,
      );
    }
  }
  out.push('');
  out.push('### Search with a service, the last 24 hours and a term', '');
  out.push('| store | request | p50 ms | p99 ms | n | events returned |', '| --- | --- | ---: | ---: | ---: | ---: |');
  for (const r of ok) {
    for (const c of r.reads.serviceDay) {
      out.push(
        c.error
          ? `| ${name[r.dialect]} | ${cellText(c)} | ${failure(c)} | | | |`
          : `| ${name[r.dialect]} | ${cellText(c)} | ${ms(c.p50)} | ${ms(c.p99)} | ${c.n} | ${c.returned} |`,
      );
    }
  }
  out.push('');
  out.push('### Annotations for 6 hours of one service (`GET /v1/annotations?from&to&service=`)', '');
  out.push(
    'The window is the last 6 hours of the data, where ranges begun earlier are still open or end inside it. The column after n is the same request while the server was new to it: the first ' +
      WARM_FIRST +
      " of the cell's unmeasured warm-up requests. The last column is the floor under any server: the same answer (JSON of the same length) sent from memory, as bytes already encoded, by a bare Fastify process (`bench/timeline/sendFloor.mjs`), timed the same way on the same machine.",
    '',
    '| store | service | p50 ms | p99 ms | n | its first reads, p50 / p99 ms (n) | events of the service in the window | annotations | of which ranges | open | begun before the window | answer | the same answer from a bare Fastify, p50 / p99 ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of ok) {
    for (const c of r.reads.annotations) {
      out.push(
        c.error
          ? `| ${name[r.dialect]} | \`${c.service}\` (${roleText(c)}) | ${failure(c)} | | | | ${int(c.eventsInWindow)} | | | | | | |`
          : `| ${name[r.dialect]} | \`${c.service}\` (${roleText(c)}) | ${ms(c.p50)} | ${ms(c.p99)} | ${c.n} | ${c.warmup?.n ? `${ms(c.warmup.p50)} / ${ms(c.warmup.p99)} (${c.warmup.n})` : '–'} | ${int(c.eventsInWindow)} | ${int(c.returned)} | ${int(c.ranges)} | ${int(c.open)} | ${int(c.straddling)} | ${int(Math.round(c.bytes / 1000))} KB | ${c.floor ? `${ms(c.floor.p50)} / ${ms(c.floor.p99)}` : '–'} |`,
      );
    }
  }
  const cut = ok.flatMap((r) => r.reads.annotations.filter((c) => c.eventsInWindow > c.limit).map((c) => [r, c]));
  if (cut.length > 0) {
    // Which events are left out depends on the order of the points-in-window statement the server sent.
    const order = ok
      .flatMap((r) => Object.values(r.diagnosis ?? {}))
      .flatMap((d) => d.statements ?? [])
      .map((st) => (statementName(st.sql) === 'points in window' ? /order by \S+ (asc|desc)/i.exec(st.sql)?.[1] : null))
      .find(Boolean)
      ?.toLowerCase();
    const which =
      order === 'desc'
        ? 'newest first, so the oldest events of the window are left out of the answer'
        : order === 'asc'
          ? 'oldest first, so the newest events of the window are left out of the answer'
          : 'so some events of the window are left out of the answer';
    out.push(
      '',
      `Incomplete answers: ${cut.map(([r, c]) => `${name[r.dialect]} \`${c.service}\` (${int(c.eventsInWindow)} events in the window${c.truncated === true ? ', the answer says `"truncated": true`' : c.truncated === false ? ', yet the answer says `"truncated": false`' : ''})`).join(', ')}. The points-in-window query reads at most \`limit\` rows (default ${int(cut[0][1].limit)}), ${which}, and so are the ranges that begin among them.`,
    );
  }
  const paged = ok.flatMap((r) => r.reads.annotations.filter((c) => c.paging).map((c) => [r, c]));
  if (paged.length > 0) {
    out.push(
      '',
      `Paging while each cell measured, on the whole machine (\`/proc/vmstat\`: file pages read back from disk after the kernel had dropped them, \`workingset_refault_file\`; major page faults, \`pgmajfault\`): ${paged.map(([r, c]) => `${name[r.dialect]} \`${c.service}\` (${roleText(c)}) ${int(c.paging.refaults)} / ${int(c.paging.majorFaults)}`).join('; ')}. Whichever process needed such a page waited for the disk to have it back.`,
    );
  }
  out.push('');
  out.push('### Stream fan-out', '');
  out.push(
    '| store | processes × subscribers | events written (events/s) | deliveries (expected) | deliveries/s, all subscribers | delay after ack p50 / p99 / max ms | delay after send p50 / p99 ms | complete, in order, once | server CPU (1 core = 100 %) | client CPU | machine busy |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  );
  for (const r of ok) {
    const s = r.stream;
    if (!s || s.error) {
      out.push(`| ${name[r.dialect]} | | **failed**: ${esc(s?.error ?? 'did not run')} | | | | | | | | |`);
      continue;
    }
    const intact =
      s.incompleteSubscribers === 0 && s.duplicates === 0 && s.outOfOrder === 0 && s.subscriberErrors.length === 0
        ? 'yes'
        : `**no**: ${s.incompleteSubscribers} incomplete, ${s.duplicates} duplicates, ${s.outOfOrder} out of order${s.subscriberErrors.length ? `, errors: ${esc(s.subscriberErrors.slice(0, 3).join('; '))}` : ''}`;
    out.push(
      `| ${name[r.dialect]} | ${s.processes} × ${s.subscribers / s.processes} | ${int(s.written)} (${int(s.writtenPerSecond)}) | ${int(s.deliveries)} (${int(s.expectedDeliveries)}) | ${int(s.deliveredPerSecond)} | ${ms(s.delayMs.p50)} / ${ms(s.delayMs.p99)} / ${ms(s.delayMs.max)} | ${ms(s.delayFromSendMs.p50)} / ${ms(s.delayFromSendMs.p99)} | ${intact} | ${s.serverCpu.map(pct).join(' + ')} | ${pct(s.clientCpu)} | ${pct(s.machineBusy)} |`,
    );
  }
  const split = ok.find((r) => r.stream?.delayByProcess?.length > 1);
  if (split) {
    out.push(
      '',
      `PostgreSQL delay by process: the writer's own process p50 / p99 ${ms(split.stream.delayByProcess[0].p50)} / ${ms(split.stream.delayByProcess[0].p99)} ms, the other process (through \`NOTIFY\`) ${ms(split.stream.delayByProcess[1].p50)} / ${ms(split.stream.delayByProcess[1].p99)} ms.`,
    );
  }
  out.push('');
  out.push('### Against the targets', '');
  out.push('| what | measured | target | verdict |', '| --- | ---: | ---: | --- |');
  for (const v of verdicts) out.push(`| ${v.what} | ${v.measured} | ${v.target} | ${v.verdict} |`);
  out.push('');
  out.push('### Where the time goes in the reads over their target (in process, median of repeated runs)', '');
  out.push(...breakdown(ok));
  return { markdown: out.join('\n').trimEnd(), verdicts };
}

/** Replaces the text between this section's markers, adding the markers after `yarn bench`'s section the first time. */
export async function writeSection(file, generated) {
  let body = generated;
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(file)) ?? {};
    body = (await prettier.format(generated, { ...options, parser: 'markdown' })).trimEnd();
  } catch {
    // prettier is a dev dependency of the root; without it the section is written as generated
  }
  const block = `${BEGIN}\n\n${body}\n\n${END}`;
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const s = existing.indexOf(BEGIN);
  const e = existing.indexOf(END);
  let text;
  if (s >= 0 && e > s) text = `${existing.slice(0, s)}${block}${existing.slice(e + END.length)}`;
  else {
    const at = existing.indexOf(AFTER);
    text =
      at >= 0
        ? `${existing.slice(0, at + AFTER.length)}\n\n${block}${existing.slice(at + AFTER.length)}`
        : `${existing.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(file, text);
}
