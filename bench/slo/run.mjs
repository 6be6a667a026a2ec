// `yarn bench:slo`: status of 1,000 SLOs with 30 days of pushed SLI counts at 1-minute resolution, on
// SQLite and PostgreSQL. Builds the server, starts the production entry point on a fresh store, creates
// the SLOs and pushes their minutes through the public API, checks one status against the counts sent,
// then times `GET /v1/slos/status` (all SLOs at once) and `GET /v1/slos/{id}/status` (one at a time).
// Writes its section of docs/BENCHMARKS.md (between the bench-slo markers only). Not part of the tests.
//
//   BENCH_SLO_COUNT (default 1000)   BENCH_SLO_DAYS (default 30)   BENCH_SLO_RUNS (default 10)
//   BENCH_SLO_ONLY=sqlite|postgres   BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import {
  adminQuery,
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
} from '../processes.mjs';
import { describePostgres, gatherMachine } from '../machine.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const serverJs = join(here, 'dist/server.js');
const reportFile = join(root, 'docs/BENCHMARKS.md');
const COUNT = Number(process.env.BENCH_SLO_COUNT ?? 1000);
const DAYS = Number(process.env.BENCH_SLO_DAYS ?? 30);
const RUNS = Number(process.env.BENCH_SLO_RUNS ?? 10);
const ONLY = process.env.BENCH_SLO_ONLY;
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ADMIN_KEY = `benchslo-${randomBytes(16).toString('hex')}`;
const MIN = 60_000;
/** The pushed minutes end here; statuses are read as of this instant, so every window is full. */
const END = Math.floor(Date.now() / MIN) * MIN;
const MINUTES = DAYS * 1440;

const log = (line) => process.stderr.write(`[bench:slo] ${line}\n`);

