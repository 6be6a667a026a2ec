// `yarn bench:sdk`: what the stabilize middleware costs a Fastify route, in one run: the bare route,
// the route with the middleware while the policy is normal, and while a clamp far above the load is
// enforced. Each app is its own process, against a Ballast server on SQLite. About two minutes.
//   BENCH_SDK_SECONDS (default 10)   BENCH_SDK_CONNECTIONS (default 10)
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatherMachine } from '../machine.mjs';
import { cleanEnv, f0, measureGet, medianRun, pct, writeMarkedSection } from '../getLoad.mjs';
import { cleanup, freePort, killAllSync, startNode, stopProcess, waitReady } from '../processes.mjs';
import { prepare } from './setup.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const reportFile = join(root, 'docs/BENCHMARKS.md');
const SECONDS = Number(process.env.BENCH_SDK_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_SDK_CONNECTIONS ?? 10);
const WARMUP = 2;
/** Rows are measured in turns, this many rounds, and the median round reported: runs on a shared machine vary by a fifth. */
const ROUNDS = Number(process.env.BENCH_SDK_ROUNDS ?? 3);
const LOAD = { connections: CONNECTIONS, warmupSeconds: WARMUP, seconds: SECONDS };
const log = (line) => process.stderr.write(`[bench:sdk] ${line}\n`);

async function startApp(env) {
  const port = await freePort();
  const proc = startNode(join(here, 'dist/app.js'), { cwd: root, env: cleanEnv({ ...env, PORT: String(port) }) });
  await waitReady(proc, `http://127.0.0.1:${port}/work`);
  return { proc, url: `http://127.0.0.1:${port}/work` };
}

function render(machine, rows) {
  const overhead = (r) => `${((1 - r.reqPerSec / rows.bare.reqPerSec) * 100).toFixed(1)} %`;
  const line = (name, r, withOverhead = true) =>
    `| ${name} | ${f0(r.reqPerSec)} | ${r.rounds.map(f0).join(' / ')} | ${withOverhead ? overhead(r) : '–'} | ${r.p50} / ${r.p99} | ${f0(r.unanswered)} | ${pct(r.cpu)} | ${pct(r.machineBusy)} |`;
  const inactive = 1 - rows.inactive.reqPerSec / rows.bare.reqPerSec;
  return `
## Stabilize middleware: what it costs a route

A Fastify route (\`GET /work\`, a small JSON body) in its own process, bare and with
\`@ballast/stabilize\` (\`stabilizeFastify\`, which wraps route handlers, and the \`stabilizeOnRequest\`
hook), the policy client following a Ballast server on SQLite: while the scope runs normally, and while
a clamp of 1,000,000 req/s (far above the load) is enforced, so every request goes through the token
bucket. One run, the rows in turns. Rerun with
\`yarn bench:sdk\` (about two minutes); \`BENCH_SDK_SECONDS\` (default 10), \`BENCH_SDK_CONNECTIONS\` (default 10).

- command: \`${machine.command}\`
- commit: \`${machine.commit}\`${machine.dirty ? ` with ${machine.dirty} uncommitted path(s)` : ''}
- date: ${machine.date}
- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB memory, ${machine.os}; Node ${machine.node}; autocannon ${machine.autocannon}
- load average before the run: ${machine.loadBefore.map((n) => n.toFixed(2)).join(' / ')}, after: ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ')}
- load: autocannon, ${CONNECTIONS} connections, ${WARMUP} s warm-up then ${SECONDS} s measured per row, the rows in turns for ${ROUNDS} rounds (\`BENCH_SDK_ROUNDS\`), the median round reported; client and app share the machine's cores

| app | req/s (median round) | each round | overhead vs bare | latency p50 / p99 ms | non-2xx | app CPU (1 core = 100 %) | machine busy |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${line('bare route', rows.bare, false)}
${line('stabilizeFastify, policy normal', rows.inactive)}
${line('stabilizeOnRequest hook, policy normal', rows.inactiveHook)}
${line('stabilizeFastify, clamp enforced above the load', rows.active)}

**Overhead while inactive (\`stabilizeFastify\`): ${(inactive * 100).toFixed(1)} %** (target ≤ 5 %: ${inactive <= 0.05 ? 'met' : '**missed**'}).
`;
}

async function main() {
  const machine = {
    ...gatherMachine({ root, connections: CONNECTIONS, warmupSeconds: WARMUP, durationSeconds: SECONDS }),
    command: 'yarn bench:sdk',
  };
  const { server, sdkEnv } = await prepare(log);

  // All the apps run side by side (an idle one costs nothing) and are measured in turns.
  const apps = {
    bare: await startApp({}),
    inactive: await startApp(sdkEnv('calm', 'wrap')),
    inactiveHook: await startApp(sdkEnv('calm', 'hook')),
    active: await startApp(sdkEnv('clamped', 'wrap')),
  };
  const runs = Object.fromEntries(Object.keys(apps).map((k) => [k, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, app] of Object.entries(apps)) {
      log(`round ${round}: ${name}`);
      runs[name].push(await measureGet({ url: app.url, pid: app.proc.pid, ...LOAD }));
    }
  }
  for (const app of Object.values(apps)) await stopProcess(app.proc);
  const rows = Object.fromEntries(
    Object.entries(runs).map(([k, v]) => [k, { ...medianRun(v), rounds: v.map((r) => Math.round(r.reqPerSec)) }]),
  );
  await stopProcess(server);

  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(
    join(here, 'results', `${machine.date.replace(/[:.]/g, '-')}.json`),
    JSON.stringify({ machine, runs, rows }, null, 2),
  );
  writeMarkedSection(reportFile, 'sdk', render(machine, rows));
  log(
    `bare ${f0(rows.bare.reqPerSec)}, inactive ${f0(rows.inactive.reqPerSec)} (hook ${f0(rows.inactiveHook.reqPerSec)}), active ${f0(rows.active.reqPerSec)} req/s`,
  );
}

process.on('SIGINT', () => {
  killAllSync();
  process.exit(130);
});
main()
  .catch((err) => {
    log(`failed: ${err.stack ?? err}`);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
