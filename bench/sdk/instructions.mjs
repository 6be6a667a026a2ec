// `yarn bench:sdk:instructions`: what the stabilize middleware costs a Fastify route, counted in CPU
// instructions per request rather than timed. Each app runs under `valgrind --tool=callgrind`; after a
// warm-up (so the JIT has compiled the hot path) the counters are zeroed, a fixed number of requests is
// sent, and the instructions the app executed meanwhile are read. The count does not depend on what
// else the machine is doing, which throughput on a shared 2-core machine does. About 15 minutes.
//   BENCH_SDK_WARMUP (default 3000 requests)   BENCH_SDK_REQUESTS (default 2000)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { gatherMachine } from '../machine.mjs';
import { cleanEnv, f0, writeMarkedSection } from '../getLoad.mjs';
import { cleanup, freePort, killAllSync, stopProcess } from '../processes.mjs';
import { prepare } from './setup.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const reportFile = join(root, 'docs/BENCHMARKS.md');
const WARMUP = Number(process.env.BENCH_SDK_WARMUP ?? 3000);
const REQUESTS = Number(process.env.BENCH_SDK_REQUESTS ?? 2000);
const log = (line) => process.stderr.write(`[bench:sdk:instructions] ${line}\n`);

/** Runs one app under callgrind and answers the instructions it executed for REQUESTS requests. */
async function instructionsPerRequest(name, env) {
  const dir = mkdtempSync(join(tmpdir(), `ballast-cg-${name}-`));
  const port = await freePort();
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${join(dir, 'cg.out')}`, process.execPath, join(here, 'dist/app.js')],
    { cwd: root, env: cleanEnv({ ...env, PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let tail = '';
  child.stdout.on('data', (d) => (tail = (tail + d).slice(-4000)));
  child.stderr.on('data', (d) => (tail = (tail + d).slice(-4000)));
  const exited = new Promise((r) => child.once('exit', r));
  const url = `http://127.0.0.1:${port}/work`;
  try {
    const deadline = Date.now() + 300_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited before it was ready: ${tail}`);
      if (Date.now() > deadline) throw new Error(`${name} not ready under valgrind after 300 s: ${tail}`);
      const ok = await fetch(url).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    log(`${name}: warming up (${WARMUP} requests)`);
    await autocannon({ url, connections: 4, amount: WARMUP });
    execFileSync('callgrind_control', ['--zero', String(child.pid)], { stdio: 'ignore' });
    log(`${name}: measuring (${REQUESTS} requests)`);
    const r = await autocannon({ url, connections: 4, amount: REQUESTS });
    execFileSync('callgrind_control', ['--dump=measured', String(child.pid)], { stdio: 'ignore' });
    const answered = r['2xx'];
    if (answered !== REQUESTS) throw new Error(`${name}: ${answered} of ${REQUESTS} answered 2xx`);
    // The only dump so far is the one just taken (the one at exit comes later); one file per thread.
    const totals = readdirSync(dir)
      .filter((f) => f.startsWith('cg.out'))
      .map((f) => Number(/^(?:totals|summary): (\d+)/m.exec(readFileSync(join(dir, f), 'utf8'))?.[1] ?? NaN))
      .filter(Number.isFinite);
    if (!totals.length) throw new Error(`${name}: no callgrind dump with totals in ${dir}`);
    return totals.reduce((a, b) => a + b, 0) / REQUESTS;
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

function render(machine, rows) {
  const bare = rows.bare;
  const over = (v) => `${(((v - bare) / bare) * 100).toFixed(1)} %`;
  const line = (label, v, withOverhead = true) =>
    `| ${label} | ${f0(v)} | ${withOverhead ? over(v) : '–'} | ${withOverhead ? f0(v - bare) : '–'} |`;
  const inactive = (rows.inactive - bare) / bare;
  return `
## Stabilize middleware: instructions per request

The same Fastify route and apps as the section above, each under \`valgrind --tool=callgrind\`: after
${f0(WARMUP)} warm-up requests the counters are zeroed, then ${f0(REQUESTS)} requests (4 connections) are
sent and the instructions the app process executed meanwhile are divided by them. Everything the
process does per request counts (HTTP parsing, Fastify, the handler, the middleware, GC); Ballast's
server and the load generator are other processes. Unlike req/s, the count does not move with the
machine's other load. Rerun with \`yarn bench:sdk:instructions\` (about 15 minutes).

- command: \`${machine.command}\`
- commit: \`${machine.commit}\`${machine.dirty ? ` with ${machine.dirty} uncommitted path(s)` : ''}
- date: ${machine.date}
- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.os}; Node ${machine.node}; ${machine.valgrind}

| app | instructions per request | overhead vs bare | extra instructions per request |
| --- | ---: | ---: | ---: |
${line('bare route', bare, false)}
${line('stabilizeFastify, policy normal', rows.inactive)}
${line('stabilizeOnRequest hook, policy normal', rows.inactiveHook)}
${line('stabilizeFastify, clamp enforced above the load', rows.active)}

**Overhead while inactive (\`stabilizeFastify\`): ${(inactive * 100).toFixed(1)} %** of the route's instructions (target ≤ 5 %: ${inactive <= 0.05 ? 'met' : '**missed**'}).
`;
}

async function main() {
  const machine = {
    ...gatherMachine({ root, connections: 4, warmupSeconds: 0, durationSeconds: 0 }),
    command: 'yarn bench:sdk:instructions',
    valgrind: execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim(),
  };
  const { server, sdkEnv } = await prepare(log);
  const rows = {};
  rows.bare = await instructionsPerRequest('bare', {});
  rows.inactive = await instructionsPerRequest('inactive', sdkEnv('calm', 'wrap'));
  rows.inactiveHook = await instructionsPerRequest('inactiveHook', sdkEnv('calm', 'hook'));
  rows.active = await instructionsPerRequest('active', sdkEnv('clamped', 'wrap'));
  await stopProcess(server);
  writeMarkedSection(reportFile, 'sdk-instructions', render(machine, rows));
  log(
    Object.entries(rows)
      .map(([k, v]) => `${k} ${f0(v)}`)
      .join(', ') + ' instructions per request',
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