function build() {
  log('building the server (yarn workspace @ballast/server build)');
  const b = spawnSync('yarn', ['workspace', '@ballast/server', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) throw new Error(`server build failed (exit ${b.status ?? b.error?.message})`);
  mkdirSync(dirname(serverJs), { recursive: true });
  copyFileSync(join(root, 'backend/server/dist/server.js'), serverJs);
}

const sloId = (i) => `svc-${i % 50}-slo-${i}`;
const totalPerMinute = (i) => 1000 + (i % 10) * 100;
/** A bad event every 700th minute; every tenth SLO also burns at 2 % through its last hour. */
const badAt = (i, m) => (i % 10 === 0 && m >= MINUTES - 60 ? totalPerMinute(i) / 50 : (m + i) % 700 === 0 ? 1 : 0);

/** The push body, built as text: 43,200 points would be slow through JSON.stringify of objects. */
function pushBody(i) {
  const parts = [];
  const total = totalPerMinute(i);
  for (let m = 0; m < MINUTES; m++) {
    const t = new Date(END - (MINUTES - m) * MIN).toISOString();
    parts.push(`{"timestamp":"${t}","good":${total - badAt(i, m)},"total":${total}}`);
  }
  return `{"points":[${parts.join(',')}]}`;
}

async function call(url, path, init = {}) {
  const res = await fetch(url + path, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...init.headers },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function timed(fn) {
  const t0 = process.hrtime.bigint();
  const out = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function runDialect(dialect) {
  const dir = await tempDir('slo');
  let db;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BALLAST_HOST: '127.0.0.1',
    BALLAST_PORT: String(await freePort()),
    BALLAST_DATA_DIR: dir,
    BALLAST_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    BALLAST_LOG_LEVEL: 'warn',
  };
  if (dialect === 'postgres') {
    db = await createDatabase('slo', 'ballast_benchslo');
    env.BALLAST_DATABASE_URL = databaseUrl(db);
  }
  const url = `http://127.0.0.1:${env.BALLAST_PORT}`;
  const proc = startNode(serverJs, { env, cwd: dir });
  try {
    await waitReady(proc, `${url}/health/ready`);
    log(`${dialect}: creating ${COUNT} SLOs`);
    for (let i = 0; i < COUNT; i++) {
      await call(url, '/v1/slos', {
        method: 'POST',
        body: JSON.stringify({
          id: sloId(i),
          service: `svc-${i % 50}`,
          name: `slo-${i}`,
          objective: 0.999,
          period: { kind: 'rolling', window: '30d' },
          sli: { kind: 'pushed' },
        }),
      });
    }
    log(`${dialect}: pushing ${DAYS} days of minutes for each (${(COUNT * MINUTES).toLocaleString('en')} points)`);
    const seed = await timed(async () => {
      let next = 0;
      const worker = async () => {
        while (next < COUNT) {
          const i = next++;
          await call(url, `/v1/slos/${sloId(i)}/sli`, { method: 'POST', body: pushBody(i) });
          if (i % 100 === 99) log(`${dialect}: ${i + 1} pushed`);
        }
      };
      await Promise.all([worker(), worker()]);
    });

    // A store filled over 30 days has been vacuumed by autovacuum many times over (migration 013 asks
    // for it after every 1 % of inserts); one filled in minutes has not, and its empty visibility map
    // would make every index-only read fetch heap pages. So PostgreSQL's tables are vacuumed here.
    let vacuumSeconds;
    if (dialect === 'postgres') {
      log(`${dialect}: VACUUM (ANALYZE) of the SLI tables`);
      const client = new pg.Client({ connectionString: env.BALLAST_DATABASE_URL });
      await client.connect();
      try {
        const v = await timed(() => client.query('VACUUM (ANALYZE) slo_sli_minute, slo_sli_hour, slo_sli_day'));
        vacuumSeconds = v.ms / 1000;
      } finally {
        await client.end();
      }
    }

    const at = new Date(END).toISOString();
    // One status checked against the counts sent: the period holds every minute pushed.
    const one = await call(url, `/v1/slos/${sloId(0)}/status?at=${at}`);
    const period = one.windows.find((w) => w.window === 'period');
    const sentBad = Array.from({ length: MINUTES }, (_, m) => badAt(0, m)).reduce((a, b) => a + b, 0);
    const check =
      period.total === MINUTES * totalPerMinute(0) &&
      period.total - period.good === sentBad &&
      one.tiers.find((t) => t.name === 'page_fast').firing === true;
    if (!check) throw new Error(`status of ${sloId(0)} does not match what was pushed: ${JSON.stringify(period)}`);

    log(`${dialect}: timing GET /v1/slos/status (${RUNS} runs after 2 warm-up)`);
    for (let w = 0; w < 2; w++) await call(url, `/v1/slos/status?at=${at}`);
    const all = [];
    let firing = 0;
    for (let r = 0; r < RUNS; r++) {
      const { ms, out } = await timed(() => call(url, `/v1/slos/status?at=${at}`));
      if (out.statuses.length !== COUNT) throw new Error(`expected ${COUNT} statuses, got ${out.statuses.length}`);
      firing = out.statuses.filter((s) => s.tiers.some((t) => t.firing)).length;
      all.push(ms);
    }
    const single = [];
    for (let r = 0; r < 200; r++) {
      const { ms } = await timed(() => call(url, `/v1/slos/${sloId((r * 37) % COUNT)}/status?at=${at}`));
      single.push(ms);
    }
    all.sort((a, b) => a - b);
    single.sort((a, b) => a - b);
    const size =
      dialect === 'sqlite'
        ? ['ballast.sqlite', 'ballast.sqlite-wal'].reduce(
            (n, f) => n + (statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? 0),
            0,
          )
        : Number((await adminQuery('select pg_database_size($1) as s', [db])).rows[0].s);
    return {
      dialect,
      seedSeconds: seed.ms / 1000,
      pointsPerSecond: (COUNT * MINUTES) / (seed.ms / 1000),
      allMs: { min: all[0], p50: pct(all, 50), max: all.at(-1) },
      singleMs: { p50: pct(single, 50), p99: pct(single, 99) },
      firing,
      storeBytes: size,
      vacuumSeconds,
    };
  } finally {
    await stopProcess(proc);
    if (db) await dropDatabase(db);
    await removeTempDir(dir);
  }
}

function render(machine, results, pgDescription) {
  const f = (n, d = 0) => n.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });
  const rows = results.map(
    (r) =>
      `| ${r.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${f(r.allMs.p50)} | ${f(r.allMs.min)} / ${f(r.allMs.max)} | ${r.allMs.max <= 1000 ? 'met' : '**missed**'} | ${f(r.singleMs.p50, 1)} / ${f(r.singleMs.p99, 1)} | ${r.firing} | ${f(r.seedSeconds)} s (${f(r.pointsPerSecond)} points/s) | ${f(r.storeBytes / 2 ** 20)} MB |`,
  );
  return `
## SLO status with pushed SLI data

How long the status of ${f(COUNT)} SLOs takes when each has ${DAYS} days of pushed good/total counts at 1-minute resolution (${f(COUNT * MINUTES)} minutes in all). Target: **all statuses at once ≤ 1 s**. Rerun with \`yarn bench:slo\` (knobs: \`BENCH_SLO_COUNT\`, \`BENCH_SLO_DAYS\`, \`BENCH_SLO_RUNS\`, \`BENCH_SLO_ONLY=sqlite|postgres\`, PostgreSQL at \`BENCH_PG_URL\` in fresh \`ballast_benchslo_*\` databases dropped afterwards). Raw figures: \`bench/slo/results/\` (not committed).

### What runs

- One fresh \`node backend/server/dist/server.js\` (built by \`yarn workspace @ballast/server build\`) and one fresh store per dialect, default configuration (SLO evaluation every minute included), BALLAST_LOG_LEVEL=warn.
- Through the public API: ${f(COUNT)} SLOs (99.9 %, rolling 30 d, pushed SLI, 50 services) by \`POST /v1/slos\`, then one \`POST /v1/slos/{id}/sli\` per SLO with all its ${f(MINUTES)} minutes (two pushes in flight). Each push also evaluates the SLO for events. Every tenth SLO burns at 2 % in its last hour, so its page tier fires.
- PostgreSQL only, after seeding: \`VACUUM (ANALYZE)\` of the three SLI tables${results.find((r) => r.vacuumSeconds) ? ` (took ${f(results.find((r) => r.vacuumSeconds).vacuumSeconds)} s)` : ''}. A store filled over 30 days has been vacuumed by autovacuum many times (migration 013 asks for it after every 1 % of inserts); one filled in half an hour has not, and its empty visibility map makes every index-only read of the covering indexes fetch heap pages.
- Checked before timing: one SLO's period window holds exactly the events and bad events pushed, and its page tier fires.
- Timed from the runner: \`GET /v1/slos/status?at=…\` (every SLO of the tenant, one answer) ${RUNS} times after 2 warm-up calls, and \`GET /v1/slos/{id}/status\` 200 times, one at a time. \`at\` is the end of the pushed data, so every window is full. Each window reads whole UTC days, then whole hours and minutes at its edges (daily and hourly sums are kept on every push); parts shared by windows are read once.

### Latest run

- command: \`yarn bench:slo\`
- commit: \`${machine.commit}\`${machine.dirty ? ` with uncommitted changes (${machine.dirtyPaths ? machine.dirtyPaths.map((p) => `\`${p}\``).join(', ') : `${machine.dirty} paths`})` : ''}
- date: ${machine.date}
- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB memory, ${machine.os}; Node ${machine.node}
- load average (1 / 5 / 15 min) before: ${machine.loadBefore.map((l) => l.toFixed(2)).join(' / ')}, after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}
- temp dirs (SQLite files) on: ${machine.tmpFs}${pgDescription ? `\n- PostgreSQL: ${pgDescription}` : ''}

| store | all ${f(COUNT)} statuses, p50 ms | min / max ms | ≤ 1 s | one status p50 / p99 ms | SLOs with a tier firing | seeding through the API | store size |
| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |
${rows.join('\n')}
`;
}

