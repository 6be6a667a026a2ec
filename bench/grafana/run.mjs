// `yarn bench:grafana`: the Grafana app's timeline page in Debian's chromium, on the preview host (which
// loads the built dist/ modules as Grafana does) in front of a real Ballast server on SQLite holding
// 10,000 events of one service. Measures
//   - first page: from the moment the first search answer has arrived (its resource timing responseEnd)
//     to the first frame painted with rows in it (a MutationObserver sees the rows, then the next
//     animation frame and a task after it), over fresh page loads;
//   - scrolling: the list scrolled to its end, 600 px per animation frame, loading 100-event pages as it
//     goes until all 10,000 are in; every frame's duration (requestAnimationFrame deltas).
// Writes its section of docs/BENCHMARKS.md (between the bench-grafana markers only). Not part of the tests.
//
//   BENCH_GRAFANA_EVENTS (default 10000)   BENCH_GRAFANA_LOADS (default 30)   BENCH_GRAFANA_SCROLLS (default 3)
//   BENCH_GRAFANA_REPORT=0: print the section instead of writing it (a trial run)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { gatherMachine } from '../machine.mjs';
import { api, startBallast } from '../../grafana-app/test/ballastServer.mjs';
import { startPreview } from '../../grafana-app/preview/server.mjs';
import { chromiumOptions } from '../../scripts/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const reportFile = join(root, 'docs/BENCHMARKS.md');
const EVENTS = Number(process.env.BENCH_GRAFANA_EVENTS ?? 10_000);
const LOADS = Number(process.env.BENCH_GRAFANA_LOADS ?? 30);
const SCROLLS = Number(process.env.BENCH_GRAFANA_SCROLLS ?? 3);
const APP = 'ballast-reliability-app';
const log = (line) => process.stderr.write(`[bench:grafana] ${line}\n`);