function writeSection(text) {
  const begin = '<!-- bench-slo:begin -->';
  const end = '<!-- bench-slo:end -->';
  const doc = readFileSync(reportFile, 'utf8');
  const block = `${begin}\n${text}\n${end}`;
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  const next = a >= 0 && b > a ? doc.slice(0, a) + block + doc.slice(b + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(reportFile, next);
}

async function main() {
  const started = Date.now();
  usePostgres(PG_URL);
  const machine = gatherMachine({ root, connections: 1, warmupSeconds: 0, durationSeconds: 0 });
  build();
  const results = [];
  for (const dialect of ['sqlite', 'postgres']) {
    if (ONLY && ONLY !== dialect) continue;
    results.push(await runDialect(dialect));
    log(`${dialect}: ${JSON.stringify(results.at(-1))}`);
  }
  const pgDescription = results.some((r) => r.dialect === 'postgres') ? await describePostgres() : undefined;
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(
    join(here, 'results', `${machine.date.replace(/[:.]/g, '-')}.json`),
    JSON.stringify({ machine, results, tookSeconds: (Date.now() - started) / 1000 }, null, 2),
  );
  writeSection(render({ ...machine, command: 'yarn bench:slo' }, results, pgDescription));
  log(`done in ${Math.round((Date.now() - started) / 1000)} s; docs/BENCHMARKS.md updated`);
}

process.on('SIGINT', () => {
  killAllSync();
  process.exit(130);
});
main()
  .catch((err) => {
    log(err.stack ?? String(err));
    process.exitCode = 1;
  })
  .finally(() => cleanup());