function build() {
  for (const ws of ['@ballast/server', '@ballast/grafana-app']) {
    log(`building ${ws}`);
    const b = spawnSync('yarn', ['workspace', ws, 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (b.status !== 0) throw new Error(`${ws} build failed (exit ${b.status ?? b.error?.message})`);
  }
}

/** One service's events over the 5.5 hours before `end` (inside the page's 6 h), newest last: deploys, alerts, errors, flags. */
function events(end) {
  const kinds = [
    { kind: 'error', source: 'sentry', status: 'triggered', title: (i) => `TypeError in cart total #${i}` },
    { kind: 'alert', source: 'alertmanager', status: 'triggered', title: (i) => `HighLatency p99 over 800 ms #${i}` },
    { kind: 'deploy', source: 'github', status: 'succeeded', title: (i) => `Deploy checkout 2.${i}` },
    { kind: 'flag_change', source: 'launchdarkly', status: 'enabled', title: (i) => `Flag pricing-${i % 40} on` },
  ];
  const span = 5.5 * 3_600_000;
  return Array.from({ length: EVENTS }, (_, i) => {
    const k = kinds[i % kinds.length];
    return {
      occurredAt: new Date(end - span + Math.floor(((i + 1) * span) / (EVENTS + 1))).toISOString(),
      kind: k.kind,
      status: k.status,
      source: k.source,
      service: 'checkout',
      environment: 'production',
      title: k.title(i),
      description: `Event ${i} of the benchmark`,
      links: [{ rel: 'source', url: `https://example.com/events/${i}`, text: 'source' }],
      tags: { team: 'payments', region: i % 2 ? 'eu' : 'us' },
    };
  });
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: s.at(-1), min: s[0] };
};

/** Installed before the page's own scripts: marks when the first rows reach the screen. */
const FIRST_ROWS_PROBE = () => {
  window.__firstRows = new Promise((resolve) => {
    const seen = () => document.querySelector('[data-testid="event-row"]');
    const done = () =>
      requestAnimationFrame(() => {
        const painted = performance.now();
        // The frame after the rows were inserted has been produced once this task runs.
        setTimeout(() => resolve(painted), 0);
      });
    const observer = new MutationObserver(() => {
      if (!seen()) return;
      observer.disconnect();
      done();
    });
    document.addEventListener('DOMContentLoaded', () =>
      observer.observe(document.body, { childList: true, subtree: true }),
    );
  });
};

async function firstPage(context, url) {
  const page = await context.newPage();
  await page.addInitScript(FIRST_ROWS_PROBE);
  await page.goto(url);
  const painted = await page.evaluate(() => window.__firstRows);
  const arrived = await page.evaluate(
    () =>
      performance
        .getEntriesByType('resource')
        .filter((e) => /\/api\/events\?/.test(e.name))
        .map((e) => e.responseEnd)[0],
  );
  const rows = await page.getByTestId('event-row').count();
  await page.close();
  if (arrived === undefined) throw new Error('no search request was seen');
  return { ms: painted - arrived, rows };
}

async function scroll(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId('event-row').first().waitFor();
  const result = await page.evaluate(async (total) => {
    const list = document.querySelector('[data-testid="virtual-list"]');
    const frames = [];
    const started = performance.now();
    let last = started;
    let stalled = 0;
    return new Promise((resolve) => {
      const tick = (now) => {
        frames.push(now - last);
        last = now;
        const count = Number(list.getAttribute('aria-rowcount'));
        const before = list.scrollTop;
        list.scrollTop = before + 600;
        const atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 1;
        stalled = atEnd && list.scrollTop === before ? stalled + 1 : 0;
        // Done once every event is listed and the end is reached; a minute at most.
        if ((count >= total && atEnd) || now - started > 60_000 || stalled > 600) {
          resolve({
            frames: frames.slice(1),
            count,
            ms: now - started,
            rows: document.querySelectorAll('[data-testid="event-row"]').length,
          });
          return;
        }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
  }, EVENTS);
  await page.close();
  return result;
}

function render(machine, first, scrolls, scrollFrames) {
  const f = (n, d = 1) => n.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });
  const fs = stats(first.map((r) => r.ms));
  const sf = stats(scrollFrames);
  const over = (ms) => scrollFrames.filter((x) => x > ms).length;
  const listed = Math.min(...scrolls.map((s) => s.count));
  return `
## Grafana app: timeline rendering in chromium

The timeline page of the built plugin (\`grafana-app/dist/\`, loaded by the preview host as Grafana loads it) in Debian's chromium, headless, 1,400 × 900, against a real Ballast server on SQLite holding ${f(EVENTS, 0)} events of one service over 5.5 hours. Targets: **first page rendered ≤ 150 ms after its data arrives**; frame times while scrolling through ${f(EVENTS, 0)} events reported. Rerun with \`yarn bench:grafana\` (knobs: \`BENCH_GRAFANA_EVENTS\`, \`BENCH_GRAFANA_LOADS\`, \`BENCH_GRAFANA_SCROLLS\`).

### What runs

- First page: ${LOADS} fresh page loads of \`/a/${APP}/timeline?service=checkout&from=now-6h&to=now\` (one warm-up before). Measured from the first search answer's \`responseEnd\` (resource timing) to the first frame with rows in it: a MutationObserver sees the first row, then the next animation frame (the time taken there). What is inside: parsing the answer, React rendering the page's rows, layout and paint.
- Scrolling: ${SCROLLS} × a fresh page scrolled programmatically by 600 px (15 rows) per animation frame until all ${f(EVENTS, 0)} events are listed and the end is reached; the list asks for the next 100 events as its last rows come into view, so frames include the page loads. Every frame's duration is \`requestAnimationFrame\` to \`requestAnimationFrame\` (16.7 ms at 60 Hz).

### Latest run

- command: \`yarn bench:grafana\`
- commit: \`${machine.commit}\`${machine.dirty ? ` with ${machine.dirty} uncommitted paths` : ''}
- date: ${machine.date}
- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB memory, ${machine.os}; Node ${machine.node}; ${machine.chromium}
- load average (1 / 5 / 15 min) before: ${machine.loadBefore.map((l) => l.toFixed(2)).join(' / ')}, after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}

| what | n | p50 ms | p95 ms | p99 ms | max ms | target | verdict |
| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |
| first page rendered after its data arrived (${first[0]?.rows ?? 0} rows in the DOM) | ${fs.n} | ${f(fs.p50)} | ${f(fs.p95)} | ${f(fs.p99)} | ${f(fs.max)} | ≤ 150 ms | ${fs.max <= 150 ? 'met (every load)' : fs.p95 <= 150 ? 'met at p95, max over' : '**missed**'} |
| frame time while scrolling | ${sf.n} | ${f(sf.p50)} | ${f(sf.p95)} | ${f(sf.p99)} | ${f(sf.max)} | reported | — |

Scrolling: ${scrolls.map((s) => `${f(s.ms / 1000, 1)} s`).join(', ')} to reach the end with ${f(listed, 0)} events listed and ${Math.max(...scrolls.map((s) => s.rows))} rows in the DOM at the end (the list keeps only those in view); frames longer than one 60 Hz frame (over 20 ms): ${f((100 * over(20)) / sf.n)} %, over two frames (34 ms): ${f((100 * over(34)) / sf.n)} %, over 50 ms: ${over(50)}.
`;
}

function writeSection(text) {
  const begin = '<!-- bench-grafana:begin -->';
  const end = '<!-- bench-grafana:end -->';
  const doc = readFileSync(reportFile, 'utf8');
  const block = `${begin}\n${text}\n${end}`;
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  writeFileSync(
    reportFile,
    a >= 0 && b > a ? doc.slice(0, a) + block + doc.slice(b + end.length) : `${doc.trimEnd()}\n\n${block}\n`,
  );
}

async function main() {
  const machine = gatherMachine({ root, connections: 1, warmupSeconds: 0, durationSeconds: 0 });
  build();
  const ballast = await startBallast();
  const profile = mkdtempSync(join(tmpdir(), 'ballast-bench-chromium-'));
  let preview;
  let context;
  try {
    const all = events(Date.now());
    for (let i = 0; i < all.length; i += 1000)
      await api(ballast.url, ballast.keys.admin, 'POST', '/v1/events', { events: all.slice(i, i + 1000) });
    log(`${all.length} events stored`);
    preview = await startPreview({
      ballastUrl: ballast.url,
      appKey: ballast.keys.proxy,
      dataSourceKey: ballast.keys.viewer,
      port: 0,
    });
    context = await chromium.launchPersistentContext(profile, chromiumOptions());
    machine.chromium = `Chromium ${context.browser()?.version() ?? spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout.trim()}`;
    const url = `${preview.url}/a/${APP}/timeline?service=checkout&from=now-6h&to=now`;
    await firstPage(context, url); // warm-up
    const first = [];
    for (let i = 0; i < LOADS; i++) first.push(await firstPage(context, url));
    log(`first page: ${JSON.stringify(stats(first.map((r) => r.ms)))}`);
    const scrolls = [];
    for (let i = 0; i < SCROLLS; i++) {
      scrolls.push(await scroll(context, url));
      log(
        `scroll ${i + 1}: ${scrolls.at(-1).count} listed in ${Math.round(scrolls.at(-1).ms)} ms, ${scrolls.at(-1).frames.length} frames`,
      );
    }
    const frames = scrolls.flatMap((s) => s.frames);
    mkdirSync(join(here, 'results'), { recursive: true });
    writeFileSync(
      join(here, 'results', `${machine.date.replace(/[:.]/g, '-')}.json`),
      JSON.stringify({ machine, first, scrolls: scrolls.map((s) => ({ ...s, frames: stats(s.frames) })) }, null, 2),
    );
    const section = render(machine, first, scrolls, frames);
    if (process.env.BENCH_GRAFANA_REPORT === '0') process.stdout.write(section);
    else {
      writeSection(section);
      log('docs/BENCHMARKS.md updated');
    }
  } finally {
    await context?.close();
    await preview?.close();
    await ballast.stop();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((err) => {
  log(err.stack ?? String(err));
  process.exitCode = 1;
});
